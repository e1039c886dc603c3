/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule and the contract's
 * response.
 */
import { audit, type AuditContext } from '../audit';
import { count, METRICS } from '../metrics';
import { LoginThrottledError } from '../data/loginThrottleRepository';
import { loginThrottle, users } from '../data/repositories';
import { InvalidCredentialsError, PasswordExpiredError } from '../errors';
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

prepareDummyHash();

/** Charges the attempt to its counters, or refuses it (429, nothing charged) before any bcrypt work. */
async function beginAttempt(username: string, context: AuditContext, now: Date) {
  try {
    return await loginThrottle.beginAttempt(username, context.sourceIp, now);
  } catch (error) {
    if (error instanceof LoginThrottledError) {
      // Not known to be anyone's username yet, so the audit line names no user.
      const byAddress = error.counter === 'ip';
      count(byAddress ? METRICS.names.throttledByAddress : METRICS.names.throttledByUser);
      audit('login.throttled', context, { reason: byAddress ? 'throttled_address' : 'throttled_user', retryAfterSeconds: error.retryAfterSeconds });
    }
    throw error;
  }
}

export async function login(username: string, password: string, context: AuditContext, now: Date = new Date()): Promise<LoginResponse> {
  // The user is read while the attempt is charged to its counters (username with address, username,
  // address): the read costs nothing if the throttle refuses, and bcrypt still runs only after the
  // throttle has let the attempt through. A refusal (LoginThrottledError, a 429) charges nothing and
  // is the same whether or not the username exists.
  const [attempt, user] = await Promise.all([beginAttempt(username, context, now), users.findByUsername(username)]);
  // Unknown user and wrong password do the same bcrypt work, the same write and give the same answer.
  const passwordMatches = await verifyPassword(password, user?.passwordHash);
  if (!user || !passwordMatches) {
    await loginThrottle.recordFailure(attempt);
    // What was typed for an unknown user names nobody (it may even be a password typed in the
    // wrong field): only a known user is named.
    audit('login.failed', context, user ? { userId: user.id, username: user.username, reason: 'wrong_password' } : { reason: 'unknown_user' });
    throw new InvalidCredentialsError();
  }
  const known = { userId: user.id, username: user.username };
  // A right password writes nothing: its charge stops counting on its own within seconds.
  // Only after the password is proven correct may the caller learn that it has expired.
  if (Date.parse(user.passwordExpiration) <= now.getTime()) {
    audit('login.password_expired', context, { ...known, reason: 'password_expired' });
    throw new PasswordExpiredError();
  }
  const { token } = await issueSessionToken(user, now);
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
