/** `npm start`'s entry point in a child process, for the e2e tests that run it as a newcomer would. */
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts it with the given environment; resolves once it is listening, with everything it printed so far. */
export function startService(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/tools/local/start.ts'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C')) resolve({ child, output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

/** Its exit code once it has exited. */
export function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

/**
 * The demo user in a database `npm start` is pointed at with DYNAMODB_ENDPOINT (where it never
 * creates one itself): the tables under `tablePrefix` and john.doe, as an operator would add them.
 */
export async function givenDemoUser(endpoint: string, tablePrefix: string): Promise<void> {
  const { loadConfig } = await import('../../lib/config');
  const { createDocumentClient } = await import('../../lib/data/client');
  const { ensureTables } = await import('../../lib/data/bootstrap');
  const { UserRepository } = await import('../../lib/data/userRepository');
  const { createUser } = await import('../../lib/services/userService');
  const { DEMO_USER } = await import('../../lib/tools/local/start');
  const { tables } = loadConfig({ ...process.env, TABLE_PREFIX: tablePrefix });
  const client = createDocumentClient({ endpoint });
  try {
    await ensureTables(client, tables);
    await createUser(new UserRepository(client, tables.users), DEMO_USER);
  } finally {
    client.destroy();
  }
}
