/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule and the contract's
 * response.
 */
import { audit, type AuditContext } from '../audit';
import { forbidden, tooManyRequests, unauthorized } from '../http/errors';
import { count, METRICS } from '../metrics';
import { LoginThrottledError } from '../data/loginThrottleRepository';
import { loginThrottle, users } from '../data/repositories';
import { issueSessionToken } from '../auth/jwt';
import { prepareDummyHash, verifyPassword } from '../auth/passwords';

/** The contract's 200 body (PascalCase, as in the product's reference). */
export interface LoginResponse {
  Id: string;
  Created: string;
  Username: string;
  Email: string;
  Firstname: string;
  Lastname: string;
  Token: string;
  PasswordExpiration: string;
}

export const INCORRECT_CREDENTIALS = 'Incorrect username or password';
export const TOO_MANY_ATTEMPTS = 'Too many failed login attempts; try again later';

prepareDummyHash();

/** Charges the attempt to the username and the source IP, or answers 429 before any bcrypt work. */
async function beginAttempt(username: string, context: AuditContext, now: Date) {
  try {
    return await loginThrottle.beginAttempt(username, context.sourceIp, now);
  } catch (error) {
    // Same answer whether or not the username exists: the counters are keyed by what was typed.
    if (error instanceof LoginThrottledError) {
      // Not known to be anyone's username yet, so the audit line names no user.
      const byUser = error.counter === 'user';
      count(byUser ? METRICS.names.throttledByUser : METRICS.names.throttledByAddress);
      audit('login.throttled', context, { reason: byUser ? 'throttled_user' : 'throttled_address', retryAfterSeconds: error.retryAfterSeconds });
      const throttled = tooManyRequests(TOO_MANY_ATTEMPTS, error.retryAfterSeconds);
      throttled.cause = error; // which counter refused, for the log line only
      throw throttled;
    }
    throw error;
  }
}

export async function login(username: string, password: string, context: AuditContext, now: Date = new Date()): Promise<LoginResponse> {
  // The user is read while the attempt is charged: the read costs nothing if the throttle refuses,
  // and bcrypt still runs only after the throttle has let the attempt through.
  const [attempt, user] = await Promise.all([beginAttempt(username, context, now), users.findByUsername(username)]);
  // Unknown user and wrong password do the same bcrypt work and give the same answer.
  const passwordMatches = await verifyPassword(password, user?.passwordHash);
  if (!user) {
    // What was typed names nobody (it may even be a password typed in the wrong field): not logged.
    audit('login.failed', context, { reason: 'unknown_user' });
    throw unauthorized(INCORRECT_CREDENTIALS);
  }
  const known = { userId: user.id, username: user.username };
  if (!passwordMatches) {
    audit('login.failed', context, { ...known, reason: 'wrong_password' });
    throw unauthorized(INCORRECT_CREDENTIALS);
  }
  // Only after the password is proven correct may the caller learn that it has expired.
  const expired = Date.parse(user.passwordExpiration) <= now.getTime();
  // The password is proven: the username's failure count starts again (expired or not).
  const [, issued] = await Promise.all([loginThrottle.recordSuccess(attempt, now), expired ? undefined : issueSessionToken(user, now)]);
  if (!issued) {
    audit('login.password_expired', context, { ...known, reason: 'password_expired' });
    throw forbidden('Password expired; ask an administrator to set a new one');
  }
  const { token } = issued;
  audit('login.succeeded', context, known);
  return {
    Id: user.id,
    Created: user.created,
    Username: user.username,
    Email: user.email,
    Firstname: user.firstname,
    Lastname: user.lastname,
    Token: token,
    PasswordExpiration: user.passwordExpiration,
  };
}
