/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule, and a new
 * session (JWT + refresh token). `checkCredentials` is shared with POST /user/password, which must
 * answer wrong credentials exactly as login does.
 */
import { audit, type AuditContext } from '../audit';
import { count, METRICS } from '../metrics';
import { LoginThrottledError, type LoginAttempt } from '../data/loginThrottleRepository';
import { loginThrottle, sessions, users } from '../data/repositories';
import type { UserRecord } from '../data/userRepository';
import { InvalidCredentialsError, PasswordExpiredError } from '../errors';
import { prepareDummyHash, verifyPassword } from '../auth/passwords';
import { checkSecondFactor, type SecondFactor } from './mfaService';
import { isPasswordExpired, prepareSession, startSession, type LoginResponse } from './sessionService';

export type { LoginResponse } from './sessionService';

prepareDummyHash();

/** Charges the attempt to its counters, or refuses it (429, nothing charged) before any bcrypt work. */
async function beginAttempt(username: string, context: AuditContext, now: Date): Promise<LoginAttempt> {
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

/**
 * The throttle, then the password: the user when the password is right (expired or not: that is the
 * caller's rule), InvalidCredentialsError (401) otherwise. The user is read while the attempt is
 * charged to its counters (username with address, username, address): the read costs nothing if the
 * throttle refuses, and bcrypt runs only after the throttle has let the attempt through. A refusal
 * (LoginThrottledError, a 429) charges nothing and is the same whether or not the username exists.
 */
export async function checkCredentials(username: string, password: string, context: AuditContext, now: Date, code?: string): Promise<{ user: UserRecord; secondFactor?: SecondFactor }> {
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
  // MFA on: the code too (lib/services/mfaService.ts). A right password writes nothing: its charge
  // stops counting on its own within seconds.
  return { user, secondFactor: await checkSecondFactor(user, code, attempt, context, now) };
}

export async function login(username: string, password: string, context: AuditContext, code?: string, now: Date = new Date()): Promise<LoginResponse> {
  const { user, secondFactor } = await checkCredentials(username, password, context, now, code);
  const known = { userId: user.id, username: user.username };
  // Only after the password is proven correct may the caller learn that it has expired.
  if (isPasswordExpired(user, now)) {
    audit('login.password_expired', context, { ...known, reason: 'password_expired' });
    throw new PasswordExpiredError();
  }
  let response: LoginResponse;
  if (secondFactor) {
    // The code's proof (its TOTP step, or the recovery code) commits with the session or not at all.
    const started = await prepareSession(user, now, secondFactor.amr);
    await secondFactor.commitWith([sessions.startItem(started.item)]);
    response = started.response;
  } else {
    response = await startSession(user, now);
  }
  audit('login.succeeded', context, known);
  return response;
}
