/**
 * POST /authheader/delete: only the token deletes (not the header's id), and races on one user's
 * headers succeed exactly once each and leave no orphan items. Another user's token, and every
 * session check: common-jwt.security.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { getTokenHmacKey } from '../../lib/auth/keys';
import { hashToken } from '../../lib/auth/tokens';
import { addHeader, deleteHeader, givenAuthHeader, listHeaders, loggedInUser, loginAs, type AuthHeader } from '../helpers/api';
import { invoke } from '../helpers/invoke';
import { handler as logoutHandler } from '../../functions/user-logout';

const logout = (jwt: string) => invoke(logoutHandler, { method: 'POST', path: '/user/logout', token: jwt });
import { scanTable, storedAuthHeaderPairs, useTestTables } from '../helpers/db';

useTestTables();

describe('POST /authheader/delete', () => {
  test("does not accept an auth header's id in place of its token", async () => {
    const user = await loggedInUser();
    const header = await givenAuthHeader(user.jwt, 'by-id');

    const response = await deleteHeader(user.jwt, header.id);

    expect(response.statusCode).toBe(404);
    expect((await listHeaders(user.jwt)).body).toEqual([header]);
  });

  test('checks the session before the text: a logged-out session gets 401 even for a text that cannot be a token', async () => {
    const user = await loggedInUser();
    const header = await givenAuthHeader(user.jwt, 'kept');
    await logout(user.jwt);

    for (const text of ['not-a-token', header.id, header.token]) {
      const response = await deleteHeader(user.jwt, text);
      expect(response.statusCode).toBe(401);
      expect(response.headers['WWW-Authenticate']).toBe('Bearer');
    }
    const fresh = await loginAs(user);
    expect((await listHeaders(fresh)).body).toEqual([header]);
  });

  test('answers exactly one 200 and nine 404s to 10 parallel deletes of one token', async () => {
    const user = await loggedInUser();
    const header = await givenAuthHeader(user.jwt, 'contested');

    const responses = await Promise.all(Array.from({ length: 10 }, () => deleteHeader(user.jwt, header.token)));

    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    expect((await listHeaders(user.jwt)).body).toEqual([]);
    const { headerItems, tokenItems } = await storedAuthHeaderPairs(user.id);
    expect(headerItems).toHaveLength(0);
    expect(tokenItems).toHaveLength(0);
    const hash = hashToken(header.token, await getTokenHmacKey());
    const leftovers = (await scanTable('authHeaders')).filter((item) => String(item.pk).endsWith(hash) || String(item.sk).endsWith(hash));
    expect(leftovers).toEqual([]);
  });

  test('deletes 50 headers in parallel, leaving nothing behind', async () => {
    const user = await loggedInUser();
    const headers: AuthHeader[] = [];
    for (let i = 0; i < 50; i++) headers.push(await givenAuthHeader(user.jwt, `to-delete-${i}`));
    const survivor = await givenAuthHeader(user.jwt, 'survivor');

    const responses = await Promise.all(headers.map((header) => deleteHeader(user.jwt, header.token)));

    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
    expect((await listHeaders(user.jwt)).body).toEqual([survivor]);
    const { headerItems, tokenItems, headerHashes, tokenHashes } = await storedAuthHeaderPairs(user.id);
    expect(headerItems).toHaveLength(1);
    expect(tokenItems).toHaveLength(1);
    expect(tokenHashes).toEqual(headerHashes);
  });

  test('mixes 25 deletes and 25 adds in parallel with exact counts', async () => {
    const user = await loggedInUser();
    const existing: AuthHeader[] = [];
    for (let i = 0; i < 25; i++) existing.push(await givenAuthHeader(user.jwt, `old-${i}`));

    const responses = await Promise.all([
      ...existing.map((header) => deleteHeader(user.jwt, header.token)),
      ...Array.from({ length: 25 }, (_, i) => addHeader(user.jwt, `new-${i}`)),
    ]);

    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    const listed = (await listHeaders(user.jwt)).body as AuthHeader[];
    expect(listed.map((header) => header.name).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `new-${i}`).sort());
    const { headerHashes, tokenHashes } = await storedAuthHeaderPairs(user.id);
    expect(headerHashes).toHaveLength(25);
    expect(tokenHashes).toEqual(headerHashes);
  });
});
