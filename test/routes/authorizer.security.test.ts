/**
 * The authorizer's answers against the shapes AWS documents for Lambda authorizers, and what it
 * must never do: touch DynamoDB for what cannot be our credential, leak a credential into its
 * answer or its logs, or accept an ambiguous or forged one.
 */
import { afterEach, describe, expect, test, jest } from '@jest/globals';
import { documentClient } from '../../lib/data/client';
import { getJwtKeys } from '../../lib/auth/keys';
import { givenUser, useTestTables } from '../helpers/db';
import { authorize, bearer, httpApiAuthorizerEvent, restAuthorizerEvent } from '../helpers/authorizer';
import { addHeader, loginAs, userWithKey } from '../helpers/api';
import { craftJwt, validClaims } from '../helpers/jwt';

useTestTables();

afterEach(() => {
  jest.restoreAllMocks();
});

describe('authorizer: answer shapes (AWS Lambda authorizer output formats)', () => {
  test('REST: principalId string, an IAM policy document with one execute-api:Invoke statement, a flat context of strings', async () => {
    const { key } = await userWithKey();
    const { allowed } = await authorize(restAuthorizerEvent(bearer(key.token)));
    const answer = allowed as unknown as { principalId: unknown; policyDocument: { Version: string; Statement: Record<string, unknown>[] }; context: Record<string, unknown> };

    expect(Object.keys(answer).sort()).toEqual(['context', 'policyDocument', 'principalId']);
    expect(typeof answer.principalId).toBe('string');
    expect(answer.policyDocument.Version).toBe('2012-10-17');
    expect(answer.policyDocument.Statement).toHaveLength(1);
    expect(answer.policyDocument.Statement[0]).toEqual({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: expect.stringMatching(/^arn:aws:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9]+\/v1\/\*\/\*$/) });
    // API Gateway passes only string, number and boolean context values (no objects or arrays).
    for (const value of Object.values(answer.context)) expect(typeof value).toBe('string');
  });

  test('REST: the policy covers every method and path of the API, so a cached answer works on every route', async () => {
    const { jwt } = await userWithKey();
    const event = restAuthorizerEvent(bearer(jwt));
    event.methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/POST/orders/42/items';
    const { allowed } = await authorize(event);
    expect((allowed as { policyDocument: { Statement: { Resource: string }[] } }).policyDocument.Statement[0]?.Resource).toBe('arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/*/*');
  });

  test('HTTP API: exactly { isAuthorized: true, context } (simple response)', async () => {
    const { key } = await userWithKey();
    const { allowed } = await authorize(httpApiAuthorizerEvent(key.token));
    expect(Object.keys(allowed as object).sort()).toEqual(['context', 'isAuthorized']);
    expect((allowed as { isAuthorized: boolean }).isAuthorized).toBe(true);
  });

  test('TOKEN authorizers (identity in authorizationToken) get the same answer', async () => {
    const { user, jwt } = await userWithKey();
    const { allowed } = await authorize({ type: 'TOKEN', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/x', authorizationToken: bearer(jwt) } as never);
    expect((allowed as { principalId: string }).principalId).toBe(user.id);
  });

  test('the answer never contains the credential', async () => {
    const { key, jwt } = await userWithKey();
    for (const credential of [key.token, jwt]) {
      const { allowed } = await authorize(restAuthorizerEvent(bearer(credential)));
      expect(JSON.stringify(allowed)).not.toContain(credential);
    }
  });
});

describe('authorizer: never fooled, never wasteful', () => {
  test.each([['garbage'], ['Basic dXNlcjpwYXNz'], [`Bearer ${'x'.repeat(5000)}`], ['Bearer ahk_short'], ['ahk_' + 'A'.repeat(42) + '!']])(
    'refuses %s without a single DynamoDB call',
    async (authorization) => {
      const send = jest.spyOn(documentClient, 'send');
      expect((await authorize(restAuthorizerEvent(authorization))).error?.message).toBe('Unauthorized');
      expect(send).not.toHaveBeenCalled();
    },
  );

  test('refuses a request carrying Authorization twice (which one would be checked is ambiguous)', async () => {
    const { key, jwt } = await userWithKey();
    const event = restAuthorizerEvent(bearer(key.token));
    event.multiValueHeaders = { Authorization: [bearer(key.token), bearer(jwt)] };
    expect((await authorize(event)).error?.message).toBe('Unauthorized');
  });

  test('refuses an HTTP API request whose Authorization holds two comma-joined values', async () => {
    const { key, jwt } = await userWithKey();
    expect((await authorize(httpApiAuthorizerEvent(`${bearer(key.token)},${bearer(jwt)}`))).error?.message).toBe('Unauthorized');
  });

  test.each([
    ['alg none', { alg: 'none', typ: 'JWT' }, null],
    ['signed with another key', { alg: 'HS256', typ: 'JWT', kid: 'x' }, 'not-the-server-key-not-the-server-key'],
  ])('refuses a forged JWT (%s)', async (_case, header, secret) => {
    const user = await givenUser();
    const { current } = await getJwtKeys();
    const forged = craftJwt({ ...header, ...(secret ? {} : { kid: current.kid }) }, validClaims(user.id, user.username), secret);
    expect((await authorize(restAuthorizerEvent(bearer(forged)))).error?.message).toBe('Unauthorized');
  });

  test('refuses a JWT with a valid signature whose password version is not the stored one', async () => {
    const user = await givenUser();
    const { current } = await getJwtKeys();
    const forged = craftJwt({ alg: 'HS256', typ: 'JWT', kid: current.kid }, validClaims(user.id, user.username, { pwv: user.passwordVersion + 1 }), current.key);
    expect((await authorize(restAuthorizerEvent(bearer(forged)))).error?.message).toBe('Unauthorized');
  });
});
