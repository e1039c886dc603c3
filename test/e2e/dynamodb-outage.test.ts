/**
 * DynamoDB goes away in the middle of a run: `npm start`'s entry point, in its own Node process,
 * against a DynamoDB Local this test starts, stops and starts again on the same port (with its data
 * on disk, so the restart is the same database). While it is down every route answers 503 with
 * Retry-After within seconds; once it is back, everything works again and nothing was half-written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLocalKeys } from '../../lib/auth/keys';
import { freePort, startDynamoDbLocal, type RunningDynamoDb } from '../../lib/tools/local/dynamodb';
import { givenDemoUser } from '../helpers/npmStart';

const PROMPT_MS = 5000;

let database: RunningDynamoDb;
let service: ChildProcess;
let output = '';
let baseUrl: string;
const dataDir = mkdtempSync(join(tmpdir(), 'auth-outage-'));

function startService(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/tools/local/start.ts'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

async function call(method: string, path: string, options: { body?: unknown; jwt?: string } = {}) {
  const start = performance.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(options.jwt ? { Authorization: `Bearer ${options.jwt}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown, text, ms: performance.now() - start };
}

const login = () => call('POST', '/user/login', { body: { username: 'john.doe', password: 'SecurePass123!' } });

beforeAll(async () => {
  const [dynamoPort, port] = [await freePort(), await freePort()];
  database = await startDynamoDbLocal({ port: dynamoPort, dataDir });
  await givenDemoUser(database.endpoint, 'outage');
  service = await startService({
    PORT: String(port),
    DYNAMODB_ENDPOINT: database.endpoint,
    TABLE_PREFIX: 'outage',
    LOCAL_AUTH_KEYS: JSON.stringify(generateLocalKeys()),
  });
  baseUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  service?.kill('SIGTERM');
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('answers 503 with Retry-After on every route while DynamoDB Local is stopped, and recovers when it is back', async () => {
  const session = await login();
  expect(session.status).toBe(200);
  const jwt = (session.json as { Token: string }).Token;
  const kept = await call('POST', '/authheader/add', { jwt, body: { name: 'before-the-outage' } });
  expect(kept.status).toBe(200);
  const keptToken = (kept.json as { token: string }).token;

  await database.stop();

  const duringOutage = [
    await login(),
    await call('POST', '/authheader/add', { jwt, body: { name: 'during-the-outage' } }),
    await call('GET', '/authheader/list', { jwt }),
    await call('POST', '/authheader/delete', { jwt, body: { text: keptToken } }),
  ];
  for (const response of duringOutage) {
    expect({ status: response.status, body: response.json }).toEqual({ status: 503, body: { message: expect.any(String) } });
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.ms).toBeLessThan(PROMPT_MS);
  }
  // An operator sees which dependency failed and how.
  expect(output).toMatch(/"message":"dependency unavailable".*"dependency":"dynamodb"/);

  database = await startDynamoDbLocal({ port: database.port, dataDir });

  expect((await login()).status).toBe(200);
  const listed = await call('GET', '/authheader/list', { jwt });
  expect(listed.status).toBe(200);
  // The add attempted during the outage left nothing behind; the delete removed nothing.
  expect((listed.json as { name: string }[]).map((header) => header.name)).toEqual(['before-the-outage']);
  expect((await call('POST', '/authheader/delete', { jwt, body: { text: keptToken } })).status).toBe(200);
}, 180_000);
