/**
 * POST /user/login: no user enumeration (an unknown username and a wrong password answer with the
 * same status, body and headers, and take the same time at a realistic bcrypt cost), and no
 * prototype pollution through the body. Throttling is in test/security/throttle.test.ts.
 *
 * lib/config.ts reads BCRYPT_COST at import, so this file sets it first and loads the service
 * afterwards (each jest test file has its own module registry).
 */
import { describe, expect, test } from '@jest/globals';
process.env.BCRYPT_COST = '10';

const { givenUser, useTestTables } = await import('../helpers/db');
const { config } = await import('../../lib/config');
const { callLogin, freshIp } = await import('../helpers/api');
const { invoke } = await import('../helpers/invoke');
const { handler } = await import('../../functions/login');

useTestTables();

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('user enumeration', () => {
  test('uses a realistic bcrypt cost in this file', () => {
    expect(config.bcryptCost).toBe(10);
  });

  test('answers an unknown user exactly like a wrong password', async () => {
    const user = await givenUser();

    const unknown = await callLogin(`ghost-${Date.now()}`, 'Some-Password-1');
    const wrong = await callLogin(user.username, 'Some-Password-1');

    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.rawBody).toBe(wrong.rawBody);
    expect(unknown.headers).toEqual(wrong.headers);
  });

  test('takes the same time for an unknown user and a wrong password (medians of 24 each, interleaved)', async () => {
    // 8 real and 8 unknown usernames, each given 3 wrong guesses per round (below the 5-failure
    // throttle, and the same throttle-counter history on both sides), and a fresh address per try
    // (below the per-IP limit).
    const TRIES = 24;
    const targets = await Promise.all(Array.from({ length: 8 }, () => givenUser()));
    // Warm-up: JIT, connections, the dummy hash.
    await callLogin('warm-up-ghost', 'Wrong-Guess', freshIp());
    await callLogin(targets[0]!.username, targets[0]!.password, freshIp());

    /** One round: the ratio of the medians, unknown user / wrong password. */
    async function measureRound(round: number): Promise<{ unknown: number; wrong: number; ratio: number }> {
      const ghosts = targets.map((_, i) => `ghost-${round}-${i}-${Math.random().toString(36).slice(2)}`);
      const wrongPassword = (i: number) => callLogin(targets[i % targets.length]!.username, `Wrong-Guess-${i}`, freshIp());
      const unknownUser = (i: number) => callLogin(ghosts[i % ghosts.length]!, `Wrong-Guess-${i}`, freshIp());
      const unknownTimes: number[] = [];
      const wrongTimes: number[] = [];
      // Alternate which kind goes first so background load hits both alike.
      for (let i = 0; i < TRIES; i++) {
        if (i % 2 === 0) {
          unknownTimes.push(await timed(() => unknownUser(i)));
          wrongTimes.push(await timed(() => wrongPassword(i)));
        } else {
          wrongTimes.push(await timed(() => wrongPassword(i)));
          unknownTimes.push(await timed(() => unknownUser(i)));
        }
      }
      // A success resets the real users' counters for the next round.
      for (const target of targets) await callLogin(target.username, target.password, freshIp());
      const [unknown, wrong] = [median(unknownTimes), median(wrongTimes)];
      return { unknown, wrong, ratio: unknown / wrong };
    }

    // A real leak (no dummy hash: ratio ~0.3) fails every round; scheduling noise on a busy machine
    // does not repeat, so up to three rounds are measured until one is within bounds.
    const rounds: { unknown: number; wrong: number; ratio: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const result = await measureRound(round);
      rounds.push(result);
      if (result.ratio >= 0.8 && result.ratio <= 1.25) break;
    }

    const summary = rounds.map(({ unknown, wrong, ratio }) => `unknown ${unknown.toFixed(1)} ms / wrong ${wrong.toFixed(1)} ms = ${ratio.toFixed(3)}`);
    console.info(`login timing: ${summary.join('; ')}`);
    const last = rounds.at(-1)!;
    expect(last.wrong).toBeGreaterThan(20); // bcrypt at cost 10 really ran
    expect(last.ratio).toBeGreaterThanOrEqual(0.8);
    expect(last.ratio).toBeLessThanOrEqual(1.25);
  }, 180_000);
});

describe('request body', () => {
  test('refuses prototype-pollution keys with a 400', async () => {
    const response = await invoke(handler, { rawBody: '{"username":"a","password":"b","__proto__":{"admin":true}}' });

    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
