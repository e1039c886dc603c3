/**
 * Bodies are JSON: every route that takes one answers a body declared as something else with 415
 * {"message"} before reading it, reads a body without Content-Type as JSON, and accepts JSON media
 * types with parameters (openapi.json says the same).
 */
import { describe, expect, test } from '@jest/globals';
import { givenUser, useTestTables } from '../helpers/db';
import { callRoute, loadedRoutes } from '../helpers/routes';
import { loggedIn } from '../routes/session-helpers';

useTestTables();

const withBody = loadedRoutes.filter((route) => route.body);

/** A credential the route takes (a session JWT for the JWT routes), so the body is what decides. */
async function credential(auth: string): Promise<string | undefined> {
  if (auth === 'none') return undefined;
  const user = await givenUser();
  return (await loggedIn(user)).Token;
}

describe.each(withBody.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_name, route) => {
  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])('answers Content-Type %s with 415 {"message"}', async (contentType) => {
    const response = await callRoute(route, { token: await credential(route.auth), headers: { 'Content-Type': contentType } });

    expect(response.statusCode).toBe(415);
    expect(response.body).toEqual({ message: 'Content-Type must be application/json' });
  });

  test.each(['', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.example+json'])('reads the body as JSON with Content-Type %p', async (contentType) => {
    const response = await callRoute(route, { token: await credential(route.auth), headers: { 'Content-Type': contentType } });

    expect(response.statusCode).not.toBe(415);
    expect(response.statusCode).toBeLessThan(500);
  });
});
