/** The three /authheader routes against DynamoDB Local: contract bodies, statuses and races. */
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as deleteHandler } from '../../functions/authheader-delete';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { getTokenHmacKey } from '../../lib/auth/keys';
import { hashToken } from '../../lib/auth/tokens';
import { setUserPassword } from '../../lib/services/userService';
import { authHeaders, users } from '../../lib/data/repositories';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

interface AuthHeader {
  id: string;
  name: string;
  token: string;
  created: string;
}

async function loggedInUser() {
  const user = await givenUser();
  const response = await invoke(loginHandler, { path: '/user/login', body: { username: user.username, password: user.password } });
  expect(response.statusCode).toBe(200);
  return { ...user, jwt: (response.body as { Token: string }).Token };
}

const add = (jwt: string | undefined, body: unknown) => invoke(addHandler, { path: '/authheader/add', token: jwt, body });
const list = (jwt: string | undefined) => invoke(listHandler, { method: 'GET', path: '/authheader/list', token: jwt });
const remove = (jwt: string | undefined, body: unknown) => invoke(deleteHandler, { path: '/authheader/delete', token: jwt, body });

describe('POST /authheader/add', () => {
  it('creates an auth header and returns { id, name, token, created }', async () => {
    // Prepare
    const user = await loggedInUser();

    // Act
    const response = await add(user.jwt, { name: 'production-api-key' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ id: expect.any(String), name: 'production-api-key', token: expect.any(String), created: expect.any(String) });
    const header = response.body as AuthHeader;
    expect(header.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(header.token).toMatch(/^ahk_[A-Za-z0-9_-]{43}$/);
    expect(Number.isNaN(Date.parse(header.created))).toBe(false);
  });

  it('makes the token findable by its hash with one read (the API-key check path)', async () => {
    const user = await loggedInUser();
    const header = (await add(user.jwt, { name: 'ci' })).body as AuthHeader;

    const owner = await authHeaders.findOwnerByTokenHash(hashToken(header.token, await getTokenHmacKey()));

    expect(owner).toEqual({ userId: user.id, username: user.username, headerId: header.id });
  });

  it.each([
    ['no body', undefined],
    ['a missing name', {}],
    ['an empty name', { name: '' }],
    ['a numeric name', { name: 7 }],
    ['an oversized name', { name: 'n'.repeat(129) }],
    ['an array', [{ name: 'x' }]],
  ])('answers 400 for %s', async (_case, body) => {
    const user = await loggedInUser();

    const response = await add(user.jwt, body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });
});

describe('GET /authheader/list', () => {
  it('answers [] for a user without auth headers', async () => {
    const user = await loggedInUser();

    const response = await list(user.jwt);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([]);
  });

  it("returns the caller's headers, oldest first, with their tokens", async () => {
    const user = await loggedInUser();
    const first = (await add(user.jwt, { name: 'first' })).body as AuthHeader;
    const second = (await add(user.jwt, { name: 'second' })).body as AuthHeader;

    const response = await list(user.jwt);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([first, second]);
  });

  it("never shows another user's headers", async () => {
    const alice = await loggedInUser();
    const bob = await loggedInUser();
    await add(alice.jwt, { name: 'alice-key' });

    const response = await list(bob.jwt);

    expect(response.body).toEqual([]);
  });
});

describe('POST /authheader/delete', () => {
  it('deletes by token: 200 { message: "Success" }, then gone from the list and the lookup', async () => {
    const user = await loggedInUser();
    const keep = (await add(user.jwt, { name: 'keep' })).body as AuthHeader;
    const drop = (await add(user.jwt, { name: 'drop' })).body as AuthHeader;

    const response = await remove(user.jwt, { text: drop.token });

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ message: 'Success' });
    expect((await list(user.jwt)).body).toEqual([keep]);
    expect(await authHeaders.findOwnerByTokenHash(hashToken(drop.token, await getTokenHmacKey()))).toBeUndefined();
  });

  it('answers 404 for an unknown token and for a token that is not even token-shaped', async () => {
    const user = await loggedInUser();

    const unknown = await remove(user.jwt, { text: `ahk_${'A'.repeat(43)}` });
    const garbage = await remove(user.jwt, { text: 'not-a-token' });

    expect(unknown.statusCode).toBe(404);
    expect(garbage.statusCode).toBe(404);
    expect(unknown.rawBody).toBe(garbage.rawBody);
  });

  it("answers 404 for another user's token and changes nothing", async () => {
    const alice = await loggedInUser();
    const bob = await loggedInUser();
    const aliceKey = (await add(alice.jwt, { name: 'alice-key' })).body as AuthHeader;
    const before = await scanTable('authHeaders');

    const response = await remove(bob.jwt, { text: aliceKey.token });

    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'Auth header not found' });
    expect(await scanTable('authHeaders')).toEqual(before);
    expect((await list(alice.jwt)).body).toEqual([aliceKey]);
  });

  it('gives exactly one 200 and nine 404s for 10 parallel deletes of one token', async () => {
    const user = await loggedInUser();
    const header = (await add(user.jwt, { name: 'raced' })).body as AuthHeader;

    const responses = await Promise.all(Array.from({ length: 10 }, () => remove(user.jwt, { text: header.token })));

    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    expect((await list(user.jwt)).body).toEqual([]);
    const hash = hashToken(header.token, await getTokenHmacKey());
    const leftovers = (await scanTable('authHeaders')).filter((item) => String(item.pk).endsWith(hash) || String(item.sk).endsWith(hash));
    expect(leftovers).toEqual([]);
  });
});

describe('sessions (all three routes)', () => {
  const routes = [
    ['add', (jwt: string | undefined) => add(jwt, { name: 'x' })],
    ['list', (jwt: string | undefined) => list(jwt)],
    ['delete', (jwt: string | undefined) => remove(jwt, { text: `ahk_${'B'.repeat(43)}` })],
  ] as const;

  it.each(routes)('%s answers 401 without a token', async (_route, call) => {
    const response = await call(undefined);

    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ message: 'Missing, invalid or expired token' });
    expect(response.headers['WWW-Authenticate']).toBe('Bearer');
  });

  it.each(routes)('%s answers 401 once the password was changed after login', async (_route, call) => {
    const user = await loggedInUser();
    await setUserPassword(users, user.username, 'A-Completely-New-Passphrase-2');

    const response = await call(user.jwt);

    expect(response.statusCode).toBe(401);
  });

  it.each(routes)('%s answers 401 once the user was deleted', async (_route, call) => {
    const user = await loggedInUser();
    await users.delete(user.username);

    const response = await call(user.jwt);

    expect(response.statusCode).toBe(401);
  });

  it('accepts the bare JWT without the Bearer scheme', async () => {
    const user = await loggedInUser();

    const response = await invoke(listHandler, { method: 'GET', headers: { Authorization: user.jwt } });

    expect(response.statusCode).toBe(200);
  });
});

describe('storage', () => {
  it('keeps header and lookup items paired and removes both with the user', async () => {
    const user = await loggedInUser();
    const headers = await Promise.all(Array.from({ length: 3 }, (_, i) => add(user.jwt, { name: `k${i}` })));
    const hmacKey = await getTokenHmacKey();
    const hashes = headers.map((response) => hashToken((response.body as AuthHeader).token, hmacKey));
    const ownItems = async () => (await scanTable('authHeaders')).filter((item) => hashes.some((hash) => String(item.pk).includes(hash) || String(item.sk).includes(hash)));
    expect(await ownItems()).toHaveLength(6);

    const result = await users.delete(user.username);

    expect(result).toEqual({ removedHeaders: 3 });
    expect(await ownItems()).toEqual([]);
    expect(await users.findByUsername(user.username)).toBeUndefined();
  });
});
