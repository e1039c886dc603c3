/** POST /user/login against DynamoDB Local: the contract's 200, 401, 403 and 400. */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { handler } from '../../functions/login';
import { verifySessionToken } from '../../lib/auth/jwt';
import { givenUser, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const login = (body: unknown) => invoke(handler, { method: 'POST', path: '/user/login', body });

describe('POST /user/login', () => {
  describe('happy path', () => {
    it('returns the profile in PascalCase and a verifiable HS256 JWT', async () => {
      // Prepare
      const user = await givenUser({ email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });

      // Act
      const response = await login({ username: user.username, password: user.password });

      // Assess
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

    it('never issues a token that outlives the password', async () => {
      const expires = new Date(Date.now() + 10 * 60 * 1000);
      const user = await givenUser({ passwordExpires: expires.toISOString() });

      const response = await login({ username: user.username, password: user.password });

      expect(response.statusCode).toBe(200);
      const { exp } = decodeJwt((response.body as { Token: string }).Token);
      expect(exp).toBe(Math.floor(expires.getTime() / 1000));
    });

    it('also accepts an HTTP API (payload v2) event', async () => {
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

    it('expires passwords PASSWORD_MAX_AGE_DAYS (90) after they were set by default', async () => {
      const before = Date.now();
      const user = await givenUser();
      const days = (Date.parse(user.passwordExpiration) - before) / 86_400_000;
      expect(days).toBeGreaterThan(89.99);
      expect(days).toBeLessThan(90.01);
    });
  });

  describe('errors', () => {
    it('answers 401 with the same body for an unknown user and a wrong password', async () => {
      const user = await givenUser();

      const unknown = await login({ username: 'nobody-here', password: user.password });
      const wrong = await login({ username: user.username, password: 'not-the-password' });

      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.rawBody).toBe(wrong.rawBody);
      expect(unknown.body).toEqual({ message: 'Incorrect username or password' });
    });

    it('answers 403 without a token when the right password has expired', async () => {
      const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });

      const response = await login({ username: user.username, password: user.password });

      expect(response.statusCode).toBe(403);
      expect(response.body).toEqual({ message: 'Password expired; set a new one with POST /user/password' });
      expect(response.rawBody).not.toMatch(/eyJ|rt_/);
    });

    it('answers 401, not 403, for a wrong password on an expired account', async () => {
      const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });

      const response = await login({ username: user.username, password: 'wrong-password' });

      expect(response.statusCode).toBe(401);
    });

    it.each([
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

    it('answers 400 for malformed JSON and 413 for a body over the limit', async () => {
      const malformed = await invoke(handler, { rawBody: '{"username": "john.doe", ' });
      const huge = await invoke(handler, { rawBody: JSON.stringify({ username: 'a', password: 'b'.repeat(20_000) }) });

      expect(malformed.statusCode).toBe(400);
      expect(malformed.body).toEqual({ message: 'request body must be valid JSON' });
      expect(huge.statusCode).toBe(413);
      expect(huge.body).toEqual({ message: expect.stringMatching(/at most/) });
    });

    it('refuses prototype-pollution keys with a 400', async () => {
      const response = await invoke(handler, { rawBody: '{"username":"a","password":"b","__proto__":{"admin":true}}' });

      expect(response.statusCode).toBe(400);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  });
});
