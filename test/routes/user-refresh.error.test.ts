/** POST /user/refresh, the refusals: reuse, races, expiry, ended sessions, malformed input. */
import { afterEach, describe, expect, test, jest } from '@jest/globals';
import { config } from '../../lib/config';
import { decodeJwt } from 'jose';
import { sessions, users } from '../../lib/data/repositories';
import { InvalidRefreshTokenError } from '../../lib/errors';
import { refreshSession } from '../../lib/services/sessionService';
import { setUserPassword } from '../../lib/services/userService';
import { givenUser, useTestTables } from '../helpers/db';
import { INVALID_REFRESH_BODY, INVALID_SESSION_BODY, listHeaders, loggedIn, logout, ok, refresh } from './session-helpers';

useTestTables();

const CONTEXT = { requestId: 'refresh-test', sourceIp: '192.0.2.10' };

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

  test('parallel refreshes of one token beyond its one successor, and never leaves two live chains', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);

    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(first.RefreshToken)));

    // One rotation; a request that reads after it committed is a grace retry and gets the same
    // successor; one that lost the race to write is refused.
    const winners = results.filter((result) => result.statusCode === 200).map((result) => result.body as { Token: string; RefreshToken: string });
    expect(winners.length).toBeGreaterThanOrEqual(1);
    expect(new Set(winners.map((winner) => winner.RefreshToken)).size).toBe(1);
    for (const loser of results.filter((result) => result.statusCode !== 200)) expect(loser).toMatchObject({ statusCode: 401, body: INVALID_REFRESH_BODY });
    const next = await ok(refresh(winners[0]!.RefreshToken));
    expect((await listHeaders(next.Token)).statusCode).toBe(200);
    await ok(refresh(next.RefreshToken));
  });

  test('refused (401) once the session has been idle longer than SESSION_IDLE_TIMEOUT_SECONDS', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const idle = config.sessionIdleTimeoutSeconds * 1000;

    const stillActive = await refreshSession(first.RefreshToken, CONTEXT, new Date(Date.now() + idle - 5_000));
    const afterIdle = await refreshSession(stillActive.RefreshToken, CONTEXT, new Date(Date.now() + 2 * idle)).catch((error: unknown) => error);

    expect(stillActive.RefreshToken).toEqual(expect.any(String));
    expect(afterIdle).toBeInstanceOf(InvalidRefreshTokenError);
    expect(config.sessionIdleTimeoutSeconds).toBe(7 * 24 * 3600);
  });

  test('idle timeout is a condition of the rotation write: a session that went idle after the read is not rotated', async () => {
    const user = await givenUser();
    const first = await loggedIn(user);
    const read = (await sessions.readWithProfile(decodeJwt(first.Token).sid as string, user.username)).session!;

    const advanced = await sessions.advance(read, { live: ['x'], used: [], lastUsedAt: Date.now() }, (read.lastUsedAt as number) + 1);

    expect(advanced).toBe(false);
    expect((await sessions.readWithProfile(read.sid, user.username)).session).toMatchObject({ rev: read.rev, live: read.live });
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
    let latest = (await loggedIn(user)).RefreshToken;
    // Used often enough never to be idle (SESSION_IDLE_TIMEOUT_SECONDS), up to the last minute.
    const step = (config.sessionIdleTimeoutSeconds - 60) * 1000;
    for (let at = start + step; at < start + (config.refreshTokenTtlSeconds - 60) * 1000; at += step) {
      clockAt(at);
      latest = (await ok(refresh(latest))).RefreshToken;
    }
    clockAt(start + (config.refreshTokenTtlSeconds - 60) * 1000);
    const late = await ok(refresh(latest));

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
