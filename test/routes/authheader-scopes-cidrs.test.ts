/**
 * Scopes, allowed addresses and the lifetime cap of a key (API.md, "API keys, second round"):
 * stored, echoed by add and list, checked on add (400), passed on by the authorizer and /user/me,
 * and an allowlisted key refused from any other address — also when its answer is remembered.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as meHandler } from '../../functions/user-me';
import { config } from '../../lib/config';
import { AnswerCache, authenticate } from '../../lib/services/authorizerService';
import { InvalidSessionError } from '../../lib/errors';
import { listHeaders, loggedInUser } from '../helpers/api';
import { authorize, bearer, httpApiAuthorizerEvent, restAuthorizerEvent, throughAuthorizer } from '../helpers/authorizer';
import { useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const add = (jwt: string, body: Record<string, unknown>) => invoke(addHandler, { method: 'POST', path: '/authheader/add', token: jwt, body });

async function keyWith(body: Record<string, unknown>) {
  const user = await loggedInUser();
  const response = await add(user.jwt, { name: 'k', ...body });
  if (response.statusCode !== 200) throw new Error(`add failed: ${response.rawBody}`);
  return { user, key: response.body as { id: string; token: string; scopes?: string[]; allowedCidrs?: string[]; expiresAt?: string } };
}

/** The REST authorizer event of a call from `sourceIp`. */
function fromAddress(token: string, sourceIp: string) {
  const event = restAuthorizerEvent(bearer(token));
  event.requestContext.identity.sourceIp = sourceIp;
  return event;
}

describe('scopes', () => {
  test('are stored, echoed by add and list, passed as context `scopes` (space-separated) and answered by /user/me', async () => {
    const { user, key } = await keyWith({ scopes: ['orders:read', 'orders.write', 'admin_1-x'] });

    expect(key.scopes).toEqual(['orders:read', 'orders.write', 'admin_1-x']);
    expect((await listHeaders(user.jwt)).body).toEqual([expect.objectContaining({ id: key.id, scopes: ['orders:read', 'orders.write', 'admin_1-x'] })]);
    const { allowed } = await authorize(restAuthorizerEvent(bearer(key.token)));
    expect(allowed?.context).toEqual({ userId: user.id, username: user.username, authMethod: 'authheader', authHeaderId: key.id, scopes: 'orders:read orders.write admin_1-x' });
    const me = await throughAuthorizer(meHandler, '/user/me', bearer(key.token));
    expect(me.body).toMatchObject({ AuthHeaderId: key.id, Scopes: ['orders:read', 'orders.write', 'admin_1-x'] });
  });

  test('a key without scopes answers exactly as before: no scopes in add, list, context or /user/me', async () => {
    const { user, key } = await keyWith({});

    expect(Object.keys(key).sort()).toEqual(['created', 'id', 'name', 'token']);
    expect(Object.keys(((await listHeaders(user.jwt)).body as object[])[0] as object).sort()).toEqual(['created', 'id', 'name', 'token']);
    const { allowed } = await authorize(restAuthorizerEvent(bearer(key.token)));
    expect(allowed?.context).not.toHaveProperty('scopes');
    expect((await throughAuthorizer(meHandler, '/user/me', bearer(key.token))).body).not.toHaveProperty('Scopes');
  });

  test.each([
    [{ scopes: 'orders:read' }, '"scopes" must be an array of strings'],
    [{ scopes: [1] }, '"scopes" must be an array of strings'],
    [{ scopes: ['Orders'] }, 'each of "scopes" must match ^[a-z0-9][a-z0-9:._-]{0,63}$'],
    [{ scopes: [':read'] }, 'each of "scopes" must match ^[a-z0-9][a-z0-9:._-]{0,63}$'],
    [{ scopes: ['a b'] }, 'each of "scopes" must match ^[a-z0-9][a-z0-9:._-]{0,63}$'],
    [{ scopes: ['a'.repeat(65)] }, 'each of "scopes" must be 1-64 characters'],
    [{ scopes: ['x', 'x'] }, '"scopes" must not repeat an item'],
    [{ scopes: Array.from({ length: 21 }, (_, i) => `s${i}`) }, '"scopes" must have at most 20 items'],
  ])('400 for %j, storing nothing', async (body, message) => {
    const user = await loggedInUser();

    const response = await add(user.jwt, { name: 'k', ...body });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message });
    expect((await listHeaders(user.jwt)).body).toEqual([]);
  });
});

describe('allowedCidrs', () => {
  test('are normalized, echoed by add and list', async () => {
    const { user, key } = await keyWith({ allowedCidrs: ['203.0.113.77/24', '2001:DB8:0::1/32', '198.51.100.1', '::ffff:192.0.2.0/120', '203.0.113.0/24'] });

    const normalized = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.1/32', '192.0.2.0/24'];
    expect(key.allowedCidrs).toEqual(normalized);
    expect((await listHeaders(user.jwt)).body).toEqual([expect.objectContaining({ allowedCidrs: normalized })]);
  });

  test.each([['10.0.0.1/33'], ['0x7f.1/8'], ['10.0.0'], ['fe80::1%eth0/64'], ['10.0.0.0/'], ['not-an-address'], ['::1/129']])('400 for %j', async (cidr) => {
    const user = await loggedInUser();

    const response = await add(user.jwt, { name: 'k', allowedCidrs: [cidr] });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringContaining('"allowedCidrs"') });
    expect((await listHeaders(user.jwt)).body).toEqual([]);
  });

  test('the authorizer accepts the key from an allowed address (REST and HTTP API) and refuses it from any other', async () => {
    const { key } = await keyWith({ allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] });

    for (const address of ['203.0.113.10', '203.0.113.254', '2001:db8::42', '::ffff:203.0.113.9']) {
      expect((await authorize(fromAddress(key.token, address))).allowed).toBeDefined();
    }
    for (const address of ['203.0.114.1', '198.51.100.1', '2001:db9::1', 'unknown']) {
      expect((await authorize(fromAddress(key.token, address))).error?.message).toBe('Unauthorized');
    }
    const http = httpApiAuthorizerEvent(bearer(key.token));
    expect((await authorize(http)).allowed).toEqual(expect.objectContaining({ isAuthorized: true }));
    http.requestContext.http.sourceIp = '192.0.2.1';
    expect((await authorize(http)).error?.message).toBe('Unauthorized');
  });

  test('a remembered answer (the in-function cache) is never used from another address', async () => {
    const { key } = await keyWith({ allowedCidrs: ['203.0.113.10'], scopes: ['orders:read'] });
    const cache = new AnswerCache(60);

    const first = await authenticate(bearer(key.token), new Date(), cache, '203.0.113.10');
    expect(first.scopes).toEqual(['orders:read']);
    await expect(authenticate(bearer(key.token), new Date(), cache, '203.0.113.11')).rejects.toThrow(InvalidSessionError);
    await expect(authenticate(bearer(key.token), new Date(), cache, undefined)).rejects.toThrow(InvalidSessionError);
    expect((await authenticate(bearer(key.token), new Date(), cache, '203.0.113.10')).authHeaderId).toBe(key.id);
  });

  test('a TOKEN authorizer (no source address) refuses an allowlisted key', async () => {
    const { key } = await keyWith({ allowedCidrs: ['203.0.113.0/24'] });

    const outcome = await authorize({ type: 'TOKEN', authorizationToken: bearer(key.token), methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/user/me' } as never);

    expect(outcome.error?.message).toBe('Unauthorized');
  });
});

describe('MAX_AUTH_HEADER_LIFETIME_DAYS', () => {
  const original = config.maxAuthHeaderLifetimeDays;
  afterEach(() => {
    config.maxAuthHeaderLifetimeDays = original;
  });

  test('gives a key added without expiresAt the cap as its expiry', async () => {
    config.maxAuthHeaderLifetimeDays = 30;
    const before = Date.now();

    const { key } = await keyWith({});

    const expires = Date.parse(key.expiresAt as string);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 30 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
  });

  test('answers 400 for an expiresAt beyond the cap and accepts one within it', async () => {
    config.maxAuthHeaderLifetimeDays = 30;
    const user = await loggedInUser();
    const day = 86_400_000;

    const beyond = await add(user.jwt, { name: 'k', expiresAt: new Date(Date.now() + 31 * day).toISOString() });
    const within = await add(user.jwt, { name: 'k', expiresAt: new Date(Date.now() + 29 * day).toISOString() });

    expect(beyond.statusCode).toBe(400);
    expect(beyond.body).toEqual({ message: '"expiresAt" must be at most 30 days ahead (the lifetime cap)' });
    expect(within.statusCode).toBe(200);
  });

  test('0 (the default) leaves a key without expiresAt unexpiring', async () => {
    config.maxAuthHeaderLifetimeDays = 0;
    const { key } = await keyWith({});
    expect(key).not.toHaveProperty('expiresAt');
  });
});
