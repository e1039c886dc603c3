/**
 * POST /authheader/add: a header always belongs to the caller, whatever the body claims, and 50
 * parallel adds lose nothing and leave no orphan items. Session checks: common-jwt.security.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { addHeader, listHeaders, loggedInUser, type AuthHeader } from '../helpers/api';
import { storedAuthHeaderPairs, useTestTables } from '../helpers/db';

useTestTables();

describe('POST /authheader/add', () => {
  test("ignores owner and identity fields in the body: the header is the caller's, with server-made id and token", async () => {
    const [alice, bob] = [await loggedInUser(), await loggedInUser()];
    const claimed = { name: 'mine', userId: alice.id, username: alice.username, sub: alice.id, id: 'chosen-id', token: `ahk_${'C'.repeat(43)}` };

    const response = await addHeader(bob.jwt, undefined, { body: claimed });

    expect(response.statusCode).toBe(200);
    const header = response.body as AuthHeader;
    expect(header.id).not.toBe('chosen-id');
    expect(header.token).not.toBe(claimed.token);
    expect((await listHeaders(bob.jwt)).body).toEqual([header]);
    expect((await listHeaders(alice.jwt)).body).toEqual([]);
  });

  test('adds 50 headers in parallel without losing one, each with its lookup item', async () => {
    const user = await loggedInUser();

    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => addHeader(user.jwt, `parallel-${i}`)));

    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
    const listed = (await listHeaders(user.jwt)).body as AuthHeader[];
    expect(listed).toHaveLength(50);
    expect(new Set(listed.map((header) => header.token))).toEqual(new Set(responses.map((response) => (response.body as AuthHeader).token)));
    const { headerItems, tokenItems, headerHashes, tokenHashes } = await storedAuthHeaderPairs(user.id);
    expect(headerItems).toHaveLength(50);
    expect(tokenItems).toHaveLength(50);
    expect(tokenHashes).toEqual(headerHashes);
  });
});
