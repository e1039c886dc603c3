/**
 * The auth-header (API key) operations behind /authheader/*: token generation and the secrets
 * handling (HMAC lookup key, encrypted value) around the repository.
 */
import { randomUUID } from 'node:crypto';
import { audit, type AuditContext } from '../audit';
import type { Owner } from '../data/authHeaderRepository';
import { authHeaders } from '../data/repositories';
import { AuthHeaderNotFoundError } from '../errors';
import type { SessionClaims } from '../auth/jwt';
import { getTokenEncryptionKey, getTokenHmacKey } from '../auth/keys';
import { decryptToken, encryptToken, generateToken, hashToken, looksLikeToken } from '../auth/tokens';

/** The contract's auth header (lowercase field names, as in the reference). */
export interface AuthHeaderView {
  id: string;
  name: string;
  token: string;
  created: string;
}

const ownerOf = (session: SessionClaims): Owner => ({ userId: session.sub, username: session.username, passwordVersion: session.pwv });

// The ciphertext only decrypts as this user's header with this id.
const binding = (userId: string, headerId: string) => `${userId}:${headerId}`;

export async function addAuthHeader(session: SessionClaims, name: string, context: AuditContext, now: Date = new Date()): Promise<AuthHeaderView> {
  const [hmacKey, encryptionKey] = await Promise.all([getTokenHmacKey(), getTokenEncryptionKey()]);
  const id = randomUUID();
  const token = generateToken();
  const created = now.toISOString();
  await authHeaders.add(ownerOf(session), {
    id,
    name,
    created,
    tokenHash: hashToken(token, hmacKey),
    tokenCiphertext: encryptToken(token, encryptionKey, binding(session.sub, id)),
  });
  audit('authheader.created', context, { userId: session.sub, username: session.username, authHeaderId: id });
  return { id, name, token, created };
}

export async function listAuthHeaders(session: SessionClaims): Promise<AuthHeaderView[]> {
  const encryptionKey = await getTokenEncryptionKey();
  const stored = await authHeaders.listByOwner(ownerOf(session));
  return stored.map(({ id, name, created, tokenCiphertext }) => ({
    id,
    name,
    token: decryptToken(tokenCiphertext, encryptionKey, binding(session.sub, id)),
    created,
  }));
}

/**
 * The audit line carries no authHeaderId: the transaction cannot return the deleted item, and a
 * read first would cost a round trip (and a GetItem grant) on every delete.
 */
export async function deleteAuthHeader(session: SessionClaims, token: string, context: AuditContext): Promise<void> {
  // A string that is not one of our tokens cannot exist: answer without touching the table.
  if (!looksLikeToken(token)) throw new AuthHeaderNotFoundError();
  const hmacKey = await getTokenHmacKey();
  await authHeaders.deleteByTokenHash(ownerOf(session), hashToken(token, hmacKey));
  audit('authheader.deleted', context, { userId: session.sub, username: session.username });
}
