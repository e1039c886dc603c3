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

  test('answers a retry within the 10 s grace with the same successor, so there is only ever one chain', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const lost = await ok(refresh(first.RefreshToken));

    const retried = await ok(refresh(first.RefreshToken));
    const again = await ok(refresh(first.RefreshToken));

    // Before issue 20 the retry forked the session: a second, independent refresh token.
    expect(retried.RefreshToken).toBe(lost.RefreshToken);
    expect(again.RefreshToken).toBe(lost.RefreshToken);
    expect(decodeJwt(retried.Token).sid).toBe(decodeJwt(lost.Token).sid);
    const next = await ok(refresh(retried.RefreshToken));
    expect((await listHeaders(next.Token)).statusCode).toBe(200);
  });

  test('ends the thief\'s chain with the victim\'s: a replay within the grace, then reuse of the shared successor', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const victims = await ok(refresh(first.RefreshToken));
    const thiefs = await ok(refresh(first.RefreshToken));

    // The thief rotates first; the victim's next refresh is a reuse and ends the one session.
    const thiefNext = await ok(refresh(thiefs.RefreshToken));
    jest.useFakeTimers({ now: Date.now() + 11_000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    try {
      expect((await refresh(victims.RefreshToken)).statusCode).toBe(401);
    } finally {
      jest.useRealTimers();
    }

    expect(await refresh(thiefNext.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    expect((await listHeaders(thiefNext.Token)).statusCode).toBe(401);
  });

  test('keeps auth headers through rotations', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    await addHeader(first.Token, 'kept');

    const second = await ok(refresh(first.RefreshToken));

    expect((await listHeaders(second.Token)).body).toEqual([expect.objectContaining({ name: 'kept' })]);
  });
});
