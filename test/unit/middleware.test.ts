/**
 * The shared middleware, tested the middy way: literal API Gateway events through
 * `middy(handler).use(...)` stacked as the functions stack it, no database, no HTTP server.
 *
 * CORS is configured before lib/config.ts loads (it reads the environment at import), so the
 * modules under test are imported after.
 */
import { describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import fc from 'fast-check';

process.env.CORS_ORIGINS = 'https://app.example';

const { httpApi, json, jsonBody, jwtAuth, sourceIp } = await import('../../lib/http/middleware');
type ApiEvent = import('../../lib/http/middleware').ApiEvent;
type ApiResult = import('../../lib/http/middleware').ApiResult;
type ObjectSchema = import('../../lib/http/schemas').ObjectSchema;
const { config } = await import('../../lib/config');
const { issueSessionToken } = await import('../../lib/auth/jwt');
const errors = await import('../../lib/errors');

const ORIGIN = 'https://app.example';
const INVALID_SESSION = { message: 'Missing, invalid or expired token' };

/** A route body of one bounded string, as lib/http/schemas.ts declares them. */
const schema: ObjectSchema = {
  title: 'UnitRequest',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 8 } },
};

const context = { awsRequestId: 'unit-request', functionName: 'unit', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/unit',
    path: '/unit',
    httpMethod: 'POST',
    headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'unit-request', identity: { sourceIp: '198.51.100.1' } } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

type Handler = (event: ApiEvent & { session?: unknown }) => Promise<ApiResult>;

/** The stack a function builds: httpApi(), then jwtAuth() and jsonBody(schema) when asked. */
function stack(handler: Handler, options: { auth?: boolean; body?: ObjectSchema } = {}) {
  let chain = middy<ApiEvent, ApiResult>().use(httpApi());
  if (options.auth) chain = chain.use(jwtAuth());
  if (options.body) chain = chain.use(jsonBody(options.body));
  const run = chain.handler(handler as never);
  return async (input: APIGatewayProxyEvent) => {
    const response = await run(input, context);
    return { ...response, headers: response.headers as Record<string, string>, json: JSON.parse(response.body) as unknown };
  };
}

const ok: Handler = async () => json({ ok: true });
const throwing = (error: unknown): Handler => async () => {
  throw error;
};

function sessionToken(now = new Date()) {
  const expires = new Date(now.getTime() + 24 * 3600 * 1000).toISOString();
  return issueSessionToken({ id: 'user-1', username: 'ada', passwordExpiration: expires }, { sid: 'AAAAAAAAAAAAAAAAAAAAAA', passwordVersion: 1, sessionEpoch: 0, expiresAt: Math.floor(now.getTime() / 1000) + 86400 }, now).then((issued) => issued.token);
}

/** The headers every response must carry, success or error (the registration-order rule). */
function expectCommonHeaders(headers: Record<string, string>) {
  expect(headers).toMatchObject({
    'Access-Control-Allow-Origin': ORIGIN,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Strict-Transport-Security': expect.stringContaining('max-age='),
    'Content-Security-Policy': expect.stringContaining("frame-ancestors 'none'"),
  });
}

describe('httpApi(): every response gets CORS, security and cache headers', () => {
  test('on success', async () => {
    const response = await stack(ok)(event());

    expect(response.statusCode).toBe(200);
    expectCommonHeaders(response.headers);
  });

  test.each([
    ['a domain error from the handler (404)', () => stack(throwing(new errors.AuthHeaderNotFoundError()))(event()), 404],
    ['an unexpected error (500)', () => stack(throwing(new Error('boom')))(event()), 500],
    ['a malformed body (400)', () => stack(ok, { body: schema })(event({ body: '{"name":' })), 400],
    ['a body over the limit (413)', () => stack(ok, { body: schema })(event({ body: 'x'.repeat(config.maxBodyBytes + 1) })), 413],
    ['a missing token (401)', () => stack(ok, { auth: true })(event()), 401],
    ['a throttled request (429)', () => stack(throwing(new errors.ThrottledError('Too many attempts', 3)))(event()), 429],
  ])('on %s', async (_case, call, status) => {
    const response = await call();

    expect(response.statusCode).toBe(status);
    expectCommonHeaders(response.headers);
    expect(response.json).toEqual({ message: expect.any(String) });
  });
});

describe('the one mapping of domain errors to HTTP', () => {
  test.each([
    ['InvalidInputError', new errors.InvalidInputError('"name" is required'), 400, '"name" is required', {}],
    ['InvalidCredentialsError', new errors.InvalidCredentialsError(), 401, 'Incorrect username or password', {}],
    ['InvalidSessionError', new errors.InvalidSessionError('JWT expired'), 401, INVALID_SESSION.message, { 'WWW-Authenticate': 'Bearer' }],
    ['StaleSessionError', new errors.StaleSessionError(), 401, INVALID_SESSION.message, { 'WWW-Authenticate': 'Bearer' }],
    ['PasswordExpiredError', new errors.PasswordExpiredError(), 403, 'Password expired; set a new one with POST /user/password', {}],
    ['AuthHeaderNotFoundError', new errors.AuthHeaderNotFoundError(), 404, 'Auth header not found', {}],
    ['UserNotFoundError', new errors.UserNotFoundError(), 404, 'User not found', {}],
    ['UsernameTakenError', new errors.UsernameTakenError(), 409, 'Username is already taken', {}],
    ['ThrottledError', new errors.ThrottledError('Too many failed login attempts; try again later', 8), 429, 'Too many failed login attempts; try again later', { 'Retry-After': '8' }],
    ['DependencyUnavailableError', new errors.DependencyUnavailableError('users table throttled', 2), 503, 'Service temporarily unavailable; try again later', { 'Retry-After': '2' }],
  ])('%s answers %#', async (_name, error, status, message, headers) => {
    const response = await stack(throwing(error))(event());

    expect(response.statusCode).toBe(status);
    expect(response.json).toEqual({ message });
    expect(response.headers).toMatchObject(headers);
  });

  test('gives WWW-Authenticate only to session failures', async () => {
    const credentials = await stack(throwing(new errors.InvalidCredentialsError()))(event());

    expect(credentials.headers['WWW-Authenticate']).toBeUndefined();
  });

  test('answers anything else with a generic 500 that reveals nothing', async () => {
    const response = await stack(throwing(new Error('ECONNREFUSED 10.0.0.7:8000 /var/task/secret.json')))(event());

    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ message: 'Internal server error' });
    expect(response.body).not.toMatch(/ECONNREFUSED|secret|at /);
  });
});

describe('jwtAuth(): 401 with WWW-Authenticate: Bearer, the same body whatever the reason', () => {
  test('lets a valid session through and puts its claims on the event', async () => {
    let seen: unknown;
    const token = await sessionToken();

    const response = await stack(async (request) => ((seen = request.session), json({})), { auth: true })(event({ headers: { authorization: `Bearer ${token}` } }));

    expect(response.statusCode).toBe(200);
    expect(seen).toMatchObject({ sub: 'user-1', username: 'ada', pwv: 1 });
  });

  test.each([
    ['no Authorization header', async () => ({})],
    ['an empty header', async () => ({ Authorization: '' })],
    ['a garbage token', async () => ({ Authorization: 'Bearer not.a.jwt' })],
    ['a Basic credential', async () => ({ Authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` })],
    ['an expired token', async () => ({ Authorization: `Bearer ${await sessionToken(new Date(Date.now() - 48 * 3600 * 1000))}` })],
    // The signature's middle: its last character also carries padding bits.
    ['a token with a changed signature', async () => ({ Authorization: `Bearer ${(await sessionToken()).replace(/(.)(.{10})$/, (_m, c: string, rest: string) => `${c === 'A' ? 'B' : 'A'}${rest}`)}` })],
  ])('refuses %s', async (_case, headers) => {
    let reached = false;

    const response = await stack(async () => ((reached = true), json({})), { auth: true })(event({ headers: { Origin: ORIGIN, ...(await headers()) } }));

    expect(response.statusCode).toBe(401);
    expect(response.json).toEqual(INVALID_SESSION);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer');
    expect(reached).toBe(false);
  });

  // One reading of Authorization for every path (lib/http/authorization.ts): the authorizer refuses these too.
  test('refuses Bearer<TAB>token (RFC 7235 separates the scheme with spaces), as the authorizer does', async () => {
    const response = await stack(ok, { auth: true })(event({ headers: { authorization: `Bearer\t${await sessionToken()}` } }));

    expect(response.statusCode).toBe(401);
  });

  test('refuses a request with two Authorization headers, even when one of them is valid', async () => {
    const token = await sessionToken();
    const copies = [`Bearer ${token}`, 'Bearer a.b.c'];
    for (const values of [copies, [...copies].reverse()]) {
      const response = await stack(ok, { auth: true })(event({ headers: { authorization: values.at(-1) as string }, multiValueHeaders: { authorization: values } }));

      expect(response.statusCode).toBe(401);
    }
    const alone = await stack(ok, { auth: true })(event({ headers: { authorization: `Bearer ${token}` }, multiValueHeaders: { authorization: [`Bearer ${token}`] } }));
    expect(alone.statusCode).toBe(200);
  });

  test('never reads the token from the query string', async () => {
    const response = await stack(ok, { auth: true })(event({ queryStringParameters: { token: await sessionToken() } }));

    expect(response.statusCode).toBe(401);
  });

  test('checks the session before the body: an anonymous caller learns nothing about the body', async () => {
    const response = await stack(ok, { auth: true, body: schema })(event({ body: '{not json' }));

    expect(response.statusCode).toBe(401);
  });
});

describe('jsonBody(): 400 for a body that is not what the schema says, 413 over the limit', () => {
  test('hands the parsed body to the handler', async () => {
    let seen: unknown;

    const response = await stack(async (request) => ((seen = request.body), json({})), { body: schema })(event({ body: '{"name":"ci-key"}' }));

    expect(response.statusCode).toBe(200);
    expect(seen).toEqual({ name: 'ci-key' });
  });

  test.each([
    ['malformed JSON', '{"name": "ci-key", ', 'request body must be valid JSON'],
    ['a truncated body', '{"name":"ci', 'request body must be valid JSON'],
    ['text', 'name=ci-key', 'request body must be valid JSON'],
    ['no body', null, 'request body must be a JSON object'],
    ['an array', '["ci-key"]', 'request body must be a JSON object'],
    ['a missing field', '{}', '"name" is required'],
    ['a null field', '{"name":null}', '"name" is required'],
    ['a number', '{"name":42}', '"name" must be a string'],
    ['an empty string', '{"name":""}', '"name" must not be empty'],
    ['a long string', '{"name":"123456789"}', '"name" must be at most 8 characters'],
    ['a lone surrogate', '{"name":"\\ud800"}', '"name" must be valid Unicode text'],
    ['a prototype-polluting key', '{"name":"ci","__proto__":{"admin":true}}', 'Forbidden key in JSON body'],
  ])('refuses %s', async (_case, body, message) => {
    let reached = false;

    const response = await stack(async () => ((reached = true), json({})), { body: schema })(event({ body }));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ message });
    expect(reached).toBe(false);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  test('counts the limit in bytes, before parsing: at the limit is parsed, one byte more is 413', async () => {
    const padded = (bytes: number) => `{"name":"ci"${' '.repeat(bytes - '{"name":"ci"}'.length)}}`;

    const atLimit = await stack(ok, { body: schema })(event({ body: padded(config.maxBodyBytes) }));
    const over = await stack(ok, { body: schema })(event({ body: padded(config.maxBodyBytes + 1) }));
    const overInUtf8 = await stack(ok, { body: schema })(event({ body: `{"name":"${'é'.repeat(config.maxBodyBytes / 2)}"}` }));

    expect(atLimit.statusCode).toBe(200);
    expect(over.statusCode).toBe(413);
    expect(over.json).toEqual({ message: `request body must be at most ${config.maxBodyBytes} bytes` });
    expect(overInUtf8.statusCode).toBe(413);
  });

  test('decodes base64 bodies (API Gateway binary mode) and limits their decoded size', async () => {
    const small = await stack(ok, { body: schema })(event({ body: Buffer.from('{"name":"ci"}').toString('base64'), isBase64Encoded: true }));
    const large = await stack(ok, { body: schema })(event({ body: Buffer.from('x'.repeat(config.maxBodyBytes + 3)).toString('base64'), isBase64Encoded: true }));

    expect(small.statusCode).toBe(200);
    expect(large.statusCode).toBe(413);
  });
});

describe('header merging', () => {
  test('keeps the handler\'s own headers, but JSON and no-store always win', async () => {
    const handler: Handler = async () => ({ statusCode: 201, headers: { 'X-Request-Kind': 'unit', 'Cache-Control': 'max-age=600', 'Content-Type': 'text/html' }, body: '{}' });

    const response = await stack(handler)(event());

    expect(response.statusCode).toBe(201);
    expect(response.headers['X-Request-Kind']).toBe('unit');
    expectCommonHeaders(response.headers);
  });

  test('adds an error\'s own headers to the common ones', async () => {
    const response = await stack(throwing(new errors.ThrottledError('Too many', 5)))(event());

    expect(response.headers['Retry-After']).toBe('5');
    expectCommonHeaders(response.headers);
  });

  test('answers without CORS headers to an origin that is not allowed', async () => {
    const response = await stack(ok)(event({ headers: { Origin: 'https://evil.example' } }));

    expect(response.headers['Access-Control-Allow-Origin']).not.toBe('https://evil.example');
  });
});

describe('fuzz: the body parser and the validator', () => {
  /** An independent model of what the stack must answer for a raw body. */
  function expectedStatus(raw: string): number {
    if (Buffer.byteLength(raw, 'utf8') > config.maxBodyBytes) return 413;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return 400;
    }
    if (hasForbiddenKey(value)) return 400;
    return fits(value) ? 200 : 400;
  }

  function hasForbiddenKey(value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    return Object.entries(value).some(
      ([key, child]) => key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) || hasForbiddenKey(child),
    );
  }

  function fits(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const name = (value as Record<string, unknown>).name;
    return Object.hasOwn(value, 'name') && typeof name === 'string' && !/\p{Cs}/u.test(name) && [...name].length >= 1 && [...name].length <= 8;
  }

  const nameValue = fc.oneof(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.constantFrom('\ud800', 'a\udfffb', '\u0000', '\ufeff', ''),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const extras = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
  const rawBody = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(nameValue, extras).map(([name, extra]) => JSON.stringify({ ...extra, name })) },
    { weight: 1, arbitrary: fc.tuple(nameValue, extras).map(([name, extra]) => `{"__proto__":${JSON.stringify(extra)},"name":${JSON.stringify(name) ?? '1'}}`) },
    { weight: 1, arbitrary: fc.record({ constructor: fc.record({ prototype: fc.jsonValue({ maxDepth: 1 }) }), name: fc.constant('ci') }).map((body) => JSON.stringify(body)) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => `{"name":"${text}`) },
    { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((delta) => `{"name":"ci"${' '.repeat(config.maxBodyBytes - 13 + delta)}}`) },
  );

  test('answers exactly what the model says: 200 with the parsed body, else 400 or 413 with a JSON message, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, fc.boolean(), async (raw, base64) => {
        let seen: unknown;
        const call = stack(async (request) => ((seen = request.body), json({ ok: true })), { body: schema });

        const response = await call(event({ body: base64 ? Buffer.from(raw, 'utf8').toString('base64') : raw, isBase64Encoded: base64 }));

        const expected = expectedStatus(raw);
        // Base64 is limited by its decoded size, estimated from the encoded length (within 2 bytes).
        if (base64 && Math.abs(Buffer.byteLength(raw, 'utf8') - config.maxBodyBytes) <= 2) return;
        expect(response.statusCode).toBe(expected);
        if (expected === 200) expect(seen).toEqual(JSON.parse(raw));
        else expect(response.json).toEqual({ message: expect.any(String) });
        expect(({} as Record<string, unknown>).admin).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('sourceIp', () => {
  test('takes REST (v1) and HTTP API (v2) source addresses, never X-Forwarded-For', () => {
    expect(sourceIp({ requestContext: { identity: { sourceIp: '198.51.100.1' } } } as never)).toBe('198.51.100.1');
    expect(sourceIp({ requestContext: { http: { sourceIp: '198.51.100.2' } } } as never)).toBe('198.51.100.2');
    expect(sourceIp({ requestContext: {}, headers: { 'x-forwarded-for': '1.2.3.4' } } as never)).toBe('unknown');
  });
});
