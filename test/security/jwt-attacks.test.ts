/**
 * The JWT attack list (RFC 8725, OWASP JWT cheat sheet) against every JWT route: each forged or
 * misplaced token gets the same generic 401, so the answer tells an attacker nothing.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { setUserPassword } from '../../lib/services/userService';
import { users } from '../../lib/data/repositories';
import { givenUser, useTestTables } from '../helpers/db';
import type { EventOptions } from '../helpers/invoke';
import { addHeader, callRoute, craftJwt, currentKid, INVALID_SESSION_BODY, jwtRoutes, listHeaders, loginAs, signWithServerKey, validClaims } from './support';

useTestTables();

interface Fixture {
  user: Awaited<ReturnType<typeof givenUser>>;
  token: string;
  kid: string;
  authHeaderToken: string;
}

let fixture: Fixture;

beforeAll(async () => {
  const user = await givenUser();
  const token = await loginAs(user);
  const added = await addHeader(token, 'api-key');
  fixture = { user, token, kid: await currentKid(), authHeaderToken: (added.body as { token: string }).token };
});

const now = () => Math.floor(Date.now() / 1000);
// The fixture's own session: only the claim under test is wrong.
const claims = (overrides: Record<string, unknown> = {}) => validClaims(fixture.user.id, fixture.user.username, { sid: decodeJwt(fixture.token).sid, ...overrides });
const header = (overrides: Record<string, unknown> = {}) => ({ alg: 'HS256', typ: 'JWT', kid: fixture.kid, ...overrides });
const bearer = (jwt: string): EventOptions => ({ headers: { Authorization: `Bearer ${jwt}` } });
const attackerKey = 'attacker-chosen-key-attacker-chosen-key';

/** [name, request options built once the fixture exists]. */
const attacks: [string, () => Promise<EventOptions> | EventOptions][] = [
  ['alg "none"', () => bearer(craftJwt(header({ alg: 'none' }), claims(), null))],
  ['alg "None"', () => bearer(craftJwt(header({ alg: 'None' }), claims(), null))],
  ['alg "NONE"', () => bearer(craftJwt(header({ alg: 'NONE' }), claims(), null))],
  ['alg "none" with the original signature kept', () => {
    const [, payload, signature] = fixture.token.split('.');
    return bearer(`${Buffer.from(JSON.stringify(header({ alg: 'none' }))).toString('base64url')}.${payload}.${signature}`);
  }],
  ['a stripped signature', () => bearer(fixture.token.split('.').slice(0, 2).join('.') + '.')],
  ['a tampered payload (another subject, same signature)', () => {
    const [head, , signature] = fixture.token.split('.');
    const forged = { ...decodeJwt(fixture.token), sub: '00000000-0000-0000-0000-000000000000', username: 'admin' };
    return bearer(`${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`);
  }],
  ['a signature made with the guessable secret "secret"', () => bearer(craftJwt(header(), claims(), 'secret'))],
  ['alg HS512', () => bearer(craftJwt(header({ alg: 'HS512' }), claims(), 'secret'))],
  ['alg RS256 (key confusion)', () => bearer(craftJwt(header({ alg: 'RS256' }), claims(), 'secret'))],
  ['kid path injection "../../dev/null" with an empty key', () => bearer(craftJwt(header({ kid: '../../dev/null' }), claims(), ''))],
  ['kid SQL-ish injection', () => bearer(craftJwt(header({ kid: "x' UNION SELECT 'secret" }), claims(), 'secret'))],
  ['an unknown kid', () => bearer(craftJwt(header({ kid: 'rotated-away' }), claims(), attackerKey))],
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
  ['the token in the query string only', () => ({ query: { token: fixture.token, access_token: fixture.token, jwt: fixture.token } })],
  ['the Basic scheme', () => ({ headers: { Authorization: `Basic ${Buffer.from(`${fixture.user.username}:${fixture.user.password}`).toString('base64')}` } })],
  ['the Basic scheme carrying the JWT', () => ({ headers: { Authorization: `Basic ${fixture.token}` } })],
  ['the auth-header token (ahk_...) used as a JWT', () => bearer(fixture.authHeaderToken)],
  ['the auth-header token without a scheme', () => ({ headers: { Authorization: fixture.authHeaderToken } })],
  ['two bearer tokens', () => ({ headers: { Authorization: `Bearer ${fixture.token} Bearer ${fixture.token}` } })],
  ['a 10 kB token', () => bearer(`${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`)],
];

describe.each(jwtRoutes)('$route', (route) => {
  it.each(attacks)('answers the generic 401 for %s', async (_name, build) => {
    // Prepare
    const options = await build();

    // Act
    const response = await callRoute(route, { body: route.body, ...options });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual(INVALID_SESSION_BODY);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer');
  });

  it('accepts the genuine token (the attacks above fail for their flaw only)', async () => {
    const response = await callRoute(route, { body: route.body, ...bearer(fixture.token) });

    expect([200, 404]).toContain(response.statusCode);
  });
});

describe('a token from before a password change', () => {
  it.each(jwtRoutes)('is refused with the generic 401 on $route', async (route) => {
    // Prepare
    const user = await givenUser();
    const oldToken = await loginAs(user);
    const added = await addHeader(oldToken, 'before-change');
    expect(added.statusCode).toBe(200);
    await setUserPassword(users, user.username, 'A-brand-new-Passphrase-7');

    // Act
    const body = route.path === '/authheader/delete' ? { text: (added.body as { token: string }).token } : route.body;
    const response = await callRoute(route, { body, token: oldToken });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual(INVALID_SESSION_BODY);
    const newToken = await loginAs({ username: user.username, password: 'A-brand-new-Passphrase-7' });
    const listed = await listHeaders(newToken);
    expect(listed.body).toEqual([expect.objectContaining({ name: 'before-change' })]);
  });
});
