/** GET /user/me refusing: through the authorizer (the gateway's 401), and on its own. */
import { describe, expect, test } from '@jest/globals';
import { handler as meHandler } from '../../functions/user-me';
import { users } from '../../lib/data/repositories';
import { givenUser, useTestTables } from '../helpers/db';
import { bearer, throughAuthorizer } from '../helpers/authorizer';
import { apiEvent, lambdaContext } from '../helpers/invoke';
import { addHeader, deleteHeader, loginAs } from '../helpers/api';

useTestTables();

const me = (authorization?: string) => throughAuthorizer(meHandler, '/user/me', authorization);

async function direct(authorizer: unknown) {
  const event = apiEvent({ method: 'GET', path: '/user/me' });
  (event.requestContext as unknown as Record<string, unknown>).authorizer = authorizer;
  const result = await (meHandler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>)(event, lambdaContext);
  return { ...result, json: JSON.parse(result.body) as unknown };
}

describe('GET /user/me: 401', () => {
  test.each([
    ['no credential', undefined],
    ['garbage', 'Bearer garbage'],
    ['Basic', 'Basic am9objpwdw=='],
  ])('%s → the gateway’s 401 with WWW-Authenticate: Bearer', async (_case, authorization) => {
    const response = await me(authorization);
    expect(response).toMatchObject({ statusCode: 401, body: { message: 'Unauthorized' } });
    expect(response.headers['WWW-Authenticate']).toBe('Bearer');
  });

  test('a deleted key → 401', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const key = (await addHeader(jwt, 'ci-key')).body as { token: string };
    await deleteHeader(jwt, key.token);
    expect((await me(bearer(key.token))).statusCode).toBe(401);
  });

  test('the function itself refuses a call without an authorizer context (misconfigured or invoked directly): 401 JSON', async () => {
    for (const authorizer of [undefined, null, {}, { userId: 'x', username: 'y' }, { userId: 'x', username: 'y', authMethod: 'password' }]) {
      const response = await direct(authorizer);
      expect(response.statusCode).toBe(401);
      expect(response.headers['WWW-Authenticate']).toBe('Bearer');
      expect(response.json).toEqual({ message: expect.any(String) });
    }
  });

  test('a user deleted after the authorizer answered (a cached answer) → 401, not a profile of nobody', async () => {
    const user = await givenUser();
    await users.delete(user.username);
    const response = await direct({ userId: user.id, username: user.username, authMethod: 'jwt', principalId: user.id });
    expect(response.statusCode).toBe(401);
  });

  test('a user re-created under the same name since → 401 for the old identity', async () => {
    const user = await givenUser();
    await users.delete(user.username);
    await givenUser({ username: user.username });
    expect((await direct({ userId: user.id, username: user.username, authMethod: 'authheader', authHeaderId: 'h' })).statusCode).toBe(401);
  });
});
