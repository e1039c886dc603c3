/**
 * Property-based fuzzing of every endpoint, in-process through the real handlers against DynamoDB
 * Local: whatever the body and headers, never a 5xx, always JSON — the contract's 200 body or
 * `{ "message": string }` — and the service still works afterwards.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { givenUser, useTestTables } from '../helpers/db';
import { apiEvent, lambdaContext } from '../helpers/invoke';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as deleteHandler } from '../../functions/authheader-delete';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { addHeader, callLogin, deleteHeader, freshIp, listHeaders, loginAs } from '../helpers/api';

useTestTables();

const RUNS = 1000;
// 409: the add fuzz reaches MAX_AUTH_HEADERS_PER_USER for its user, and the cap answers so.
const CONTRACT_STATUSES = [200, 400, 401, 403, 404, 409, 413, 415, 429];

type Handler = (event: APIGatewayProxyEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;

/** Strings with the awkward parts: control characters, lone surrogates, RTL marks, BOMs, NULs. */
const nastyChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', '\u00e9', '%00', '"', '\\', '\n', '$ne', '{{7*7}}', '../') },
);
const nastyString = (maxLength = 40) => fc.string({ unit: nastyChar, maxLength });
const jsonValue = fc.oneof(nastyString(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nastyString(5), { maxLength: 3 }), fc.dictionary(nastyString(5), nastyString(5), { maxKeys: 3 }));

/** A body built around the fields an endpoint expects: right or wrong types, extra and polluting keys. */
function bodyFor(fields: string[], valid: Record<string, fc.Arbitrary<string>> = {}) {
  const fieldValue = (name: string) => fc.oneof({ weight: 6, arbitrary: valid[name] ?? nastyString(200) }, { weight: 3, arbitrary: nastyString(200) }, { weight: 1, arbitrary: jsonValue });
  const model = Object.fromEntries(fields.map((name) => [name, fieldValue(name)]));
  const shaped = fc.oneof({ weight: 4, arbitrary: fc.record(model) }, { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) });
  const extras = fc.dictionary(fc.oneof(nastyString(10), fc.constantFrom('__proto__', 'constructor', 'prototype')), jsonValue, { maxKeys: 3 });
  const rawBody = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(shaped, extras).map(([body, extra]) => JSON.stringify({ ...extra, ...body })) },
    { weight: 1, arbitrary: shaped.map((body) => JSON.stringify(body).replace(/^\{/, '{"__proto__":{"polluted":true},')) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: nastyString(100) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":1}}', '\ufeff{}', `{"${fields[0]}":"${'x'.repeat(20_000)}"}`) },
  );
  return fc.oneof({ weight: 9, arbitrary: rawBody }, { weight: 1, arbitrary: fc.constant(null) });
}

/** Headers: random ones plus the ones that matter, with good, bad and odd values. */
function headersWith(authorization: fc.Arbitrary<string | undefined>) {
  return fc.record({
    random: fc.dictionary(fc.oneof(nastyString(15), fc.constantFrom('content-type', 'Content-Length', 'X-Forwarded-For', 'Host', 'Cookie', 'Origin')), nastyString(60), { maxKeys: 4 }),
    authorization,
    contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', ''), { nil: undefined }),
    lowercaseAuthorization: fc.boolean(),
    nullHeaders: fc.boolean().map((b) => b && Math.random() < 0.1),
  });
}

interface FuzzCase {
  rawBody: string | null;
  headers: { random: Record<string, string>; authorization?: string; contentType?: string; lowercaseAuthorization: boolean; nullHeaders: boolean };
  base64: boolean;
  sourceIp: string;
}

function eventFor(method: string, path: string, input: FuzzCase): APIGatewayProxyEvent {
  const event = apiEvent({ method, path, rawBody: input.rawBody, sourceIp: input.sourceIp });
  const headers: Record<string, string> = { ...input.headers.random };
  if (input.headers.contentType !== undefined) headers['Content-Type'] = input.headers.contentType;
  if (input.headers.authorization !== undefined) headers[input.headers.lowercaseAuthorization ? 'authorization' : 'Authorization'] = input.headers.authorization;
  event.headers = input.headers.nullHeaders ? (null as unknown as typeof event.headers) : headers;
  event.multiValueHeaders = input.headers.nullHeaders ? (null as unknown as typeof event.multiValueHeaders) : Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  if (input.base64 && input.rawBody !== null) {
    event.body = Buffer.from(input.rawBody, 'utf8').toString('base64');
    event.isBase64Encoded = true;
  }
  return event;
}

/** The property every response must have; `okBody` checks the contract's 200 body. */
async function checkResponse(handler: Handler, event: APIGatewayProxyEvent, okBody: (body: unknown) => boolean, seen: Map<number, number>) {
  const response = await handler(event, lambdaContext);
  seen.set(response.statusCode, (seen.get(response.statusCode) ?? 0) + 1);
  const describe = () => `${response.statusCode} ${response.body}`;
  if (response.statusCode >= 500) throw new Error(`5xx: ${describe()}`);
  if (!CONTRACT_STATUSES.includes(response.statusCode)) throw new Error(`status outside the contract: ${describe()}`);
  if (response.headers?.['Content-Type'] !== 'application/json' || response.headers?.['Cache-Control'] !== 'no-store') throw new Error(`headers: ${JSON.stringify(response.headers)}`);
  const body = JSON.parse(response.body) as unknown;
  if (response.statusCode === 200) {
    if (!okBody(body)) throw new Error(`unexpected 200 body: ${describe()}`);
  } else {
    const keys = body && typeof body === 'object' ? Object.keys(body) : [];
    if (keys.length !== 1 || typeof (body as { message?: unknown }).message !== 'string') throw new Error(`error body not { message }: ${describe()}`);
  }
  if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('prototype polluted');
}

const isString = (value: unknown) => typeof value === 'string';
const isHeaderView = (value: unknown) => {
  const header = value as Record<string, unknown>;
  return !!header && Object.keys(header).sort().join() === 'created,id,name,token' && Object.values(header).every(isString);
};

let token: string;
let listToken: string;
let user: Awaited<ReturnType<typeof givenUser>>;

beforeAll(async () => {
  user = await givenUser();
  token = await loginAs(user);
  const lister = await givenUser();
  listToken = await loginAs(lister);
  await addHeader(listToken, 'listed');
});

const authorizationFor = (good: () => string) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant('GOOD').map(() => `Bearer ${good()}`) },
    { weight: 1, arbitrary: fc.constant('GOOD').map(() => good()) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: nastyString(80) },
    { weight: 1, arbitrary: nastyString(80).map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`) },
  );

const fuzzCase = (body: fc.Arbitrary<string | null>, authorization: fc.Arbitrary<string | undefined>) =>
  fc.record({ rawBody: body, headers: headersWith(authorization), base64: fc.boolean().map((b) => b && Math.random() < 0.2), sourceIp: fc.ipV4() }) as fc.Arbitrary<FuzzCase>;

describe('fuzzing every endpoint (never a 5xx, always the contract\'s JSON)', () => {
  test(`POST /user/login: ${RUNS} cases`, async () => {
    const seen = new Map<number, number>();
    const validUsername = fc.oneof(fc.constant('USER').map(() => user.username), fc.stringMatching(/^[a-z0-9._-]{1,20}$/));
    const body = bodyFor(['username', 'password'], { username: validUsername, password: fc.oneof(fc.constant('PW').map(() => user.password), fc.string({ minLength: 1, maxLength: 80 })) });
    await fc.assert(
      fc.asyncProperty(fuzzCase(body, fc.option(nastyString(60), { nil: undefined })), (input) =>
        checkResponse(loginHandler as unknown as Handler, eventFor('POST', '/user/login', input), (b) => isString((b as { Token?: unknown }).Token), seen),
      ),
      { numRuns: RUNS },
    );
    console.info(`login fuzz statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
  }, 180_000);

  test(`POST /authheader/add: ${RUNS} cases`, async () => {
    const seen = new Map<number, number>();
    const body = bodyFor(['name'], { name: fc.string({ minLength: 1, maxLength: 128 }) });
    await fc.assert(
      fc.asyncProperty(fuzzCase(body, authorizationFor(() => token)), (input) => checkResponse(addHandler as unknown as Handler, eventFor('POST', '/authheader/add', input), isHeaderView, seen)),
      { numRuns: RUNS },
    );
    console.info(`add fuzz statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect(seen.get(200)).toBeGreaterThan(50);
  }, 180_000);

  test(`GET /authheader/list: ${RUNS} cases`, async () => {
    const seen = new Map<number, number>();
    const body = fc.oneof(fc.constant(null), nastyString(100));
    await fc.assert(
      fc.asyncProperty(fuzzCase(body, authorizationFor(() => listToken)), (input) =>
        checkResponse(listHandler as unknown as Handler, eventFor('GET', '/authheader/list', input), (b) => Array.isArray(b) && b.every(isHeaderView), seen),
      ),
      { numRuns: RUNS },
    );
    console.info(`list fuzz statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect(seen.get(200)).toBeGreaterThan(50);
  }, 180_000);

  test(`POST /authheader/delete: ${RUNS} cases`, async () => {
    const seen = new Map<number, number>();
    const tokenLike = fc.oneof(fc.stringMatching(/^ahk_[A-Za-z0-9_-]{43}$/), fc.stringMatching(/^ahk_[A-Za-z0-9_-]{0,60}$/));
    const body = bodyFor(['text'], { text: tokenLike });
    await fc.assert(
      fc.asyncProperty(fuzzCase(body, authorizationFor(() => token)), (input) =>
        checkResponse(deleteHandler as unknown as Handler, eventFor('POST', '/authheader/delete', input), (b) => (b as { message?: unknown }).message === 'Success', seen),
      ),
      { numRuns: RUNS },
    );
    console.info(`delete fuzz statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect(seen.get(404)).toBeGreaterThan(50);
  }, 180_000);

  test('leaves the service healthy: a normal login, add, list and delete still work', async () => {
    // The fuzzed user may hold the maximum number of keys by now; a fresh one does not.
    const fresh = await givenUser();
    const login = await callLogin(fresh.username, fresh.password, freshIp());
    const session = (login.body as { Token: string }).Token;
    const added = await addHeader(session, 'after-fuzz');
    const header = added.body as { token: string };
    const listed = await listHeaders(session);
    const deleted = await deleteHeader(session, header.token);

    expect(login.statusCode).toBe(200);
    expect(added.statusCode).toBe(200);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'after-fuzz', token: header.token })]));
    expect(deleted.statusCode).toBe(200);
  });
});
