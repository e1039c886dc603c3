/** POST /user/logout: ends the session (JWT and refresh token), or with all: true every session; auth headers stay. */
import { describe, expect, test } from '@jest/globals';
import { givenUser, useTestTables } from '../helpers/db';
import { addHeader, deleteHeader } from '../helpers/api';
import { INVALID_REFRESH_BODY, INVALID_SESSION_BODY, listHeaders, loggedIn, logout, ok, refresh } from './session-helpers';

useTestTables();

describe('POST /user/logout', () => {
  test('with no body: 200 Success; that JWT is then refused by every JWT route, its refresh token too', async () => {
    const user = await givenUser();
    const session = await loggedIn(user);
    const other = await loggedIn(user);
    const added = (await addHeader(session.Token, 'kept')).body as { token: string };

    const response = await logout(session.Token);

    expect(response).toMatchObject({ statusCode: 200, body: { message: 'Success' } });
    for (const call of [() => listHeaders(session.Token), () => addHeader(session.Token, 'late'), () => deleteHeader(session.Token, added.token), () => logout(session.Token)]) {
      expect(await call()).toMatchObject({ statusCode: 401, body: INVALID_SESSION_BODY });
    }
    expect(await refresh(session.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    // Another session of the same user, and the auth header, are untouched.
    expect((await listHeaders(other.Token)).body).toEqual([expect.objectContaining({ name: 'kept', token: added.token })]);
  });

  test.each([[{}], [{ all: false }]])('with %j: ends only the current session', async (body) => {
    const user = await givenUser();
    const [one, two] = [await loggedIn(user), await loggedIn(user)];

    await ok(logout(one.Token, body));

    expect((await listHeaders(one.Token)).statusCode).toBe(401);
    expect((await listHeaders(two.Token)).statusCode).toBe(200);
  });

  test('with all: true ends every session of the user (two logins), and no one else\'s; auth headers stay', async () => {
    const user = await givenUser();
    const [one, two] = [await loggedIn(user), await loggedIn(user)];
    const stranger = await loggedIn(await givenUser());
    await addHeader(two.Token, 'kept');

    expect(await logout(one.Token, { all: true })).toMatchObject({ statusCode: 200, body: { message: 'Success' } });

    for (const session of [one, two]) {
      expect((await listHeaders(session.Token)).statusCode).toBe(401);
      expect((await refresh(session.RefreshToken)).statusCode).toBe(401);
    }
    expect((await listHeaders(stranger.Token)).statusCode).toBe(200);
    const again = await loggedIn(user);
    expect((await listHeaders(again.Token)).body).toEqual([expect.objectContaining({ name: 'kept' })]);
  });
});
