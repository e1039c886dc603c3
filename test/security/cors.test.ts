/**
 * Strict CORS when CORS_ORIGINS is set: only the configured origins are echoed back, never with
 * credentials, on successes and errors alike. (Config is read at import, so this file sets the
 * variable first and loads the service afterwards.)
 */
import { describe, expect, test } from '@jest/globals';
process.env.CORS_ORIGINS = 'https://app.example.com, https://admin.example.com';

const { givenUser, useTestTables } = await import('../helpers/db');
const { invoke } = await import('../helpers/invoke');
const { listHeaders, loginAs } = await import('../helpers/api');
const { callRoute, jwtRoutes } = await import('../helpers/routes');
const { handler: loginHandler } = await import('../../functions/login');

useTestTables();

const ALLOWED = 'https://app.example.com';

describe('CORS with configured origins', () => {
  test('echoes an allowed origin on a successful login, without credentials', async () => {
    const user = await givenUser();

    const response = await invoke(loginHandler, { body: { username: user.username, password: user.password }, headers: { Origin: ALLOWED } });

    expect(response.statusCode).toBe(200);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(ALLOWED);
    expect(response.headers.Vary).toMatch(/Origin/);
    expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  test.each([
    ['an unlisted origin', 'https://evil.example'],
    ['a look-alike suffix', 'https://app.example.com.evil.example'],
    ['a look-alike prefix', 'https://evilapp.example.com'],
    ['http instead of https', 'http://app.example.com'],
    ['the "null" origin', 'null'],
  ])('sends no Access-Control-Allow-Origin to %s', async (_case, origin) => {
    const response = await invoke(loginHandler, { body: { username: 'nobody', password: 'whatever1' }, headers: { Origin: origin } });

    expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
  });

  test.each(jwtRoutes)('keeps CORS strict on error responses of $method $path', async (route) => {
    const allowed = await callRoute(route, { headers: { Origin: ALLOWED } });
    const evil = await callRoute(route, { headers: { Origin: 'https://evil.example' } });

    expect(allowed.statusCode).toBe(401);
    expect(allowed.headers['Access-Control-Allow-Origin']).toBe(ALLOWED);
    expect(evil.statusCode).toBe(401);
    expect(evil.headers['Access-Control-Allow-Origin']).toBeUndefined();
    for (const response of [allowed, evil]) {
      expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    }
  });

  test('allows only the methods and headers the API uses', async () => {
    const token = await loginAs(await givenUser());
    const response = await listHeaders(token, { headers: { Origin: ALLOWED } });

    expect(response.statusCode).toBe(200);
    expect(response.headers['Access-Control-Allow-Methods']).toBe('GET,POST,OPTIONS');
    expect(response.headers['Access-Control-Allow-Headers']).toBe('Authorization,Content-Type');
  });
});
