/**
 * The auth-header (API key) operations behind /authheader/*: token generation and the secrets
 * handling (HMAC lookup key, encrypted value) around the repository.
 */
import { randomUUID } from 'node:crypto';
import { audit, type AuditContext } from '../audit';
import { config } from '../config';
import { InvalidInputError } from '../errors';
import type { Owner } from '../data/authHeaderRepository';
import { authHeaders } from '../data/repositories';
import type { SessionClaims } from '../auth/jwt';
import { log } from '../log';
import { sessionRefOf } from './sessionService';
import { getTokenEncryptionKey, getTokenHmacKey } from '../auth/keys';
import { decryptToken, encryptToken, generateToken, hashToken } from '../auth/tokens';
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
}

const MAX_LIFETIME_YEARS = 10;

/** The optional expiry of a new key: an RFC 3339 date-time in the future, at most 10 years ahead; stored in UTC to the second. */
function expiryOf(expiresAt: string | undefined, now: Date): string | undefined {
  if (expiresAt === undefined) return undefined;
  const date = parseRfc3339(expiresAt);
  if (!date) throw new InvalidInputError('"expiresAt" must be an RFC 3339 date-time, e.g. 2030-01-31T00:00:00Z');
  const seconds = new Date(epochSeconds(date) * 1000);
  if (seconds.getTime() <= now.getTime()) throw new InvalidInputError('"expiresAt" must be in the future');
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_LIFETIME_YEARS);
  if (seconds.getTime() > latest.getTime()) throw new InvalidInputError(`"expiresAt" must be at most ${MAX_LIFETIME_YEARS} years ahead`);
  return utcTimestamp(seconds);
}

const ownerOf = (session: SessionClaims): Owner => sessionRefOf(session);

// The ciphertext only decrypts as this user's header with this id.
const binding = (userId: string, headerId: string) => `${userId}:${headerId}`;

export async function addAuthHeader(session: SessionClaims, name: string, expiresAtInput: string | undefined, context: AuditContext, now: Date = new Date()): Promise<AuthHeaderView> {
  const expiresAt = expiryOf(expiresAtInput, now);
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
    },
    config.maxAuthHeadersPerUser,
  );
  audit('authheader.created', context, { userId: session.sub, username: session.username, authHeaderId: id });
  return { id, name, token, created, ...(expiresAt ? { expiresAt } : {}) };
}

export async function listAuthHeaders(session: SessionClaims): Promise<AuthHeaderView[]> {
  const encryptionKey = await getTokenEncryptionKey();
  const stored = await authHeaders.listByOwner(ownerOf(session));
  const views: AuthHeaderView[] = [];
  for (const { id, name, created, tokenCiphertext, expiresAt, lastUsed } of stored) {
    let token: string;
    try {
      token = decryptToken(tokenCiphertext, encryptionKey, binding(session.sub, id));
    } catch (error) {
      // Encrypted under another key (e.g. local data from another key file) or damaged: one such
      // item must not hide the others. Logged by id only; the ciphertext and name stay out of logs.
      log.warn('auth header skipped in list: its token cannot be decrypted', { userId: session.sub, authHeaderId: id, errorType: (error as Error).name });
      continue;
    }
    views.push({ id, name, token, created, ...(expiresAt ? { expiresAt } : {}), ...(lastUsed ? { lastUsed } : {}) });
  }
  return views;
}

/**
 * The audit line carries no authHeaderId: the transaction cannot return the deleted item, and a
 * read first would cost a round trip (and a GetItem grant) on every delete.
 */
export async function deleteAuthHeader(session: SessionClaims, token: string, context: AuditContext): Promise<void> {
  // Even a text that cannot be one of our tokens goes through the transaction: its session guard
  // answers a stale session with 401 before anything can answer 404 (the delete then finds nothing).
  const hmacKey = await getTokenHmacKey();
  await authHeaders.deleteByTokenHash(ownerOf(session), hashToken(token, hmacKey));
  audit('authheader.deleted', context, { userId: session.sub, username: session.username });
}
