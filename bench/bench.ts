/**
 * The benchmark proper, loaded by run.ts once the environment points at the benchmark's own
 * DynamoDB Local (lib/config.ts reads it at import). Each section is one function in sections/.
 */
import { cpus, loadavg } from 'node:os';
import { config } from '../lib/config';
import { createFixtures } from './fixtures';
import { formatTable, goalMet, goalSummary, judgedInQuickMode, writeJson, type Row, type SectionResult } from './report';
import { benchAuthHeaderRoutes } from './sections/authHeaders';
import { benchAuthorizer } from './sections/authorizer';
import { benchBcryptTradeoff, formatTradeoff } from './sections/bcrypt';
import { VARIANTS, benchColdStart, benchColdStartVariants, deleteTokensNeeded } from './sections/coldStart';
import { benchLogin, benchLoginWithCode, type MfaBenchUser } from './sections/login';
import { benchMiddleware } from './sections/middleware';
import { FULL, QUICK } from './sections/options';
import { benchScaling } from './sections/scaling';
import { benchSessionRoutes } from './sections/sessions';
import { benchThroughput } from './sections/throughput';

export interface RunArguments {
  out: string;
  quick: boolean;
  /** Run only the cold-start exploration of bundling variants instead of the sections. */
  variants: boolean;
  /** Run only these sections (all when absent). */
  only?: readonly string[];
}

const progress = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let selected: readonly string[] | undefined;
const wanted = (name: string) => !selected || selected.includes(name);

async function section(name: string, results: Record<string, SectionResult>, run: () => Promise<SectionResult>): Promise<void> {
  if (!wanted(name)) return;
  const start = performance.now();
  progress(`${name}...`);
  results[name] = await run();
  progress(`${name} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

function machineInfo() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtEnd: loadavg() };
}

export async function runBenchmark(args: RunArguments): Promise<void> {
  const startedAt = new Date();
  const options = args.quick ? QUICK : FULL;
  selected = args.only;
  const fixtures = await createFixtures();
  try {
    progress('creating users and auth headers');
    const loginUser = await fixtures.createBenchUser('login');
    const coldUser = await fixtures.createBenchUser('cold');
    if (args.variants) {
      const deleteTokens = await fixtures.addHeaders(coldUser, deleteTokensNeeded(options.coldStartProcesses, VARIANTS.length));
      const result = await benchColdStartVariants(loginUser, coldUser, deleteTokens, options);
      console.log(formatTable(result.rows));
      writeJson(args.out, { startedAt: startedAt.toISOString(), machine: machineInfo(), options, variants: result.details });
      return;
    }
    const loadUsers = await Promise.all(Array.from({ length: options.throughputConcurrency }, () => fixtures.createBenchUser('load')));
    const list20 = await fixtures.createBenchUser('list20', 20);
    const list1 = await fixtures.createBenchUser('list1', 1);
    const list200 = await fixtures.createBenchUser('list200', 200);
    const writeUser = await fixtures.createBenchUser('write');
    const meUser = await fixtures.createBenchUser('me');
    const sessionUser = await fixtures.createBenchUser('session');
    const passwordUser = await fixtures.createBenchUser('password');
    const passwordFloorUser = await fixtures.createBenchUser('password-floor');
    const deleteTokens = await fixtures.addHeaders(coldUser, deleteTokensNeeded(options.coldStartProcesses));

    const results: Record<string, SectionResult> = {};
    await section('login', results, async () => {
      const passwordOnly = await benchLogin(fixtures, loginUser, options);
      // Login with a TOTP code: each user has two usable codes now and one more every 30 s.
      const mfaUsers: MfaBenchUser[] = [];
      const mfaUserCount = Math.ceil((options.loginSamples + Math.min(options.warmup, 10)) / 2) + 4;
      for (let i = 0; i < mfaUserCount; i += 8) mfaUsers.push(...(await Promise.all(Array.from({ length: Math.min(8, mfaUserCount - i) }, () => fixtures.createMfaBenchUser('mfa')))));
      const withCode = await benchLoginWithCode(fixtures, mfaUsers, await fixtures.createMfaBenchUser('mfa-floor'), options);
      return { rows: [...passwordOnly.rows, ...withCode.rows], details: { ...passwordOnly.details, withCode: withCode.details } };
    });
    await section('authHeaderRoutes', results, () => benchAuthHeaderRoutes(fixtures, list20, writeUser, options));
    await section('sessionRoutes', results, () => benchSessionRoutes(fixtures, sessionUser, passwordUser, passwordFloorUser, options));
    await section('middleware', results, () => benchMiddleware(list20, options));
    await section('coldStart', results, () => benchColdStart(loginUser, coldUser, deleteTokens, options));
    await section('throughput', results, () => benchThroughput(fixtures, list20, loadUsers, options));
    await section('authorizer', results, () => benchAuthorizer(fixtures, meUser, options));
    await section('scaling', results, () =>
      benchScaling(
        fixtures,
        new Map([
          [1, list1],
          [20, list20],
          [200, list200],
        ]),
        options,
      ),
    );
    progress('bcrypt cost trade-off...');
    const tradeoff = wanted('bcrypt') ? await benchBcryptTradeoff(args.quick ? 3 : 9) : undefined;

    const rows: Row[] = Object.values(results).flatMap((result) => result.rows);
    const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
    const machine = machineInfo();
    console.log(`\nAuth service benchmark — ${startedAt.toISOString()}, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, bcrypt cost ${config.bcryptCost}${args.quick ? ' (QUICK: too few samples to trust; ratios are indicative only)' : ''}\n`);
    console.log(formatTable(rows, args.quick));
    const notes = rows.filter((row) => row.note);
    if (notes.length > 0) console.log(`\nNotes:\n${notes.map((row) => `- ${row.section} / ${row.name}: ${row.note}`).join('\n')}`);
    if (tradeoff) {
      console.log('\nbcrypt cost × Lambda memory (estimated from the single-core compare time above; arm64 prices):\n');
      console.log(formatTradeoff(tradeoff));
      console.log(`\nRecommendation: BCRYPT_COST=${tradeoff.recommendation.cost}, login memory ${tradeoff.recommendation.memoryMb} MB — ${tradeoff.recommendation.reason}.`);
    }
    console.log(`\n${goalSummary(rows, args.quick)}`);
    console.log(`Total time ${durationSeconds.toFixed(0)} s (load average at end ${machine.loadAverageAtEnd.map((value) => value.toFixed(2)).join(' ')}). JSON: ${args.out}`);
    writeJson(args.out, {
      startedAt: startedAt.toISOString(),
      durationSeconds,
      machine,
      options,
      bcryptCost: config.bcryptCost,
      quick: args.quick,
      rows: rows.map((row) => ({ ...row, met: args.quick && !judgedInQuickMode(row) ? undefined : goalMet(row) })),
      sections: Object.fromEntries(Object.entries(results).map(([name, result]) => [name, result.details])),
      bcryptTradeoff: tradeoff,
    });
  } finally {
    await fixtures.close();
  }
}
