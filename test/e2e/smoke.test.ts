/**
 * `npm run smoke` (lib/tools/smoke/cli.ts): the contract end to end against `npm start`, as a
 * throwaway user it creates and always deletes; non-zero against a URL that does not answer or a
 * service that fails a step; usage and exit 2 for a wrong command line.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config } from '../../lib/config';
import { freePort } from '../../lib/tools/local/dynamodb';
import { runSmoke } from '../../lib/tools/smoke/cli';
import { scanTable, useTestTables } from '../helpers/db';
import { startService, stopped } from '../helpers/npmStart';
import { documentClient } from '../../lib/data/client';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';

jest.setTimeout(120_000);
useTestTables();

const SERVICE_PREFIX = `${process.env.TABLE_PREFIX}-smoke`;

/** `npm run smoke -- ...args` as a child process (the script's command), with the service's database. */
function smoke(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/tools/smoke/cli.ts', ...args], {
    env: { ...process.env, DYNAMODB_ENDPOINT: config.dynamoDbEndpoint as string, TABLE_PREFIX: SERVICE_PREFIX, LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

async function itemsOf(prefix: string, suffix: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient.send(new ScanCommand({ TableName: `${prefix}-${suffix}`, ConsistentRead: true }));
  return Items ?? [];
}

describe('npm run smoke against npm start', () => {
  let service: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    ({ child: service } = await startService({ PORT: String(port), DYNAMODB_ENDPOINT: config.dynamoDbEndpoint as string, TABLE_PREFIX: SERVICE_PREFIX }));
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    service.kill('SIGINT');
    await stopped(service);
  });

  test('passes every step, one line each, and leaves no user or key behind', async () => {
    const usersBefore = (await itemsOf(SERVICE_PREFIX, 'users')).length;

    const { code, output } = await smoke(['--url', url]);

    expect(output).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
    const lines = output.trim().split('\n');
    // The reachability check, the user's creation, 17 contract steps (roll and two revokes among them) and the cleanup.
    expect(lines.filter((line) => line.startsWith('ok    '))).toHaveLength(20);
    for (const step of ['POST /user/login →', 'GET /user/me with the key', 'GET /user/me with the JWT', 'POST /user/refresh →', 'POST /authheader/roll', "POST /authheader/revoke of the key's token", 'POST /authheader/delete →', 'POST /authheader/revoke', 'POST /user/logout', 'delete throwaway user']) {
      expect(lines.some((line) => line.startsWith('ok') && line.includes(step))).toBe(true);
    }
    expect(lines.at(-1)).toBe('smoke: every step passed');
    const users = await itemsOf(SERVICE_PREFIX, 'users');
    expect(users.filter((user) => String(user.username).startsWith('smoke-'))).toEqual([]);
    expect(users).toHaveLength(usersBefore);
    const userIds = new Set(users.map((user) => user.id));
    expect((await itemsOf(SERVICE_PREFIX, 'auth-headers')).filter((item) => !userIds.has(item.userId) && String(item.pk).startsWith('TOKEN#'))).toEqual([]);
  });

  test('exits 1 against a URL that does not answer, having created nothing', async () => {
    const closedPort = await freePort();
    const usersBefore = (await itemsOf(SERVICE_PREFIX, 'users')).length;

    const { code, output } = await smoke(['--url', `http://127.0.0.1:${closedPort}`]);

    expect(code).toBe(1);
    expect(output).toMatch(/^FAIL {2}the API at .* answers/m);
    expect(output).toContain('nothing was created');
    expect(await itemsOf(SERVICE_PREFIX, 'users')).toHaveLength(usersBefore);
  });

  test.each([
    [['--help'], 0, /^Usage: npm run smoke/],
    [['--url', 'http://127.0.0.1:1', '--bogus'], 2, /error: .*bogus[\s\S]*Usage: npm run smoke/],
    [[], 2, /error: missing --url[\s\S]*Usage/],
    [['--url', 'not a url'], 2, /--url must be an http\(s\) URL/],
  ])('%j → exit %d with the usage', async (args, exitCode, pattern) => {
    const { code, output } = await smoke(args as string[]);
    expect(code).toBe(exitCode);
    expect(output).toMatch(pattern);
  });
});

describe('a service that fails a step', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Answers every request 404 JSON: reachable, but login never succeeds.
    server = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not found"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('exits 1, prints the failing steps, and still deletes its user', async () => {
    const lines: string[] = [];

    const code = await runSmoke(['--url', url], { out: (line) => lines.push(line), err: (line) => lines.push(line) });

    expect(code).toBe(1);
    expect(lines.some((line) => line.startsWith('FAIL  POST /user/login → 200'))).toBe(true);
    expect(lines.some((line) => line.startsWith('ok    delete throwaway user'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^smoke: \d+ step\(s\) failed$/);
    expect((await scanTable('users')).filter((user) => String(user.username).startsWith('smoke-'))).toEqual([]);
  });
});
