/** POST /user/refresh, the paths that succeed: rotation, the JWT it issues, the grace retry. */
import { describe, expect, test, jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { givenUser, useTestTables } from '../helpers/db';
import { addHeader } from '../helpers/api';
import { INVALID_REFRESH_BODY, listHeaders, loggedIn, ok, refresh } from './session-helpers';

useTestTables();

describe('POST /user/refresh', () => {
  test('answers the login body with a new JWT and a new refresh token, in the same session', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);

    const response = await refresh(first.RefreshToken);

    expect(response.statusCode).toBe(200);
    const body = response.body as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['Created', 'Email', 'Firstname', 'Id', 'Lastname', 'PasswordExpiration', 'RefreshToken', 'Token', 'Username']);
    expect(body).toMatchObject({ Id: user.id, Username: user.username, PasswordExpiration: user.passwordExpiration });
    expect(body.RefreshToken).not.toBe(first.RefreshToken);
    expect(decodeJwt(body.Token!).sid).toBe(decodeJwt(first.Token).sid);
    expect((await listHeaders(body.Token!)).statusCode).toBe(200);
  });

  test('uses the refresh token up: the old one is refused, the new one works', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const second = await ok(refresh(first.RefreshToken));

    // Outside the grace (see the error tests for inside it).
    jest.useFakeTimers({ now: Date.now() + 11_000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    try {
      const third = await ok(refresh(second.RefreshToken));
      expect(third.RefreshToken).not.toBe(second.RefreshToken);
    } finally {
      jest.useRealTimers();
    }
    const replay = await refresh(first.RefreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.body).toEqual(INVALID_REFRESH_BODY);
  });

  test('gives a retry within the 10 s grace one more pair, and both new tokens stay usable until one is used', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const lost = await ok(refresh(first.RefreshToken));

    const retried = await ok(refresh(first.RefreshToken));
    const again = await refresh(first.RefreshToken);

    expect(retried.RefreshToken).not.toBe(lost.RefreshToken);
    // The grace retry is spent: a third try gets 401 but does not end the session.
    expect(again.statusCode).toBe(401);
    expect((await listHeaders(retried.Token)).statusCode).toBe(200);
    const next = await ok(refresh(retried.RefreshToken));
    expect((await listHeaders(next.Token)).statusCode).toBe(200);
  });

  test('keeps auth headers through rotations', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    await addHeader(first.Token, 'kept');

    const second = await ok(refresh(first.RefreshToken));

    expect((await listHeaders(second.Token)).body).toEqual([expect.objectContaining({ name: 'kept' })]);
  });
});
