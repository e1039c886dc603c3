/** POST /user/login: the contract's 200, against DynamoDB Local. */
import { describe, expect, test } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { handler } from '../../functions/login';
import { verifySessionToken } from '../../lib/auth/jwt';
import { givenUser, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const login = (body: unknown) => invoke(handler, { method: 'POST', path: '/user/login', body });

describe('POST /user/login', () => {
  test('returns the profile in PascalCase and a verifiable HS256 JWT', async () => {
    const user = await givenUser({ email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });

    const response = await login({ username: user.username, password: user.password });

    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(response.body).toEqual({
      Id: user.id,
      Created: user.created,
      Username: user.username,
      Email: 'ada@example.com',
      Firstname: 'Ada',
      Lastname: 'Lovelace',
      Token: expect.any(String),
      PasswordExpiration: user.passwordExpiration,
      RefreshToken: expect.stringMatching(/^rt_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
    });
    const { Token, Created, PasswordExpiration } = response.body as { Token: string; Created: string; PasswordExpiration: string };
    expect(Created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(PasswordExpiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(decodeProtectedHeader(Token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(Token);
    expect(claims).toMatchObject({ sub: user.id, username: user.username, iss: 'auth-service', aud: 'auth-service-api' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    await expect(verifySessionToken(Token)).resolves.toMatchObject({ sub: user.id });
  });

  test('never issues a token that outlives the password', async () => {
    const expires = new Date(Date.now() + 10 * 60 * 1000);
    const user = await givenUser({ passwordExpires: expires.toISOString() });

    const response = await login({ username: user.username, password: user.password });

    expect(response.statusCode).toBe(200);
    const { exp } = decodeJwt((response.body as { Token: string }).Token);
    expect(exp).toBe(Math.floor(expires.getTime() / 1000));
  });

  test('also accepts an HTTP API (payload v2) event', async () => {
    const user = await givenUser();
    const event = {
      version: '2.0',
      routeKey: 'POST /user/login',
      rawPath: '/user/login',
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ username: user.username, password: user.password })).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: '/user/login', sourceIp: '198.51.100.7' }, requestId: 'v2', stage: '$default' },
    };

    const response = await (handler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>)(event, {});

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ Username: user.username });
  });

  test('expires passwords PASSWORD_MAX_AGE_DAYS (90) after they were set by default', async () => {
    const before = Date.now();
    const user = await givenUser();
    const days = (Date.parse(user.passwordExpiration as string) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
  });
});
