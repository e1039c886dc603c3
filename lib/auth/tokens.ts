/**
 * Auth-header tokens (API keys). A token is shown to its owner but never stored in clear:
 * - its lookup key is HMAC-SHA256(server key, token), so a table dump cannot be replayed and a
 *   lookup is one GetItem on the hash;
 * - its value is stored AES-256-GCM encrypted, because the contract's list endpoint returns it.
 *   The ciphertext is bound to its owner and header id (GCM additional data), so it cannot be
 *   moved to another item and decrypted there.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** Recognisable prefix so secret scanners (and humans) can spot a leaked token. */
export const TOKEN_PREFIX = 'ahk_';
const TOKEN_PATTERN = /^ahk_[A-Za-z0-9_-]{43}$/;
const CIPHER_VERSION = 'v1';

/** A new token: the prefix and 256 bits from the CSPRNG, base64url. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** True when the string has the shape of a token this service issues (cheap pre-check). */
export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function hashToken(token: string, hmacKey: Uint8Array): string {
  return createHmac('sha256', hmacKey).update(token, 'utf8').digest('base64url');
}

export function encryptToken(token: string, key: Uint8Array, binding: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [CIPHER_VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptToken(sealed: string, key: Uint8Array, binding: string): string {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== CIPHER_VERSION || !iv || !ciphertext || !tag) {
    throw new Error('unrecognised token ciphertext format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(binding, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
