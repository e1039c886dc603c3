/**
 * The authorizer refusing: every reason gives API Gateway the same "Unauthorized" (its 401), and a
 * failing dependency gives it anything but that (its 500, answered as 503 by the gateway response).
 */
import { afterEach, describe, expect, test, jest } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lib/data/client';
import { authHeaders, users } from '../../lib/data/repositories';
import { authHeaderKeys } from '../../lib/data/table';
import { config } from '../../lib/config';
import { hashToken } from '../../lib/auth/tokens';
import { getTokenHmacKey } from '../../lib/auth/keys';
import { setUserPassword } from '../../lib/services/userService';
import { givenUser, useTestTables } from '../helpers/db';
import { authorize, bearer, expectAllowedAs, httpApiAuthorizerEvent, restAuthorizerEvent } from '../helpers/authorizer';
import { addHeader, deleteHeader, loginAs, userWithKey } from '../helpers/api';

useTestTables();

afterEach(() => {
  jest.restoreAllMocks();
});

async function expectRefused(authorization: string | undefined) {
  const outcome = await authorize(restAuthorizerEvent(authorization));
  expect(outcome.allowed).toBeUndefined();
  // Exactly this message: API Gateway answers 401 for it and 500 for anything else.
  expect(outcome.error?.message).toBe('Unauthorized');
}

describe('authorizer: refused with 401', () => {
  test.each([
    ['no Authorization header', undefined],
    ['an empty one', ''],
    ['only spaces', '   '],
    ['"Bearer" alone', 'Bearer'],
    ['garbage', 'not a credential'],
    ['Basic credentials', `Basic ${Buffer.from('john.doe:SecurePass123!').toString('base64')}`],
    ['a 4 kB header', `Bearer ${'a'.repeat(4096)}`],
    ['a token-shaped string that was never issued', `Bearer ahk_${'A'.repeat(43)}`],
    ['a JWT-shaped string that is not a JWT', 'Bearer aaa.bbb.ccc'],
  ])('%s', async (_case, authorization) => {
    await expectRefused(authorization);
  });

  test('a deleted key, at once (cache 0)', async () => {
    const { jwt, key } = await userWithKey();
    await deleteHeader(jwt, key.token);
    await expectRefused(bearer(key.token));
  });

  test("another user's deleted key, while that user's other keys and other users' keys still work", async () => {
    const alice = await userWithKey();
    const bob = await userWithKey();
    const aliceSecond = (await addHeader(alice.jwt, 'second')).body as { id: string; token: string };
    await deleteHeader(alice.jwt, alice.key.token);

    await expectRefused(bearer(alice.key.token));
    expectAllowedAs(await authorize(restAuthorizerEvent(bearer(aliceSecond.token))), alice.user, { authMethod: 'authheader', authHeaderId: aliceSecond.id });
    expectAllowedAs(await authorize(restAuthorizerEvent(bearer(bob.key.token))), bob.user, { authMethod: 'authheader', authHeaderId: bob.key.id });
  });

  test('an expired key (its expiresAt has passed)', async () => {
    const { key } = await userWithKey();
    // As if time had passed: the lookup item's expiry moves into the past.
    const tokenHash = hashToken(key.token, await getTokenHmacKey());
    await documentClient.send(
      new UpdateCommand({ TableName: config.tables.authHeaders, Key: authHeaderKeys.token(tokenHash), UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() } }),
    );
    await expectRefused(bearer(key.token));
  });

  test('a JWT from before `admin user set-password`', async () => {
    const { user, jwt } = await userWithKey();
    await setUserPassword(users, user.username, 'Another-Strong-Password-77');
    await expectRefused(bearer(jwt));
  });

  test('the key and the JWT of a deleted user', async () => {
    const { user, jwt, key } = await userWithKey();
    await users.delete(user.username);
    await expectRefused(bearer(key.token));
    await expectRefused(bearer(jwt));
  });

  test("a deleted user's key even while its items are still there (a delete interrupted after the profile)", async () => {
    const { user, key } = await userWithKey();
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await documentClient.send(new DeleteCommand({ TableName: config.tables.users, Key: { username: user.username } }));

    expect(await authHeaders.findOwnerByTokenHash(hashToken(key.token, await getTokenHmacKey()))).toBeDefined();
    await expectRefused(bearer(key.token));
  });

  test('a key and a JWT of a user deleted and re-created under the same name', async () => {
    const { user, jwt, key } = await userWithKey();
    await users.delete(user.username);
    await givenUser({ username: user.username });
    await expectRefused(bearer(key.token));
    await expectRefused(bearer(jwt));
  });
});

describe('authorizer behind an HTTP API (payload 2.0, simple responses; statuses in docs/authorizer.md)', () => {
  test.each([
    ['no Authorization header', undefined],
    ['garbage', 'not a credential'],
    ['a token-shaped string that was never issued', `Bearer ahk_${'A'.repeat(43)}`],
  ])('%s: fails with exactly "Unauthorized" (the 401), never answers isAuthorized: false (a 403)', async (_case, authorization) => {
    const outcome = await authorize(httpApiAuthorizerEvent(authorization));

    expect(outcome.allowed).toBeUndefined();
    expect(outcome.error?.message).toBe('Unauthorized');
  });

  test('a deleted key: the 401', async () => {
    const { jwt, key } = await userWithKey();
    expect((await deleteHeader(jwt, key.token)).statusCode).toBe(200);

    const outcome = await authorize(httpApiAuthorizerEvent(bearer(key.token)));

    expect(outcome.error?.message).toBe('Unauthorized');
  });

  test('DynamoDB failing: another error (the gateway answers 500), not "Unauthorized"', async () => {
    const { key } = await userWithKey();
    jest.spyOn(documentClient, 'send').mockRejectedValue(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }) as never);

    const outcome = await authorize(httpApiAuthorizerEvent(bearer(key.token)));

    expect(outcome.allowed).toBeUndefined();
    expect(outcome.error).toBeInstanceOf(Error);
    expect(outcome.error?.message).not.toBe('Unauthorized');
  });
});

describe('authorizer: failures that are not the caller’s', () => {
  test('DynamoDB failing → not "Unauthorized" (API Gateway answers 5xx, the caller may retry)', async () => {
    const { key } = await userWithKey();
    jest.spyOn(documentClient, 'send').mockRejectedValue(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }) as never);

    const outcome = await authorize(restAuthorizerEvent(bearer(key.token)));

    expect(outcome.error).toBeInstanceOf(Error);
    expect(outcome.error?.message).not.toBe('Unauthorized');
  });

  test('a failing lastUsed write neither fails nor delays the verification', async () => {
    const { user, key } = await userWithKey();
    jest.spyOn(authHeaders, 'recordUse').mockRejectedValue(new Error('throttled') as never);

    expect((await authorize(restAuthorizerEvent(bearer(key.token)))).allowed?.context.authHeaderId).toBe(key.id);
  });

  test('a hanging lastUsed write does not hold the answer back', async () => {
    const { user, key } = await userWithKey();
    jest.spyOn(authHeaders, 'recordUse').mockReturnValue(new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000).unref()));

    const started = Date.now();
    const outcome = await authorize(restAuthorizerEvent(bearer(key.token)));

    expectAllowedAs(outcome, user, { authMethod: 'authheader', authHeaderId: key.id });
    // Far below the write's 5 s: the wait for it is bounded (the speed itself is for npm run bench).
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
