/**
 * GET /user/me over HTTP: the local server applying the authorizer as API Gateway would, and
 * `npm start` doing the same for a newcomer with the demo user.
 */
import type { Server } from 'node:http';
import { config } from '../../lib/config';
import { freePort } from '../../lib/tools/local/dynamodb';
import { givenUser, useTestTables } from '../helpers/db';
import { useLocalServer } from '../helpers/localServer';
import { givenDemoUser, startService } from '../helpers/npmStart';

useTestTables();

const local = useLocalServer();

async function call(base: string, method: string, path: string, authorization?: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(authorization !== undefined ? { Authorization: authorization } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

async function loginAndKey(base: string, username: string, password: string) {
  const login = await call(base, 'POST', '/user/login', undefined, { username, password });
  const jwt = login.json?.Token as string;
  const key = (await call(base, 'POST', '/authheader/add', `Bearer ${jwt}`, { name: 'e2e-key' })).json as { id: string; token: string };
  return { jwt, key };
}

describe('local server: GET /user/me through the authorizer', () => {
  test('JWT → 200 jwt; key (Bearer and bare) → 200 authheader with its id; deleted key → 401 at once', async () => {
    const user = await givenUser();
    const { jwt, key } = await loginAndKey(local.url, user.username, user.password);

    const byJwt = await call(local.url, 'GET', '/user/me', `Bearer ${jwt}`);
    expect(byJwt.status).toBe(200);
    expect(byJwt.json).toMatchObject({ Id: user.id, Username: user.username, AuthMethod: 'jwt' });
    expect(byJwt.json).not.toHaveProperty('AuthHeaderId');

    for (const authorization of [`Bearer ${key.token}`, key.token]) {
      const byKey = await call(local.url, 'GET', '/user/me', authorization);
      expect(byKey.status).toBe(200);
      expect(byKey.json).toMatchObject({ Id: user.id, AuthMethod: 'authheader', AuthHeaderId: key.id });
    }

    await call(local.url, 'POST', '/authheader/delete', `Bearer ${jwt}`, { text: key.token });
    const deleted = await call(local.url, 'GET', '/user/me', `Bearer ${key.token}`);
    expect(deleted.status).toBe(401);
  });

  test.each([
    ['no Authorization', undefined],
    ['an empty one', ''],
    ['garbage', 'garbage'],
    ['Basic', 'Basic am9objpwdw=='],
    ['a 4 kB header', `Bearer ${'a'.repeat(4096)}`],
  ])('%s → 401 {"message":"Unauthorized"} with WWW-Authenticate: Bearer', async (_case, authorization) => {
    const response = await call(local.url, 'GET', '/user/me', authorization);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  test('a key lists lastUsed once it has been used', async () => {
    const user = await givenUser();
    const { jwt, key } = await loginAndKey(local.url, user.username, user.password);
    await call(local.url, 'GET', '/user/me', key.token);
    const listed = (await call(local.url, 'GET', '/authheader/list', `Bearer ${jwt}`)).json as unknown as { lastUsed?: string }[];
    expect(listed[0]?.lastUsed).toMatch(/Z$/);
  });

  test('the JWT routes still refuse an auth header (a leaked key cannot mint keys)', async () => {
    const user = await givenUser();
    const { key } = await loginAndKey(local.url, user.username, user.password);
    expect((await call(local.url, 'GET', '/authheader/list', `Bearer ${key.token}`)).status).toBe(401);
    expect((await call(local.url, 'POST', '/authheader/add', `Bearer ${key.token}`, { name: 'minted' })).status).toBe(401);
  });
});

describe('npm start', () => {
  test('serves GET /user/me behind the authorizer for the demo user, by JWT and by key', async () => {
    const port = await freePort();
    await givenDemoUser(config.dynamoDbEndpoint as string, `${process.env.TABLE_PREFIX}-me`);
    const { child } = await startService({ PORT: String(port), DYNAMODB_ENDPOINT: config.dynamoDbEndpoint as string, TABLE_PREFIX: `${process.env.TABLE_PREFIX}-me`, AUTHORIZER_CACHE_SECONDS: '0' });
    try {
      const base = `http://localhost:${port}`;
      const { jwt, key } = await loginAndKey(base, 'john.doe', 'SecurePass123!');
      expect((await call(base, 'GET', '/user/me', `Bearer ${jwt}`)).json).toMatchObject({ Username: 'john.doe', Email: 'john.doe@example.com', AuthMethod: 'jwt' });
      expect((await call(base, 'GET', '/user/me', key.token)).json).toMatchObject({ Username: 'john.doe', AuthMethod: 'authheader', AuthHeaderId: key.id });
      await call(base, 'POST', '/authheader/delete', `Bearer ${jwt}`, { text: key.token });
      expect((await call(base, 'GET', '/user/me', key.token)).status).toBe(401);
      expect((await call(base, 'GET', '/user/me')).status).toBe(401);
    } finally {
      child.kill('SIGINT');
    }
  }, 60_000);
});
