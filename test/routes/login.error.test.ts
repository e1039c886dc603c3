/** POST /user/login: the contract's 401, 403, 400 and 413, against DynamoDB Local. */
import { describe, expect, test } from '@jest/globals';
import { handler } from '../../functions/login';
import { givenUser, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const login = (body: unknown) => invoke(handler, { method: 'POST', path: '/user/login', body });

describe('POST /user/login', () => {
  test('answers 401 with the same body for an unknown user and a wrong password', async () => {
    const user = await givenUser();

    const unknown = await login({ username: 'nobody-here', password: user.password });
    const wrong = await login({ username: user.username, password: 'not-the-password' });

    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.rawBody).toBe(wrong.rawBody);
    expect(unknown.body).toEqual({ message: 'Incorrect username or password' });
  });

  test('answers 403 without a token when the right password has expired', async () => {
    const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });

    const response = await login({ username: user.username, password: user.password });

    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({ message: 'Password expired; set a new one with POST /user/password' });
    expect(response.rawBody).not.toMatch(/eyJ|rt_/);
  });

  test('answers 401, not 403, for a wrong password on an expired account', async () => {
    const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });

    const response = await login({ username: user.username, password: 'wrong-password' });

    expect(response.statusCode).toBe(401);
  });

  test.each([
    ['no body', undefined],
    ['a JSON array', ['john.doe', 'pw']],
    ['a JSON string', 'john.doe'],
    ['null', null],
    ['a missing password', { username: 'john.doe' }],
    ['a missing username', { password: 'x' }],
    ['a numeric username', { username: 42, password: 'x' }],
    ['an object password', { username: 'john.doe', password: { $ne: '' } }],
    ['an empty username', { username: '', password: 'x' }],
    ['an oversized username', { username: 'u'.repeat(129), password: 'x' }],
    ['an oversized password', { username: 'john.doe', password: 'p'.repeat(1025) }],
  ])('answers 400 for %s', async (_case, body) => {
    const response = await login(body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });

  test('answers 400 for malformed JSON and 413 for a body over the limit', async () => {
    const malformed = await invoke(handler, { rawBody: '{"username": "john.doe", ' });
    const huge = await invoke(handler, { rawBody: JSON.stringify({ username: 'a', password: 'b'.repeat(20_000) }) });

    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toEqual({ message: 'request body must be valid JSON' });
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toEqual({ message: expect.stringMatching(/at most/) });
  });

  test('refuses a lone UTF-16 surrogate with a 400 (DynamoDB stores UTF-8)', async () => {
    const response = await invoke(handler, { rawBody: '{"username":"\\ud800","password":"Correct-Horse-Battery-9"}' });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringMatching(/valid Unicode/) });
  });
});
