/**
 * `npm run dynamodb`: DynamoDB Local alone (same port, address and data folder as `npm start`'s
 * embedded one), for running the API with DYNAMODB_ENDPOINT, the AWS CLI, NoSQL Workbench or SAM
 * against it. Stops like `npm start` does.
 */
import { commandLine } from '../commandLine';
import { onShutdown, startEmbedded } from './start';
import { localSettings } from './settings';

const USAGE = `Usage: npm run dynamodb [-- --help]

Starts DynamoDB Local alone, where npm start would (127.0.0.1:8000, data in .data/dynamodb), for
DYNAMODB_ENDPOINT=... npm start, the AWS CLI, NoSQL Workbench or SAM. Stops on Ctrl-C.

It takes no options; the environment sets it up: DYNAMODB_PORT, DYNAMODB_HOST, DYNAMODB_DATA_DIR.`;

async function main(): Promise<void> {
  commandLine(USAGE, {});
  const settings = localSettings(process.env);
  if (settings.dynamoDb.endpoint) throw new Error('DYNAMODB_ENDPOINT is set: a database is already running there, so there is nothing to start');
  let stopping = false;
  const warn = (message: string) => console.warn(`WARNING: ${message}`);
  const database = await startEmbedded(settings, warn);
  onShutdown(async (reason) => {
    stopping = true;
    console.log(`\n${reason}: stopping`);
    await database.stop();
    return 0;
  });
  void database.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`DynamoDB Local exited unexpectedly (${signal ?? `code ${code}`}).`);
    process.exit(1);
  });
  console.log(`DynamoDB Local on ${database.endpoint} (listening on ${database.host ?? 'every address'}, data in ${settings.dynamoDb.dataDir})`);
  console.log(`Use it with:\n  DYNAMODB_ENDPOINT=${database.endpoint} npm start`);
  console.log(`  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb list-tables --endpoint-url ${database.endpoint} --region us-east-1`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(`npm run dynamodb failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
