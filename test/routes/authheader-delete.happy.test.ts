/** POST /authheader/delete: the contract's 200, against DynamoDB Local. */
import { describe, expect, test } from '@jest/globals';
import { getTokenHmacKey } from '../../lib/auth/keys';
import { hashToken } from '../../lib/auth/tokens';
import { authHeaders } from '../../lib/data/repositories';
import { deleteHeader, givenAuthHeader, listHeaders, loggedInUser } from '../helpers/api';
import { useTestTables } from '../helpers/db';

useTestTables();

describe('POST /authheader/delete', () => {
  test('deletes by token: 200 { message: "Success" }, then gone from the list and the lookup', async () => {
    const user = await loggedInUser();
    const keep = await givenAuthHeader(user.jwt, 'keep');
    const drop = await givenAuthHeader(user.jwt, 'drop');

    const response = await deleteHeader(user.jwt, drop.token);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ message: 'Success' });
    expect((await listHeaders(user.jwt)).body).toEqual([keep]);
    expect(await authHeaders.findOwnerByTokenHash(hashToken(drop.token, await getTokenHmacKey()))).toBeUndefined();
  });

  test("deletes the caller's last header, leaving an empty list", async () => {
    const user = await loggedInUser();
    const only = await givenAuthHeader(user.jwt, 'only');

    const response = await deleteHeader(user.jwt, only.token);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ message: 'Success' });
    expect((await listHeaders(user.jwt)).body).toEqual([]);
  });
});
