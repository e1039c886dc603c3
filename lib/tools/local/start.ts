/**
 * `npm start`: DynamoDB Local (embedded, data under .data/) or DYNAMODB_ENDPOINT, the tables, the
 * reference's demo user, then the API on http://127.0.0.1:PORT.
 *
 * It stops, DynamoDB Local included, on Ctrl-C, on SIGINT/SIGTERM/SIGHUP (npm's script is an
 * `exec`, so npm's child is this process and npm forwards them here), when npm itself dies (the
 * parent changes), and when DynamoDB Local dies. DynamoDB Local exits on its own if this process
 * is killed outright (see dynamodb.ts).
 */
import type { Server } from 'node:http';
import { commandLine } from '../commandLine';
import { isLoopback, localSettings, type LocalSettings } from './settings';
import { isPortFree, PortInUseError, startDynamoDbLocal, type RunningDynamoDb, waitForDynamoDb } from './dynamodb';

export const DEMO_USER = {
  username: 'john.doe',
  password: 'SecurePass123!',
  email: 'john.doe@example.com',
  firstname: 'John',
  lastname: 'Doe',
};

/**
 * Whether npm start creates the demo user, and the banner line saying so. Only in a database it
 * started itself and whose tables it has just created (a fresh one): never in one named by
 * DYNAMODB_ENDPOINT, and never again after someone deleted it (docs/security.md asks for that
 * before exposing the server).
 */
function demoUserPlan(database: { embedded: boolean; createdUsersTable: boolean }): { create: boolean; banner: string } {
  const { username, password } = DEMO_USER;
  if (!database.embedded) {
    return { create: false, banner: `Demo user: none (DYNAMODB_ENDPOINT names a database npm start did not create; add users with npm run admin -- user create).` };
  }
  if (!database.createdUsersTable) {
    return { create: false, banner: 'Demo user: not created (the tables already existed; npm start adds it only to a fresh database).' };
  }
  return { create: true, banner: `Demo user: created ${username} / ${password} (a fresh database).` };
}

/** Ends the process once, whatever asked first. */
export function onShutdown(stopAll: (reason: string) => Promise<number>): void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    void stopAll(reason).then(
      (code) => process.exit(code),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // npm killed outright (no signal to forward): this process is re-parented.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('parent process gone');
  }, 500).unref();
}

/** Starts the embedded DynamoDB Local where the settings say, or explains why it cannot. */
export async function startEmbedded(settings: LocalSettings, warn: (message: string) => void): Promise<RunningDynamoDb> {
  const { port, portWasSet, host, dataDir } = settings.dynamoDb;
  try {
    return await startDynamoDbLocal({ port, dataDir, host, warn });
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    if (portWasSet) {
      throw new Error(
        `DYNAMODB_PORT ${port} is already in use by another process, and npm start never uses a database it did not start. ` +
          `Stop that process, choose another DYNAMODB_PORT, or set DYNAMODB_ENDPOINT=http://127.0.0.1:${port} to use that database on purpose.`,
      );
    }
    const { freePort } = await import('./dynamodb');
    const other = await freePort();
    warn(`port ${port} is already in use by another process; DynamoDB Local starts on port ${other} instead (set DYNAMODB_PORT to choose).`);
    return startDynamoDbLocal({ port: other, dataDir, host, warn });
  }
}

const START_USAGE = `Usage: npm start [-- --help]

Starts the API on http://127.0.0.1:3000 with its own DynamoDB Local (data in .data/dynamodb), the
tables, and - in a fresh database only - the demo user john.doe. Stops on Ctrl-C.

It takes no options; the environment sets it up (docs/local-development.md):
  PORT, HOST                     the API's port (3000) and bind address (127.0.0.1)
  DYNAMODB_PORT, DYNAMODB_HOST   the embedded DynamoDB Local's port (8000) and address (127.0.0.1)
  DYNAMODB_DATA_DIR              its data folder (.data/dynamodb)
  DYNAMODB_ENDPOINT              use that database instead of starting one (no demo user there)
  TABLE_PREFIX, BCRYPT_COST, ... the service's own settings (docs/configuration.md or README)`;

async function main(): Promise<void> {
  commandLine(START_USAGE, {});
  const settings = localSettings(process.env);
  const warn = (message: string) => console.warn(`WARNING: ${message}`);
  let database: RunningDynamoDb | undefined;
  let server: Server | undefined;
  let stopping = false;

  onShutdown(async (reason) => {
    stopping = true;
    console.log(`\n${reason}: stopping`);
    await new Promise((resolveClose) => (server ? server.close(resolveClose) : resolveClose(undefined)));
    await database?.stop();
    return 0;
  });

  // Checked first, so a busy API port is reported as itself, before any database is started.
  if (!(await isPortFree(settings.port, settings.host))) throw apiPortInUse(settings.port);

  if (settings.dynamoDb.endpoint) {
    await waitForDynamoDb(settings.dynamoDb.endpoint, 10_000);
  } else {
    database = await startEmbedded(settings, warn);
    // The handlers read this at import time (lib/config.ts), so it is set before they load.
    process.env.DYNAMODB_ENDPOINT = database.endpoint;
    const embedded = database;
    void embedded.exited.then(({ code, signal }) => {
      if (stopping) return;
      console.error(`DynamoDB Local exited unexpectedly (${signal ?? `code ${code}`}); stopping.`);
      server?.close();
      process.exit(1);
    });
  }

  // Metrics are CloudWatch EMF lines: in a terminal they are noise (POWERTOOLS_METRICS_DISABLED=false shows them).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  try {
    const { config } = await import('../../config');
    const { documentClient } = await import('../../data/client');
    const { ensureTables } = await import('../../data/bootstrap');
    const { users } = await import('../../data/repositories');
    const { createUser } = await import('../../services/userService');
    const { createLocalServer } = await import('./server');

    const created = await ensureTables(documentClient, config.tables);
    for (const name of created) console.log(`created table ${name}`);
    const demoUser = demoUserPlan({ embedded: database !== undefined, createdUsersTable: created.includes(config.tables.users) });
    if (demoUser.create) await createUser(users, DEMO_USER);
    const listening = createLocalServer({ host: settings.host });
    await new Promise<void>((resolveListen, reject) => {
      listening.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? apiPortInUse(settings.port) : error));
      listening.listen(settings.port, settings.host, resolveListen);
    });
    server = listening;
    const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`;
    if (database) {
      const where = settings.dynamoDb.dataDir ? `data in ${settings.dynamoDb.dataDir}` : 'in memory';
      const exposure = database.host === undefined ? 'every address' : database.host;
      console.log(`DynamoDB: ${database.endpoint} (embedded DynamoDB Local, listening on ${exposure}, ${where})`);
    } else {
      console.log(`DynamoDB: ${settings.dynamoDb.endpoint} (DYNAMODB_ENDPOINT)`);
    }
    console.log(`Auth service listening on ${url} (API reference: ${url}/docs)`);
    console.log(demoUser.banner);
    // It may be there from an earlier fresh start (data kept in .data/): the hints follow what is there.
    const demoUserExists = demoUser.create || (await users.findByUsername(DEMO_USER.username)) !== undefined;
    if (!demoUserExists) {
      // Nothing to try with the published password.
    } else if (isLoopback(settings.host)) {
      // Only this machine can reach it: printing the demo password helps and exposes nothing new.
      console.log(`Try:\n  npm run demo\nor:\n  curl -s -X POST ${url}/user/login -H 'Content-Type: application/json' -d '{"username":"${DEMO_USER.username}","password":"${DEMO_USER.password}"}'`);
    } else {
      warn(
        `HOST=${settings.host}: the API is reachable from other machines, and so is the demo user ${DEMO_USER.username}, ` +
          'whose password is published in README.md. Delete it (npm run admin -- user delete --username john.doe) or bind to 127.0.0.1.',
      );
    }
    console.log('Press Ctrl-C to stop.');
  } catch (error) {
    // An intended stop: the watcher above must not report it as DynamoDB Local dying.
    stopping = true;
    await database?.stop();
    throw error;
  }
}

function apiPortInUse(port: number): Error {
  return new Error(`PORT ${port} is already in use by another process (EADDRINUSE): stop it, or choose another port, e.g. PORT=${port + 1} npm start`);
}

// Run when executed directly (npm start), not when imported by tests or other tools.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch(async (error: unknown) => {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
