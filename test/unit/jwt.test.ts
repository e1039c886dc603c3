/**
 * Session JWT rules (RFC 8725): HS256 only, `typ` JWT, `kid` from the server's key set only, no
 * key-carrying header parameters, exp/iat/sub/iss/aud required, nbf honoured, 30 s of skew at
 * most, no token older than the configured lifetime, and one generic error for every failure.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { InvalidTokenError, issueSessionToken, verifySessionToken } from '../../lib/auth/jwt';
import { generateLocalKeys, resetKeyCacheForTests } from '../../lib/auth/keys';
import { config } from '../../lib/config';
import { base64urlJson, craftJwt, serverKey } from '../helpers/jwt';

const NOW = new Date('2030-06-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const user = { id: '5b7c1f5e-8f5e-4a0e-9a51-2f1f4c3a9b10', username: 'ada', passwordVersion: 3, passwordExpiration: '2031-01-01T00:00:00Z' };
const SID = 'c2Vzc2lvbi1pZC0xMjM0NQ';
const session = { sid: SID, passwordVersion: 3, sessionEpoch: 2, expiresAt: T + 30 * 24 * 3600 };

const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: user.id,
  username: user.username,
  pwv: 3,
  sid: SID,
  sep: 2,
  iss: config.jwtIssuer,
  aud: config.jwtAudience,
  iat: T,
  exp: T + 3600,
  ...overrides,
});
async function signed(overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const { kid, key } = await serverKey();
  return craftJwt({ alg: 'HS256', typ: 'JWT', kid, ...header }, claims(overrides), key);
}
const refused = (token: string, now = NOW) => expect(verifySessionToken(token, now)).rejects.toBeInstanceOf(InvalidTokenError);

describe('issueSessionToken', () => {
  test('signs HS256 with typ and kid, and the registered claims', async () => {
    const { token, expiresAt } = await issueSessionToken(user, session, NOW);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: (await serverKey()).kid });
    expect(decodeJwt(token)).toEqual({ sub: user.id, username: 'ada', pwv: 3, sid: SID, sep: 2, amr: ['pwd'], iss: config.jwtIssuer, aud: config.jwtAudience, iat: T, exp: T + config.tokenTtlSeconds });
    expect(expiresAt.getTime()).toBe((T + config.tokenTtlSeconds) * 1000);
  });

  test('never outlives the password', async () => {
    const { token } = await issueSessionToken({ ...user, passwordExpiration: '2030-06-01T12:10:00Z' }, session, NOW);

    expect(decodeJwt(token).exp).toBe(T + 600);
  });

  test('never outlives its session', async () => {
    const { token } = await issueSessionToken(user, { ...session, expiresAt: T + 120 }, NOW);

    expect(decodeJwt(token).exp).toBe(T + 120);
  });

  test('round-trips through verifySessionToken', async () => {
    const { token } = await issueSessionToken(user, session, NOW);

    await expect(verifySessionToken(token, NOW)).resolves.toEqual({ sub: user.id, username: 'ada', pwv: 3, sid: SID, sep: 2, amr: ['pwd'], iat: T, exp: T + config.tokenTtlSeconds });
  });
});

describe('verifySessionToken refuses', () => {
  test.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s" without a signature', async (alg) => {
    await refused(craftJwt({ alg, typ: 'JWT', kid: (await serverKey()).kid }, claims(), null));
  });

  test.each(['HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', 'hs256'])('alg %s, even with a signature made with the server key', async (alg) => {
    await refused(await signed({}, { alg }));
  });

  test('a signature made with another key', async () => {
    await refused(craftJwt({ alg: 'HS256', typ: 'JWT', kid: (await serverKey()).kid }, claims(), 'secret'));
  });

  test('a stripped or truncated signature', async () => {
    const token = await signed();
    await refused(token.slice(0, token.lastIndexOf('.') + 1));
    await refused(token.slice(0, -2));
  });

  test.each([['../../dev/null'], ['/etc/passwd'], ['https://attacker.example/key'], ['__proto__'], ['constructor'], ['']])('kid %j not in the key set', async (kid) => {
    await refused(craftJwt({ alg: 'HS256', typ: 'JWT', kid }, claims(), ''));
    await refused(craftJwt({ alg: 'HS256', typ: 'JWT', kid }, claims(), 'secret'));
  });

  test('a missing or non-string kid', async () => {
    const { key } = await serverKey();
    await refused(craftJwt({ alg: 'HS256', typ: 'JWT' }, claims(), key));
    await refused(craftJwt({ alg: 'HS256', typ: 'JWT', kid: 7 }, claims(), key));
  });

  test.each([
    ['jwk', { kty: 'oct', k: 'c2VjcmV0' }],
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['x5c', ['MIIB']],
    ['x5t', 'abc'],
    ['x5t#S256', 'abc'],
    ['crit', ['exp']],
  ])('a "%s" header parameter, even when the signature is right', async (parameter, value) => {
    await refused(await signed({}, { [parameter]: value }));
  });

  test.each([['missing', undefined], ['at+jwt', 'at+jwt'], ['JWS', 'JWS']])('typ %s', async (_case, typ) => {
    await refused(await signed({}, { typ }));
  });

  test.each(['exp', 'iat', 'sub', 'iss', 'aud', 'sid', 'sep'])('a token without "%s"', async (claim) => {
    await refused(await signed({ [claim]: undefined }));
  });

  test.each([
    ['iss', 'https://evil.example'],
    ['aud', 'another-api'],
    ['aud', [config.jwtIssuer]],
    ['sub', 42],
    ['pwv', '3'],
    ['sid', ''],
    ['sid', 7],
    ['sep', '2'],
    ['username', null],
    ['exp', '2099-01-01'],
  ])('a wrong %s (%j)', async (claim, value) => {
    await refused(await signed({ [claim]: value }));
  });

  test('a token longer than any of ours', async () => {
    await refused(await signed({ padding: 'x'.repeat(5000) }));
  });

  test('a malformed token', async () => {
    for (const token of ['', 'a', 'a.b', 'a.b.c', '...', 'eyJ.eyJ.sig', `${base64urlJson('not an object')}.${base64urlJson({})}.x`]) await refused(token);
  });
});

describe('verifySessionToken time rules (30 s of skew at most)', () => {
  test('accepts exp up to 30 s ago and refuses it beyond', async () => {
    await expect(verifySessionToken(await signed({ iat: T - 600, exp: T - 29 }), NOW)).resolves.toMatchObject({ sub: user.id });
    await refused(await signed({ iat: T - 600, exp: T - 31 }));
  });

  test('honours nbf: refused until 30 s before it', async () => {
    await expect(verifySessionToken(await signed({ nbf: T + 29 }), NOW)).resolves.toMatchObject({ sub: user.id });
    await refused(await signed({ nbf: T + 31 }));
    await refused(await signed({ nbf: 'tomorrow' }));
  });

  test('refuses iat more than 30 s in the future', async () => {
    await expect(verifySessionToken(await signed({ iat: T + 29 }), NOW)).resolves.toMatchObject({ sub: user.id });
    await refused(await signed({ iat: T + 31 }));
  });

  test('refuses a token older than the configured lifetime, whatever its exp says', async () => {
    const ttl = config.tokenTtlSeconds;
    await expect(verifySessionToken(await signed({ iat: T - ttl + 5, exp: T + 10 * ttl }), NOW)).resolves.toMatchObject({ sub: user.id });
    await refused(await signed({ iat: T - ttl - 31, exp: T + 10 * ttl }));
  });
});

describe('key rotation', () => {
  const original = process.env.LOCAL_AUTH_KEYS;
  afterEach(() => {
    process.env.LOCAL_AUTH_KEYS = original;
    resetKeyCacheForTests();
  });

  test('verifies tokens signed with a previous key by its kid, and only by its kid', async () => {
    // Prepare
    const { token } = await issueSessionToken(user, session, NOW);
    const old = JSON.parse(original!) as ReturnType<typeof generateLocalKeys>;
    const fresh = generateLocalKeys();
    process.env.LOCAL_AUTH_KEYS = JSON.stringify({ ...fresh, jwt: { ...fresh.jwt, previous: [{ kid: old.jwt.kid, k: old.jwt.k }] } });
    resetKeyCacheForTests();

    const verified = await verifySessionToken(token, NOW);
    const [head, payload, signature] = token.split('.');
    const relabelled = `${base64urlJson({ ...decodeProtectedHeader(token), kid: fresh.jwt.kid })}.${payload}.${signature}`;

    expect(verified.sub).toBe(user.id);
    expect(head).toBeDefined();
    await refused(relabelled);
    const reissued = await issueSessionToken(user, session, NOW);
    expect(decodeProtectedHeader(reissued.token).kid).toBe(fresh.jwt.kid);
  });

  test('stops verifying a key once it is dropped from the set', async () => {
    const { token } = await issueSessionToken(user, session, NOW);
    process.env.LOCAL_AUTH_KEYS = JSON.stringify(generateLocalKeys());
    resetKeyCacheForTests();

    await refused(token);
  });
});

describe('jose is given no say over the algorithm', () => {
  test('signs nothing but HS256 even if asked through the library', async () => {
    const { kid, key } = await serverKey();
    const hs512 = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS512', typ: 'JWT', kid }).sign(key);

    await refused(hs512);
  });
});

describe('verified-token memory (warm functions)', () => {
  test('still refuses a remembered token once it has expired', async () => {
    const token = await signed({ iat: T - 60, exp: T + 5 });
    await expect(verifySessionToken(token, NOW)).resolves.toMatchObject({ sub: user.id });

    await refused(token, new Date(NOW.getTime() + 36_000));
  });

  test('still refuses a remembered token once it is older than the configured lifetime', async () => {
    const token = await signed({ iat: T, exp: T + 100 * config.tokenTtlSeconds });
    await expect(verifySessionToken(token, NOW)).resolves.toMatchObject({ sub: user.id });

    await refused(token, new Date(NOW.getTime() + (config.tokenTtlSeconds + 31) * 1000));
  });

  test('remembers only the identical token: one flipped signature bit is verified afresh and refused', async () => {
    const token = await signed();
    await verifySessionToken(token, NOW);
    const last = token.at(-2) === 'A' ? 'B' : 'A';

    await refused(`${token.slice(0, -2)}${last}${token.at(-1)}`);
  });
});
