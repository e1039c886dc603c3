/**
 * Response headers on every status the service can answer, errors included: never cached, never
 * sniffed, JSON, and no CORS headers at all while CORS_ORIGINS is unset (the default).
 */
import { describe, expect, jest, test } from '@jest/globals';
import { documentClient } from '../../lib/data/client';
import { givenUser, useTestTables } from '../helpers/db';
import { invoke, type InvokeResult } from '../helpers/invoke';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { addHeader, callLogin, deleteHeader, freshIp, loginAs } from '../helpers/api';

useTestTables();

function expectSafeHeaders(response: InvokeResult) {
  expect(response.headers['Cache-Control']).toBe('no-store');
  expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
  expect(response.headers['Content-Type']).toBe('application/json');
  expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
  expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
  expect(response.rawBody).not.toMatch(/at .*\.(ts|js):\d+/);
}

const cases: [string, number, () => Promise<InvokeResult>][] = [
  ['login 200', 200, async () => {
    const user = await givenUser();
    return callLogin(user.username, user.password);
  }],
  ['add 200', 200, async () => addHeader(await loginAs(await givenUser()))],
  ['list 200', 200, async () => invoke(listHandler, { method: 'GET', token: await loginAs(await givenUser()) })],
  ['delete 200', 200, async () => {
    const token = await loginAs(await givenUser());
    const added = (await addHeader(token)).body as { token: string };
    return deleteHeader(token, added.token);
  }],
  ['malformed JSON 400', 400, () => invoke(loginHandler, { rawBody: '{"username":' })],
  ['schema 400', 400, () => invoke(loginHandler, { body: { username: 1 } })],
  ['wrong password 401', 401, async () => callLogin((await givenUser()).username, 'wrong-password')],
  ['missing JWT 401', 401, () => invoke(listHandler, { method: 'GET' })],
  ['expired password 403', 403, async () => {
    const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });
    return callLogin(user.username, user.password);
  }],
  ['unknown token 404', 404, async () => deleteHeader(await loginAs(await givenUser()), `ahk_${'Q'.repeat(43)}`)],
  ['body too large 413', 413, async () => invoke(addHandler, { token: await loginAs(await givenUser()), rawBody: JSON.stringify({ name: 'x'.repeat(20_000) }) })],
  ['throttled 429', 429, async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await callLogin('throttled-user', 'wrong-password', ip);
    return callLogin('throttled-user', 'wrong-password', ip);
  }],
  ['internal error 500', 500, async () => {
    const token = await loginAs(await givenUser());
    const send = jest.spyOn(documentClient, 'send').mockRejectedValue(Object.assign(new Error('ProvisionedThroughputExceededException: table auth-headers'), { name: 'ProvisionedThroughputExceededException' }) as never);
    try {
      return await invoke(listHandler, { method: 'GET', token });
    } finally {
      send.mockRestore();
    }
  }],
];

describe('response headers', () => {
  test.each(cases)('%s: no-store, nosniff, JSON, no CORS', async (_name, status, act) => {
    const response = await act();

    expect(response.statusCode).toBe(status);
    expectSafeHeaders(response);
    if (status !== 200) expect(response.body).toEqual({ message: expect.any(String) });
  });

  test('sends the rest of the security headers on errors too', async () => {
    const response = await invoke(listHandler, { method: 'GET' });

    expect(response.headers).toMatchObject({
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Strict-Transport-Security': expect.stringMatching(/max-age=\d+/),
    });
  });
});
