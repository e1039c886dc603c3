/**
 * The policy for a new password (OWASP ASVS V6.2): at least 8 characters, long passphrases allowed
 * up to bcrypt's 72-byte limit, none of the 10,000 most common passwords, and — where the user is
 * known — neither the current password nor the username. Only code that sets passwords imports
 * this module, so only those bundles carry the list.
 */
import COMMON_PASSWORDS from './data/common-passwords';
import { asBcryptReadsIt, BCRYPT_MAX_BYTES } from './passwords';

export const PASSWORD_MIN_CHARS = 8;
// bcrypt only reads the first 72 bytes: anything longer would be silently truncated.
export const PASSWORD_MAX_BYTES = BCRYPT_MAX_BYTES;

// Built on first use, not at import: the functions that load this module but never check a
// password (none today) pay nothing, and the check itself pays once per warm instance.
let commonPasswords: Set<string> | undefined;
function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(COMMON_PASSWORDS.split('\n').map((line) => line.trim().toLowerCase()).filter(Boolean));
  return commonPasswords.has(password.toLowerCase());
}

export const SAME_AS_CURRENT = 'new password must differ from the current password';

/** What the policy knows about the user the password is for, when it is an existing one. */
export interface PasswordContext {
  username?: string;
  /** The user's current password, when the caller has just proven it. */
  currentPassword?: string;
}

/** Why a password cannot be set, or undefined when it is acceptable. */
export function passwordPolicyViolation(password: string, context: PasswordContext = {}): string | undefined {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_CHARS) return `password must be at least ${PASSWORD_MIN_CHARS} characters`;
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt ignores anything beyond)`;
  }
  if (isCommonPassword(password)) return 'password is too common; choose another';
  if (context.username !== undefined && password.toLowerCase() === context.username.toLowerCase()) return 'password must not be the username';
  // Compared as bcrypt reads them: a "new" password bcrypt cannot tell from the current one is no change.
  if (context.currentPassword !== undefined && asBcryptReadsIt(password).equals(asBcryptReadsIt(context.currentPassword))) return SAME_AS_CURRENT;
  return undefined;
}
