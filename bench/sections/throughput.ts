/** 5. Requests per second of list and of login under concurrent keep-alive connections. */
import type { BenchUser, Fixtures } from '../fixtures';
import type { Row, SectionResult } from '../report';
import { round, roundSummary, summarize } from '../stats';
import { closedLoopLoad, type LoadResult } from '../timing';
import type { BenchOptions } from './options';

/** Why a rate is 0.0: nothing finished inside the window (each request took longer than it). */
function zeroRateNote(result: LoadResult, concurrency: number, rampSeconds: number): string {
  return (
    `no request completed inside the ${result.durationSeconds} s window after the ${rampSeconds} s ramp: with ${concurrency} connections each request ` +
    `waits for the others' CPU (bcrypt on login), so one round outlasts the window${result.errors > 0 ? ', and some failed (see the errors row)' : ''}; ` +
    'a longer run (without --quick) measures the rate'
  );
}

function rows(name: string, result: LoadResult, concurrency: number, rampSeconds: number): Row[] {
  const latency = roundSummary(summarize(result.latenciesMs));
  return [
    {
      section: '5 throughput',
      name: `${name} (${concurrency} conns, ${result.durationSeconds} s)`,
      note: result.completed === 0 ? zeroRateNote(result, concurrency, rampSeconds) : 'p50/p95/p99 = latency under this load',
      measured: latency,
      value: round(result.requestsPerSecond, 1),
      unit: 'req/s',
      // A run in which no request completed measured nothing: a failure, never a pass.
      goal: { min: 0, strict: true, text: '> 0' },
    },
    {
      section: '5 throughput',
      name: `${name} errors`,
      value: result.errors,
      unit: 'errors',
      goal: { max: 0, text: '0' },
      note: result.errorSamples.join('; ') || undefined,
    },
  ];
}

/**
 * Login load uses one user per connection: the throttle charges each attempt to its username (and
 * address) before bcrypt, and a success's charge counts until it ages out, so more than
 * LOGIN_MAX_FAILURES_PER_USER logins of one username from one address within the in-flight time
 * would be refused (429) even with the right password.
 */
export async function benchThroughput(fixtures: Fixtures, listUser: BenchUser, loginUsers: readonly BenchUser[], options: BenchOptions): Promise<SectionResult> {
  const { api } = fixtures;
  const concurrency = options.throughputConcurrency;
  const durationMs = options.throughputSeconds * 1000;
  const rampMs = options.throughputRampSeconds * 1000;
  const list = await closedLoopLoad(
    async () => {
      await api.ok('GET', '/authheader/list', { token: listUser.token });
    },
    concurrency,
    durationMs,
    rampMs,
  );
  // Correct credentials only: the per-IP count (all of these share 127.0.0.1) keeps only failures
  // and the attempts of the last couple of seconds, well below its limit at this concurrency.
  const login = await closedLoopLoad(
    async (worker) => {
      const user = loginUsers[worker % loginUsers.length] as BenchUser;
      await api.login(user.record.username, user.password);
    },
    concurrency,
    durationMs,
    rampMs,
  );
  const detail = (result: LoadResult) => ({ ...result, latenciesMs: undefined, latency: summarize(result.latenciesMs) });
  return {
    rows: [...rows('GET /authheader/list', list, concurrency, options.throughputRampSeconds), ...rows('POST /user/login', login, concurrency, options.throughputRampSeconds)],
    details: { concurrency, list: detail(list), login: detail(login) },
  };
}
