/**
 * TOTP (RFC 6238) with the otpauth library, and recovery codes. Authenticator apps expect SHA-1,
 * 6 digits and 30-second steps, so enrolment uses exactly those. A code is checked against the
 * current step and one step either side (clock drift); the step it matched is returned so the
 * caller can record it and refuse that step (and every earlier one) from then on.
 *
 * The secret is stored AES-256-GCM encrypted with the same scheme as auth-header tokens
 * (lib/auth/tokens.ts), bound to its user and role (pending or active) by the additional data, so
 * a ciphertext cannot be moved to another user or promoted from pending without confirmation.
 * Recovery codes are stored as HMAC-SHA256 under a key of their own (lib/auth/keys.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { decryptToken, encryptToken } from './tokens';

export const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one. */
const TOTP_WINDOW = 1;
/** 160 bits: RFC 4226's recommended secret length for HMAC-SHA1. */
const SECRET_BYTES = 20;

export const RECOVERY_CODE_COUNT = 10;
/**
 * A recovery code: 4 groups of 5 characters of Crockford's base32 (no i, l, o, u: nothing to
 * misread), 100 bits from the CSPRNG, grouped for typing from paper.
 */
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RECOVERY_GROUPS = 4;
const RECOVERY_GROUP_LENGTH = 5;
const RECOVERY_PATTERN = new RegExp(`^[${RECOVERY_ALPHABET}]{${RECOVERY_GROUP_LENGTH}}(?:-[${RECOVERY_ALPHABET}]{${RECOVERY_GROUP_LENGTH}}){${RECOVERY_GROUPS - 1}}$`);
const TOTP_PATTERN = new RegExp(`^\\d{${TOTP_DIGITS}}$`);

/** What a second-factor `code` is, by its shape alone (no secret involved). */
type CodeKind = 'totp' | 'recovery' | 'malformed';

export function codeKind(code: string): CodeKind {
  const trimmed = code.trim();
  if (TOTP_PATTERN.test(trimmed.replace(/\s/g, ''))) return 'totp';
  if (RECOVERY_PATTERN.test(normaliseRecoveryCode(trimmed))) return 'recovery';
  return 'malformed';
}

/** A new base32 TOTP secret. */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totp(secretBase32: string, label = 'user', issuer = 'auth-service'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** The `otpauth://totp/...` URL an authenticator app reads from a QR code. */
export function otpauthUrl(secretBase32: string, account: string, issuer: string): string {
  return totp(secretBase32, account, issuer).toString();
}

/** The time step of `now` (RFC 6238's T). */
export function totpStep(now: Date): number {
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: now.getTime() });
}

/** The code for `now` (tests, the demo). */
export function totpCode(secretBase32: string, now: Date = new Date()): string {
  return totp(secretBase32).generate({ timestamp: now.getTime() });
}

/**
 * The time step `code` belongs to, within TOTP_WINDOW of `now`, or undefined when it matches none.
 * (Whether that step was already used is the caller's check: it is recorded with the session.)
 */
export function matchTotp(secretBase32: string, code: string, now: Date): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!TOTP_PATTERN.test(token)) return undefined;
  const delta = totp(secretBase32).validate({ token, timestamp: now.getTime(), window: TOTP_WINDOW });
  return delta === null ? undefined : totpStep(now) + delta;
}

/** The additional data a stored secret is bound to. */
type SecretRole = 'active' | 'pending';
const binding = (userId: string, role: SecretRole) => `totp:${role}:${userId}`;

export function sealTotpSecret(secretBase32: string, key: Uint8Array, userId: string, role: SecretRole): string {
  return encryptToken(secretBase32, key, binding(userId, role));
}

export function openTotpSecret(sealed: string, key: Uint8Array, userId: string, role: SecretRole): string {
  return decryptToken(sealed, key, binding(userId, role));
}

/** Ten new recovery codes (shown once) and nothing else: hashing is `hashRecoveryCode`. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH);
    const chars = [...bytes].map((byte) => RECOVERY_ALPHABET[byte & 31]);
    return Array.from({ length: RECOVERY_GROUPS }, (_, group) => chars.slice(group * RECOVERY_GROUP_LENGTH, (group + 1) * RECOVERY_GROUP_LENGTH).join('')).join('-');
  });
}

/** Case, surrounding blanks and a missing or space separator do not matter when typed back. */
function normaliseRecoveryCode(code: string): string {
  const compact = code.trim().toLowerCase().replace(/[\s-]/g, '');
  if (compact.length !== RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH) return compact;
  return Array.from({ length: RECOVERY_GROUPS }, (_, group) => compact.slice(group * RECOVERY_GROUP_LENGTH, (group + 1) * RECOVERY_GROUP_LENGTH)).join('-');
}

/** The stored form of a recovery code: HMAC-SHA256 of its normalised text, bound to its user. */
export function hashRecoveryCode(code: string, hmacKey: Uint8Array, userId: string): string {
  return createHmac('sha256', hmacKey).update(`${userId}\0${normaliseRecoveryCode(code)}`, 'utf8').digest('base64url');
}
