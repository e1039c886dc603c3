/**
 * The auth-header (API key) operations behind /authheader/*: token generation and the secrets
 * handling (HMAC lookup key, encrypted value) around the repository.
 */
import { randomUUID } from 'node:crypto';
import { AuthHeaderNotFoundError, type Owner } from '../data/authHeaderRepository';
import { authHeaders } from '../data/repositories';
import { notFound } from '../http/errors';
import type { SessionClaims } from '../auth/jwt';
import { sessionRefOf } from './sessionService';
import { getTokenEncryptionKey, getTokenHmacKey } from '../auth/keys';
import { decryptToken, encryptToken, generateToken, hashToken, looksLikeToken } from '../auth/tokens';

/** The contract's auth header (lowercase field names, as in the reference). */
export interface AuthHeaderView {
  id: string;
  name: string;
  token: string;
  created: string;
}

const ownerOf = (session: SessionClaims): Owner => sessionRefOf(session);

// The ciphertext only decrypts as this user's header with this id.
const binding = (userId: string, headerId: string) => `${userId}:${headerId}`;

/** Maps the repository's domain errors onto the contract's statuses. */
async function asHttp<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof AuthHeaderNotFoundError) throw notFound('Auth header not found', error);
    throw error;
  }
}

export async function addAuthHeader(session: SessionClaims, name: string, now: Date = new Date()): Promise<AuthHeaderView> {
  const [hmacKey, encryptionKey] = await Promise.all([getTokenHmacKey(), getTokenEncryptionKey()]);
  const id = randomUUID();
  const token = generateToken();
  const created = now.toISOString();
  await asHttp(
    authHeaders.add(ownerOf(session), {
      id,
      name,
      created,
      tokenHash: hashToken(token, hmacKey),
      tokenCiphertext: encryptToken(token, encryptionKey, binding(session.sub, id)),
    }),
  );
  return { id, name, token, created };
}

export async function listAuthHeaders(session: SessionClaims): Promise<AuthHeaderView[]> {
  const encryptionKey = await getTokenEncryptionKey();
  const stored = await asHttp(authHeaders.listByOwner(ownerOf(session)));
  return stored.map(({ id, name, created, tokenCiphertext }) => ({
    id,
    name,
    token: decryptToken(tokenCiphertext, encryptionKey, binding(session.sub, id)),
    created,
  }));
}

export async function deleteAuthHeader(session: SessionClaims, token: string): Promise<void> {
  // A string that is not one of our tokens cannot exist: answer without touching the table.
  if (!looksLikeToken(token)) throw notFound('Auth header not found');
  const hmacKey = await getTokenHmacKey();
  await asHttp(authHeaders.deleteByTokenHash(ownerOf(session), hashToken(token, hmacKey)));
}
