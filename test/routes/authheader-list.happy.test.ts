/** GET /authheader/list: the contract's 200, against DynamoDB Local. */
import { describe, expect, test } from '@jest/globals';
import { givenAuthHeader, listHeaders, loggedInUser } from '../helpers/api';
import { useTestTables } from '../helpers/db';

useTestTables();

describe('GET /authheader/list', () => {
  test('answers [] for a user without auth headers', async () => {
    const user = await loggedInUser();

    const response = await listHeaders(user.jwt);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([]);
  });

  test("returns the caller's headers, oldest first, with their tokens", async () => {
    const user = await loggedInUser();
    const first = await givenAuthHeader(user.jwt, 'first');
    const second = await givenAuthHeader(user.jwt, 'second');

    const response = await listHeaders(user.jwt);

    expect(response.statusCode).toBe(200);
    // Oldest first; two keys created within the same second (times are to the second) by id.
    expect(response.body).toEqual([first, second].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id)));
  });
});
