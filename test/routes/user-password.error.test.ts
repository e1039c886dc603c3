/** POST /user/password, the refusals: wrong credentials exactly as login, every policy rule, malformed input. */
import { describe, expect, test } from '@jest/globals';
import { users } from '../../lib/data/repositories';
import { givenUser, useTestTables } from '../helpers/db';
import { callLogin } from '../helpers/api';
import { changePassword, freshIp } from './session-helpers';

useTestTables();

describe('POST /user/password refuses', () => {
  test.each([
    ['shorter than 8 characters', 'Sh0rt!', 'password must be at least 8 characters'],
    ['over 72 bytes of UTF-8', 'ü'.repeat(37), 'password must be at most 72 bytes in UTF-8 (bcrypt ignores anything beyond)'],
    ['among the most common passwords', 'iloveyou1', 'password is too common; choose another'],
    ['the current password', undefined, 'new password must differ from the current password'],
    ['the username', 'USERNAME', 'password must not be the username'],
  ])('a new password %s: 400 with the rule, nothing changed', async (_case, newPassword, message) => {
    const user = await givenUser({ username: `Policy.User.${Math.random().toString(36).slice(2, 8)}` });
    const chosen = newPassword === undefined ? user.password : newPassword === 'USERNAME' ? user.username.toLowerCase() : newPassword;

    const response = await changePassword({ username: user.username, password: user.password, newPassword: chosen });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message });
    expect((await users.findByUsername(user.username))?.passwordVersion).toBe(user.passwordVersion);
  });

  test('a wrong current password, and an unknown user, with login\'s 401 body', async () => {
    const user = await givenUser();
    const expected = (await callLogin(user.username, 'Wrong-Password-77')).body;

    const wrong = await changePassword({ username: user.username, password: 'Wrong-Password-77', newPassword: 'Lantern-Orbit-Falcon-3' });
    const unknown = await changePassword({ username: 'no.such.user', password: 'Wrong-Password-77', newPassword: 'Lantern-Orbit-Falcon-3' });

    expect(expected).toEqual({ message: 'Incorrect username or password' });
    expect(wrong).toMatchObject({ statusCode: 401, body: expected });
    expect(unknown).toMatchObject({ statusCode: 401, body: expected });
    expect((await users.findByUsername(user.username))?.passwordVersion).toBe(user.passwordVersion);
  });

  test('wrong current passwords on the same counters as login: throttled with 429 and Retry-After', async () => {
    const user = await givenUser();
    const ip = freshIp();
    const answers: number[] = [];
    // Failures through both doors count together.
    for (let i = 0; i < 3; i++) answers.push((await callLogin(user.username, `Wrong-Password-${i}`, ip)).statusCode);
    for (let i = 0; i < 4; i++) answers.push((await changePassword({ username: user.username, password: `Wrong-Again-${i}`, newPassword: 'Lantern-Orbit-Falcon-3' }, ip)).statusCode);

    const throttled = await changePassword({ username: user.username, password: user.password, newPassword: 'Lantern-Orbit-Falcon-3' }, ip);

    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(answers).toContain(429);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['Retry-After']).toMatch(/^\d+$/);
    expect(throttled.body).toEqual({ message: 'Too many failed login attempts; try again later' });
  });

  test.each([
    ['no newPassword', { username: 'a', password: 'b' }],
    ['a non-string newPassword', { username: 'a', password: 'b', newPassword: 12345678 }],
    ['an empty newPassword', { username: 'a', password: 'b', newPassword: '' }],
  ])('%s with 400 before any credential check', async (_case, body) => {
    const response = await changePassword(body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });
});
