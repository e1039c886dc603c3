/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule and the contract's
 * response.
 */
import { forbidden, tooManyRequests, unauthorized } from '../http/errors';
import { LoginThrottledError, TOO_MANY_ATTEMPTS } from '../data/loginThrottleRepository';
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
export { TOO_MANY_ATTEMPTS };

prepareDummyHash();

/**
 * Charges the attempt to its counters (username with address, username, address), or answers 429
 * before any bcrypt work, having charged nothing.
 */
async function beginAttempt(username: string, sourceIp: string, now: Date) {
  try {
    return await loginThrottle.beginAttempt(username, sourceIp, now);
  } catch (error) {
    // Same answer whether or not the username exists: the counters are keyed by what was typed.
    if (error instanceof LoginThrottledError) {
      const throttled = tooManyRequests(error.message, error.retryAfterSeconds);
      throttled.cause = { message: error.detail }; // which counter refused, for the log line only
      throw throttled;
    }
    throw error;
  }
}

export async function login(username: string, password: string, sourceIp: string, now: Date = new Date()): Promise<LoginResponse> {
  // The user is read while the attempt is charged: the read costs nothing if the throttle refuses,
  // and bcrypt still runs only after the throttle has let the attempt through.
  const [attempt, user] = await Promise.all([beginAttempt(username, sourceIp, now), users.findByUsername(username)]);
  // Unknown user and wrong password do the same bcrypt work, the same write and give the same answer.
  const passwordMatches = await verifyPassword(password, user?.passwordHash);
  if (!user || !passwordMatches) {
    await loginThrottle.recordFailure(attempt);
    throw unauthorized(INCORRECT_CREDENTIALS);
  }
  // A right password writes nothing: its charge stops counting on its own within seconds.
  // Only after the password is proven correct may the caller learn that it has expired.
  if (Date.parse(user.passwordExpiration) <= now.getTime()) throw forbidden('Password expired; ask an administrator to set a new one');
  const { token } = await issueSessionToken(user, now);
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
