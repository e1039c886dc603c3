/**
 * The checksummed token format through the routes: what add issues, a one-character change refused
 * by the authorizer with no DynamoDB call at all and by delete without reading the auth-header
 * table, and tokens of the legacy format (no checksum) still working end to end.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { getTokenEncryptionKey, getTokenHmacKey } from '../../lib/auth/keys';
import { verifySessionToken } from '../../lib/auth/jwt';
import { encryptToken, hashToken, hasValidChecksum, TOKEN_PREFIX } from '../../lib/auth/tokens';
import { documentClient } from '../../lib/data/client';
import { authHeaders } from '../../lib/data/repositories';
import { sessionRefOf } from '../../lib/services/sessionService';
import { deleteHeader, listHeaders, userWithKey } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';
import { useTestTables } from '../helpers/db';

useTestTables();

/** The DynamoDB commands the process sends from now on, by name and table. */
function countDynamoDbCalls() {
  const spy = jest.spyOn(documentClient, 'send');
  return () => spy.mock.calls.map(([command]) => `${command.constructor.name}`);
}

afterEach(() => {
  jest.restoreAllMocks();
});

/** The token with one character (past the prefix) replaced. */
function oneCharChanged(token: string, position = 10): string {
  const replacement = token[position] === 'x' ? 'y' : 'x';
  return token.slice(0, position) + replacement + token.slice(position + 1);
}

describe('checksummed auth-header tokens', () => {
  test('add issues tokens of the documented pattern with a valid checksum', async () => {
    const { key } = await userWithKey();

    expect(key.token).toMatch(/^ahk_[0-9A-Za-z]{49}$/);
    expect(hasValidChecksum(key.token)).toBe(true);
  });

  test.each([10, 30, 50])('the authorizer refuses the token with character %i changed, making no DynamoDB call', async (position) => {
    const { key } = await userWithKey();
    const changed = oneCharChanged(key.token, position);
    const calls = countDynamoDbCalls();

    const { error } = await authorize(restAuthorizerEvent(bearer(changed)));

    expect(error?.message).toBe('Unauthorized');
    expect(calls()).toEqual([]);
  });

  test('delete answers 404 for a one-character change without reading the auth-header table, and the key stays', async () => {
    const { jwt, key } = await userWithKey();
    const calls = countDynamoDbCalls();

    const response = await deleteHeader(jwt, oneCharChanged(key.token));

    // Only the session check (one BatchGetItem of profile and session): no auth-header item read or written.
    expect(calls()).toEqual(['BatchGetCommand']);
    expect(response.statusCode).toBe(404);
    jest.restoreAllMocks();
    expect((await listHeaders(jwt)).body).toEqual([key]);
  });
});

describe('tokens of the legacy format (no checksum)', () => {
  /** Stores a key with a token of the old format, as the service issued them before. */
  async function givenLegacyKey(jwt: string) {
    const claims = await verifySessionToken(jwt);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = randomUUID();
    const [hmacKey, encryptionKey] = await Promise.all([getTokenHmacKey(), getTokenEncryptionKey()]);
    await authHeaders.add(
      sessionRefOf(claims),
      { id, name: 'legacy', created: new Date().toISOString(), tokenHash: hashToken(token, hmacKey), tokenCiphertext: encryptToken(token, encryptionKey, `${claims.sub}:${id}`) },
      100,
    );
    return { id, token };
  }

  test('keep authenticating, are listed, and delete', async () => {
    const { user, jwt } = await userWithKey();
    const legacy = await givenLegacyKey(jwt);

    const { allowed } = await authorize(restAuthorizerEvent(bearer(legacy.token)));
    expect(allowed?.context).toMatchObject({ userId: user.id, authMethod: 'authheader', authHeaderId: legacy.id });
    expect((await listHeaders(jwt)).body).toEqual(expect.arrayContaining([expect.objectContaining({ id: legacy.id, token: legacy.token })]));

    expect((await deleteHeader(jwt, legacy.token)).statusCode).toBe(200);
    expect((await authorize(restAuthorizerEvent(bearer(legacy.token)))).error?.message).toBe('Unauthorized');
  });
});
