/**
 * `npm run bench [-- --out <path>] [--quick] [--variants] [--only <section,...>]`: starts its own in-memory DynamoDB Local
 * on a free port, points the service at it, runs every section and prints the table; the same
 * numbers go to .data/bench.json (or --out). Not part of `npm test`; takes about 4 minutes.
 * `--quick` is a smoke run with few samples; `--variants` runs only the cold-start exploration of
 * bundling settings (ESM/CJS, minify, splitting, source maps); `--only login,throughput` runs just
 * those sections (names as in the progress lines; the bcrypt trade-off is `bcrypt`).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLocalKeys } from '../lib/auth/localKeys';
import { freePort, startDynamoDbLocal } from '../lib/tools/local/dynamodb';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.data/bench.json' },
    quick: { type: 'boolean', default: false },
    variants: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`run the benchmark with Node 24 (npm run bench uses the node@24 devDependency); got ${process.version}`);
  // lib/config.ts reads these at import, so they are settled before anything imports it.
  process.env.TABLE_PREFIX = `bench-${randomBytes(4).toString('hex')}`;
  for (const name of ['USERS_TABLE', 'AUTH_HEADERS_TABLE', 'LOGIN_THROTTLE_TABLE', 'SESSIONS_TABLE', 'CORS_ORIGINS']) delete process.env[name];
  process.env.LOCAL_AUTH_KEYS = JSON.stringify(generateLocalKeys());
  // Every authorizer figure is a cache miss (the worst case); the scaling section holds 200 keys.
  process.env.AUTHORIZER_CACHE_SECONDS = '0';
  process.env.MAX_AUTH_HEADERS_PER_USER = '1000';
  process.env.AWS_REGION ??= 'us-east-1';
  // Failures are counted and reported by the sections; a log line per failed request would bury the table.
  process.env.LOG_LEVEL ??= 'SILENT';
  const database = await startDynamoDbLocal({ port: await freePort() });
  process.env.DYNAMODB_ENDPOINT = database.endpoint;
  try {
    const { runBenchmark } = await import('./bench');
    await runBenchmark({
      out: resolve(values.out as string),
      quick: Boolean(values.quick),
      variants: Boolean(values.variants),
      only: values.only ? String(values.only).split(',').map((name) => name.trim()) : undefined,
    });
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
