/** GET /user/me behind the authorizer: the caller's profile and how they authenticated (contract). */
import { describe, expect, test } from '@jest/globals';
import { handler as meHandler } from '../../functions/user-me';
import { users } from '../../lib/data/repositories';
import { givenUser, useTestTables } from '../helpers/db';
import { bearer, throughAuthorizer } from '../helpers/authorizer';
import { lambdaContext } from '../helpers/invoke';
import { addHeader, loginAs } from '../helpers/api';

useTestTables();

const me = (authorization?: string) => throughAuthorizer(meHandler, '/user/me', authorization);

describe('GET /user/me', () => {
  test('with a JWT: 200, the profile in PascalCase, AuthMethod jwt and no AuthHeaderId', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);

    const response = await me(bearer(jwt));

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      Id: user.id,
      Username: user.username,
      Email: user.email,
      Firstname: user.firstname,
      Lastname: user.lastname,
      PasswordExpiration: user.passwordExpiration,
      AuthMethod: 'jwt',
      MfaEnabled: false,
    });
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  test('with an auth header: AuthMethod authheader and the key’s AuthHeaderId', async () => {
    const user = await givenUser();
    const key = (await addHeader(await loginAs(user), 'ci-key')).body as { id: string; token: string };

    const response = await me(key.token);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ Id: user.id, Username: user.username, AuthMethod: 'authheader', AuthHeaderId: key.id });
  });

  test('with an auth header after the owner’s password expired: still 200 (a separate credential)', async () => {
    const user = await givenUser();
    const key = (await addHeader(await loginAs(user), 'ci-key')).body as { token: string };
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../lib/data/client');
    const { config } = await import('../../lib/config');
    await documentClient.send(new UpdateCommand({ TableName: config.tables.users, Key: { username: user.username }, UpdateExpression: 'SET passwordExpiration = :past', ExpressionAttributeValues: { ':past': '2020-01-01T00:00:00Z' } }));

    const response = await me(bearer(key.token));

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ AuthMethod: 'authheader', PasswordExpiration: '2020-01-01T00:00:00Z' });
    expect(await users.findByUsername(user.username)).toBeDefined();
  });

  test('behind an HTTP API authorizer (context under requestContext.authorizer.lambda)', async () => {
    const user = await givenUser();
    const event = {
      version: '2.0',
      headers: {},
      rawPath: '/user/me',
      requestContext: { authorizer: { lambda: { userId: user.id, username: user.username, authMethod: 'jwt' } }, http: { method: 'GET', sourceIp: '203.0.113.10' } },
    };

    const response = await (meHandler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>)(event, lambdaContext);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ Id: user.id, AuthMethod: 'jwt' });
  });
});
