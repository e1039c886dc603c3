import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { decryptToken, encryptToken, generateToken, hashToken, hasValidChecksum, looksLikeToken, TOKEN_PREFIX } from '../../lib/auth/tokens';
import { parseAuthorization } from '../../lib/auth/credentials';

const key = () => new Uint8Array(randomBytes(32));

describe('auth-header tokens', () => {
  test('carry the recognisable prefix, 43 random base62 characters and a 6-character checksum', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));

    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(token).toHaveLength(TOKEN_PREFIX.length + 43 + 6);
      expect(looksLikeToken(token)).toBe(true);
      expect(hasValidChecksum(token)).toBe(true);
    }
    // Every base62 character shows up in the random part: none is left out or favoured away.
    const seen = new Set([...tokens].flatMap((token) => [...token.slice(4, 47)]));
    expect(seen.size).toBe(62);
  });

  test('the checksum is the CRC32 of prefix and body, base62, zero-padded, at the end', () => {
    const token = generateToken();
    const value = crc32(token.slice(0, -6));
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const decoded = [...token.slice(-6)].reduce((sum, char) => sum * 62 + alphabet.indexOf(char), 0);

    expect(decoded).toBe(value);
  });

  test.each(['', 'ahk_', 'ahk_short', `xyz_${'A'.repeat(43)}`, `ahk_${'A'.repeat(44)}`, `ahk_${'A'.repeat(42)}!`, `ahk_${'A'.repeat(49)}`, `ahk_${'A'.repeat(48)}-`])('does not take %j for a token', (value) => {
    expect(looksLikeToken(value)).toBe(false);
  });

  test('still takes a token of the legacy format (no checksum) for a token: issued ones keep working', () => {
    const legacy = TOKEN_PREFIX + randomBytes(32).toString('base64url');

    expect(looksLikeToken(legacy)).toBe(true);
    expect(parseAuthorization(`Bearer ${legacy}`)).toEqual({ kind: 'authheader', token: legacy });
  });

  describe('the pattern docs/authorizer.md gives secret scanners', () => {
    const docs = readFileSync(new URL('../../docs/authorizer.md', import.meta.url), 'utf8');
    const documented = /Token pattern: `([^`]+)`/.exec(docs)?.[1];

    test('is documented', () => {
      expect(documented).toBe('ahk_[0-9A-Za-z]{49}');
    });

    test('matches every token the service issues, whole', () => {
      const pattern = new RegExp(`^${documented}$`);
      for (let i = 0; i < 1000; i++) expect(generateToken()).toMatch(pattern);
    });

    test('a one-character change anywhere in a token breaks its checksum: refused offline by the parser', () => {
      const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
      for (let n = 0; n < 20; n++) {
        const token = generateToken();
        for (let position = TOKEN_PREFIX.length; position < token.length; position++) {
          for (const replacement of alphabet) {
            if (replacement === token[position]) continue;
            const changed = token.slice(0, position) + replacement + token.slice(position + 1);
            if (hasValidChecksum(changed)) throw new Error(`a change at ${position} kept the checksum valid: ${changed}`);
            expect(parseAuthorization(changed)).toBeUndefined();
          }
        }
      }
    });
  });

  test('hash deterministically under one key and differently under another', () => {
    const token = generateToken();
    const k1 = key();

    expect(hashToken(token, k1)).toBe(hashToken(token, k1));
    expect(hashToken(token, k1)).not.toBe(hashToken(token, key()));
    expect(hashToken(token, k1)).not.toContain(token.slice(TOKEN_PREFIX.length));
  });

  test('round-trip through AES-256-GCM, with a fresh IV each time', () => {
    const token = generateToken();
    const k = key();

    const sealed1 = encryptToken(token, k, 'user:header');
    const sealed2 = encryptToken(token, k, 'user:header');

    expect(sealed1).not.toBe(sealed2);
    expect(sealed1).not.toContain(token);
    expect(decryptToken(sealed1, k, 'user:header')).toBe(token);
  });

  test('refuse to decrypt under another binding, another key or after tampering', () => {
    const token = generateToken();
    const k = key();
    const sealed = encryptToken(token, k, 'user-a:header-1');
    const [version, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;

    expect(() => decryptToken(sealed, k, 'user-b:header-1')).toThrow();
    expect(() => decryptToken(sealed, key(), 'user-a:header-1')).toThrow();
    expect(() => decryptToken([version, iv, flipped.toString('base64url'), tag].join('.'), k, 'user-a:header-1')).toThrow();
    expect(() => decryptToken('v0.a.b.c', k, 'user-a:header-1')).toThrow(/format/);
  });
});
