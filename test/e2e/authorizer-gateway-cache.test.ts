/**
 * The gateway's authorizer cache and allowed addresses, over real sockets: the local server's
 * gateway emulation caches Allow answers as API Gateway does, keyed on the identity sources the
 * stack declares (lib/http/identitySources.ts). A key allowlisted for 127.0.0.1 is accepted from
 * there (and the answer cached: a deleted key still passes from there within the TTL, which proves
 * the cache is in play), yet refused from 127.0.0.2 — the cached Allow is never reused across
 * addresses. Linux routes all of 127.0.0.0/8 to loopback, so the client binds 127.0.0.2 locally.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTHORIZER_IDENTITY_SOURCES } from '../../lib/http/identitySources';
import { createLocalServer, GatewayAuthorizerCache, toProxyEvent } from '../../lib/tools/local/server';
import { givenUser, useTestTables } from '../helpers/db';

useTestTables();

let server: Server;
let port = 0;
beforeAll(async () => {
  // The gateway cache on, as deployed (the test environment sets AUTHORIZER_CACHE_SECONDS=0, which
  // also keeps the function's own cache off: only the gateway's can answer from memory here).
  server = createLocalServer({ gatewayCacheSeconds: 60 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** One HTTP call to the local server from `localAddress`. */
function call(method: string, path: string, options: { authorization?: string; body?: unknown; from?: string } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: options.from ?? '127.0.0.1',
        headers: { ...(options.authorization ? { Authorization: options.authorization } : {}), ...(payload ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('an allowlisted key behind the gateway cache', () => {
  test('is accepted from its address, refused from another even with a cached Allow for the same token', async () => {
    const user = await givenUser();
    const login = await call('POST', '/user/login', { body: { username: user.username, password: user.password } });
    const jwt = `Bearer ${login.json.Token as string}`;
    const added = await call('POST', '/authheader/add', { authorization: jwt, body: { name: 'allowlisted', allowedCidrs: ['127.0.0.1/32'] } });
    const key = added.json as { token: string; id: string };
    expect(added.status).toBe(200);

    const fromAllowed = await call('GET', '/user/me', { authorization: `Bearer ${key.token}`, from: '127.0.0.1' });
    expect(fromAllowed.status).toBe(200);
    expect(fromAllowed.json.AuthHeaderId).toBe(key.id);

    const fromOther = await call('GET', '/user/me', { authorization: `Bearer ${key.token}`, from: '127.0.0.2' });
    expect(fromOther.status).toBe(401);

    // The Allow for 127.0.0.1 is cached: the key deleted, that address still passes within the TTL
    // (as on API Gateway), while 127.0.0.2 still gets 401.
    expect((await call('POST', '/authheader/delete', { authorization: jwt, body: { text: key.token } })).status).toBe(200);
    expect((await call('GET', '/user/me', { authorization: `Bearer ${key.token}`, from: '127.0.0.1' })).status).toBe(200);
    expect((await call('GET', '/user/me', { authorization: `Bearer ${key.token}`, from: '127.0.0.2' })).status).toBe(401);
  });

  test('a key without an allowlist is accepted from any address', async () => {
    const user = await givenUser();
    const login = await call('POST', '/user/login', { body: { username: user.username, password: user.password } });
    const key = (await call('POST', '/authheader/add', { authorization: `Bearer ${login.json.Token as string}`, body: { name: 'anywhere' } })).json as { token: string };

    for (const from of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) expect((await call('GET', '/user/me', { authorization: `Bearer ${key.token}`, from })).status).toBe(200);
  });
});

describe('the cache key', () => {
  const event = (authorization: string, sourceIp: string) => {
    const proxy = toProxyEvent({ url: '/user/me', method: 'GET', httpVersion: '1.1', rawHeaders: ['Authorization', authorization], headers: {}, socket: { remoteAddress: sourceIp } } as never, '', { id: 'UserMe', method: 'GET', path: '/user/me', module: 'user-me', auth: 'authorizer' }, 'r');
    return proxy;
  };

  test('holds the credential and the address, so answers are never shared across addresses', () => {
    const cache = new GatewayAuthorizerCache(60);

    expect(cache.keyOf(event('Bearer k', '203.0.113.1'))).not.toBe(cache.keyOf(event('Bearer k', '203.0.113.2')));
    expect(cache.keyOf(event('Bearer k', '203.0.113.1'))).toBe(cache.keyOf(event('Bearer k', '203.0.113.1')));
    expect(AUTHORIZER_IDENTITY_SOURCES).toEqual({ header: 'Authorization', context: 'identity.sourceIp' });
  });

  test('keyed on Authorization alone (the trap), one cached Allow would serve every address', () => {
    const headerOnly = new GatewayAuthorizerCache(60, { header: 'Authorization', context: 'stage' });
    const allow = { principalId: 'u', policyDocument: { Version: '2012-10-17', Statement: [] }, context: { userId: 'u', username: 'n', authMethod: 'authheader' as const } };

    headerOnly.set(event('Bearer k', '203.0.113.1'), allow);

    expect(headerOnly.get(event('Bearer k', '198.51.100.9'))).toBe(allow);
    const ours = new GatewayAuthorizerCache(60);
    ours.set(event('Bearer k', '203.0.113.1'), allow);
    expect(ours.get(event('Bearer k', '198.51.100.9'))).toBeUndefined();
  });
});
