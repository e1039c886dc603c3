/**
 * Strict CORS when CORS_ORIGINS is set: only the configured origins are echoed back, never with
 * credentials, on successes and errors alike. (Config is read at import, so this file sets the
 * variable first and loads the service afterwards.)
 */
import { describe, expect, it } from '@jest/globals';
process.env.CORS_ORIGINS = 'https://app.example.com, https://admin.example.com';

const { givenUser, useTestTables } = await import('../helpers/db');
const { invoke } = await import('../helpers/invoke');
const { callRoute, jwtRoutes, loginAs, loginHandler } = await import('./support');

useTestTables();

const ALLOWED = 'https://app.example.com';

describe('CORS with configured origins', () => {
  it('echoes an allowed origin on a successful login, without credentials', async () => {
    // Prepare
    const user = await givenUser();

    // Act
    const response = await invoke(loginHandler, { body: { username: user.username, password: user.password }, headers: { Origin: ALLOWED } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(ALLOWED);
    expect(response.headers.Vary).toMatch(/Origin/);
    expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  it.each([
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

  it.each(jwtRoutes)('keeps CORS strict on error responses of $route', async (route) => {
    const allowed = await callRoute(route, { body: route.body, headers: { Origin: ALLOWED } });
    const evil = await callRoute(route, { body: route.body, headers: { Origin: 'https://evil.example' } });

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

  it('allows only the methods and headers the API uses', async () => {
    const token = await loginAs(await givenUser());
    const response = await callRoute(jwtRoutes[1], { token, headers: { Origin: ALLOWED } });

    expect(response.statusCode).toBe(200);
    expect(response.headers['Access-Control-Allow-Methods']).toBe('GET,POST,OPTIONS');
    expect(response.headers['Access-Control-Allow-Headers']).toBe('Authorization,Content-Type');
  });
});
