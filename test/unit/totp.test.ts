/**
 * TOTP as RFC 6238 defines it (checked against the RFC's own test vectors, Appendix B), the ±1 step
 * window, the sealed secret's binding, and the recovery codes.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import {
  codeKind,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  matchTotp,
  openTotpSecret,
  otpauthUrl,
  RECOVERY_CODE_COUNT,
  sealTotpSecret,
  totpCode,
  totpStep,
} from '../../lib/auth/totp';

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's block-ish length.
const SEEDS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

// [time (s), SHA1, SHA256, SHA512] — the table of RFC 6238, Appendix B (8 digits).
const VECTORS = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
] as const;

describe('RFC 6238 test vectors', () => {
  test.each(VECTORS)('T = %i s: SHA1 %s, SHA256 %s, SHA512 %s (otpauth, 8 digits, 30 s)', (seconds, sha1, sha256, sha512) => {
    for (const [algorithm, expected] of [['SHA1', sha1], ['SHA256', sha256], ['SHA512', sha512]] as const) {
      const code = TOTP.generate({ secret: Secret.fromLatin1(SEEDS[algorithm]), algorithm, digits: 8, period: 30, timestamp: seconds * 1000 });
      expect(code).toBe(expected);
    }
  });

  test.each(VECTORS)("T = %i s: the service's 6-digit SHA-1 code is the vector's last six digits, and matches at its own step", (seconds, sha1) => {
    const secret = Secret.fromLatin1(SEEDS.SHA1).base32;
    const at = new Date(seconds * 1000);

    expect(totpCode(secret, at)).toBe(sha1.slice(-6));
    expect(matchTotp(secret, sha1.slice(-6), at)).toBe(Math.floor(seconds / 30));
    expect(totpStep(at)).toBe(Math.floor(seconds / 30));
  });
});

describe('matching a code', () => {
  const secret = generateTotpSecret();
  const now = new Date('2026-01-01T12:00:15Z');
  const step = totpStep(now);
  const codeAt = (offsetSteps: number) => totpCode(secret, new Date(now.getTime() + offsetSteps * 30_000));

  test('accepts the current step and one either side, answering the step the code belongs to', () => {
    expect(matchTotp(secret, codeAt(0), now)).toBe(step);
    expect(matchTotp(secret, codeAt(-1), now)).toBe(step - 1);
    expect(matchTotp(secret, codeAt(1), now)).toBe(step + 1);
  });

  test('refuses two steps away, another secret\'s code, and anything not six digits', () => {
    const cases = [codeAt(-2), codeAt(2), totpCode(generateTotpSecret(), now), '', '12345', '1234567', 'abcdef', `${codeAt(0)}0`];
    for (const code of cases.filter((candidate) => ![codeAt(-1), codeAt(0), codeAt(1)].includes(candidate))) {
      expect(matchTotp(secret, code, now)).toBeUndefined();
    }
  });

  test('a new secret is 160 bits of base32, and its otpauth URL is what authenticator apps read', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl(secret, 'john.doe', 'auth-service'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(Object.fromEntries(url.searchParams)).toEqual({ secret, issuer: 'auth-service', algorithm: 'SHA1', digits: '6', period: '30' });
    expect(generateTotpSecret()).not.toBe(secret);
  });
});

describe('the sealed secret', () => {
  const key = randomBytes(32);
  const secret = generateTotpSecret();

  test('opens for its user and role only: not moved to another user, not promoted from pending', () => {
    const sealed = sealTotpSecret(secret, key, 'user-1', 'pending');

    expect(sealed).not.toContain(secret);
    expect(openTotpSecret(sealed, key, 'user-1', 'pending')).toBe(secret);
    expect(() => openTotpSecret(sealed, key, 'user-2', 'pending')).toThrow();
    expect(() => openTotpSecret(sealed, key, 'user-1', 'active')).toThrow();
    expect(() => openTotpSecret(sealed, randomBytes(32), 'user-1', 'pending')).toThrow();
  });
});

describe('recovery codes', () => {
  test('ten distinct codes of 100 bits, told apart from TOTP codes by their shape', () => {
    const codes = generateRecoveryCodes();

    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){3}$/);
      expect(codeKind(code)).toBe('recovery');
    }
    expect(codeKind('123456')).toBe('totp');
    expect(codeKind('12345')).toBe('malformed');
    expect(codeKind('not a code')).toBe('malformed');
  });

  test('the hash forgives case, blanks and separators but is bound to its user and key', () => {
    const key = randomBytes(32);
    const [code] = generateRecoveryCodes() as [string];
    const hash = hashRecoveryCode(code, key, 'user-1');

    expect(hash).not.toContain(code);
    expect(hashRecoveryCode(` ${code.toUpperCase()} `, key, 'user-1')).toBe(hash);
    expect(hashRecoveryCode(code.replace(/-/g, ''), key, 'user-1')).toBe(hash);
    expect(hashRecoveryCode(code, key, 'user-2')).not.toBe(hash);
    expect(hashRecoveryCode(code, randomBytes(32), 'user-1')).not.toBe(hash);
  });
});
