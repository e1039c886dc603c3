/**
 * `npm start`: DynamoDB Local (embedded, data under .data/) or DYNAMODB_ENDPOINT, the table, the
 * reference's demo user, then the API on http://localhost:PORT. Ctrl-C stops everything.
 */
import { startDynamoDbLocal, type RunningDynamoDb, waitForDynamoDb } from './dynamodb';

const DEMO_USER = {
  username: 'john.doe',
  password: 'SecurePass123!',
  email: 'john.doe@example.com',
  firstname: 'John',
  lastname: 'Doe',
};

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port (1-65535), got "${raw}"`);
  return port;
}

async function main(): Promise<void> {
  const port = portFromEnv('PORT', 3000);
  const dataDir = process.env.DYNAMODB_DATA_DIR || '.data/dynamodb';
  let database: RunningDynamoDb | undefined;
  if (process.env.DYNAMODB_ENDPOINT) {
    await waitForDynamoDb(process.env.DYNAMODB_ENDPOINT, 10_000);
  } else {
    const dynamoPort = portFromEnv('DYNAMODB_PORT', 8000);
    database = await startDynamoDbLocal({ port: dynamoPort, dataDir });
    // The handlers read this at import time (lib/config.ts), so it is set before they load.
    process.env.DYNAMODB_ENDPOINT = database.endpoint;
  }

  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping`);
    await database?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  // Metrics are CloudWatch EMF lines: in a terminal they are noise (POWERTOOLS_METRICS_DISABLED=false shows them).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  try {
    const { config } = await import('../../config');
    const { documentClient } = await import('../../data/client');
    const { ensureTables } = await import('../../data/bootstrap');
    const { users } = await import('../../data/repositories');
    const { createUser } = await import('../../services/userService');
    const { createLocalServer } = await import('./server');

    for (const name of await ensureTables(documentClient, config.tables)) console.log(`created table ${name}`);
    if (!(await users.findByUsername(DEMO_USER.username))) {
      await createUser(users, DEMO_USER);
      console.log(`created demo user ${DEMO_USER.username} / ${DEMO_USER.password}`);
    }
    const server = createLocalServer();
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, resolveListen);
    });
    const url = `http://localhost:${port}`;
    const embedded = database ? ` (embedded DynamoDB Local, data in ${dataDir})` : '';
    console.log(`DynamoDB: ${process.env.DYNAMODB_ENDPOINT}${embedded}`);
    console.log(`Auth service listening on ${url}`);
    console.log(`Try:\n  curl -s -X POST ${url}/user/login -H 'Content-Type: application/json' -d '{"username":"${DEMO_USER.username}","password":"${DEMO_USER.password}"}'`);
    console.log('Press Ctrl-C to stop.');
  } catch (error) {
    await database?.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
