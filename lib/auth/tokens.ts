/**
 * Auth-header tokens (API keys). A token is shown to its owner but never stored in clear:
 * - its lookup key is HMAC-SHA256(server key, token), so a table dump cannot be replayed and a
 *   lookup is one GetItem on the hash;
 * - its value is stored AES-256-GCM encrypted, because the contract's list endpoint returns it.
 *   The ciphertext is bound to its owner and header id (GCM additional data), so it cannot be
 *   moved to another item and decrypted there.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Recognisable prefix so secret scanners (and humans) can spot a leaked token. */
export const TOKEN_PREFIX = 'ahk_';

/**
 * The token format (GitHub's): the prefix, 43 base62 characters from the CSPRNG (256 bits), then the
 * CRC32 of everything before it as 6 base62 characters (zero-padded). The checksum lets a secret
 * scanner tell a real token from look-alike noise offline, and lets the service refuse a mistyped
 * or made-up token before any database read; it protects nothing (the secret is the random body).
 * Base62 only, so a double click selects the whole token. docs/authorizer.md gives these patterns.
 */
export const TOKEN_REGEX = /^ahk_[0-9A-Za-z]{49}$/;
/** Tokens issued before the checksum (256 bits base64url): still accepted until deleted. */
export const LEGACY_TOKEN_REGEX = /^ahk_[A-Za-z0-9_-]{43}$/;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_CHARS = 43;
const CHECKSUM_CHARS = 6;
const CIPHER_VERSION = 'v1';

/** `value` (an unsigned 32-bit number) as exactly 6 base62 characters (62^6 > 2^32). */
function base62Checksum(value: number): string {
  let out = '';
  for (let i = 0, rest = value; i < CHECKSUM_CHARS; i++, rest = Math.floor(rest / 62)) out = BASE62[rest % 62] + out;
  return out;
}

const checksumOf = (text: string) => base62Checksum(crc32(text));

/** `count` uniformly random base62 characters (bytes of 248 and above are dropped, so none is favoured). */
function randomBase62(count: number): string {
  let out = '';
  while (out.length < count) {
    for (const byte of randomBytes(count)) {
      if (byte < 248 && out.length < count) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A new token: prefix, 256 random bits in base62, and the CRC32 of the two. */
export function generateToken(): string {
  const head = TOKEN_PREFIX + randomBase62(BODY_CHARS);
  return head + checksumOf(head);
}

/** True when the string has the shape of a current token and its checksum is right. */
export function hasValidChecksum(value: string): boolean {
  if (!TOKEN_REGEX.test(value)) return false;
  const split = value.length - CHECKSUM_CHARS;
  return checksumOf(value.slice(0, split)) === value.slice(split);
}

/**
 * True when the string can be a token this service issued: a current one with its checksum right,
 * or one of the legacy format (which has no checksum). Offline and cheap: nothing else is read.
 */
export function looksLikeToken(value: string): boolean {
  return hasValidChecksum(value) || LEGACY_TOKEN_REGEX.test(value);
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
