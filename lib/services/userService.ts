/**
 * Creating users and setting passwords (admin CLI and local bootstrap): the input rules, the
 * password policy, and the expiry rule (`PASSWORD_MAX_AGE_DAYS` after the password was set, unless
 * an explicit date is given).
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import type { UserRecord, UserRepository } from '../data/userRepository';
import { InvalidInputError } from '../errors';
import { hashPassword, passwordPolicyViolation } from '../auth/passwords';

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

/** RFC 3339 in UTC without milliseconds, like the contract's examples. */
export const utcTimestamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function passwordExpiration(explicit: string | undefined, now: Date): string {
  if (explicit === undefined) return utcTimestamp(new Date(now.getTime() + config.passwordMaxAgeDays * DAY_MS));
  if (!RFC3339.test(explicit) || Number.isNaN(Date.parse(explicit))) {
    throw new InvalidInputError('password expiration must be an RFC 3339 date-time (e.g. 2030-01-31T00:00:00Z)');
  }
  return utcTimestamp(new Date(explicit));
}

function checkPassword(password: string): void {
  const violation = passwordPolicyViolation(password);
  if (violation) throw new InvalidInputError(violation);
}

export async function createUser(repository: UserRepository, input: NewUser, now: Date = new Date()): Promise<UserRecord> {
  if (!USERNAME.test(input.username)) throw new InvalidInputError('username must be 1-128 characters of letters, digits and . _ @ + -');
  if (!EMAIL.test(input.email) || input.email.length > 254) throw new InvalidInputError('email is not a valid email address');
  for (const [field, value] of [['firstname', input.firstname], ['lastname', input.lastname]] as const) {
    if (value.trim() === '' || value.length > 128) throw new InvalidInputError(`${field} must be 1-128 characters`);
  }
  checkPassword(input.password);
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
  };
  await repository.create(user);
  return user;
}

/** Sets a new password; its expiration restarts (or is the explicit date). Older sessions end. */
export async function setUserPassword(repository: UserRepository, username: string, password: string, passwordExpires?: string, now: Date = new Date()): Promise<void> {
  checkPassword(password);
  await repository.setPassword(username, await hashPassword(password), passwordExpiration(passwordExpires, now));
}
