/**
 * Login throttling (issues 4 and 11): failures counted per username and source address together
 * (back-off after 5), per username across all addresses (50), per address across all usernames
 * (100), with exponential back-off capped at 15 minutes, shared through the loginThrottle table.
 * The HTTP replay of the lock-out attack (two loopback addresses) is test/e2e/throttle-lockout.test.ts.
 */
import { describe, expect, test, jest } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { createHash, createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/data/client';
import { addressBucket, lockoutSeconds, type ThrottlePolicies } from '../../lib/auth/loginThrottle';
import { getThrottleKeyHmacKey } from '../../lib/auth/keys';
import { LoginThrottleRepository } from '../../lib/data/loginThrottleRepository';
import { LoginThrottledError } from '../../lib/errors';
import { loginThrottle, newTransaction } from '../../lib/data/repositories';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { callLogin, freshIp } from '../helpers/api';
import { changePassword } from '../routes/session-helpers';

useTestTables();

const TOO_MANY = { message: 'Too many failed login attempts; try again later' };
const INCORRECT = { message: 'Incorrect username or password' };

async function failTimes(username: string, times: number, sourceIp = freshIp()) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await callLogin(username, `wrong-password-${i}`, sourceIp)).statusCode);
  return statuses;
}

/** Every counter one attempt of (username, address) is charged to, as it stands. */
async function countersOf(username: string, sourceIp: string) {
  const keys = await loginThrottle.keys(username, sourceIp);
  return {
    pair: await loginThrottle.read('pair', keys.pair),
    user: await loginThrottle.read('user', keys.user),
    ip: await loginThrottle.read('ip', keys.ip),
  };
}

describe('login throttling per username and address together', () => {
  test('answers 429 with Retry-After after 5 consecutive failures from one address', async () => {
    // Prepare
    const user = await givenUser();
    const attacker = freshIp();

    // Act
    const statuses = await failTimes(user.username, 5, attacker);
    const throttled = await callLogin(user.username, user.password, attacker);

    // Assess
    expect(config.loginMaxFailuresPerUser).toBe(5);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.body).toEqual(TOO_MANY);
    expect(throttled.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    expect(throttled.headers['Cache-Control']).toBe('no-store');
  });

  test('lets the owner in from another address while one address is throttled for the username', async () => {
    // Prepare
    const owner = await givenUser();
    const attacker = freshIp();
    await failTimes(owner.username, 6, attacker);
    expect((await callLogin(owner.username, owner.password, attacker)).statusCode).toBe(429);

    // Act
    const fromHome = await callLogin(owner.username, owner.password, freshIp());

    // Assess
    expect(fromHome.statusCode).toBe(200);
  });

  test('counts a username in any case as the same username', async () => {
    // Prepare
    const user = await givenUser({ username: `Case.Mixed${Date.now()}` });
    const attacker = freshIp();

    // Act
    const statuses = [];
    for (const typed of [user.username, user.username.toLowerCase(), user.username.toUpperCase(), user.username.toLowerCase(), user.username]) {
      statuses.push((await callLogin(typed, 'wrong-password', attacker)).statusCode);
    }
    const sixth = await callLogin(user.username.toUpperCase(), user.password, attacker);

    // Assess
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(sixth.statusCode).toBe(429);
    expect((await loginThrottle.keys(user.username.toUpperCase(), attacker)).pair).toBe((await loginThrottle.keys(user.username, attacker)).pair);
  });

  test('looks the same for an unknown username as for a known one (no enumeration)', async () => {
    // Prepare
    const user = await givenUser();
    const unknown = `nobody-${Date.now()}`;
    const attacker = freshIp();

    // Act
    const knownStatuses = await failTimes(user.username, 5, attacker);
    const unknownStatuses = await failTimes(unknown, 5, attacker);
    const [known429, unknown429] = [await callLogin(user.username, 'x-wrong-x', attacker), await callLogin(unknown, 'x-wrong-x', attacker)];

    // Assess
    expect(unknownStatuses).toEqual(knownStatuses);
    expect(known429.statusCode).toBe(429);
    expect(unknown429.statusCode).toBe(known429.statusCode);
    expect(unknown429.rawBody).toBe(known429.rawBody);
    expect(unknown429.headers['Retry-After']).toBe(known429.headers['Retry-After']);
    expect(Object.keys(unknown429.headers).sort()).toEqual(Object.keys(known429.headers).sort());
  });

  test('checks the throttle before any bcrypt work', async () => {
    // Prepare
    const user = await givenUser();
    const attacker = freshIp();
    await failTimes(user.username, 5, attacker);
    const compare = jest.spyOn(bcrypt, 'compare');

    // Act
    const response = await callLogin(user.username, user.password, attacker);

    // Assess
    expect(response.statusCode).toBe(429);
    expect(compare).not.toHaveBeenCalled();
    compare.mockRestore();
  });

  test('backs off exponentially: 1 s, 2 s, 4 s ... after the 5th, 6th, 7th failure, capped at 15 minutes', () => {
    const policy = { maxFailures: config.loginMaxFailuresPerUser, maxLockoutSeconds: config.loginMaxLockoutSeconds };
    expect([4, 5, 6, 7, 8, 14, 15, 16, 100].map((failures) => lockoutSeconds(failures, policy))).toEqual([0, 1, 2, 4, 8, 512, 900, 900, 900]);
    expect(config.loginMaxLockoutSeconds).toBe(900);
  });

  test('lets the owner in from the same address once the back-off has passed', async () => {
    // Prepare
    const user = await givenUser();
    const address = freshIp();
    await failTimes(user.username, 5, address);
    const locked = await callLogin(user.username, user.password, address);
    expect(locked.statusCode).toBe(429);

    // Act
    await sleep(Number(locked.headers['Retry-After']) * 1000 + 100);
    const success = await callLogin(user.username, user.password, address);

    // Assess
    expect(success.statusCode).toBe(200);
  });

  test('leaves other users alone, from the same address too', async () => {
    // Prepare
    const [victim, bystander] = [await givenUser(), await givenUser()];
    const ip = freshIp();
    await failTimes(victim.username, 6, ip);

    // Act
    const response = await callLogin(bystander.username, bystander.password, ip);

    // Assess
    expect(response.statusCode).toBe(200);
  });

  test('holds under a concurrent burst from one address: exactly 5 guesses get a password check, the rest 429', async () => {
    // Prepare
    const user = await givenUser();
    const attacker = freshIp();
    const compare = jest.spyOn(bcrypt, 'compare');

    // Act
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => callLogin(user.username, `burst-guess-${i}`, attacker)));

    // Assess
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25);
    expect(compare).toHaveBeenCalledTimes(5);
    compare.mockRestore();
  });

  test('stores no username or address in clear, and every item has a TTL', async () => {
    // Prepare
    const user = await givenUser();
    await failTimes(user.username, 2, '192.0.2.77');

    // Act
    const items = await scanTable('loginThrottle');

    // Assess
    const dump = JSON.stringify(items, (_, value: unknown) => (value instanceof Set ? [...value] : value));
    expect(dump).not.toContain(user.username);
    expect(dump).not.toContain('192.0.2.77');
    const keys = await loginThrottle.keys(user.username, '192.0.2.77');
    expect(items.find((item) => item.key === keys.pair)).toMatchObject({ room: 3 });
    expect(items.find((item) => item.key === keys.user)).toMatchObject({ room: config.loginMaxFailuresPerUserAllIps - 2 });
    for (const item of items) expect(item.expiresAt).toEqual(expect.any(Number));
  });
});

describe('a 429 answer charges no counter', () => {
  test('leaves every counter as it was while one counter refuses, however often the client retries', async () => {
    // Prepare
    const owner = await givenUser();
    const attacker = freshIp();
    await failTimes(owner.username, 5, attacker);
    const before = await countersOf(owner.username, attacker);

    // Act
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await callLogin(owner.username, 'another-guess', attacker)).statusCode);
    const after = await countersOf(owner.username, attacker);

    // Assess
    // On a slow machine the 1 s back-off may end during the retries: the one attempt it lets
    // through is a counted 401; every 429 charged nothing.
    const checked = answers.filter((status) => status === 401).length;
    expect(answers.filter((status) => status === 429).length).toBeGreaterThanOrEqual(8);
    expect(before.user).toMatchObject({ failures: 5, inflight: 0 });
    expect(before.ip).toMatchObject({ failures: 5, inflight: 0 });
    expect({ user: after.user?.failures, ip: after.ip?.failures, pair: after.pair?.failures }).toEqual({ user: 5 + checked, ip: 5 + checked, pair: 5 + checked });
    expect({ user: after.user?.inflight, ip: after.ip?.inflight }).toEqual({ user: 0, ip: 0 });
  });

  test('does not count the owner\'s refused logins against the owner\'s own address', async () => {
    // Prepare: the username is throttled across all addresses (distributed guessing).
    const owner = await givenUser();
    const limit = config.loginMaxFailuresPerUserAllIps;
    for (let i = 0; i < limit; i++) await callLogin(owner.username, `spread-guess-${i}`, freshIp());
    const home = freshIp();

    // Act
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await callLogin(owner.username, owner.password, home));

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([429, 429, 429, 429, 429]);
    expect(answers[0]?.body).toEqual(TOO_MANY);
    expect(await countersOf(owner.username, home)).toMatchObject({ ip: undefined, pair: undefined });
  });
});

describe('login throttling per username across all addresses', () => {
  test(`throttles a username after ${50} failures spread over many addresses, from every address`, async () => {
    // Prepare
    const user = await givenUser();
    expect(config.loginMaxFailuresPerUserAllIps).toBe(50);

    // Act: 10 addresses, 5 guesses each (never enough to throttle one pair).
    const statuses: number[] = [];
    for (let address = 0; address < 10; address++) statuses.push(...(await failTimes(user.username, 5, freshIp())));
    const next = await callLogin(user.username, user.password, freshIp());

    // Assess
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(next.statusCode).toBe(429);
    expect(next.body).toEqual(TOO_MANY);
  });

  test('holds under a concurrent burst from 80 addresses: at most 50 password checks', async () => {
    // Prepare
    const user = await givenUser();
    const compare = jest.spyOn(bcrypt, 'compare');

    // Act
    const responses = await Promise.all(Array.from({ length: 80 }, (_, i) => callLogin(user.username, `spread-burst-${i}`, freshIp())));

    // Assess
    const statuses = responses.map((response) => response.statusCode);
    compare.mockRestore();
    expect(statuses.filter((status) => status !== 401 && status !== 429).map((_, i) => responses.filter((r) => r.statusCode !== 401 && r.statusCode !== 429)[i]?.rawBody)).toEqual([]);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(50);
    expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(true);
    expect(compare.mock.calls.length).toBeLessThanOrEqual(50);
    compare.mockRestore();
  });
});

describe('login throttling per source IP', () => {
  test('slows one address spraying many usernames after 100 failures, and only that address', async () => {
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

  test.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:85a3:12:8a2e:370:7334:1', '2001:db8:85a3:12::/64'],
    ['2001:0DB8:85A3:0012:ffff:ffff:ffff:ffff', '2001:db8:85a3:12::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('counts %s in the bucket %s (an IPv6 host controls its whole /64)', (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });

  test('throttles an IPv6 sprayer that rotates through its /64', async () => {
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

  test('does not count successful logins against the address (a busy office NAT keeps working)', async () => {
    // Prepare
    const office = freshIp();
    const users = await Promise.all(Array.from({ length: 5 }, () => givenUser()));

    // Act
    for (const user of users) expect((await callLogin(user.username, user.password, office)).statusCode).toBe(200);

    // Assess
    expect((await countersOf('anyone', office)).ip).toMatchObject({ failures: 0, inflight: 0 });
  });

  test('stops a throttled address from adding to its victims\' counters', async () => {
    // Prepare
    const sprayer = freshIp();
    for (let i = 0; i < 100; i++) await callLogin(`sprayed2-${i}`, 'Winter2024!', sprayer);
    const victim = await givenUser();

    // Act
    const responses = [];
    for (let i = 0; i < 10; i++) responses.push(await callLogin(victim.username, 'guess', sprayer));

    // Assess
    expect(responses.every((response) => response.statusCode === 429)).toBe(true);
    expect((await countersOf(victim.username, sprayer)).user).toBeUndefined();
    expect((await callLogin(victim.username, victim.password, freshIp())).statusCode).toBe(200);
  });
});

describe('a right password clears its pair: failures count consecutively (NIST SP 800-63B)', () => {
  test('never answers 429 to 40 sequential right-password logins of one user from one address', async () => {
    const user = await givenUser();
    const home = freshIp();

    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await callLogin(user.username, user.password, home)).statusCode);

    expect(statuses).toEqual(Array(40).fill(200));
    expect(await countersOf(user.username, home)).toMatchObject({ pair: { failures: 0, inflight: 0 }, user: { failures: 0, inflight: 0 }, ip: { failures: 0, inflight: 0 } });
  }, 120_000);

  test('never answers 429 to sequential password changes from one address', async () => {
    const user = await givenUser();
    const home = freshIp();
    const passwords = [user.password, ...Array.from({ length: 8 }, (_, i) => `Fresh-Passphrase-${i}-${Date.now()}`)];

    const statuses: number[] = [];
    for (let i = 1; i < passwords.length; i++) {
      statuses.push((await changePassword({ username: user.username, password: passwords[i - 1], newPassword: passwords[i] }, home)).statusCode);
    }
    statuses.push((await callLogin(user.username, passwords.at(-1) as string, home)).statusCode);

    expect(statuses).toEqual(Array(passwords.length).fill(200));
  }, 120_000);

  test('4 failures, a success, 4 more failures: no 429, and the pair counts only the last 4', async () => {
    const user = await givenUser();
    const home = freshIp();

    const before = await failTimes(user.username, 4, home);
    const success = await callLogin(user.username, user.password, home);
    const after = await failTimes(user.username, 4, home);
    const typo = await callLogin(user.username, user.password, home);

    expect([...before, success.statusCode, ...after, typo.statusCode]).toEqual([401, 401, 401, 401, 200, 401, 401, 401, 401, 200]);
    // Decision (docs/security.md): a success resets only its own pair; the username's all-address
    // count keeps all 8, so an owner's logins never hand a distributed guesser a fresh budget.
    const counters = await countersOf(user.username, home);
    expect(counters.pair).toMatchObject({ failures: 0, inflight: 0 });
    expect(counters.user).toMatchObject({ failures: 8, inflight: 0 });
    expect(counters.ip).toMatchObject({ failures: 8, inflight: 0 });
  });

  test('a success after a back-off clears the back-off of its pair too', async () => {
    const user = await givenUser();
    const home = freshIp();
    await failTimes(user.username, 5, home);
    const locked = await callLogin(user.username, user.password, home);
    expect(locked.statusCode).toBe(429);

    await sleep(Number(locked.headers['Retry-After']) * 1000 + 100);
    const success = await callLogin(user.username, user.password, home);
    const next = await failTimes(user.username, 4, home);

    expect(success.statusCode).toBe(200);
    expect(next).toEqual([401, 401, 401, 401]);
    expect((await countersOf(user.username, home)).pair).toMatchObject({ failures: 4 });
    expect((await countersOf(user.username, home)).pair?.lockedUntil).toBeUndefined();
  });

  test('can free a charge without resetting the pair (a password proven, a login not completed)', async () => {
    const username = `release-${Date.now()}`;
    const address = freshIp();
    for (let i = 0; i < 2; i++) await loginThrottle.recordFailure(await loginThrottle.beginAttempt(username, address));
    const attempt = await loginThrottle.beginAttempt(username, address);

    await newTransaction().add(...loginThrottle.successParts(attempt, new Date(), { resetPair: false })).commit();

    expect((await countersOf(username, address)).pair).toMatchObject({ failures: 2, inflight: 0 });
  });

  test('keys its counters by a keyed HMAC: a table dump holds no plain SHA-256 of what was typed', async () => {
    const typed = `Typed-Password-In-Username-${Date.now()}`;
    const address = freshIp();
    await callLogin(typed, 'whatever-password', address);

    const dump = JSON.stringify(await scanTable('loginThrottle'));
    const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

    // Before issue 20 the keys were user#sha256(username): recoverable offline by guessing.
    expect(dump).not.toContain(sha256(typed.toLowerCase()));
    expect(dump).not.toContain(sha256(address));
    const mac = createHmac('sha256', await getThrottleKeyHmacKey()).update(`user\0${typed.toLowerCase()}`, 'utf8').digest('base64url');
    expect(dump).toContain(`user#${mac}`);
  });
});

describe('the success path', () => {
  test('makes one DynamoDB round trip before bcrypt besides the profile read, and one after it: the success write', async () => {
    // Prepare
    const user = await givenUser();
    const events: string[] = [];
    const realSend = documentClient.send.bind(documentClient);
    const realCompare = bcrypt.compare.bind(bcrypt);
    const send = jest.spyOn(documentClient, 'send').mockImplementation(((command: { constructor: { name: string }; input?: { TableName?: string } }) => {
      const items = (command.input as { TransactItems?: { Put?: { TableName: string }; Update?: { TableName: string } }[] } | undefined)?.TransactItems;
      const parts = items?.map((item) => (item.Put ? `Put ${item.Put.TableName}` : `Update ${item.Update?.TableName}`));
      events.push(events.includes('bcrypt') && parts ? `${command.constructor.name} [${parts.join(', ')}]` : command.constructor.name);
      return realSend(command as never);
    }) as never);
    const compare = jest.spyOn(bcrypt, 'compare').mockImplementation((async (password: string, hash: string) => {
      events.push('bcrypt');
      return realCompare(password, hash);
    }) as never);

    // Act
    const response = await callLogin(user.username, user.password, freshIp());
    send.mockRestore();
    compare.mockRestore();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(events.slice(0, 2).sort()).toEqual(['GetCommand', 'TransactWriteCommand']);
    const throttle = `Update ${config.tables.loginThrottle}`;
    expect(events.slice(2)).toEqual(['bcrypt', `TransactWriteCommand [${throttle}, ${throttle}, ${throttle}, Put ${config.tables.sessions}]`]);
  });

  test('charges an attempt that stops counting within seconds, with no write to undo it', async () => {
    // Prepare: a repository of its own, on a simulated clock, with the service's policies.
    const repository = new LoginThrottleRepository(documentClient, config.tables.loginThrottle, policies(), getThrottleKeyHmacKey);
    const username = `inflight-${Date.now()}`;
    const start = Date.parse('2031-01-01T00:00:00Z');

    // Act: five attempts that never write a failure (successes), a sixth at once, a seventh 3 s later.
    for (let i = 0; i < 5; i++) await repository.beginAttempt(username, '10.1.1.1', new Date(start));
    const sixth = await repository.beginAttempt(username, '10.1.1.1', new Date(start + 100)).catch((error: unknown) => error);
    const later = await repository.beginAttempt(username, '10.1.1.1', new Date(start + 3000));

    // Assess
    expect(sixth).toBeInstanceOf(LoginThrottledError);
    expect((sixth as LoginThrottledError).retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(later.keys.pair).toBe((await repository.keys(username, '10.1.1.1')).pair);
    expect(await repository.read('pair', later.keys.pair, new Date(start + 3000))).toMatchObject({ failures: 0, inflight: 1 });
  });
});

function policies(): ThrottlePolicies {
  const policy = (maxFailures: number) => ({ maxFailures, maxLockoutSeconds: config.loginMaxLockoutSeconds, windowSeconds: 3600 });
  return { pair: policy(config.loginMaxFailuresPerUser), user: policy(config.loginMaxFailuresPerUserAllIps), ip: policy(config.loginMaxFailuresPerIp), revoke: policy(config.revokeMaxFailuresPerIp), inflightSeconds: 2 };
}

describe('ASVS V2.2.1: at most 100 failed attempts per hour per account', () => {
  /**
   * A greedy attacker on a simulated clock, guessing the moment the back-off allows, for 24 hours
   * (every guess fails). Returns the worst hour, the last hour and the day's total.
   */
  async function greedyAttacker(addressOf: (guess: number) => string) {
    const repository = new LoginThrottleRepository(documentClient, config.tables.loginThrottle, policies(), getThrottleKeyHmacKey);
    const username = `simulated-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const start = Date.parse('2030-01-01T00:00:00Z');
    const failures: number[] = [];
    let now = start;
    while (now < start + 24 * 3600 * 1000) {
      try {
        const attempt = await repository.beginAttempt(username, addressOf(failures.length), new Date(now));
        await repository.recordFailure(attempt);
        failures.push(now);
        now += 1;
      } catch (error) {
        if (!(error instanceof LoginThrottledError)) throw error;
        now += error.retryAfterSeconds * 1000;
      }
    }
    const perHour = (from: number) => failures.filter((t) => t >= from && t < from + 3600 * 1000).length;
    return { worstHour: Math.max(...failures.map(perHour)), lastHour: perHour(start + 23 * 3600 * 1000), day: failures.length };
  }

  test('lets one address fail at most 17 times in any hour and 109 a day against one account', async () => {
    const result = await greedyAttacker(() => '10.9.0.1');

    expect(result).toEqual({ worstHour: 17, lastHour: 4, day: 109 });
  }, 120_000);

  test('lets any number of addresses together fail at most 62 times in any hour and 154 a day against one account', async () => {
    const result = await greedyAttacker((guess) => `10.8.${Math.floor(guess / 250)}.${guess % 250}`);

    expect(result).toEqual({ worstHour: 62, lastHour: 4, day: 154 });
    expect(result.worstHour).toBeLessThanOrEqual(100);
  }, 120_000);
});
