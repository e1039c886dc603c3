/**
 * Passwords: bcrypt hashes (bcryptjs, pure JS, so no native build in the Lambda bundle), a
 * constant-work check for unknown users, and the policy applied wherever a password is set.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { config } from '../config';

export function hashPassword(password: string, cost: number = config.bcryptCost): Promise<string> {
  return bcrypt.hash(password, cost);
}

// An unknown username is checked against a hash of the same cost, so "no such user" costs the same
// bcrypt work as "wrong password" and the two cannot be told apart by timing. These are hashes of a
// random string that was thrown away (nothing can match them, and verifyPassword fails regardless),
// shipped precomputed so a cold start does not spend one bcrypt hash on the vCPU the first login
// needs (docs/performance.md); any other cost is hashed once, off the request path.
const DUMMY_HASHES: Readonly<Record<number, string>> = {
  4: '$2b$04$i4XsGm4cZebMlUiZWRSV9ebfGQUuZVNe.LnLdTwljipcnC4bcMB6q',
  10: '$2b$10$lCHBpEqSoaL./HUS1ZNZDeyDF9W8Bmt5c/4mB/0zRgiUndTBEOEFy',
  11: '$2b$11$25LXpeeppoh7nEdiyYk4je0Y7sTLZ35qqmJCPrVOkhdXDKwbcQ49i',
  12: '$2b$12$u5TbY0.VBoTRfZSTwHuIkOTzfjpIRlf5a6Wz94zgW8EPtt.XO9X1q',
  13: '$2b$13$SAlmCq5Fcfl4OhkHCRZ.PeUyQ4I/B.bfLmqp7pom2qXUSnZ79Wgq6',
};

let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  const precomputed = DUMMY_HASHES[config.bcryptCost];
  dummyHash ??= precomputed ? Promise.resolve(precomputed) : hashPassword(randomBytes(16).toString('base64url'));
  return dummyHash;
}

/** Compares a password with a stored hash; with no hash (unknown user) does the same work and fails. */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  if (storedHash === undefined) {
    await bcrypt.compare(password, await getDummyHash());
    return false;
  }
  return bcrypt.compare(password, storedHash);
}

/** Prepares the dummy hash at cold start (a no-op for the precomputed costs). */
export function prepareDummyHash(): void {
  void getDummyHash();
}

export const PASSWORD_MIN_CHARS = 8;
// bcrypt only reads the first 72 bytes: anything longer would be silently truncated.
export const PASSWORD_MAX_BYTES = 72;

let commonPasswords: Set<string> | undefined;
function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return commonPasswords.has(password.toLowerCase());
}

/**
 * Why a password cannot be set, or undefined when it is acceptable (OWASP ASVS V6.2: at least 8
 * characters, long passphrases allowed up to bcrypt's 72-byte limit, no common passwords).
 */
export function passwordPolicyViolation(password: string): string | undefined {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_CHARS) return `password must be at least ${PASSWORD_MIN_CHARS} characters`;
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt ignores anything beyond)`;
  }
  if (isCommonPassword(password)) return 'password is too common; choose another';
  return undefined;
}
