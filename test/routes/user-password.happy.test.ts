/** POST /user/password, the paths that succeed: expired or not, a new session, every earlier one ended, auth headers kept. */
import { describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { users } from '../../lib/data/repositories';
import { givenUser, useTestTables } from '../helpers/db';
import { addHeader, callLogin } from '../helpers/api';
import { changePassword, INVALID_REFRESH_BODY, listHeaders, loggedIn, ok, refresh } from './session-helpers';

useTestTables();

const NEW_PASSWORD = 'Lantern-Orbit-Falcon-3';

describe('POST /user/password', () => {
  test('changes an expired password: 200 with the login body, a working JWT and refresh token; the old password then 401', async () => {
    const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });
    expect((await callLogin(user.username, user.password)).statusCode).toBe(403);

    const response = await changePassword({ username: user.username, password: user.password, newPassword: NEW_PASSWORD });

    expect(response.statusCode).toBe(200);
    const body = response.body as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['Created', 'Email', 'Firstname', 'Id', 'Lastname', 'PasswordExpiration', 'RefreshToken', 'Token', 'Username']);
    expect(body).toMatchObject({ Id: user.id, Username: user.username });
    expect(Date.parse(body.PasswordExpiration!)).toBeGreaterThan(Date.now());
    expect((await listHeaders(body.Token!)).statusCode).toBe(200);
    await ok(refresh(body.RefreshToken));
    expect((await callLogin(user.username, user.password)).statusCode).toBe(401);
    expect((await callLogin(user.username, NEW_PASSWORD)).statusCode).toBe(200);
  });

  test('changes a password that has not expired, storing a new hash, version and expiry', async () => {
    const user = await givenUser();

    const body = await ok(changePassword({ username: user.username, password: user.password, newPassword: NEW_PASSWORD }));

    const stored = await users.findByUsername(user.username);
    expect(stored?.passwordVersion).toBe(user.passwordVersion + 1);
    expect(stored?.passwordHash).not.toBe(user.passwordHash);
    expect(stored?.passwordExpiration).toBe(body.PasswordExpiration);
    expect(decodeJwt(body.Token).pwv).toBe(user.passwordVersion + 1);
  });

  test('ends every earlier session (JWTs and refresh tokens) and keeps the auth headers', async () => {
    const user = await givenUser();
    const [one, two] = [await loggedIn(user), await loggedIn(user)];
    const added = await addHeader(one.Token, 'survivor');

    const fresh = await ok(changePassword({ username: user.username, password: user.password, newPassword: NEW_PASSWORD }));

    for (const old of [one, two]) {
      expect((await listHeaders(old.Token)).statusCode).toBe(401);
      expect(await refresh(old.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    }
    expect((await listHeaders(fresh.Token)).body).toEqual([added.body]);
  });
});
