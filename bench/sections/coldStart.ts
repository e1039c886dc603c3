/**
 * 4. Cold start of each function as deployed: bundled with infra/bundling.ts exactly as the CDK
 * stack's NodejsFunction runs esbuild, then loaded by fresh Node processes that serve one request
 * against DynamoDB Local; compared with a bundle holding only the DynamoDB document client.
 */
import { build, type BuildOptions } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { bundlingSettings } from '../../infra/bundling';
import { config } from '../../lib/config';
import type { BenchUser } from '../fixtures';
import { ratioRow, type Row, type SectionResult } from '../report';
import { round, roundSummary, summarize, type Summary } from '../stats';
import type { BenchOptions } from './options';

const run = promisify(execFile);
const PROBE = resolve('bench/cold-start/probe.mjs');
const OUT_DIR = resolve('.data/bench/cold-start');

/** The shared settings, with the format open so the exploration can try CommonJS. */
export type BundlingSettings = Omit<typeof bundlingSettings, 'format'> & { format: 'esm' | 'cjs' };

/** A way of bundling and running: the deployed settings, or one the exploration compares. */
export interface Variant {
  name: string;
  settings: BundlingSettings;
  /** ESM code splitting (needs an output directory; NodejsFunction only supports one outfile). */
  splitting?: boolean;
  /** NODE_OPTIONS for the function's process (e.g. what the stack would set for source maps). */
  nodeOptions?: string;
}

/** What the stack deploys: it sets --enable-source-maps whenever the bundle has source maps. */
export const DEPLOYED: Variant = { name: 'deployed', settings: bundlingSettings, nodeOptions: bundlingSettings.sourceMap ? '--enable-source-maps' : undefined };

/** The settings the exploration tries (`npm run bench -- --variants`); each differs in one thing. */
export const VARIANTS: Variant[] = [
  DEPLOYED,
  { name: 'cjs', settings: { ...bundlingSettings, format: 'cjs', banner: '', mainFields: ['module', 'main'] } },
  { name: 'cjs-main-first', settings: { ...bundlingSettings, format: 'cjs', banner: '', mainFields: ['main', 'module'] } },
  { name: 'no-minify', settings: { ...bundlingSettings, minify: false } },
  { name: 'esm-splitting', settings: bundlingSettings, splitting: true },
  { name: 'source-maps-enabled', settings: { ...bundlingSettings, sourceMap: true }, nodeOptions: '--enable-source-maps' },
];

interface Target {
  name: string;
  entry: string;
  /** Bundled with esbuild's defaults instead of the deployed settings (the naive baseline). */
  naive?: true;
  /** The first request of the process with this index. */
  event(index: number): unknown;
}

export interface Bundle {
  file: string;
  /** JavaScript bytes (entry + chunks), without source maps. */
  bytes: number;
}

/** The naive way: esbuild's defaults (CommonJS for Node, no minification, no main-field preference). */
async function naiveBundle(entry: string, outDir: string): Promise<Bundle> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.js');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', outfile: file, logLevel: 'error' });
  writeFileSync(join(outDir, 'package.json'), '{"type":"commonjs"}\n');
  return { file, bytes: statSync(file).size };
}

/** esbuild with the options NodejsFunction derives from the same settings (see aws-lambda-nodejs). */
export async function bundle(entry: string, variant: Variant, outDir: string): Promise<Bundle> {
  const { settings } = variant;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const isEsm = settings.format === 'esm';
  const file = join(outDir, isEsm ? 'index.mjs' : 'index.js');
  const options: BuildOptions = {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: settings.target,
    format: settings.format,
    minify: settings.minify,
    sourcemap: settings.sourceMap,
    mainFields: settings.mainFields,
    banner: settings.banner ? { js: settings.banner } : undefined,
    external: settings.externalModules,
    metafile: true,
    logLevel: 'error',
    ...(variant.splitting ? { splitting: true, outdir: outDir, outExtension: { '.js': '.mjs' }, entryNames: 'index' } : { outfile: file }),
  };
  const result = await build(options);
  // Lambda's directory has no package.json: a .js file there is CommonJS, whatever ours says.
  if (!isEsm) writeFileSync(join(outDir, 'package.json'), '{"type":"commonjs"}\n');
  const bytes = Object.entries(result.metafile?.outputs ?? {})
    .filter(([path]) => !path.endsWith('.map'))
    .reduce((sum, [path]) => sum + statSync(path).size, 0);
  return { file, bytes };
}

interface ProbeResult {
  bootMs: number;
  importMs: number;
  invokeMs: number;
  totalMs: number;
  wallMs: number;
}

async function coldStart(file: string, event: unknown, env: NodeJS.ProcessEnv): Promise<ProbeResult> {
  const start = performance.now();
  const { stdout } = await run(process.execPath, [PROBE, file, JSON.stringify(event)], { env, maxBuffer: 1 << 20 });
  const wallMs = performance.now() - start;
  const line = JSON.parse(stdout.trim().split('\n').pop() as string) as Omit<ProbeResult, 'wallMs'> & { statusCode?: number; body?: string };
  if (line.statusCode !== 200) throw new Error(`cold start of ${file} answered ${line.statusCode}: ${line.body}`);
  return { ...line, wallMs };
}

function lambdaEnv(functionName: string, variant: Variant): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // What the stack would set, with DynamoDB Local in place of the regional endpoint and local
    // keys in place of Secrets Manager.
    DYNAMODB_ENDPOINT: config.dynamoDbEndpoint,
    USERS_TABLE: config.tables.users,
    AUTH_HEADERS_TABLE: config.tables.authHeaders,
    LOGIN_THROTTLE_TABLE: config.tables.loginThrottle,
    SESSIONS_TABLE: config.tables.sessions,
    LOCAL_AUTH_KEYS: process.env.LOCAL_AUTH_KEYS,
    BCRYPT_COST: String(config.bcryptCost),
    LOG_LEVEL: 'WARN',
    // Lambda's own variables: credentials in the environment, region, function name.
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...(variant.nodeOptions ? { NODE_OPTIONS: variant.nodeOptions } : {}),
  };
}

function targets(loginUser: BenchUser, headerUser: BenchUser, deleteTokens: readonly string[]): Target[] {
  const request = (method: string, path: string, body?: unknown, token?: string) => ({
    resource: path,
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'cold-start', identity: { sourceIp: '198.51.100.7' } },
  });
  const meEvent = request('GET', '/user/me');
  (meEvent.requestContext as Record<string, unknown>).authorizer = { principalId: headerUser.record.id, userId: headerUser.record.id, username: headerUser.record.username, authMethod: 'jwt' };
  return [
    { name: 'baseline', entry: 'bench/cold-start/baseline.ts', event: () => ({ username: loginUser.record.username }) },
    { name: 'naive-baseline', entry: 'bench/cold-start/baseline.ts', naive: true, event: () => ({ username: loginUser.record.username }) },
    {
      name: 'authorizer',
      entry: 'functions/authorizer.ts',
      event: () => ({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/user/me', headers: { Authorization: `Bearer ${headerUser.token}` }, multiValueHeaders: {} }),
    },
    { name: 'user-me', entry: 'functions/user-me.ts', event: () => meEvent },
    { name: 'login', entry: 'functions/login.ts', event: () => request('POST', '/user/login', { username: loginUser.record.username, password: loginUser.password }) },
    { name: 'authheader-list', entry: 'functions/authheader-list.ts', event: () => request('GET', '/authheader/list', undefined, headerUser.token) },
    { name: 'authheader-add', entry: 'functions/authheader-add.ts', event: () => request('POST', '/authheader/add', { name: 'cold-start' }, headerUser.token) },
    {
      name: 'authheader-delete',
      entry: 'functions/authheader-delete.ts',
      event: (index) => request('POST', '/authheader/delete', { text: deleteTokens[index] }, headerUser.token),
    },
  ];
}

export interface ColdStartMeasurement {
  variant: string;
  functions: Record<string, { bytes: number; importMs: Summary; invokeMs: Summary; totalMs: Summary; wallMs: Summary; bootMs: Summary }>;
}

/**
 * Builds each target with each variant, then runs `processes` cold starts of every (variant,
 * target) pair. The pairs take turns within each round, starting at a different pair each round,
 * so a burst of load from other processes on the machine is spread over all of them alike.
 */
export async function measureColdStarts(
  variants: readonly Variant[],
  loginUser: BenchUser,
  headerUser: BenchUser,
  deleteTokens: readonly string[],
  processes: number,
  only?: readonly string[],
): Promise<ColdStartMeasurement[]> {
  const selected = targets(loginUser, headerUser, deleteTokens).filter((target) => !only || only.includes(target.name));
  const jobs: { variant: Variant; target: Target; bundle: Bundle; results: ProbeResult[] }[] = [];
  for (const variant of variants) {
    for (const target of selected) {
      const outDir = join(OUT_DIR, variant.name, target.name);
      jobs.push({ variant, target, bundle: target.naive ? await naiveBundle(target.entry, outDir) : await bundle(target.entry, variant, outDir), results: [] });
    }
  }
  // Round 0 warms the file cache and is discarded.
  for (let round = 0; round <= processes; round++) {
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[(i + round) % jobs.length] as (typeof jobs)[number];
      const eventIndex = round * variants.length + variants.indexOf(job.variant);
      const result = await coldStart(job.bundle.file, job.target.event(eventIndex), lambdaEnv(`bench-${job.target.name}`, job.variant));
      if (round > 0) job.results.push(result);
    }
  }
  return variants.map((variant) => {
    const functions: ColdStartMeasurement['functions'] = {};
    for (const job of jobs.filter((candidate) => candidate.variant === variant)) {
      const pick = (key: keyof ProbeResult) => summarize(job.results.map((result) => result[key]));
      functions[job.target.name] = {
        bytes: job.bundle.bytes,
        importMs: pick('importMs'),
        invokeMs: pick('invokeMs'),
        totalMs: pick('totalMs'),
        wallMs: pick('wallMs'),
        bootMs: pick('bootMs'),
      };
    }
    return { variant: variant.name, functions };
  });
}

/** How many delete tokens measureColdStarts needs for `processes` (one per process, warm-up too). */
export const deleteTokensNeeded = (processes: number, variants = 1) => (processes + 1) * variants;

export function coldStartRows(measurement: ColdStartMeasurement): Row[] {
  const baseline = measurement.functions.baseline;
  if (!baseline) throw new Error('the baseline was not measured');
  const rows: Row[] = [
    {
      section: '4 cold start',
      name: `baseline bundle (doc client + 1 GetItem): ${round(baseline.bytes / 1024, 1)} KB`,
      measured: roundSummary(baseline.importMs),
      value: round(baseline.totalMs.p50, 1),
      unit: 'ms',
      note: 'measured = import; value = process start -> first response',
    },
  ];
  const naive = measurement.functions['naive-baseline'];
  const authorizer = measurement.functions.authorizer;
  if (naive && authorizer) {
    rows.push({
      section: '4 cold start',
      name: `naive SDK-only bundle (doc client, esbuild defaults): ${round(naive.bytes / 1024, 1)} KB`,
      measured: roundSummary(naive.importMs),
      value: round(naive.totalMs.p50, 1),
      unit: 'ms',
      note: 'measured = import; value = process start -> first response',
    });
    rows.push(ratioRow('4 cold start', 'authorizer load (import) vs the naive SDK-only bundle', authorizer.importMs, naive.importMs, 1.0));
  }
  for (const [name, fn] of Object.entries(measurement.functions)) {
    if (name === 'baseline' || name === 'naive-baseline') continue;
    rows.push({
      section: '4 cold start',
      name: `${name} bundle size (${round(fn.bytes / 1024, 1)} KB)`,
      value: round(fn.bytes / baseline.bytes),
      unit: 'x',
      goal: { max: 1.15, text: '<= 1.15' },
    });
    rows.push(ratioRow('4 cold start', `${name} load (import)`, fn.importMs, baseline.importMs, 1.2));
    rows.push(ratioRow('4 cold start', `${name} start -> first response`, fn.totalMs, baseline.totalMs, undefined, 'includes Node boot and the first request'));
  }
  return rows;
}

export async function benchColdStart(loginUser: BenchUser, headerUser: BenchUser, deleteTokens: readonly string[], options: BenchOptions): Promise<SectionResult> {
  const [measurement] = (await measureColdStarts([DEPLOYED], loginUser, headerUser, deleteTokens, options.coldStartProcesses)) as [ColdStartMeasurement];
  return { rows: coldStartRows(measurement), details: { settings: bundlingSettings, processes: options.coldStartProcesses, node: process.version, ...measurement } };
}

/** The exploration: each variant's sizes and load times for the baseline, login and list. */
export async function benchColdStartVariants(loginUser: BenchUser, headerUser: BenchUser, deleteTokens: readonly string[], options: BenchOptions): Promise<SectionResult> {
  const rows: Row[] = [];
  const details: Record<string, ColdStartMeasurement> = {};
  const measurements = await measureColdStarts(VARIANTS, loginUser, headerUser, deleteTokens, options.coldStartProcesses, ['baseline', 'login', 'authheader-list']);
  for (const measurement of measurements) {
    details[measurement.variant] = measurement;
    for (const [name, fn] of Object.entries(measurement.functions)) {
      rows.push({
        section: `4v ${measurement.variant}`,
        name: `${name}: ${round(fn.bytes / 1024, 1)} KB, first response p50 ${round(fn.totalMs.p50, 1)} ms`,
        measured: roundSummary(fn.importMs),
        value: round(fn.totalMs.p50, 1),
        unit: 'ms',
        note: 'measured = import',
      });
    }
  }
  return { rows, details };
}
