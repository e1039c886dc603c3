/**
 * POST /user/password, the attacks: it is a second login door (a right password yields a session),
 * so it must tell an attacker no more than login does, change nothing on a refusal, keep the new
 * password out of storage and logs.
 */
import { describe, expect, test } from '@jest/globals';
import { users } from '../../lib/data/repositories';
import { captureConsole } from '../helpers/console';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';
import { handler } from '../../functions/user-password';
import { changePassword, freshIp } from './session-helpers';

useTestTables();

const NEW_PASSWORD = 'Lantern-Orbit-Falcon-3';

describe('POST /user/password', () => {
  test('answers an unknown user exactly like a wrong current password (status, body and headers)', async () => {
    const user = await givenUser();

    const unknown = await changePassword({ username: `ghost-${Date.now()}`, password: 'Some-Password-1', newPassword: NEW_PASSWORD });
    const wrong = await changePassword({ username: user.username, password: 'Some-Password-1', newPassword: NEW_PASSWORD });

    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.rawBody).toBe(wrong.rawBody);
    expect(unknown.headers).toEqual(wrong.headers);
  });

  test("cannot change another user's password with one's own", async () => {
    const [alice, bob] = await Promise.all([givenUser({ password: 'Alices-Own-Password-5' }), givenUser()]);

    const response = await changePassword({ username: bob.username, password: alice.password, newPassword: NEW_PASSWORD });

    expect(response.statusCode).toBe(401);
    expect(await users.findByUsername(bob.username)).toMatchObject({ passwordHash: bob.passwordHash, passwordVersion: bob.passwordVersion });
  });

  test('a refused change writes no session and no profile change', async () => {
    const user = await givenUser();
    const before = { sessions: await scanTable('sessions'), users: await scanTable('users') };

    const response = await changePassword({ username: user.username, password: 'Wrong-Password-77', newPassword: NEW_PASSWORD });

    expect(response.statusCode).toBe(401);
    expect(await scanTable('sessions')).toEqual(before.sessions);
    expect(await scanTable('users')).toEqual(before.users);
  });

  test('never stores or logs the new (or current) password in clear', async () => {
    const user = await givenUser();

    const { result, output } = await captureConsole(() => changePassword({ username: user.username, password: user.password, newPassword: NEW_PASSWORD }));

    expect(result.statusCode).toBe(200);
    const stored = JSON.stringify([await scanTable('users'), await scanTable('sessions'), await scanTable('loginThrottle')]);
    for (const secret of [NEW_PASSWORD, user.password]) {
      expect(stored).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
  });

  test('refuses prototype-pollution keys with a 400', async () => {
    const user = await givenUser();

    const response = await invoke(handler, { method: 'POST', path: '/user/password', sourceIp: freshIp(), rawBody: JSON.stringify({ username: user.username, password: 'Wrong-1', newPassword: NEW_PASSWORD }).replace('{', '{"__proto__":{"admin":true},') });

    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
