/**
 * Login throttling (issue 4): per username after 5 consecutive failures, per source IP after 100,
 * with exponential back-off capped at 15 minutes, shared through the loginThrottle table.
 */
import { describe, expect, it, jest } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../../lib/config';
import { addressBucket, LoginThrottledError, lockoutSeconds, throttleKeys } from '../../lib/data/loginThrottleRepository';
import { loginThrottle } from '../../lib/data/repositories';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { callLogin, freshIp } from '../helpers/api';

useTestTables();

const TOO_MANY = { message: 'Too many failed login attempts; try again later' };
const INCORRECT = { message: 'Incorrect username or password' };

async function failTimes(username: string, times: number, sourceIp = freshIp()) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await callLogin(username, `wrong-password-${i}`, sourceIp)).statusCode);
  return statuses;
}

describe('login throttling per username', () => {
  it('answers 429 with Retry-After after 5 consecutive failures', async () => {
    // Prepare
    const user = await givenUser();

    // Act
    const statuses = await failTimes(user.username, 5);
    const throttled = await callLogin(user.username, user.password);

    // Assess
    expect(config.loginMaxFailuresPerUser).toBe(5);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.body).toEqual(TOO_MANY);
    expect(throttled.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    expect(throttled.headers['Cache-Control']).toBe('no-store');
  });

  it('looks the same for an unknown username as for a known one (no enumeration)', async () => {
    // Prepare
    const user = await givenUser();
    const unknown = `nobody-${Date.now()}`;

    // Act
    const knownStatuses = await failTimes(user.username, 5);
    const unknownStatuses = await failTimes(unknown, 5);
    const [known429, unknown429] = [await callLogin(user.username, 'x-wrong-x'), await callLogin(unknown, 'x-wrong-x')];

    // Assess
    expect(unknownStatuses).toEqual(knownStatuses);
    expect(unknown429.statusCode).toBe(known429.statusCode);
    expect(unknown429.rawBody).toBe(known429.rawBody);
    expect(unknown429.headers['Retry-After']).toBe(known429.headers['Retry-After']);
    expect(Object.keys(unknown429.headers).sort()).toEqual(Object.keys(known429.headers).sort());
  });

  it('checks the throttle before any bcrypt work', async () => {
    // Prepare
    const user = await givenUser();
    await failTimes(user.username, 5);
    const compare = jest.spyOn(bcrypt, 'compare');

    // Act
    const response = await callLogin(user.username, user.password);

    // Assess
    expect(response.statusCode).toBe(429);
    expect(compare).not.toHaveBeenCalled();
    compare.mockRestore();
  });

  it('backs off exponentially: 1 s, 2 s, 4 s ... after the 5th, 6th, 7th failure, capped at 15 minutes', () => {
    const policy = { maxFailures: config.loginMaxFailuresPerUser, maxLockoutSeconds: config.loginMaxLockoutSeconds };
    expect([4, 5, 6, 7, 8, 14, 15, 16, 100].map((failures) => lockoutSeconds(failures, policy))).toEqual([0, 1, 2, 4, 8, 512, 900, 900, 900]);
    expect(config.loginMaxLockoutSeconds).toBe(900);
  });

  it('lets the user in once the lock-out has passed, and a success resets the count', async () => {
    // Prepare
    const user = await givenUser();
    await failTimes(user.username, 5);
    const locked = await callLogin(user.username, user.password);
    expect(locked.statusCode).toBe(429);

    // Act
    await sleep(Number(locked.headers['Retry-After']) * 1000 + 100);
    const success = await callLogin(user.username, user.password);
    const afterReset = await failTimes(user.username, 5);

    // Assess
    expect(success.statusCode).toBe(200);
    expect(afterReset).toEqual([401, 401, 401, 401, 401]);
  });

  it('leaves other users alone, from the same address too', async () => {
    // Prepare
    const [victim, bystander] = [await givenUser(), await givenUser()];
    const ip = freshIp();
    await failTimes(victim.username, 6, ip);

    // Act
    const response = await callLogin(bystander.username, bystander.password, ip);

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('holds under a concurrent burst: exactly 5 guesses get a password check, the rest 429', async () => {
    // Prepare
    const user = await givenUser();
    const compare = jest.spyOn(bcrypt, 'compare');

    // Act
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => callLogin(user.username, `burst-guess-${i}`, freshIp())));

    // Assess
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25);
    expect(compare).toHaveBeenCalledTimes(5);
    compare.mockRestore();
  });

  it('stores no username or address in clear, and every item has a TTL', async () => {
    // Prepare
    const user = await givenUser();
    await failTimes(user.username, 2, '192.0.2.77');

    // Act
    const items = await scanTable('loginThrottle');

    // Assess
    const dump = JSON.stringify(items);
    expect(dump).not.toContain(user.username);
    expect(dump).not.toContain('192.0.2.77');
    expect(items.find((item) => item.key === throttleKeys.user(user.username))).toMatchObject({ failures: 2 });
    for (const item of items) expect(item.expiresAt).toEqual(expect.any(Number));
  });
});

describe('login throttling per source IP', () => {
  it('slows one address spraying many usernames after 100 failures, and only that address', async () => {
    // Prepare
    const sprayer = freshIp();
    const user = await givenUser();
    expect(config.loginMaxFailuresPerIp).toBe(100);

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await callLogin(`sprayed-${i}`, 'Summer2024!', sprayer)).statusCode);
    const nextGuess = await callLogin('sprayed-next', 'Summer2024!', sprayer);
    const fromElsewhere = await callLogin('sprayed-next', 'Summer2024!', freshIp());
    const userElsewhere = await callLogin(user.username, user.password, freshIp());

    // Assess
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(nextGuess.statusCode).toBe(429);
    expect(nextGuess.body).toEqual(TOO_MANY);
    expect(nextGuess.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    expect(fromElsewhere.statusCode).toBe(401);
    expect(fromElsewhere.body).toEqual(INCORRECT);
    expect(userElsewhere.statusCode).toBe(200);
  });

  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:85a3:12:8a2e:370:7334:1', '2001:db8:85a3:12::/64'],
    ['2001:0DB8:85A3:0012:ffff:ffff:ffff:ffff', '2001:db8:85a3:12::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('counts %s in the bucket %s (an IPv6 host controls its whole /64)', (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });

  it('throttles an IPv6 sprayer that rotates through its /64', async () => {
    // Prepare
    const prefix = `2001:db8:${(Date.now() % 65536).toString(16)}:7`;

    // Act
    for (let i = 0; i < 100; i++) await callLogin(`v6-sprayed-${i}`, 'Autumn2024!', `${prefix}:${i.toString(16)}:0:0:1`);
    const next = await callLogin('v6-sprayed-next', 'Autumn2024!', `${prefix}:ffff:ffff:ffff:ffff`);
    const neighbour = await callLogin('v6-sprayed-next', 'Autumn2024!', `2001:db8:beef:8::1`);

    // Assess
    expect(next.statusCode).toBe(429);
    expect(neighbour.statusCode).toBe(401);
  });

  it('does not count successful logins against the address (a busy office NAT keeps working)', async () => {
    // Prepare
    const office = freshIp();
    const user = await givenUser();

    // Act
    for (let i = 0; i < 5; i++) expect((await callLogin(user.username, user.password, office)).statusCode).toBe(200);

    // Assess
    expect(await loginThrottle.read(throttleKeys.ip(office))).toMatchObject({ failures: 0 });
  });

  it('stops a throttled address from adding to its victims\' counters', async () => {
    // Prepare
    const sprayer = freshIp();
    for (let i = 0; i < 100; i++) await callLogin(`sprayed2-${i}`, 'Winter2024!', sprayer);
    const victim = await givenUser();

    // Act
    const responses = [];
    for (let i = 0; i < 10; i++) responses.push(await callLogin(victim.username, 'guess', sprayer));

    // Assess
    expect(responses.every((response) => response.statusCode === 429)).toBe(true);
    expect(await loginThrottle.read(throttleKeys.user(victim.username))).toBeUndefined();
    expect((await callLogin(victim.username, victim.password, freshIp())).statusCode).toBe(200);
  });
});

describe('ASVS V2.2.1: at most 100 failed attempts per hour per account', () => {
  /**
   * A greedy attacker on a simulated clock: guesses the moment the lock-out allows, for 24 hours,
   * from a fresh address each time (so only the per-account limit holds it back).
   */
  it('lets a greedy attacker fail at most 17 times in any hour (4 per hour once at the cap)', async () => {
    // Prepare
    const username = `simulated-${Date.now()}`;
    const start = Date.parse('2030-01-01T00:00:00Z');
    const failures: number[] = [];
    let now = start;

    // Act
    let ip = 0;
    while (now < start + 24 * 3600 * 1000) {
      try {
        await loginThrottle.beginAttempt(username, `10.9.${Math.floor(ip / 250)}.${ip % 250}`, new Date(now));
        ip += 1;
        failures.push(now);
      } catch (error) {
        if (!(error instanceof LoginThrottledError)) throw error;
        now += error.retryAfterSeconds * 1000;
      }
    }

    // Assess
    const perHour = (from: number) => failures.filter((t) => t >= from && t < from + 3600 * 1000).length;
    const worstHour = Math.max(...failures.map(perHour));
    expect(worstHour).toBe(17);
    expect(perHour(start + 12 * 3600 * 1000)).toBe(4);
    expect(worstHour).toBeLessThanOrEqual(100);
  }, 60_000);
});
