/** Starts one in-memory DynamoDB Local for the whole test run; each test file uses its own table. */
import { freePort, startDynamoDbLocal, type RunningDynamoDb } from '../../lib/tools/local/dynamodb';

declare global {
  // eslint-disable-next-line no-var
  var __DYNAMODB__: RunningDynamoDb | undefined;
}

export default async function globalSetup(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) throw new Error(`tests need Node.js 22+ (the node@24 devDependency provides it under npm test); got ${process.version}`);
  const database = await startDynamoDbLocal({ port: await freePort() });
  globalThis.__DYNAMODB__ = database;
  // Inherited by the test workers, which jest starts after this.
  process.env.DYNAMODB_ENDPOINT = database.endpoint;
}
