/**
 * Passwords: bcrypt hashes (bcryptjs, pure JS, so no native build in the Lambda bundle) and a
 * constant-work check for unknown users. The policy for new passwords is lib/auth/passwordPolicy.ts,
 * kept apart so the common-password list is bundled only where passwords are set.
 */
import { randomBytes } from 'node:crypto';
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

/** bcrypt reads only the first 72 bytes of a password; the policy allows no longer ones. */
export const BCRYPT_MAX_BYTES = 72;

/** The password as bcrypt reads it (its first 72 bytes): two passwords bcrypt cannot tell apart are the same. */
export function asBcryptReadsIt(password: string): Buffer {
  return Buffer.from(password, 'utf8').subarray(0, BCRYPT_MAX_BYTES);
}

/**
 * Compares a password with a stored hash; with no hash (unknown user) does the same work and fails.
 * A password longer than bcrypt reads can never be right here (no such password can be set), so it
 * fails too, after the same work: otherwise a 72-byte password would match itself plus anything.
 */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  const hash = storedHash ?? (await getDummyHash());
  const matches = await bcrypt.compare(password, hash);
  return storedHash !== undefined && matches && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
}

/**
 * Whether a stored hash should move to the configured cost: after BCRYPT_COST changes, a hash at the
 * old cost makes a known user's check cost differently from an unknown user's (the dummy hash is at
 * the configured cost), which tells the two apart by timing. Login rehashes on success.
 */
export function needsRehash(storedHash: string): boolean {
  try {
    return bcrypt.getRounds(storedHash) !== config.bcryptCost;
  } catch {
    return false;
  }
}

/** Prepares the dummy hash at cold start (a no-op for the precomputed costs). */
export function prepareDummyHash(): void {
  void getDummyHash();
}
