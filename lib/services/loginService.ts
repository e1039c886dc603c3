/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule, and a new
 * session (JWT + refresh token) stored by the one success write (successWrite.ts), which also
 * settles the throttle and rehashes a password stored at another bcrypt cost. `checkCredentials` is
 * shared with POST /user/password, which must answer wrong credentials exactly as login does.
 */
import { audit, type AuditContext } from '../audit';
import { count, METRICS } from '../metrics';
import type { LoginAttempt } from '../data/loginThrottleRepository';
import { loginThrottle, sessions, users } from '../data/repositories';
import type { UserRecord } from '../data/userRepository';
import { InvalidCredentialsError, LoginThrottledError, PasswordExpiredError } from '../errors';
import { prepareDummyHash, verifyPassword } from '../auth/passwords';
import { isPasswordExpired, prepareSession, type LoginResponse } from './sessionService';
import { rehashIfNeeded, SuccessWrite } from './successWrite';

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

/** A password proven right: the user, and the throttle attempt the success write settles. */
export interface ProvenCredentials {
  user: UserRecord;
  attempt: LoginAttempt;
}

/**
 * The throttle, then the password: the user when the password is right (expired or not: that is the
 * caller's rule), InvalidCredentialsError (401) otherwise. The user is read while the attempt is
 * charged to its counters (username with address, username, address): the read costs nothing if the
 * throttle refuses, and bcrypt runs only after the throttle has let the attempt through. A refusal
 * (LoginThrottledError, a 429) charges nothing and is the same whether or not the username exists.
 * The caller settles the attempt with its success write.
 */
export async function checkCredentials(username: string, password: string, context: AuditContext, now: Date): Promise<ProvenCredentials> {
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
  return { user, attempt };
}

export async function login(username: string, password: string, context: AuditContext, now: Date = new Date()): Promise<LoginResponse> {
  const { user, attempt } = await checkCredentials(username, password, context, now);
  const known = { userId: user.id, username: user.username };
  const write = new SuccessWrite(user.username, attempt, now);
  // Only after the password is proven correct may the caller learn that it has expired. The
  // password was right all the same: its throttle charge is settled, nothing else is written.
  if (isPasswordExpired(user, now)) {
    await write.commit();
    audit('login.password_expired', context, { ...known, reason: 'password_expired' });
    throw new PasswordExpiredError();
  }
  const [{ item, response }] = await Promise.all([prepareSession(user, now), rehashIfNeeded(write, user, password)]);
  // Issue 22 (MFA) adds its TOTP step here: write.changeUser(...) — see successWrite.ts.
  await write.add(sessions.startPart(item)).commit();
  audit('login.succeeded', context, known);
  return response;
}
