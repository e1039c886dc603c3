/** GET /authheader/list shows the caller's headers only. Session checks: common-jwt.security.test.ts. */
import { describe, expect, test } from '@jest/globals';
import { givenAuthHeader, listHeaders, loggedInUser } from '../helpers/api';
import { useTestTables } from '../helpers/db';

useTestTables();

describe('GET /authheader/list', () => {
  test("lists only the caller's own headers", async () => {
    const [alice, bob] = [await loggedInUser(), await loggedInUser()];
    const aliceHeader = await givenAuthHeader(alice.jwt, 'alice-prod');
    const bobHeader = await givenAuthHeader(bob.jwt, 'bob-prod');

    const [aliceList, bobList] = [await listHeaders(alice.jwt), await listHeaders(bob.jwt)];

    expect(aliceList.body).toEqual([aliceHeader]);
    expect(bobList.body).toEqual([bobHeader]);
    expect(bobList.rawBody).not.toContain(aliceHeader.token);
  });

  test("never shows another user's headers to a user who has none", async () => {
    const [alice, bob] = [await loggedInUser(), await loggedInUser()];
    await givenAuthHeader(alice.jwt, 'alice-key');

    const response = await listHeaders(bob.jwt);

    expect(response.body).toEqual([]);
  });
});
