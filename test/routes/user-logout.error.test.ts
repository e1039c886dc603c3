/** POST /user/logout, the refusals: no or invalid JWT, malformed bodies. */
import { describe, expect, test } from '@jest/globals';
import { handler } from '../../functions/user-logout';
import { givenUser, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';
import { INVALID_SESSION_BODY, listHeaders, loggedIn, logout } from './session-helpers';

useTestTables();

describe('POST /user/logout refuses', () => {
  test('a request without a JWT with the generic 401', async () => {
    const response = await invoke(handler, { method: 'POST', path: '/user/logout', body: {} });

    expect(response).toMatchObject({ statusCode: 401, body: INVALID_SESSION_BODY });
    expect(response.headers['WWW-Authenticate']).toBe('Bearer');
  });

  test.each([
    ['"all" as a string', { all: 'true' }],
    ['"all" as a number', { all: 1 }],
    ['an array', [true]],
  ])('%s with 400, ending nothing', async (_case, body) => {
    const session = await loggedIn(await givenUser());

    const response = await logout(session.Token, body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
    expect((await listHeaders(session.Token)).statusCode).toBe(200);
  });

  test('malformed JSON with 400', async () => {
    const session = await loggedIn(await givenUser());

    const response = await invoke(handler, { method: 'POST', path: '/user/logout', token: session.Token, rawBody: '{"all":' });

    expect(response.statusCode).toBe(400);
  });
});
