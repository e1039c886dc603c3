/**
 * Creating users and setting passwords: the input rules, the password policy, and the expiry rule
 * (`PASSWORD_MAX_AGE_DAYS` after the password was set, unless an explicit date is given). Setting a
 * password has one code path, `applyNewPassword`, for the admin CLI and POST /user/password alike.
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import type { UserRecord, UserRepository } from '../data/userRepository';
import { InvalidInputError, UserNotFoundError } from '../errors';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { passwordPolicyViolation, SAME_AS_CURRENT, type PasswordContext } from '../auth/passwordPolicy';
import { utcTimestamp } from '../time';

export interface NewUser {
  username: string;
  password: string;
  email: string;
  firstname: string;
  lastname: string;
  /** RFC 3339 date-time; default: now + PASSWORD_MAX_AGE_DAYS. */
  passwordExpires?: string;
}

const USERNAME = /^[A-Za-z0-9._@+-]{1,128}$/;
// Pragmatic address check (one @, a dot in the domain, no spaces), not full RFC 5322.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const DAY_MS = 24 * 3600 * 1000;

function passwordExpiration(explicit: string | undefined, now: Date): string {
  if (explicit === undefined) return utcTimestamp(new Date(now.getTime() + config.passwordMaxAgeDays * DAY_MS));
  if (!RFC3339.test(explicit) || Number.isNaN(Date.parse(explicit))) {
    throw new InvalidInputError('password expiration must be an RFC 3339 date-time (e.g. 2030-01-31T00:00:00Z)');
  }
  return utcTimestamp(new Date(explicit));
}

function checkPassword(password: string, context?: PasswordContext): void {
  const violation = passwordPolicyViolation(password, context);
  if (violation) throw new InvalidInputError(violation);
}

export async function createUser(repository: UserRepository, input: NewUser, now: Date = new Date()): Promise<UserRecord> {
  if (!USERNAME.test(input.username)) throw new InvalidInputError('username must be 1-128 characters of letters, digits and . _ @ + -');
  if (!EMAIL.test(input.email) || input.email.length > 254) throw new InvalidInputError('email is not a valid email address');
  for (const [field, value] of [['firstname', input.firstname], ['lastname', input.lastname]] as const) {
    if (value.trim() === '' || value.length > 128) throw new InvalidInputError(`${field} must be 1-128 characters`);
  }
  checkPassword(input.password, { username: input.username });
  const user: UserRecord = {
    id: randomUUID(),
    username: input.username,
    email: input.email,
    firstname: input.firstname,
    lastname: input.lastname,
    created: utcTimestamp(now),
    passwordHash: await hashPassword(input.password),
    passwordVersion: 1,
    passwordExpiration: passwordExpiration(input.passwordExpires, now),
    sessionEpoch: 0,
  };
  await repository.create(user);
  return user;
}

export interface NewPasswordOptions {
  /** The current password, when the caller has just proven it (saves a bcrypt compare). */
  currentPassword?: string;
  /** RFC 3339 date-time; default: now + PASSWORD_MAX_AGE_DAYS. */
  passwordExpires?: string;
  /** Writes that commit together with the change (the session POST /user/password starts). */
  alsoWrite?: (changed: UserRecord) => Promise<Parameters<UserRepository['setPassword']>[2]>;
  /** A condition and actions merged into the password's own profile Update (an MFA code's proof). */
  alsoUpdateProfile?: Parameters<UserRepository['setPassword']>[3];
  now?: Date;
}

/**
 * Sets a user's new password: the whole policy (including "not the username" and "not the current
 * password"), a new hash at the configured cost, a new expiry and the next password version — which
 * ends every earlier session of the user. Auth headers are untouched. Returns the changed user.
 */
export async function applyNewPassword(repository: UserRepository, user: UserRecord, password: string, options: NewPasswordOptions = {}): Promise<UserRecord> {
  const now = options.now ?? new Date();
  checkPassword(password, { username: user.username, currentPassword: options.currentPassword });
  const expiration = passwordExpiration(options.passwordExpires, now);
  // Without the current password in hand (the admin CLI), "not the current one" costs a compare.
  if (options.currentPassword === undefined && (await verifyPassword(password, user.passwordHash))) {
    throw new InvalidInputError(SAME_AS_CURRENT);
  }
  const changed: UserRecord = { ...user, passwordHash: await hashPassword(password), passwordVersion: user.passwordVersion + 1, passwordExpiration: expiration };
  await repository.setPassword(user.username, { passwordHash: changed.passwordHash, passwordExpiration: expiration, fromVersion: user.passwordVersion }, await options.alsoWrite?.(changed), options.alsoUpdateProfile);
  return changed;
}

/** Admin CLI: sets a new password; its expiration restarts (or is the explicit date). Older sessions end. */
export async function setUserPassword(repository: UserRepository, username: string, password: string, passwordExpires?: string, now: Date = new Date()): Promise<void> {
  const user = await repository.findByUsername(username);
  if (!user) throw new UserNotFoundError(`no user "${username}"`);
  await applyNewPassword(repository, user, password, { passwordExpires, now });
}
