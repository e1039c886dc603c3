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

// An unknown username is checked against this hash of a random string at the configured cost, so
// "no such user" costs the same bcrypt work as "wrong password" and the two cannot be told apart by
// timing. Started at cold start, off the request path.
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
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

/** Warms the dummy hash so the first unknown-user login does not pay for creating it. */
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
