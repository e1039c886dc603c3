/**
 * Session JWTs (RFC 7519) with jose, following RFC 8725: one algorithm (HS256) on an allow-list,
 * `typ` checked, `kid` looked up only in the server's own key set (no `jwk`/`jku`/`x5u`/`x5c`, no
 * paths or URLs), `exp`/`iat`/`sub`/`iss`/`aud` required, `nbf` honoured, at most 30 s of clock
 * skew. Every failure is the same generic error; the reason goes to `cause` for the logs only.
 */
import { SignJWT, decodeProtectedHeader, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { config } from '../config';
import { InvalidSessionError } from '../errors';
import { getJwtKeys } from './keys';
import { epochSeconds } from '../time';
import { webcrypto } from 'node:crypto';

export const JWT_ALGORITHM = 'HS256';
const CLOCK_TOLERANCE_SECONDS = 30;
const FORBIDDEN_HEADER_PARAMETERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit'] as const;
// Ours are ~300 characters; anything far longer is not worth base64-decoding.
const MAX_TOKEN_CHARS = 4096;

// jose imports a raw key into WebCrypto on every call; import each key once instead (the key bytes
// are memoised by lib/auth/keys.ts, so their identity is stable across warm invocations).
const importedKeys = new WeakMap<Uint8Array, Promise<webcrypto.CryptoKey>>();
function hmacKey(raw: Uint8Array): Promise<webcrypto.CryptoKey> {
  let key = importedKeys.get(raw);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    importedKeys.set(raw, key);
  }
  return key;
}

export interface SessionClaims {
  /** User id. */
  sub: string;
  username: string;
  /** Password version: tokens from before the last password change carry an older one. */
  pwv: number;
  /** Session id: logout and refresh-token reuse end the session, and with it every JWT naming it. */
  sid: string;
  /** The user's session epoch when the session began: "log out everywhere" moves it on. */
  sep: number;
  /** How the session's user authenticated (RFC 8176): `["pwd"]`, or `["pwd", "otp"]` with MFA. */
  amr?: AuthenticationMethods;
  iat: number;
  exp: number;
}

/** Why a presented JWT was refused (logged); the client only ever sees the generic 401. */
export class InvalidTokenError extends InvalidSessionError {}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** RFC 8176 `amr` values this service issues. */
export type AuthenticationMethods = readonly ('pwd' | 'otp')[];
export const AMR_PASSWORD: AuthenticationMethods = ['pwd'];
export const AMR_PASSWORD_AND_OTP: AuthenticationMethods = ['pwd', 'otp'];

/** The session a JWT belongs to (see lib/data/sessionRepository.ts). */
export interface SessionBinding {
  sid: string;
  /** The password version and session epoch the session began under. */
  passwordVersion: number;
  sessionEpoch: number;
  /** Epoch seconds: the session's absolute end. */
  expiresAt: number;
  /** How the session began (absent on sessions stored before MFA: password only). */
  amr?: AuthenticationMethods;
}

/** Signs a session token; it never outlives the password it was obtained with, nor its session. */
export async function issueSessionToken(
  user: { id: string; username: string; passwordExpiration?: string },
  session: SessionBinding,
  now: Date = new Date(),
): Promise<IssuedToken> {
  const { current } = await getJwtKeys();
  const iat = epochSeconds(now);
  // A password that never expires bounds nothing: the token lives TOKEN_TTL_SECONDS (or to the session's end).
  const passwordExpiry = user.passwordExpiration === undefined ? Infinity : epochSeconds(new Date(user.passwordExpiration));
  const exp = Math.min(iat + config.tokenTtlSeconds, passwordExpiry, session.expiresAt);
  const token = await new SignJWT({ username: user.username, pwv: session.passwordVersion, sid: session.sid, sep: session.sessionEpoch, amr: [...(session.amr ?? AMR_PASSWORD)] })
    .setProtectedHeader({ alg: JWT_ALGORITHM, typ: 'JWT', kid: current.kid })
    .setSubject(user.id)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await hmacKey(current.key));
  return { token, expiresAt: new Date(exp * 1000) };
}

/** Refuses what RFC 8725 says to refuse before any key is touched; returns the `kid`. */
function checkHeader(token: string): string {
  if (token.length > MAX_TOKEN_CHARS) throw new InvalidTokenError('JWT too long');
  let header: JWTHeaderParameters;
  try {
    header = decodeProtectedHeader(token) as JWTHeaderParameters;
  } catch (cause) {
    throw new InvalidTokenError('malformed JWT header', { cause });
  }
  for (const parameter of FORBIDDEN_HEADER_PARAMETERS) {
    if (parameter in header) throw new InvalidTokenError(`JWT header parameter "${parameter}" is not accepted`);
  }
  // The refused value is not quoted: it is the client's text, and the reason is logged.
  if (header.alg !== JWT_ALGORITHM) throw new InvalidTokenError('JWT algorithm is not accepted');
  if (typeof header.kid !== 'string') throw new InvalidTokenError('JWT has no kid');
  return header.kid;
}

// Clients send the same JWT on every call. A warm function remembers, for at most a minute, the
// claims of tokens it has verified (keyed by the whole token string, so only the identical signed
// token hits, and only while the key that verified it is still in the key set); the time-bound
// checks are redone on every hit. This saves the WebCrypto HMAC round trip through the thread pool
// (docs/performance.md). Revocation is unaffected: every JWT route re-checks the user's profile and
// the session in DynamoDB.
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX_ENTRIES = 1000;
const verified = new Map<string, { claims: SessionClaims; kid: string; key: Uint8Array; until: number }>();

function stillValid(claims: SessionClaims, now: Date): boolean {
  const nowSeconds = now.getTime() / 1000;
  return (
    nowSeconds < claims.exp + CLOCK_TOLERANCE_SECONDS &&
    nowSeconds <= claims.iat + config.tokenTtlSeconds + CLOCK_TOLERANCE_SECONDS &&
    claims.iat <= nowSeconds + CLOCK_TOLERANCE_SECONDS
  );
}

export async function verifySessionToken(token: string, now: Date = new Date()): Promise<SessionClaims> {
  const { byKid } = await getJwtKeys();
  const remembered = verified.get(token);
  if (remembered && now.getTime() < remembered.until && byKid.get(remembered.kid) === remembered.key && stillValid(remembered.claims, now)) {
    return remembered.claims;
  }
  const kid = checkHeader(token);
  const claims = await verifyWithJose(token, byKid, now);
  if (verified.size >= VERIFIED_MAX_ENTRIES) verified.delete(verified.keys().next().value as string);
  verified.set(token, { claims, kid, key: byKid.get(kid) as Uint8Array, until: now.getTime() + VERIFIED_TTL_MS });
  return claims;
}

async function verifyWithJose(token: string, byKid: ReadonlyMap<string, Uint8Array>, now: Date): Promise<SessionClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : byKid.get(header.kid);
        if (!key) throw new InvalidTokenError('unknown kid');
        return hmacKey(key);
      },
      {
        algorithms: [JWT_ALGORITHM],
        typ: 'JWT',
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        requiredClaims: ['exp', 'iat', 'sub', 'iss', 'aud'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // No token of ours lives longer than the configured lifetime, whatever its `exp` says.
        maxTokenAge: config.tokenTtlSeconds,
        currentDate: now,
      },
    ));
  } catch (cause) {
    throw new InvalidTokenError('JWT verification failed', { cause });
  }
  const { sub, iat, exp, username, pwv, sid, sep } = payload;
  if (
    typeof sub !== 'string' ||
    typeof username !== 'string' ||
    typeof pwv !== 'number' ||
    typeof sid !== 'string' ||
    sid === '' ||
    typeof sep !== 'number' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
    // A JWT without `sid` (issued before sessions existed) could not be logged out: refused.
    throw new InvalidTokenError('JWT claims have the wrong types');
  }
  if (iat > now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new InvalidTokenError('JWT issued in the future');
  const amr = Array.isArray(payload.amr) && payload.amr.every((method) => method === 'pwd' || method === 'otp') ? (payload.amr as AuthenticationMethods) : undefined;
  return { sub, username, pwv, sid, sep, iat, exp, ...(amr ? { amr } : {}) };
}
