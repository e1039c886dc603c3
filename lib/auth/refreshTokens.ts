/**
 * Refresh tokens: `rt_<username>.<sid>.<secret>`, each part base64url. The secret is 256 bits from
 * the CSPRNG; the session id and the username ride along so a rotation can read the session and
 * its user's profile in one round trip (one BatchGetItem) instead of two in a row. Clients treat
 * the whole string as opaque. Only HMAC-SHA256(refresh key, token) is ever stored: a table dump
 * yields nothing that can be replayed, and any change to any part of the token changes the hash.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** Recognisable prefix, so secret scanners (and humans) can tell a leaked refresh token. */
export const REFRESH_TOKEN_PREFIX = 'rt_';
const SID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
// A 128-character username is at most 171 base64url characters; nothing longer is one of ours.
const MAX_TOKEN_CHARS = REFRESH_TOKEN_PREFIX.length + 172 + 1 + 22 + 1 + 43;

export interface RefreshTokenParts {
  username: string;
  sid: string;
}

/** A new session id: 128 bits from the CSPRNG, base64url (22 characters). */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function generateRefreshToken(parts: RefreshTokenParts): string {
  return `${REFRESH_TOKEN_PREFIX}${Buffer.from(parts.username, 'utf8').toString('base64url')}.${parts.sid}.${randomBytes(32).toString('base64url')}`;
}

/** The session and user a token names, or undefined when it does not have our shape at all. */
export function parseRefreshToken(token: string): RefreshTokenParts | undefined {
  if (token.length > MAX_TOKEN_CHARS || !token.startsWith(REFRESH_TOKEN_PREFIX)) return undefined;
  const parts = token.slice(REFRESH_TOKEN_PREFIX.length).split('.');
  if (parts.length !== 3) return undefined;
  const [encodedUsername, sid, secret] = parts as [string, string, string];
  if (!B64URL.test(encodedUsername) || !SID_PATTERN.test(sid) || !SECRET_PATTERN.test(secret)) return undefined;
  const username = Buffer.from(encodedUsername, 'base64url').toString('utf8');
  // Canonical encoding only: one token string per (username, sid, secret).
  if (username === '' || Buffer.from(username, 'utf8').toString('base64url') !== encodedUsername) return undefined;
  return { username, sid };
}

export function hashRefreshToken(token: string, hmacKey: Uint8Array): string {
  return createHmac('sha256', hmacKey).update(token, 'utf8').digest('base64url');
}

/**
 * The token that follows `used` in its session: the same every time it is asked for, so a retry of
 * a rotation (the answer to the first try was lost) gets the very token the first try issued, never
 * a second chain. Its secret is an HMAC of the used token under the server key: only a holder of
 * the used token can ask, and nobody without the key can compute it.
 */
export function successorToken(used: string, parts: RefreshTokenParts, hmacKey: Uint8Array): string {
  const secret = createHmac('sha256', hmacKey).update(`successor\0${used}`, 'utf8').digest('base64url');
  return `${REFRESH_TOKEN_PREFIX}${Buffer.from(parts.username, 'utf8').toString('base64url')}.${parts.sid}.${secret}`;
}
