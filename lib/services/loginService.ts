/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule, and a new
 * session (JWT + refresh token). `checkCredentials` is shared with POST /user/password, which must
 * answer wrong credentials exactly as login does.
 */
import { InvalidCredentialsError, PasswordExpiredError, ThrottledError } from '../errors';
import { LoginThrottledError, type LoginAttempt } from '../data/loginThrottleRepository';
import { loginThrottle, users } from '../data/repositories';
import type { UserRecord } from '../data/userRepository';
import { prepareDummyHash, verifyPassword } from '../auth/passwords';
import { isPasswordExpired, PASSWORD_EXPIRED, startSession, type LoginResponse } from './sessionService';

export type { LoginResponse } from './sessionService';

export const INCORRECT_CREDENTIALS = 'Incorrect username or password';
export const TOO_MANY_ATTEMPTS = 'Too many failed login attempts; try again later';

prepareDummyHash();

/** Charges the attempt to the username and the source IP, or answers 429 before any bcrypt work. */
export async function beginAttempt(username: string, sourceIp: string, now: Date): Promise<LoginAttempt> {
  try {
    return await loginThrottle.beginAttempt(username, sourceIp, now);
  } catch (error) {
    // Same answer whether or not the username exists: the counters are keyed by what was typed.
    // The cause (which counter refused) is for the log line only.
    if (error instanceof LoginThrottledError) throw new ThrottledError(TOO_MANY_ATTEMPTS, error.retryAfterSeconds, { cause: error });
    throw error;
  }
}

/**
 * The throttle, then the password: the user (with the attempt it was charged as) when the password
 * is right, InvalidCredentialsError (401) otherwise — expired or not, that is the caller's rule.
 */
export async function checkCredentials(username: string, password: string, sourceIp: string, now: Date): Promise<{ user: UserRecord; attempt: LoginAttempt }> {
  // The user is read while the attempt is charged: the read costs nothing if the throttle refuses,
  // and bcrypt still runs only after the throttle has let the attempt through.
  const [attempt, user] = await Promise.all([beginAttempt(username, sourceIp, now), users.findByUsername(username)]);
  // Unknown user and wrong password do the same bcrypt work and give the same answer.
  const passwordMatches = await verifyPassword(password, user?.passwordHash);
  if (!user || !passwordMatches) throw new InvalidCredentialsError(INCORRECT_CREDENTIALS);
  return { user, attempt };
}

export async function login(username: string, password: string, sourceIp: string, now: Date = new Date()): Promise<LoginResponse> {
  const { user, attempt } = await checkCredentials(username, password, sourceIp, now);
  // Only after the password is proven correct may the caller learn that it has expired.
  const expired = isPasswordExpired(user, now);
  // The password is proven: the username's failure count starts again (expired or not), while the
  // session starts, in parallel.
  const [, response] = await Promise.all([loginThrottle.recordSuccess(attempt, now), expired ? undefined : startSession(user, now)]);
  if (!response) throw new PasswordExpiredError(PASSWORD_EXPIRED);
  return response;
}
