/**
 * POST /authheader/revoke: no credential; the same 200 whatever the token; the key refused from
 * then on (both tokens within a roll's grace); the same DynamoDB work for an unknown well-formed
 * token as for a real one; the audit line names the key, never the token.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { handler as revokeHandler } from '../../functions/authheader-revoke';
import { handler as rollHandler } from '../../functions/authheader-roll';
import { generateToken } from '../../lib/auth/tokens';
import { documentClient } from '../../lib/data/client';
import { getThrottleKeyHmacKey } from '../../lib/auth/keys';
import { throttleKeys } from '../../lib/auth/loginThrottle';
import { config } from '../../lib/config';
import { authHeaders, loginThrottle } from '../../lib/data/repositories';
import { DatabaseUnavailableError, TOO_MANY_REVOCATIONS } from '../../lib/errors';
import { addHeader, callLogin, deleteHeader, freshIp, listHeaders, userWithKey } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();
afterEach(() => {
  jest.restoreAllMocks();
});

const revoke = (text: unknown, options: { token?: string; sourceIp?: string } = {}) => invoke(revokeHandler, { method: 'POST', path: '/authheader/revoke', body: { text }, ...options });
const refused = async (token: string) => (await authorize(restAuthorizerEvent(bearer(token)))).error?.message === 'Unauthorized';

describe('POST /authheader/revoke', () => {
  test('needs no credential: 200 { message: "Success" }, and the key is refused from then on', async () => {
    const { jwt, key } = await userWithKey();
    expect(await refused(key.token)).toBe(false);

    const response = await revoke(key.token);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ message: 'Success' });
    expect(await refused(key.token)).toBe(true);
    // Still listed for its owner, who can delete it.
    expect(((await listHeaders(jwt)).body as { id: string }[]).map((header) => header.id)).toEqual([key.id]);
  });

  test.each([
    ['an unknown well-formed token', () => generateToken()],
    ['a token with a wrong checksum', () => `${generateToken().slice(0, -1)}0`],
    ['junk', () => 'not a token at all'],
    ['an already revoked token', () => 'again'],
  ])('answers %s exactly the same', async (_what, textOf) => {
    const { key } = await userWithKey();
    const text = textOf() === 'again' ? key.token : textOf();
    if (text === key.token) await revoke(key.token);

    const response = await revoke(text);

    expect(response.statusCode).toBe(200);
    expect(response.rawBody).toBe('{"message":"Success"}');
  });

  test('an unknown well-formed token costs the same read as a real one; only a live key costs one write more', async () => {
    const { key } = await userWithKey();
    const spy = jest.spyOn(documentClient, 'send');
    const calls = () => spy.mock.calls.map(([command]) => command.constructor.name);

    await revoke(generateToken());
    const unknownCalls = calls();
    spy.mockClear();
    await revoke(key.token);
    const realCalls = calls();

    // The charge on the address's counter, then the lookup item's strongly consistent read; then
    // the miss counts its failure, and the hit commits the revocation and the owner's flag (one
    // transaction) and frees its charge. The extra write is only for a key that is dead by then.
    expect(unknownCalls).toEqual(['UpdateCommand', 'GetCommand', 'UpdateCommand']);
    expect(realCalls).toEqual(['UpdateCommand', 'GetCommand', 'TransactWriteCommand', 'UpdateCommand']);
  });

  test("the owner's list flags the revoked key (revokedAt); a roll gives it a fresh token that works, the revoked one stays refused", async () => {
    const { jwt, key } = await userWithKey();
    const before = Date.now();

    await revoke(key.token);
    const [listed] = (await listHeaders(jwt)).body as { id: string; token: string; revokedAt?: string }[];
    const rolled = await invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body: { text: key.token } });
    const [afterRoll] = (await listHeaders(jwt)).body as { id: string; token: string; revokedAt?: string }[];

    expect(listed).toMatchObject({ id: key.id, token: key.token, revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(Date.parse(listed!.revokedAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(rolled.statusCode).toBe(200);
    expect(rolled.body).not.toHaveProperty('revokedAt');
    expect(afterRoll).toEqual(expect.objectContaining({ id: key.id, token: (rolled.body as { token: string }).token }));
    expect(afterRoll).not.toHaveProperty('revokedAt');
    expect(await refused((rolled.body as { token: string }).token)).toBe(false);
    expect(await refused(key.token)).toBe(true);
  });

  test("a token rolled away past its grace revokes nothing: its old holder cannot kill the key's current token", async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    try {
      const { jwt, key } = await userWithKey();
      const rolled = (await invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body: { text: key.token, graceSeconds: 60 } })).body as { token: string };
      jest.setSystemTime(Date.now() + 61_000);

      const response = await revoke(key.token);

      expect(response.statusCode).toBe(200);
      expect(await refused(rolled.token)).toBe(false);
      expect(((await listHeaders(jwt)).body as object[])[0]).not.toHaveProperty('revokedAt');
    } finally {
      jest.useRealTimers();
    }
  });

  test('revoking a token again is a no-op that counts as a failure', async () => {
    const { key } = await userWithKey();
    const sourceIp = freshIp();

    await revoke(key.token, { sourceIp });
    const once = await revokeCounter(sourceIp);
    await revoke(key.token, { sourceIp });

    expect(once).toMatchObject({ failures: 0, inflight: 0 });
    expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 1, inflight: 0 });
  });

  test("within a roll's grace either token revokes the key: both tokens refused, the key flagged", async () => {
    for (const presented of ['old', 'current'] as const) {
      const { jwt, key } = await userWithKey();
      const rolled = await rollKey(jwt, key.token);

      await revoke(presented === 'old' ? key.token : rolled.token);

      const flagged = 'revokedAt' in (((await listHeaders(jwt)).body as object[])[0] as object);
      expect({ presented, old: await refused(key.token), current: await refused(rolled.token), flagged }).toEqual({ presented, old: true, current: true, flagged: true });
    }
  });

  test('after two rolls, the middle token (still in its grace) and the current one each revoke the key', async () => {
    for (const presented of ['middle', 'current'] as const) {
      const { jwt, key } = await userWithKey();
      const middle = await rollKey(jwt, key.token);
      const current = await rollKey(jwt, middle.token);

      await revoke(presented === 'middle' ? middle.token : current.token);

      const flagged = 'revokedAt' in (((await listHeaders(jwt)).body as object[])[0] as object);
      expect({ presented, middle: await refused(middle.token), current: await refused(current.token), flagged }).toEqual({ presented, middle: true, current: true, flagged: true });
      // The first token went with the second roll.
      expect(await refused(key.token)).toBe(true);
    }
  });

  test("a token revoked before revokes nothing more: after its owner rolls the key, presenting the revoked token again leaves the new one working", async () => {
    const { jwt, key } = await userWithKey();
    const sourceIp = freshIp();
    await revoke(key.token, { sourceIp });
    const recovered = await rollKey(jwt, key.token);

    const again = await revoke(key.token, { sourceIp });

    expect(again.statusCode).toBe(200);
    expect(await refused(recovered.token)).toBe(false);
    expect(((await listHeaders(jwt)).body as object[])[0]).not.toHaveProperty('revokedAt');
    expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 1, inflight: 0 });
  });

  test('a revocation that fails (503) changes nothing and is done by retrying it', async () => {
    const { jwt, key } = await userWithKey();
    const rolled = await rollKey(jwt, key.token);
    const send = documentClient.send.bind(documentClient);
    // The transaction fails as the client reports an unavailable DynamoDB (lib/data/faults.ts).
    jest.spyOn(documentClient, 'send').mockImplementation(((command: { constructor: { name: string } }, ...rest: unknown[]) => {
      if (command.constructor.name === 'TransactWriteCommand') return Promise.reject(new DatabaseUnavailableError('server', 5));
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof documentClient.send);

    const failed = await revoke(key.token);
    jest.restoreAllMocks();
    const after503 = { old: await refused(key.token), current: await refused(rolled.token), flagged: 'revokedAt' in (((await listHeaders(jwt)).body as object[])[0] as object) };
    const retried = await revoke(key.token);

    expect(failed.statusCode).toBe(503);
    expect(after503).toEqual({ old: false, current: false, flagged: false });
    expect(retried.statusCode).toBe(200);
    expect({ old: await refused(key.token), current: await refused(rolled.token) }).toEqual({ old: true, current: true });
    expect(((await listHeaders(jwt)).body as object[])[0]).toHaveProperty('revokedAt');
  });

  test('both tokens of a key in its grace revoked at once: the key is refused, flagged and audited once', async () => {
    const { jwt, key } = await userWithKey();
    const rolled = await rollKey(jwt, key.token);
    const lines = jest.spyOn(authHeaders, 'revoke');

    const answers = await Promise.all([revoke(key.token), revoke(rolled.token)]);

    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect({ old: await refused(key.token), current: await refused(rolled.token) }).toEqual({ old: true, current: true });
    expect(((await listHeaders(jwt)).body as object[])[0]).toHaveProperty('revokedAt');
    // One of the two committed; the other found its token revoked (by then, or by its condition).
    const committed = await Promise.all(lines.mock.results.map((result) => result.value as Promise<boolean>));
    expect(committed.filter(Boolean)).toHaveLength(1);
  });

  test('an expired key revokes nothing: no flag, and it counts as a failure', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    try {
      const { jwt, key } = await userWithKey();
      const sourceIp = freshIp();
      const expiring = (await addHeader(jwt, 'expiring', { body: { name: 'expiring', expiresAt: new Date(Date.now() + 60_000).toISOString() } })).body as { id: string; token: string };
      jest.setSystemTime(Date.now() + 61_000);

      await revoke(expiring.token, { sourceIp });

      const listed = (await listHeaders(jwt)).body as { id: string; revokedAt?: string }[];
      expect(listed.find((header) => header.id === expiring.id)).not.toHaveProperty('revokedAt');
      expect(listed.find((header) => header.id === key.id)).not.toHaveProperty('revokedAt');
      expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 1 });
    } finally {
      jest.useRealTimers();
    }
  });

  test('a key deleted between the read and the revocation is not recreated: nothing written, a failure counted', async () => {
    const { jwt, key } = await userWithKey();
    const sourceIp = freshIp();
    const findRevocable = authHeaders.findRevocable.bind(authHeaders);
    jest.spyOn(authHeaders, 'findRevocable').mockImplementation(async (...args) => {
      const found = await findRevocable(...args);
      if (found) expect((await deleteHeader(jwt, key.token)).statusCode).toBe(200);
      return found;
    });

    const response = await revoke(key.token, { sourceIp });

    expect(response.statusCode).toBe(200);
    // No stub of the owner's copy or of the lookup item (an UpdateItem without its condition would make one).
    expect((await scanTable('authHeaders')).filter((item) => item.id === key.id || item.headerId === key.id || item.revokedAt !== undefined && item.userId === undefined)).toEqual([]);
    expect((await listHeaders(jwt)).body).toEqual([]);
    expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 1, inflight: 0 });
  });

  test('a revoked key can be deleted by its owner', async () => {
    const { jwt, key } = await userWithKey();
    await revoke(key.token);

    expect((await deleteHeader(jwt, key.token)).statusCode).toBe(200);
    expect((await listHeaders(jwt)).body).toEqual([]);
  });

  test('400 for a body without a string text (the only thing it checks)', async () => {
    expect((await revoke(42)).statusCode).toBe(400);
  });
});

describe('POST /authheader/revoke is throttled per address, like login', () => {
  const limit = config.revokeMaxFailuresPerIp;

  test(`${limit} revocations that revoke nothing, then 429 with Retry-After for that address only, whatever the text`, async () => {
    const sourceIp = freshIp();
    const { key } = await userWithKey();

    const answers = [];
    for (let i = 0; i < limit; i++) answers.push((await revoke(i % 2 ? generateToken() : 'junk', { sourceIp })).statusCode);
    const refusedJunk = await revoke(generateToken(), { sourceIp });
    const refusedReal = await revoke(key.token, { sourceIp });
    const elsewhere = await revoke(generateToken(), { sourceIp: freshIp() });

    expect(answers).toEqual(Array(limit).fill(200));
    for (const response of [refusedJunk, refusedReal]) {
      expect(response.statusCode).toBe(429);
      expect(response.body).toEqual({ message: TOO_MANY_REVOCATIONS });
      expect(Number(response.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    }
    // Refused before the token was looked at: the real key still works.
    expect(await refused(key.token)).toBe(false);
    expect(elsewhere.statusCode).toBe(200);
  });

  test('revoking live keys never counts: an address that revokes many leaked keys, one after another or all at once, is not throttled', async () => {
    const sourceIp = freshIp();
    const keys = await Promise.all(Array.from({ length: 24 }, () => userWithKey()));

    for (const { key } of keys.slice(0, 12)) expect((await revoke(key.token, { sourceIp })).statusCode).toBe(200);
    const parallel = await Promise.all(keys.slice(12).map(({ key }) => revoke(key.token, { sourceIp })));

    expect(parallel.map((response) => response.statusCode)).toEqual(Array(12).fill(200));
    expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 0, inflight: 0 });
    for (const { key } of keys) expect(await refused(key.token)).toBe(true);
  });

  test("past the limit the address backs off as login's does: 1 s, then one try, then 2 s", async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    try {
      const sourceIp = freshIp();
      for (let i = 0; i < limit; i++) await revoke('junk', { sourceIp });

      const first = await revoke('junk', { sourceIp });
      jest.setSystemTime(Date.now() + 1_100);
      const afterFirst = await revoke('junk', { sourceIp });
      const second = await revoke('junk', { sourceIp });

      expect([first.statusCode, first.headers['Retry-After']]).toEqual([429, '1']);
      expect(afterFirst.statusCode).toBe(200);
      expect([second.statusCode, second.headers['Retry-After']]).toEqual([429, '2']);
    } finally {
      jest.useRealTimers();
    }
  });

  test("its own counter: failed revocations spend nothing of the address's login budget, nor the reverse", async () => {
    const sourceIp = freshIp();
    for (let i = 0; i < 3; i++) await revoke(generateToken(), { sourceIp });
    const user = await givenUser();
    for (let i = 0; i < 2; i++) await callLogin(user.username, 'Wrong-Password-0000', sourceIp);

    const loginKeys = await loginThrottle.keys(user.username, sourceIp);
    expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 3 });
    expect(await loginThrottle.read('ip', loginKeys.ip)).toMatchObject({ failures: 2 });
  });
});

/** Rolls the key (the default grace) and answers its new list item. */
async function rollKey(jwt: string, token: string): Promise<{ id: string; token: string }> {
  const response = await invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body: { text: token } });
  expect(response.statusCode).toBe(200);
  return response.body as { id: string; token: string };
}

/** The address's revoke counter as it stands. */
async function revokeCounter(sourceIp: string) {
  return loginThrottle.read('revoke', throttleKeys(await getThrottleKeyHmacKey()).revoke(sourceIp));
}
