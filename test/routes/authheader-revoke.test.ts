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
import { loginThrottle } from '../../lib/data/repositories';
import { TOO_MANY_REVOCATIONS } from '../../lib/errors';
import { callLogin, freshIp, listHeaders, userWithKey } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';
import { givenUser, useTestTables } from '../helpers/db';
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

  test('an unknown well-formed token costs as many DynamoDB calls as a real one: the charge, the same conditional UpdateItem, one settling write', async () => {
    const { key } = await userWithKey();
    const spy = jest.spyOn(documentClient, 'send');
    const calls = () => spy.mock.calls.map(([command]) => command.constructor.name);

    await revoke(generateToken());
    const unknownCalls = calls();
    spy.mockClear();
    await revoke(key.token);
    const realCalls = calls();

    // The charge on the address's counter, then the lookup item's conditional UpdateItem; then the
    // miss counts its failure (an UpdateItem) and the hit frees its charge and flags the owner's copy
    // (one transaction). The last write differs in kind only for a key that is now dead.
    expect(unknownCalls).toEqual(['TransactWriteCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(realCalls).toEqual(['TransactWriteCommand', 'UpdateCommand', 'TransactWriteCommand']);
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

  test('within a roll’s grace, revoking either token refuses both', async () => {
    for (const which of ['old', 'new'] as const) {
      const { jwt, key } = await userWithKey();
      const rolled = (await invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body: { text: key.token } })).body as { token: string };

      await revoke(which === 'old' ? key.token : rolled.token);

      expect({ which, old: await refused(key.token), new: await refused(rolled.token) }).toEqual({ which, old: true, new: true });
    }
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

  test('revoking live keys never counts: an address that revokes many leaked keys is not throttled', async () => {
    const sourceIp = freshIp();
    const keys = await Promise.all(Array.from({ length: 12 }, () => userWithKey()));

    for (const { key } of keys) expect((await revoke(key.token, { sourceIp })).statusCode).toBe(200);

    expect(await revokeCounter(sourceIp)).toMatchObject({ failures: 0, inflight: 0 });
    for (const { key } of keys) expect(await refused(key.token)).toBe(true);
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

/** The address's revoke counter as it stands. */
async function revokeCounter(sourceIp: string) {
  return loginThrottle.read('revoke', throttleKeys(await getThrottleKeyHmacKey()).revoke(sourceIp));
}
