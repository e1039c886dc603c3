/**
 * The Lambda authorizer accepting what it should: a session JWT or an auth header, Bearer or bare,
 * answering REST with a whole-API policy and HTTP APIs with a simple response; `lastUsed`; its cache.
 */
import { describe, expect, test } from '@jest/globals';
import { AnswerCache, authenticate } from '../../lib/services/authorizerService';
import { authHeaders } from '../../lib/data/repositories';
import { hashToken } from '../../lib/auth/tokens';
import { getTokenHmacKey } from '../../lib/auth/keys';
import { givenUser, useTestTables } from '../helpers/db';
import { authorize, bearer, httpApiAuthorizerEvent, restAuthorizerEvent, WHOLE_API_ARN } from '../helpers/authorizer';
import { InvalidSessionError } from '../../lib/errors';
import { addHeader, deleteHeader, listHeaders, loginAs, userWithKey } from '../helpers/api';

useTestTables();

describe('authorizer: accepted credentials', () => {
  test('a session JWT → an Allow policy for the whole API, principal = user id, context authMethod jwt', async () => {
    const { user, jwt } = await userWithKey();

    const { allowed } = await authorize(restAuthorizerEvent(bearer(jwt)));

    expect(allowed).toEqual({
      principalId: user.id,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: WHOLE_API_ARN }] },
      context: { userId: user.id, username: user.username, authMethod: 'jwt' },
    });
  });

  test('an auth header → the same policy, context authMethod authheader with the key id', async () => {
    const { user, key } = await userWithKey();

    const { allowed } = await authorize(restAuthorizerEvent(bearer(key.token)));

    expect(allowed).toMatchObject({ principalId: user.id, policyDocument: { Statement: [{ Effect: 'Allow', Resource: WHOLE_API_ARN }] } });
    expect(allowed?.context).toEqual({ userId: user.id, username: user.username, authMethod: 'authheader', authHeaderId: key.id });
  });

  test.each([
    ['bare JWT', (jwt: string) => jwt],
    ['lowercase bearer', (jwt: string) => `bearer ${jwt}`],
    ['surrounding spaces', (jwt: string) => `  Bearer ${jwt}  `],
  ])('accepts the JWT as %s', async (_form, present) => {
    const { user, jwt } = await userWithKey();
    const { allowed } = await authorize(restAuthorizerEvent(present(jwt)));
    expect(allowed?.context.userId).toBe(user.id);
  });

  test('accepts the bare auth header token, and any case of the header name', async () => {
    const { key } = await userWithKey();
    const event = restAuthorizerEvent();
    event.headers = { authorization: key.token };
    event.multiValueHeaders = { authorization: [key.token] };
    const { allowed } = await authorize(event);
    expect(allowed?.context.authHeaderId).toBe(key.id);
  });

  test('HTTP API (payload 2.0): a simple response with the same context', async () => {
    const { user, key, jwt } = await userWithKey();

    const byKey = await authorize(httpApiAuthorizerEvent(bearer(key.token)));
    const byJwt = await authorize(httpApiAuthorizerEvent(jwt));

    expect(byKey.allowed).toEqual({ isAuthorized: true, context: { userId: user.id, username: user.username, authMethod: 'authheader', authHeaderId: key.id } });
    expect(byJwt.allowed).toEqual({ isAuthorized: true, context: { userId: user.id, username: user.username, authMethod: 'jwt' } });
  });

  test('a key keeps working after its owner changes password (a separate credential)', async () => {
    const { setUserPassword } = await import('../../lib/services/userService');
    const { users } = await import('../../lib/data/repositories');
    const { user, key } = await userWithKey();
    await setUserPassword(users, user.username, 'Another-Strong-Password-77');

    expect((await authorize(restAuthorizerEvent(bearer(key.token)))).allowed?.context.authHeaderId).toBe(key.id);
  });
});

describe('authorizer: lastUsed', () => {
  test('is absent until the key authenticates a call, then listed as an RFC 3339 UTC time', async () => {
    const { jwt, key } = await userWithKey();
    const before = ((await listHeaders(jwt)).body as Record<string, unknown>[])[0];
    expect(before).toEqual({ id: key.id, name: 'ci-key', token: key.token, created: expect.any(String) });

    await authorize(restAuthorizerEvent(bearer(key.token)));

    const after = ((await listHeaders(jwt)).body as Record<string, unknown>[])[0];
    expect(after?.lastUsed).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Math.abs(Date.parse(after?.lastUsed as string) - Date.now())).toBeLessThan(60_000);
  });

  test('is written at most once per 5 minutes per key, by any instance (conditional update)', async () => {
    const { user, jwt, key } = await userWithKey();
    const tokenHash = hashToken(key.token, await getTokenHmacKey());
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

    // Another instance's writes, straight through the repository as the authorizer issues them.
    expect(await authHeaders.recordUse(user.id, tokenHash, at(t0), at(t0 - 300_000))).toBe(true);
    expect(await authHeaders.recordUse(user.id, tokenHash, at(t0 + 60_000), at(t0 + 60_000 - 300_000))).toBe(false);
    expect(((await listHeaders(jwt)).body as { lastUsed?: string }[])[0]?.lastUsed).toBe(at(t0));
    expect(await authHeaders.recordUse(user.id, tokenHash, at(t0 + 301_000), at(t0 + 1_000))).toBe(true);
    expect(((await listHeaders(jwt)).body as { lastUsed?: string }[])[0]?.lastUsed).toBe(at(t0 + 301_000));
  });

  test('never recreates a header deleted meanwhile', async () => {
    const { user, jwt, key } = await userWithKey();
    const tokenHash = hashToken(key.token, await getTokenHmacKey());
    await deleteHeader(jwt, key.token);

    expect(await authHeaders.recordUse(user.id, tokenHash, '2030-01-01T00:00:00Z', '2029-12-31T23:55:00Z')).toBe(false);
    expect((await listHeaders(jwt)).body).toEqual([]);
  });
});

describe("authorizer: the in-function cache (bounded by AUTHORIZER_CACHE_SECONDS)", () => {
  test('remembers an answer for the TTL: a key deleted meanwhile passes until then, and is refused after', async () => {
    const { jwt, key } = await userWithKey();
    const cache = new AnswerCache(60);
    const t0 = new Date();

    await authenticate(bearer(key.token), t0, cache);
    await deleteHeader(jwt, key.token);

    await expect(authenticate(bearer(key.token), new Date(t0.getTime() + 59_000), cache)).resolves.toMatchObject({ authHeaderId: key.id });
    await expect(authenticate(bearer(key.token), new Date(t0.getTime() + 60_000), cache)).rejects.toBeInstanceOf(InvalidSessionError);
  });

  test('never past a key’s expiry, whatever the TTL', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const expiresAt = new Date(Date.now() + 30_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { addAuthHeader } = await import('../../lib/services/authHeaderService');
    const { verifySessionToken } = await import('../../lib/auth/jwt');
    const key = await addAuthHeader(await verifySessionToken(jwt), { name: 'short-lived', expiresAt }, { requestId: 'test', sourceIp: '203.0.113.10' });
    const cache = new AnswerCache(3600);

    await authenticate(key.token, new Date(), cache);

    await expect(authenticate(key.token, new Date(Date.parse(expiresAt)), cache)).rejects.toBeInstanceOf(InvalidSessionError);
  });

  test('with TTL 0 remembers nothing: a deleted key is refused on the next call', async () => {
    const { jwt, key } = await userWithKey();
    const cache = new AnswerCache(0);

    await authenticate(key.token, new Date(), cache);
    await deleteHeader(jwt, key.token);

    await expect(authenticate(key.token, new Date(), cache)).rejects.toBeInstanceOf(InvalidSessionError);
  });
});
