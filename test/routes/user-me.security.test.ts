/** GET /user/me never shows secrets and trusts only the authorizer's context. */
import { describe, expect, test } from '@jest/globals';
import { handler as meHandler } from '../../functions/user-me';
import { givenUser, useTestTables } from '../helpers/db';
import { bearer, throughAuthorizer } from '../helpers/authorizer';
import { apiEvent, lambdaContext } from '../helpers/invoke';
import { addHeader, loginAs } from '../helpers/api';

useTestTables();

describe('GET /user/me: security', () => {
  test('answers no hash, no password version, no token', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const key = (await addHeader(jwt, 'ci-key')).body as { token: string };
    for (const credential of [jwt, key.token]) {
      const response = await throughAuthorizer(meHandler, '/user/me', bearer(credential));
      expect(response.statusCode).toBe(200);
      expect(response.rawBody).not.toMatch(/\$2[aby]\$|passwordHash|passwordVersion/i);
      expect(response.rawBody).not.toContain(credential);
    }
  });

  test('does not authenticate by itself: a valid JWT in Authorization without an authorizer context is 401', async () => {
    const user = await givenUser();
    const jwt = await loginAs(user);
    const result = await (meHandler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number }>)(apiEvent({ method: 'GET', path: '/user/me', token: jwt }), lambdaContext);
    expect(result.statusCode).toBe(401);
  });

  test('shows the profile of the user the authorizer named, never one picked by the request', async () => {
    const alice = await givenUser();
    const bob = await givenUser();
    const event = apiEvent({ method: 'GET', path: '/user/me', query: { username: bob.username }, headers: { 'X-User': bob.username } });
    (event.requestContext as unknown as Record<string, unknown>).authorizer = { userId: alice.id, username: alice.username, authMethod: 'jwt' };
    const result = await (meHandler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>)(event, lambdaContext);
    expect(JSON.parse(result.body)).toMatchObject({ Id: alice.id, Username: alice.username });
  });
});
