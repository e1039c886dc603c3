/**
 * The auth-header lifecycle additions (contract "Auth header lifecycle"): optional expiry, lastUsed
 * in listings, the per-user cap under concurrency, the naming rule, and the counter going with the
 * user. Real DynamoDB Local throughout.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { config } from '../../lib/config';
import { authHeaders, users } from '../../lib/data/repositories';
import { deleteUser } from '../../lib/services/userService';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';
import { addHeader, deleteHeader, listHeaders, loginAs } from '../helpers/api';
import { handler as addHandler } from '../../functions/authheader-add';
import { authorize, bearer, expectAllowedAs, restAuthorizerEvent } from '../helpers/authorizer';

useTestTables();

const add = (jwt: string, body: unknown) => invoke(addHandler, { method: 'POST', path: '/authheader/add', token: jwt, body });
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const DAY = 24 * 3600 * 1000;

async function storedFor(userId: string) {
  const items = await scanTable('authHeaders');
  return {
    headers: items.filter((item) => item.pk === `USER#${userId}` && String(item.sk).startsWith('HEADER#')),
    lookups: items.filter((item) => String(item.pk).startsWith('TOKEN#') && item.userId === userId),
    counter: items.find((item) => item.pk === `USER#${userId}` && item.sk === 'COUNTER'),
  };
}

describe('expiresAt', () => {
  test('is optional: without it add and list answer exactly { id, name, token, created }', async () => {
    const jwt = await loginAs(await givenUser());
    const added = await add(jwt, { name: 'plain' });
    expect(Object.keys(added.body as object)).toEqual(['id', 'name', 'token', 'created']);
    expect(Object.keys(((await listHeaders(jwt)).body as object[])[0] as object)).toEqual(['id', 'name', 'token', 'created']);
  });

  test('is accepted in the future (any offset), answered in UTC by add and list', async () => {
    const jwt = await loginAs(await givenUser());
    const year = new Date().getUTCFullYear() + 1;
    const added = await add(jwt, { name: 'expiring', expiresAt: `${year}-06-15T20:30:00+02:00` });
    expect(added.statusCode).toBe(200);
    expect(added.body).toMatchObject({ name: 'expiring', expiresAt: `${year}-06-15T18:30:00Z` });
    expect((await listHeaders(jwt)).body).toEqual([{ ...(added.body as object), expiresAt: `${year}-06-15T18:30:00Z` }]);
  });

  test.each([
    ['not a date', 'tomorrow'],
    ['a date without time', '2031-01-01'],
    ['a number', 1893456000],
    ['in the past', '2020-01-01T00:00:00Z'],
    ['now-ish (1 s ago)', isoIn(-1000)],
    ['more than 10 years ahead', isoIn(3660 * DAY)],
    ['an impossible date', '2031-02-30T00:00:00Z'],
  ])('%s → 400 and nothing stored', async (_case, expiresAt) => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const response = await add(jwt, { name: 'bad-expiry', expiresAt });
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringContaining('expiresAt') });
    const stored = await storedFor(user.id);
    expect(stored.headers).toHaveLength(0);
    expect(stored.lookups).toHaveLength(0);
  });

  test('up to 10 years ahead is fine', async () => {
    const jwt = await loginAs(await givenUser());
    expect((await add(jwt, { name: 'long', expiresAt: isoIn(3650 * DAY - 60_000) })).statusCode).toBe(200);
  });

  test('a key past its expiry is refused by the authorizer, still listed with its expiresAt', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const expiresAt = isoIn(60_000);
    const key = (await add(jwt, { name: 'soon', expiresAt })).body as { id: string; token: string };
    expectAllowedAs(await authorize(restAuthorizerEvent(bearer(key.token))), user, { authMethod: 'authheader', authHeaderId: key.id });

    // The clock (Date only) moves past the expiry instead of the test sleeping until it.
    jest.useFakeTimers({ now: Date.parse(expiresAt) + 1000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      expect((await authorize(restAuthorizerEvent(bearer(key.token)))).error?.message).toBe('Unauthorized');
    } finally {
      jest.useRealTimers();
    }
    expect(((await listHeaders(jwt)).body as { expiresAt?: string }[])[0]?.expiresAt).toBe(expiresAt);
  });
});

describe('lastUsed in listings', () => {
  test('appears on the key that authenticated a call, not on the others', async () => {
    const jwt = await loginAs(await givenUser());
    const used = (await addHeader(jwt, 'used')).body as { id: string; token: string };
    await addHeader(jwt, 'unused');
    await authorize(restAuthorizerEvent(bearer(used.token)));

    const listed = (await listHeaders(jwt)).body as { id: string; name: string; lastUsed?: string }[];
    expect(listed.find((header) => header.name === 'used')?.lastUsed).toMatch(/Z$/);
    expect(listed.find((header) => header.name === 'unused')).not.toHaveProperty('lastUsed');
  });
});

describe(`at most MAX_AUTH_HEADERS_PER_USER (${config.maxAuthHeadersPerUser}) keys`, () => {
  async function userAt(count: number) {
    const user = await givenUser();
    const jwt = await loginAs(user);
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) => addHeader(jwt, `key-${i + j}`));
      for (const response of await Promise.all(batch)) if (response.statusCode !== 200) throw new Error(`setup add failed: ${response.rawBody}`);
    }
    return { user, jwt };
  }

  test('the 101st add answers 409 and stores nothing; after a delete there is room for one again', async () => {
    const { user, jwt } = await userAt(config.maxAuthHeadersPerUser);

    const refused = await addHeader(jwt, 'one-too-many');

    expect(refused.statusCode).toBe(409);
    expect(refused.body).toEqual({ message: expect.stringContaining(String(config.maxAuthHeadersPerUser)) });
    const stored = await storedFor(user.id);
    expect(stored.headers).toHaveLength(config.maxAuthHeadersPerUser);
    expect(stored.lookups).toHaveLength(config.maxAuthHeadersPerUser);
    expect(stored.counter?.headerCount).toBe(config.maxAuthHeadersPerUser);

    const victim = ((await listHeaders(jwt)).body as { token: string }[])[0] as { token: string };
    expect((await deleteHeader(jwt, victim.token)).statusCode).toBe(200);
    expect((await addHeader(jwt, 'fits-again')).statusCode).toBe(200);
    expect((await addHeader(jwt, 'full-again')).statusCode).toBe(409);
  }, 60_000);

  test('50 parallel adds at cap − 1 leave exactly the cap: one 200, the rest 409', async () => {
    const { user, jwt } = await userAt(config.maxAuthHeadersPerUser - 1);

    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => addHeader(jwt, `race-${i}`)));

    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const stored = await storedFor(user.id);
    expect(stored.headers).toHaveLength(config.maxAuthHeadersPerUser);
    expect(stored.lookups).toHaveLength(config.maxAuthHeadersPerUser);
    expect(stored.counter?.headerCount).toBe(config.maxAuthHeadersPerUser);
  }, 90_000);
});

describe('names', () => {
  test.each([
    ['NUL', 'key\u0000name'],
    ['CR/LF', 'key\r\nX-Injected: 1'],
    ['a lone LF', 'key\nname'],
    ['U+202E (right-to-left override)', 'invoice\u202Etxt.exe'],
    ['U+200B (zero-width space)', 'prod\u200Bkey'],
    ['U+FEFF (BOM)', '\uFEFFkey'],
    ['a tag character (Cf outside the BMP)', 'key\u{E0041}'],
    ['only spaces', '   '],
    ['empty', ''],
    ['129 characters', 'k'.repeat(129)],
  ])('%s → 400 and nothing stored', async (_case, name) => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const response = await add(jwt, { name });
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringContaining('"name"') });
    expect((await storedFor(user.id)).headers).toHaveLength(0);
  });

  test.each([['production-api-key'], ['Clé de prod ✓'], ['日本語のキー'], ['emoji 🔑'], ['k'.repeat(128)], [' padded ']])('%j is a fine name', async (name) => {
    const jwt = await loginAs(await givenUser());
    expect((await add(jwt, { name })).statusCode).toBe(200);
  });
});

describe('deleting a user', () => {
  test('removes their keys, their lookup items and their counter', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    await addHeader(jwt, 'a');
    await addHeader(jwt, 'b');
    expect((await storedFor(user.id)).counter?.headerCount).toBe(2);

    expect(await deleteUser(users, authHeaders, user.username)).toEqual({ removedHeaders: 2 });

    expect(await storedFor(user.id)).toEqual({ headers: [], lookups: [], counter: undefined });
  });
});
