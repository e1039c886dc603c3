/**
 * The auth-header (API key) operations behind /authheader/*: token generation and the secrets
 * handling (HMAC lookup key, encrypted value) around the repository.
 */
import { randomUUID } from 'node:crypto';
import { audit, type AuditContext } from '../audit';
import { config } from '../config';
import { AuthHeaderNotFoundError, InvalidInputError, LoginThrottledError, StaleSessionError } from '../errors';
import type { Owner, StoredAuthHeader } from '../data/authHeaderRepository';
import { normalizeCidr } from '../auth/allowedAddresses';
import { authHeaders, loginThrottle, sessions } from '../data/repositories';
import type { RevokeAttempt } from '../data/loginThrottleRepository';
import type { SessionClaims } from '../auth/jwt';
import { log } from '../log';
import { sessionRefOf } from './sessionService';
import { getTokenEncryptionKey, getTokenHmacKey } from '../auth/keys';
import { decryptToken, encryptToken, generateToken, hashToken, looksLikeToken } from '../auth/tokens';
import { epochSeconds, parseRfc3339, utcTimestamp } from '../time';

/**
 * The contract's auth header (lowercase field names, as in the reference); `expiresAt` and
 * `lastUsed` appear only when the key has them, so a plain key is exactly the reference's shape.
 */
export interface AuthHeaderView {
  id: string;
  name: string;
  token: string;
  created: string;
  expiresAt?: string;
  lastUsed?: string;
  scopes?: string[];
  allowedCidrs?: string[];
  /** In the owner's list: when whoever held the token revoked it (refused since; roll or delete it). */
  revokedAt?: string;
}

/** What POST /authheader/add takes (the body, validated by its schema). */
export interface NewAuthHeader {
  name: string;
  expiresAt?: string;
  scopes?: string[];
  allowedCidrs?: string[];
}

const MAX_LIFETIME_YEARS = 10;

const DAY_MS = 86_400_000;

/**
 * The expiry of a new key, stored in UTC to the second: the RFC 3339 date-time given (in the
 * future, at most 10 years ahead, and within MAX_AUTH_HEADER_LIFETIME_DAYS when that is set), or,
 * without one, the lifetime cap from now when there is a cap (GitHub's organization policy for
 * tokens), else none.
 */
function expiryOf(expiresAt: string | undefined, now: Date): string | undefined {
  const capDays = config.maxAuthHeaderLifetimeDays;
  if (expiresAt === undefined) return capDays > 0 ? utcTimestamp(new Date(epochSeconds(now) * 1000 + capDays * DAY_MS)) : undefined;
  const date = parseRfc3339(expiresAt);
  if (!date) throw new InvalidInputError('"expiresAt" must be an RFC 3339 date-time, e.g. 2030-01-31T00:00:00Z');
  const seconds = new Date(epochSeconds(date) * 1000);
  if (seconds.getTime() <= now.getTime()) throw new InvalidInputError('"expiresAt" must be in the future');
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_LIFETIME_YEARS);
  if (seconds.getTime() > latest.getTime()) throw new InvalidInputError(`"expiresAt" must be at most ${MAX_LIFETIME_YEARS} years ahead`);
  if (capDays > 0 && seconds.getTime() > now.getTime() + capDays * DAY_MS) throw new InvalidInputError(`"expiresAt" must be at most ${capDays} days ahead (the lifetime cap)`);
  return utcTimestamp(seconds);
}

/** The allowed addresses, normalized and without repeats, or undefined for none; 400 for one that is not a CIDR. */
function allowedCidrsOf(input: readonly string[] | undefined): string[] | undefined {
  if (!input || input.length === 0) return undefined;
  const normalized = input.map((text) => {
    const cidr = normalizeCidr(text);
    if (!cidr) throw new InvalidInputError('each of "allowedCidrs" must be an IPv4 or IPv6 address or CIDR, e.g. 203.0.113.0/24 or 2001:db8::/32');
    return cidr;
  });
  return [...new Set(normalized)];
}

/** Only the fields a key has: a plain key stays exactly the reference's `{ id, name, token, created }`. */
function optionalFields(header: Pick<StoredAuthHeader, 'expiresAt' | 'lastUsed' | 'scopes' | 'allowedCidrs' | 'revokedAt'>) {
  const { expiresAt, lastUsed, scopes, allowedCidrs, revokedAt } = header;
  return {
    ...(expiresAt ? { expiresAt } : {}),
    ...(lastUsed ? { lastUsed } : {}),
    ...(scopes?.length ? { scopes } : {}),
    ...(allowedCidrs?.length ? { allowedCidrs } : {}),
    ...(revokedAt ? { revokedAt } : {}),
  };
}

const ownerOf = (session: SessionClaims): Owner => sessionRefOf(session);

// The ciphertext only decrypts as this user's header with this id.
const binding = (userId: string, headerId: string) => `${userId}:${headerId}`;

export async function addAuthHeader(session: SessionClaims, input: NewAuthHeader, context: AuditContext, now: Date = new Date()): Promise<AuthHeaderView> {
  const { name } = input;
  const expiresAt = expiryOf(input.expiresAt, now);
  const allowedCidrs = allowedCidrsOf(input.allowedCidrs);
  const scopes = input.scopes?.length ? [...input.scopes] : undefined;
  const [hmacKey, encryptionKey] = await Promise.all([getTokenHmacKey(), getTokenEncryptionKey()]);
  const id = randomUUID();
  const token = generateToken();
  const created = utcTimestamp(now);
  await authHeaders.add(
    ownerOf(session),
    {
      id,
      name,
      created,
      tokenHash: hashToken(token, hmacKey),
      tokenCiphertext: encryptToken(token, encryptionKey, binding(session.sub, id)),
      expiresAt,
      scopes,
      allowedCidrs,
    },
    config.maxAuthHeadersPerUser,
  );
  audit('authheader.created', context, { userId: session.sub, username: session.username, authHeaderId: id });
  return { id, name, token, created, ...optionalFields({ expiresAt, scopes, allowedCidrs }) };
}

export async function listAuthHeaders(session: SessionClaims): Promise<AuthHeaderView[]> {
  const encryptionKey = await getTokenEncryptionKey();
  const stored = await authHeaders.listByOwner(ownerOf(session));
  const views: AuthHeaderView[] = [];
  for (const header of stored) {
    const { id, name, created, tokenCiphertext } = header;
    let token: string;
    try {
      token = decryptToken(tokenCiphertext, encryptionKey, binding(session.sub, id));
    } catch (error) {
      // Encrypted under another key (e.g. local data from another key file) or damaged: one such
      // item must not hide the others. Logged by id only; the ciphertext and name stay out of logs.
      log.warn('auth header skipped in list: its token cannot be decrypted', { userId: session.sub, authHeaderId: id, errorType: (error as Error).name });
      continue;
    }
    views.push({ id, name, token, created, ...optionalFields(header) });
  }
  return views;
}

/** 404 for a token the caller cannot act on, after the session check (a stale session gets 401 first). */
async function notFound(session: SessionClaims): Promise<never> {
  if (!(await sessions.isActive(ownerOf(session)))) throw new StaleSessionError('the session has ended or does not match the stored user');
  throw new AuthHeaderNotFoundError();
}

/**
 * Deletes the caller's key named by its current token. A mistyped or made-up token (wrong checksum,
 * wrong shape) is not looked up: only the session is checked. Otherwise the owner's item is read
 * first (one GetItem), for the audit line's key id and the token a roll replaced, still in its
 * grace, which goes with it; the transaction decides (session, ownership).
 */
export async function deleteAuthHeader(session: SessionClaims, token: string, context: AuditContext): Promise<void> {
  if (!looksLikeToken(token)) return notFound(session);
  const tokenHash = hashToken(token, await getTokenHmacKey());
  const header = await authHeaders.findOwnedByTokenHash(session.sub, tokenHash);
  await authHeaders.deleteByTokenHash(ownerOf(session), tokenHash, header?.previousTokenHash);
  audit('authheader.deleted', context, { userId: session.sub, username: session.username, ...(header ? { authHeaderId: header.id } : {}) });
}

export const DEFAULT_ROLL_GRACE_SECONDS = 3600;

/**
 * Gives the caller's key (named by its current token) a new token; the old one keeps verifying,
 * with the same key id, for `graceSeconds`, then is refused everywhere (the authorizer's cache never
 * keeps it past `retiresAt`). A token already rolled away, unknown, expired or someone else's: 404.
 */
export async function rollAuthHeader(session: SessionClaims, token: string, graceSeconds: number, context: AuditContext, now: Date = new Date()): Promise<AuthHeaderView> {
  if (!looksLikeToken(token)) return notFound(session);
  const [hmacKey, encryptionKey] = await Promise.all([getTokenHmacKey(), getTokenEncryptionKey()]);
  const current = await authHeaders.findOwnedByTokenHash(session.sub, hashToken(token, hmacKey));
  if (!current || (current.expiresAt !== undefined && Date.parse(current.expiresAt) <= now.getTime())) return notFound(session);
  const next = generateToken();
  const retiresAt = graceSeconds > 0 ? utcTimestamp(new Date(epochSeconds(now) * 1000 + graceSeconds * 1000)) : undefined;
  await authHeaders.roll(ownerOf(session), current, { tokenHash: hashToken(next, hmacKey), tokenCiphertext: encryptToken(next, encryptionKey, binding(session.sub, current.id)) }, retiresAt);
  audit('authheader.rolled', context, { userId: session.sub, username: session.username, authHeaderId: current.id });
  // The new token is a fresh secret: not revoked, whatever the old one was.
  const { id, name, created, revokedAt: _revokedAt, ...rest } = current;
  return { id, name, token: next, created, ...optionalFields(rest) };
}

/**
 * Revokes a live token's key for whoever holds the token (a leaked token found in a repository, RFC
 * 7009-style); within a roll's grace, either of the key's two tokens revokes both. The caller
 * learns nothing: the same 200 whatever the text. Every call is first charged to its address's
 * revoke counter (429 once the address has spent its failures; lib/data/loginThrottleRepository.ts).
 * Then one read of the token's lookup item: a live token is revoked with its key (one transaction,
 * which also flags the owner's copy) and its charge freed; anything else (unknown, already revoked,
 * expired, rolled away past its grace, not a token at all) counts as a failure. A text that cannot
 * be a token reads nothing. The audit line names the key's id and owner, never the token.
 */
export async function revokeAuthHeader(token: string, context: AuditContext, now: Date = new Date()): Promise<void> {
  const attempt = await beginRevoke(context, now);
  const at = utcTimestamp(now);
  const tokenHash = looksLikeToken(token) ? hashToken(token, await getTokenHmacKey()) : undefined;
  // A second read only when a concurrent revocation, roll or delete moved the key in between.
  for (let read = 0; tokenHash !== undefined && read < 2; read++) {
    const revocable = await authHeaders.findRevocable(tokenHash, at);
    if (!revocable) break;
    if (await authHeaders.revoke(revocable, at)) {
      // Freed by a plain write, not inside the transaction: a transaction on the address's counter
      // would make concurrent revocations' plain charges on it fail with TransactionConflict.
      await loginThrottle.release(attempt);
      audit('authheader.revoked', context, { userId: revocable.userId, authHeaderId: revocable.headerId });
      return;
    }
  }
  await loginThrottle.recordFailure(attempt);
}

/** Charges a revocation to its address, or refuses it (429, nothing charged) before the token is looked at. */
async function beginRevoke(context: AuditContext, now: Date): Promise<RevokeAttempt> {
  try {
    return await loginThrottle.beginRevoke(context.sourceIp, now);
  } catch (error) {
    if (error instanceof LoginThrottledError) audit('authheader.revoke_throttled', context, { reason: 'throttled_address', retryAfterSeconds: error.retryAfterSeconds });
    throw error;
  }
}
