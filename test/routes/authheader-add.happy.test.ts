/** POST /authheader/add: the contract's 200, and what it stores, against DynamoDB Local. */
import { describe, expect, test } from '@jest/globals';
import { getTokenHmacKey } from '../../lib/auth/keys';
import { hashToken } from '../../lib/auth/tokens';
import { authHeaders, users } from '../../lib/data/repositories';
import { deleteUser } from '../../lib/services/userService';
import { addHeader, loggedInUser, type AuthHeader } from '../helpers/api';
import { scanTable, useTestTables } from '../helpers/db';

useTestTables();

describe('POST /authheader/add', () => {
  test('creates an auth header and returns { id, name, token, created }', async () => {
    const user = await loggedInUser();

    const response = await addHeader(user.jwt, 'production-api-key');

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ id: expect.any(String), name: 'production-api-key', token: expect.any(String), created: expect.any(String) });
    const header = response.body as AuthHeader;
    expect(header.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(header.token).toMatch(/^ahk_[0-9A-Za-z]{49}$/);
    // UTC to the second, like every other date-time of the contract (no milliseconds).
    expect(header.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('makes the token findable by its hash with one read (the API-key check path)', async () => {
    const user = await loggedInUser();
    const header = (await addHeader(user.jwt, 'ci')).body as AuthHeader;

    const owner = await authHeaders.findOwnerByTokenHash(hashToken(header.token, await getTokenHmacKey()));

    expect(owner).toEqual({ userId: user.id, username: user.username, headerId: header.id });
  });

  test('keeps header and lookup items paired and removes both with the user', async () => {
    const user = await loggedInUser();
    const headers = await Promise.all(Array.from({ length: 3 }, (_, i) => addHeader(user.jwt, `k${i}`)));
    const hmacKey = await getTokenHmacKey();
    const hashes = headers.map((response) => hashToken((response.body as AuthHeader).token, hmacKey));
    const ownItems = async () => (await scanTable('authHeaders')).filter((item) => hashes.some((hash) => String(item.pk).includes(hash) || String(item.sk).includes(hash)));
    expect(await ownItems()).toHaveLength(6);

    const result = await deleteUser(users, authHeaders, user.username);

    expect(result).toEqual({ removedHeaders: 3 });
    expect(await ownItems()).toEqual([]);
    expect(await users.findByUsername(user.username)).toBeUndefined();
  });
});
