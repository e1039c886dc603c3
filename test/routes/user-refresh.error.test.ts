/** POST /user/refresh, the refusals: reuse, races, expiry, ended sessions, malformed input. */
import { afterEach, describe, expect, test, jest } from '@jest/globals';
import { config } from '../../lib/config';
import { users } from '../../lib/data/repositories';
import { setUserPassword } from '../../lib/services/userService';
import { givenUser, useTestTables } from '../helpers/db';
import { INVALID_REFRESH_BODY, INVALID_SESSION_BODY, listHeaders, loggedIn, logout, ok, refresh } from './session-helpers';

useTestTables();

/** Moves the clock (Date only: timers and DynamoDB's I/O run normally). */
function clockAt(ms: number) {
  jest.useFakeTimers({ now: ms, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'hrtime', 'performance'] });
}
afterEach(() => {
  jest.useRealTimers();
});

describe('POST /user/refresh refuses', () => {
  test('a used token sent again after the grace, and ends the whole session: its JWTs and refresh tokens', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const second = await ok(refresh(first.RefreshToken));
    const other = await loggedIn(user);

    clockAt(Date.now() + 10_500);
    const reuse = await refresh(first.RefreshToken);
    jest.useRealTimers();

    expect(reuse.statusCode).toBe(401);
    expect(reuse.body).toEqual(INVALID_REFRESH_BODY);
    const list = await listHeaders(second.Token);
    expect(list.statusCode).toBe(401);
    expect(list.body).toEqual(INVALID_SESSION_BODY);
    expect((await listHeaders(first.Token)).statusCode).toBe(401);
    expect((await refresh(second.RefreshToken)).statusCode).toBe(401);
    // Only that session: the user's other session is untouched.
    expect((await listHeaders(other.Token)).statusCode).toBe(200);
  });

  test('parallel refreshes of one token beyond one rotation and its one grace retry, and never leaves two live chains', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);

    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(first.RefreshToken)));

    // One rotation, plus at most the one grace retry (a request that reads after the rotation
    // committed cannot be told from a client's retry); every other request is refused.
    const winners = results.filter((result) => result.statusCode === 200).map((result) => result.body as { Token: string; RefreshToken: string });
    expect(winners.length).toBeGreaterThanOrEqual(1);
    expect(winners.length).toBeLessThanOrEqual(2);
    for (const loser of results.filter((result) => result.statusCode !== 200)) expect(loser).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    // One chain: using one winner's token retires the other's, and the session lives on.
    const [kept, dropped] = winners;
    const next = await ok(refresh(kept!.RefreshToken));
    if (dropped) expect(await refresh(dropped.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    expect((await listHeaders(next.Token)).statusCode).toBe(200);
    await ok(refresh(next.RefreshToken));
  });

  test('with 403 once the password has expired, using nothing up', async () => {
    const user = await givenUser({ passwordExpires: new Date(Date.now() + 60_000).toISOString() });
    const first = await loggedIn(user);

    clockAt(Date.now() + 61_000);
    const response = await refresh(first.RefreshToken);
    jest.useRealTimers();

    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({ message: 'Password expired; set a new one with POST /user/password' });
    expect(response.rawBody).not.toMatch(/eyJ|rt_/);
    await ok(refresh(first.RefreshToken));
  });

  test('with 401 after a password change', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);

    await setUserPassword(users, user.username, 'A-Completely-New-Passphrase-2');

    expect(await refresh(first.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
  });

  test('with 401 after the user is deleted', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);

    await users.delete(user.username);

    expect(await refresh(first.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
  });

  test('with 401 after logout, and after logout everywhere', async () => {
    const user = await givenUser();
    const [one, two] = [await loggedIn(user), await loggedIn(user)];

    await ok(logout(one.Token));
    expect(await refresh(one.RefreshToken)).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    expect((await refresh(two.RefreshToken)).statusCode).toBe(200);
  });

  test('with 401 once the absolute lifetime is over, however often it was rotated', async () => {
    const user = await givenUser({ passwordExpires: '2099-01-01T00:00:00Z' });
    const start = Date.now();
    const first = await loggedIn(user);
    clockAt(start + (config.refreshTokenTtlSeconds - 60) * 1000);
    const late = await ok(refresh(first.RefreshToken));

    clockAt(start + (config.refreshTokenTtlSeconds + 1) * 1000);
    const response = await refresh(late.RefreshToken);

    expect(response).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
  });

  test.each([
    ['a missing refreshToken', {}],
    ['a number', 42],
    ['an empty string', ''],
    ['an over-long string', `rt_${'a'.repeat(600)}`],
  ])('%s with 400', async (_case, refreshToken) => {
    const response = await refresh(refreshToken);

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });
});
