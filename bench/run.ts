/**
 * `npm run bench [-- --out <path>] [--quick] [--variants] [--only <section,...>]`: starts its own in-memory DynamoDB Local
 * on a free port, points the service at it, runs every section and prints the table; the same
 * numbers go to .data/bench.json (or --out). Not part of `npm test`; takes about 6–7 minutes on 2 cores.
 * `--quick` is a smoke run with few samples; `--variants` runs only the cold-start exploration of
 * bundling settings (ESM/CJS, minify, splitting, source maps); `--only login,throughput` runs just
 * those sections (names as in the progress lines; the bcrypt trade-off is `bcrypt`).
 */
import { resolve } from 'node:path';
import { prepareBenchEnvironment } from './environment';
import { commandLine, UsageError } from '../lib/tools/commandLine';
import { freePort, startDynamoDbLocal } from '../lib/tools/local/dynamodb';

const SECTIONS = ['login', 'authHeaderRoutes', 'sessionRoutes', 'middleware', 'coldStart', 'throughput', 'authorizer', 'scaling', 'bcrypt'] as const;

const USAGE = `Usage: npm run bench [-- --quick] [--only <section,...>] [--variants] [--out <file>]

Measures the service against its floors on its own in-memory DynamoDB Local (about 6–7 minutes; not
part of npm test) and prints the table; the numbers also go to .data/bench.json.

  --quick              a smoke run with few samples (ratios are indicative only)
  --only <sections>    run just these, comma-separated: ${SECTIONS.join(', ')}
  --variants           only the cold-start exploration of bundling settings
  --out <file>         where the JSON goes (default .data/bench.json)

Metrics (CloudWatch EMF lines) are off, as in npm start; POWERTOOLS_METRICS_DISABLED=false shows them.`;

const values = commandLine(USAGE, { out: { type: 'string' }, quick: { type: 'boolean' }, variants: { type: 'boolean' }, only: { type: 'string' } }, ({ only }) => {
  const unknown = (only ?? '').split(',').map((name) => name.trim()).filter((name) => name && !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown section(s) for --only: ${unknown.join(', ')}`);
});

async function main(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`run the benchmark with Node 24 (npm run bench uses the node@24 devDependency); got ${process.version}`);
  prepareBenchEnvironment(process.env);
  const database = await startDynamoDbLocal({ port: await freePort() });
  process.env.DYNAMODB_ENDPOINT = database.endpoint;
  try {
    const { runBenchmark } = await import('./bench');
    await runBenchmark({
      out: resolve(values.out ?? '.data/bench.json'),
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
