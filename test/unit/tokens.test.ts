import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { decryptToken, encryptToken, generateToken, hashToken, looksLikeToken, TOKEN_PREFIX } from '../../lib/auth/tokens';

const key = () => new Uint8Array(randomBytes(32));

describe('auth-header tokens', () => {
  test('carry the recognisable prefix and 256 random bits', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));

    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
      expect(looksLikeToken(token)).toBe(true);
    }
  });

  test.each(['', 'ahk_', 'ahk_short', `xyz_${'A'.repeat(43)}`, `ahk_${'A'.repeat(44)}`, `ahk_${'A'.repeat(42)}!`])('does not take %j for a token', (value) => {
    expect(looksLikeToken(value)).toBe(false);
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
