/**
 * `npm start` as a newcomer runs it, through npm itself: it never uses a database it did not
 * start, every way of stopping it also stops DynamoDB Local, and it listens on loopback only.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, isPortFree } from '../../lib/tools/local/dynamodb';

jest.setTimeout(120_000);

interface Started {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `npm start` (npm's own pid is `npm.pid`); resolves when it is listening or has exited. */
function npmStart(env: Record<string, string | undefined>): Promise<Started> {
  const npmCli = process.env.npm_execpath;
  const command = npmCli && /\.c?js$/.test(npmCli) ? process.execPath : 'npm';
  const args = command === 'npm' ? ['start'] : [npmCli as string, 'start'];
  const childEnv: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'WARN', DYNAMODB_ENDPOINT: '', ...env };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  const npm = spawn(command, args, { env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C')) resolve({ npm, output: () => output, exited });
    };
    npm.stdout?.on('data', onData);
    npm.stderr?.on('data', onData);
    void exited.then(() => resolve({ npm, output: () => output, exited }));
  });
}

async function portsFreed(ports: number[], withinMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if ((await Promise.all(ports.map((port) => isPortFree(port)))).every(Boolean)) return true;
    await sleep(200);
  }
  return false;
}

/** The pid of npm's child (with `exec` in the script, the node process serving the API). */
async function childOf(pid: number): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim();
  return Number(out.split(/\s+/)[0]);
}

async function login(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/user/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'john.doe', password: 'SecurePass123!' }) });
  return response.status;
}

const dataDirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  dataDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/** Something else on a port, answering like a DynamoDB would. */
async function squatter(port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' });
    res.end('{"TableNames":[]}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

describe('npm start', () => {
  test('listens on 127.0.0.1 only, DynamoDB Local included; stops both when npm itself gets SIGTERM; keeps the data private', async () => {
    const [port, dynamoPort] = [await freePort(), await freePort()];
    const dir = dataDir();
    const started = await npmStart({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), DYNAMODB_DATA_DIR: dir, TABLE_PREFIX: 'e2e-npm' });
    expect(started.output()).toContain(`listening on http://127.0.0.1:${port}`);
    expect(started.output()).toContain(`DynamoDB: http://127.0.0.1:${dynamoPort} (embedded DynamoDB Local, listening on 127.0.0.1`);
    expect(await login(port)).toBe(200);
    // From this machine's network address (when it has one), neither port answers.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    if (external) {
      for (const target of [port, dynamoPort]) expect(`${target}: ${await connectOutcome(external, target)}`).toBe(`${target}: ECONNREFUSED`);
    }

    process.kill(started.npm.pid as number, 'SIGTERM');

    expect(await portsFreed([port, dynamoPort])).toBe(true);
    await started.exited;
    expect(statSync(dir).mode & 0o077).toBe(0);
    for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).mode & 0o077).toBe(0);
  });

  test('stops on SIGINT to npm (Ctrl-C), and DynamoDB Local goes when the server is SIGKILLed', async () => {
    const [port, dynamoPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), DYNAMODB_PORT: String(dynamoPort), DYNAMODB_DATA_DIR: dataDir(), TABLE_PREFIX: 'e2e-npm' };
    const first = await npmStart(env);
    expect(first.output()).toContain('Press Ctrl-C');
    process.kill(first.npm.pid as number, 'SIGINT');
    expect(await portsFreed([port, dynamoPort])).toBe(true);
    await first.exited;

    const second = await npmStart(env);
    expect(second.output()).toContain('Press Ctrl-C');
    process.kill(await childOf(second.npm.pid as number), 'SIGKILL');
    expect(await portsFreed([port, dynamoPort])).toBe(true);
    await second.exited;
  });

  test('refuses to start when DYNAMODB_PORT is taken by another process, naming the port', async () => {
    const [port, dynamoPort] = [await freePort(), await freePort()];
    const other = await squatter(dynamoPort);
    try {
      const started = await npmStart({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), DYNAMODB_DATA_DIR: dataDir(), TABLE_PREFIX: 'e2e-npm' });

      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(`DYNAMODB_PORT ${dynamoPort} is already in use`);
      expect(started.output()).not.toContain('listening on');
      expect(await isPortFree(port)).toBe(true);
    } finally {
      other.close();
    }
  });

  test('refuses to start when PORT is taken, naming that port (EADDRINUSE) and nothing about DynamoDB Local dying', async () => {
    const [port, dynamoPort] = [await freePort(), await freePort()];
    const other = await squatter(port, '127.0.0.1');
    try {
      const started = await npmStart({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), DYNAMODB_DATA_DIR: dataDir(), TABLE_PREFIX: 'e2e-npm' });

      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(`npm start failed: PORT ${port} is already in use by another process (EADDRINUSE)`);
      expect(started.output()).not.toMatch(/exited unexpectedly|port 8000/);
      expect(await isPortFree(dynamoPort)).toBe(true);
    } finally {
      other.close();
    }
  });

  test('refuses to start on a bad setting, naming the variable', async () => {
    const start = spawn(process.execPath, ['--import', 'tsx', 'lib/tools/local/start.ts'], {
      env: { ...process.env, PORT: String(await freePort()), BCRYPT_COST: '99', TABLE_PREFIX: 'e2e-npm-config' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => start.once('exit', resolve));

    expect(code).toBe(1);
    expect(output).toMatch(/npm start failed: BCRYPT_COST must be between \d+ and 15, got 99/);
    expect(output).not.toContain('listening on');
  });

  test('picks a free port for DynamoDB Local when DYNAMODB_PORT is not set and 8000 is taken', async () => {
    const port = await freePort();
    // 8000 may already be someone else's: taken either way.
    const other = await squatter(8000).catch(() => undefined);
    try {
      const started = await npmStart({ PORT: String(port), DYNAMODB_PORT: undefined, DYNAMODB_DATA_DIR: dataDir(), TABLE_PREFIX: 'e2e-npm' });
      try {
        expect(started.output()).toContain('port 8000 is already in use');
        const dynamoPort = Number(/DynamoDB: http:\/\/127\.0\.0\.1:(\d+) \(embedded/.exec(started.output())?.[1]);
        expect(dynamoPort).not.toBe(8000);
        expect(await login(port)).toBe(200);
      } finally {
        process.kill(started.npm.pid as number, 'SIGTERM');
        await started.exited;
      }
    } finally {
      other?.close();
    }
  });
});
