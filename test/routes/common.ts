/**
 * The checks every JWT route must pass, written once (Unkey's `runCommonRouteTests`):
 * test/routes/common-jwt.security.test.ts runs them for every route whose `auth` is 'jwt' in
 * lib/routes.ts. A new JWT route gets them by being added there, plus one entry in ROUTE_CASES.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { users } from '../../lib/data/repositories';
import { setUserPassword } from '../../lib/services/userService';
import { addHeader, givenAuthHeader, INVALID_SESSION_BODY, listHeaders, loginAs, type AuthHeader } from '../helpers/api';
import { givenUser, scanTable } from '../helpers/db';
import type { EventOptions, InvokeResult } from '../helpers/invoke';
import { craftJwt, serverKey, signWithServerKey, validClaims } from '../helpers/jwt';
import { callRoute, validBody, type JwtRouteId, type LoadedRoute } from '../helpers/routes';

/** How a route names one of its caller's objects, for "another user's object" checks. */
interface OwnedObject {
  /** Creates one as its owner and returns the request options that name it. */
  create(ownerJwt: string): Promise<EventOptions>;
  /** Request options naming one that never existed. */
  neverExisted: EventOptions;
  /** Whether the owner still has the one `create` made (seen through the API). */
  stillThere(ownerJwt: string, named: EventOptions): Promise<boolean>;
}

interface JwtRouteCase {
  /** The body the checks send; by default each required field at its minimum length (validBody). */
  body?: Record<string, unknown>;
  /** What a genuine session with that body gets. */
  genuineStatus: number;
  /** How the route names one of the caller's objects; null when it takes none. */
  ownedObject: OwnedObject | null;
  /** A genuine call ends its session (logout): each genuine call gets a session of its own. */
  endsSession?: true;
}

const authHeaderByToken: OwnedObject = {
  create: async (ownerJwt) => ({ body: { text: (await givenAuthHeader(ownerJwt, 'owned')).token } }),
  neverExisted: { body: { text: `ahk_${'Z'.repeat(43)}` } },
  stillThere: async (ownerJwt, named) => {
    const { text } = named.body as { text: string };
    return ((await listHeaders(ownerJwt)).body as AuthHeader[]).some((header) => header.token === text);
  },
};

/** One entry per JWT route: tsc refuses a JWT route without one, and so does the run. */
const ROUTE_CASES = {
  AuthHeaderAdd: { genuineStatus: 200, ownedObject: null },
  AuthHeaderList: { genuineStatus: 200, ownedObject: null },
  // Token-shaped, so the request reaches the stored data (a text that cannot be a token is answered
  // 404 before the session is checked against the user); it names no header, hence the 404.
  AuthHeaderDelete: { body: { text: `ahk_${'A'.repeat(43)}` }, genuineStatus: 404, ownedObject: authHeaderByToken },
  UserLogout: { genuineStatus: 200, ownedObject: null, endsSession: true },
  // As delete: token-shaped, naming no header (404); another user's token is refused the same way.
  AuthHeaderRoll: { body: { text: `ahk_${'A'.repeat(43)}` }, genuineStatus: 404, ownedObject: authHeaderByToken },
  // A new pending secret each time: 200.
  MfaTotpSetup: { genuineStatus: 200, ownedObject: null },
  // No setup to confirm (a well-formed code): 400.
  MfaTotpConfirm: { body: { code: '123456' }, genuineStatus: 400, ownedObject: null },
  // MFA is not on: 409.
  MfaDisable: { body: { code: '123456' }, genuineStatus: 409, ownedObject: null },
} as const satisfies Record<JwtRouteId, JwtRouteCase>;

function caseFor(route: LoadedRoute): JwtRouteCase {
  const entry = (ROUTE_CASES as Record<string, JwtRouteCase | undefined>)[route.id];
  if (!entry) throw new Error(`JWT route ${route.id} has no entry in ROUTE_CASES (test/routes/common.ts)`);
  return entry;
}

/** The stored users and auth headers, to show a refused request changed nothing. */
async function storedState() {
  return { users: await scanTable('users'), authHeaders: await scanTable('authHeaders') };
}

function expectInvalidSession(response: InvokeResult) {
  expect(response.statusCode).toBe(401);
  expect(response.body).toEqual(INVALID_SESSION_BODY);
  expect(response.headers['WWW-Authenticate']).toBe('Bearer');
}

interface Fixture {
  user: Awaited<ReturnType<typeof givenUser>>;
  token: string;
  kid: string;
  authHeaderToken: string;
}

const now = () => Math.floor(Date.now() / 1000);
const bearer = (jwt: string): EventOptions => ({ headers: { Authorization: `Bearer ${jwt}` } });
const attackerKey = 'attacker-chosen-key-attacker-chosen-key';

/**
 * Every way to present a session that must get the generic 401 (RFC 8725, OWASP JWT cheat sheet):
 * [name, request options built once the fixture exists].
 */
function invalidSessions(fixture: () => Fixture): [string, () => Promise<EventOptions> | EventOptions][] {
  // The fixture's own session: only the claim under test is wrong.
  const claims = (overrides: Record<string, unknown> = {}) => validClaims(fixture().user.id, fixture().user.username, { sid: decodeJwt(fixture().token).sid, ...overrides });
  const header = (overrides: Record<string, unknown> = {}) => ({ alg: 'HS256', typ: 'JWT', kid: fixture().kid, ...overrides });
  const token = () => fixture().token;
  return [
    ['no Authorization header', () => ({})],
    ['an empty Authorization header', () => ({ headers: { Authorization: '' } })],
    ['"Bearer" with no token', () => ({ headers: { Authorization: 'Bearer ' } })],
    ['a random string', () => bearer('not-a-jwt')],
    ['three random segments', () => bearer('aaa.bbb.ccc')],
    ['alg "none"', () => bearer(craftJwt(header({ alg: 'none' }), claims(), null))],
    ['alg "None"', () => bearer(craftJwt(header({ alg: 'None' }), claims(), null))],
    ['alg "NONE"', () => bearer(craftJwt(header({ alg: 'NONE' }), claims(), null))],
    ['alg "none" with the original signature kept', () => {
      const [, payload, signature] = token().split('.');
      return bearer(`${Buffer.from(JSON.stringify(header({ alg: 'none' }))).toString('base64url')}.${payload}.${signature}`);
    }],
    ['a stripped signature', () => bearer(token().split('.').slice(0, 2).join('.') + '.')],
    ['a tampered payload (another subject, same signature)', () => {
      const [head, , signature] = token().split('.');
      const forged = { ...decodeJwt(token()), sub: '00000000-0000-0000-0000-000000000000', username: 'admin' };
      return bearer(`${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`);
    }],
    ['a signature made with the guessable secret "secret"', () => bearer(craftJwt(header(), claims(), 'secret'))],
    ['alg HS512', () => bearer(craftJwt(header({ alg: 'HS512' }), claims(), 'secret'))],
    ['alg RS256 (key confusion)', () => bearer(craftJwt(header({ alg: 'RS256' }), claims(), 'secret'))],
    ['alg HS384, signed with the server key', async () => bearer(await signWithServerKey(claims(), { alg: 'HS384' }))],
    ['alg ES256', () => bearer(craftJwt(header({ alg: 'ES256' }), claims(), 'secret'))],
    ['kid path injection "../../dev/null" with an empty key', () => bearer(craftJwt(header({ kid: '../../dev/null' }), claims(), ''))],
    ['kid SQL-ish injection', () => bearer(craftJwt(header({ kid: "x' UNION SELECT 'secret" }), claims(), 'secret'))],
    ['an unknown kid', () => bearer(craftJwt(header({ kid: 'rotated-away' }), claims(), attackerKey))],
    ['an unknown kid with the server key', async () => bearer(craftJwt(header({ kid: 'rotated-away' }), claims(), (await serverKey()).key))],
    ['no kid', () => bearer(craftJwt({ alg: 'HS256', typ: 'JWT' }, claims(), attackerKey))],
    ['an embedded jwk', () => bearer(craftJwt(header({ jwk: { kty: 'oct', k: Buffer.from(attackerKey).toString('base64url') } }), claims(), attackerKey))],
    ['jku pointing elsewhere', () => bearer(craftJwt(header({ jku: 'https://attacker.example/jwks.json' }), claims(), attackerKey))],
    ['x5u pointing elsewhere', () => bearer(craftJwt(header({ x5u: 'https://attacker.example/cert.pem' }), claims(), attackerKey))],
    ['jku with the real key (refused even when the signature is right)', async () => bearer(await signWithServerKey(claims(), { jku: 'https://attacker.example/jwks.json' }))],
    ['an expired token', async () => bearer(await signWithServerKey(claims({ iat: now() - 7200, exp: now() - 3600 })))],
    ['a token expired just beyond the 30 s skew', async () => bearer(await signWithServerKey(claims({ iat: now() - 600, exp: now() - 31 })))],
    ['nbf in the future', async () => bearer(await signWithServerKey(claims({ nbf: now() + 120 })))],
    ['iat in the future', async () => bearer(await signWithServerKey(claims({ iat: now() + 120, exp: now() + 900 })))],
    ['a wrong iss', async () => bearer(await signWithServerKey(claims({ iss: 'https://evil.example' })))],
    ['a wrong aud', async () => bearer(await signWithServerKey(claims({ aud: 'some-other-api' })))],
    ['a missing exp', async () => bearer(await signWithServerKey({ ...claims(), exp: undefined }))],
    ['a missing iat', async () => bearer(await signWithServerKey({ ...claims(), iat: undefined }))],
    ['a missing sub', async () => bearer(await signWithServerKey({ ...claims(), sub: undefined }))],
    ['a lifetime far beyond the configured one', async () => bearer(await signWithServerKey(claims({ iat: now() - 3 * 3600, exp: now() + 3600 })))],
    ['a wrong typ', async () => bearer(await signWithServerKey(claims(), { typ: 'at+jwt' }))],
    ['the token in the query string only', () => ({ query: { token: token(), access_token: token(), jwt: token() } })],
    ['the Basic scheme', () => ({ headers: { Authorization: `Basic ${Buffer.from(`${fixture().user.username}:${fixture().user.password}`).toString('base64')}` } })],
    ['the Basic scheme carrying the JWT', () => ({ headers: { Authorization: `Basic ${token()}` } })],
    ['the auth-header token (ahk_...) used as a JWT', () => bearer(fixture().authHeaderToken)],
    ['the auth-header token without a scheme', () => ({ headers: { Authorization: fixture().authHeaderToken } })],
    ['two bearer tokens', () => ({ headers: { Authorization: `Bearer ${token()} Bearer ${token()}` } })],
    ['a 10 kB token', () => bearer(`${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`)],
  ];
}

/** Registers the common JWT checks for `route` (call inside a describe per route). */
export function runCommonJwtRouteTests(route: LoadedRoute): void {
  const routeCase = caseFor(route);
  const body = routeCase.body ?? validBody(route.body);
  const call = (options: EventOptions) => callRoute(route, { body, ...options });
  let fixture: Fixture;

  beforeAll(async () => {
    const user = await givenUser();
    const token = await loginAs(user);
    const added = await addHeader(token, 'api-key');
    fixture = { user, token, kid: (await serverKey()).kid, authHeaderToken: (added.body as AuthHeader).token };
  });

  describe('refuses every invalid session with the generic 401 and changes nothing', () => {
    test.each(invalidSessions(() => fixture))('%s', async (_name, build) => {
      const options = await build();
      const before = await storedState();

      const response = await call(options);

      expectInvalidSession(response);
      expect(await storedState()).toEqual(before);
    });
  });

  const genuineToken = async () => (routeCase.endsSession ? loginAs(fixture.user) : fixture.token);

  test(`accepts the genuine token with Bearer (${routeCase.genuineStatus}): the refusals above are for their flaw only`, async () => {
    const response = await call(bearer(await genuineToken()));

    expect(response.statusCode).toBe(routeCase.genuineStatus);
  });

  test('accepts the bare JWT without the Bearer scheme', async () => {
    const response = await call({ headers: { Authorization: await genuineToken() } });

    expect(response.statusCode).toBe(routeCase.genuineStatus);
  });

  test("refuses a deleted user's still-unexpired token", async () => {
    const user = await givenUser();
    const token = await loginAs(user);
    await users.delete(user.username);
    const before = await storedState();

    const response = await call({ token });

    expectInvalidSession(response);
    expect(await storedState()).toEqual(before);
  });

  test('refuses a token from before a password change, and the new password still sees the data', async () => {
    const user = await givenUser();
    const oldToken = await loginAs(user);
    const named = routeCase.ownedObject ? await routeCase.ownedObject.create(oldToken) : {};
    await givenAuthHeader(oldToken, 'before-change');
    await setUserPassword(users, user.username, 'A-brand-new-Passphrase-7');
    const before = await storedState();

    const response = await call({ token: oldToken, ...named });

    expectInvalidSession(response);
    expect(await storedState()).toEqual(before);
    const newToken = await loginAs({ username: user.username, password: 'A-brand-new-Passphrase-7' });
    expect((await listHeaders(newToken)).body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'before-change' })]));
    if (routeCase.ownedObject) expect(await routeCase.ownedObject.stillThere(newToken, named)).toBe(true);
  });

  const { ownedObject } = routeCase;
  if (ownedObject) {
    test("answers another user's object exactly like one that never existed (404), and leaves it alone", async () => {
      const [alice, bob] = [await givenUser(), await givenUser()];
      const [aliceToken, bobToken] = [await loginAs(alice), await loginAs(bob)];
      const alicesObject = await ownedObject.create(aliceToken);
      const before = await storedState();

      const others = await call({ token: bobToken, ...alicesObject });
      const missing = await call({ token: bobToken, ...ownedObject.neverExisted });

      expect(others.statusCode).toBe(404);
      expect(others.body).toEqual({ message: expect.any(String) });
      expect(missing.statusCode).toBe(404);
      expect(others.rawBody).toBe(missing.rawBody);
      expect(await storedState()).toEqual(before);
      expect(await ownedObject.stillThere(aliceToken, alicesObject)).toBe(true);
    });
  }
}
