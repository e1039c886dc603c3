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
import { checkSecondFactor, type SecondFactor } from './mfaService';
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
  /** MFA on: the checked code, whose proof the success write carries. */
  secondFactor?: SecondFactor;
}

/**
 * The throttle, then the password: the user when the password is right (expired or not: that is the
 * caller's rule), InvalidCredentialsError (401) otherwise. The user is read while the attempt is
 * charged to its counters (username with address, username, address): the read costs nothing if the
 * throttle refuses, and bcrypt runs only after the throttle has let the attempt through. A refusal
 * (LoginThrottledError, a 429) charges nothing and is the same whether or not the username exists.
 * The caller settles the attempt with its success write.
 */
export async function checkCredentials(username: string, password: string, context: AuditContext, now: Date, code?: string): Promise<ProvenCredentials> {
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
  // MFA on: the code too (lib/services/mfaService.ts). No code: the charge is freed, nothing
  // counted or cleared (MfaRequired). A right code's proof joins the caller's success write.
  return { user, attempt, secondFactor: await checkSecondFactor(user, code, attempt, context, now) };
}

export async function login(username: string, password: string, context: AuditContext, code?: string, now: Date = new Date()): Promise<LoginResponse> {
  const { user, attempt, secondFactor } = await checkCredentials(username, password, context, now, code);
  const known = { userId: user.id, username: user.username };
  const write = new SuccessWrite(user.username, attempt, now);
  // Only after the password is proven correct may the caller learn that it has expired. The
  // password was right all the same: its throttle charge is settled, nothing else is written.
  if (isPasswordExpired(user, now)) {
    await write.commit();
    audit('login.password_expired', context, { ...known, reason: 'password_expired' });
    throw new PasswordExpiredError();
  }
  // The code's proof (its TOTP step, or the recovery code taken out) is one more change to the
  // user's item: it merges with the rehash into one Update and commits with the session, or
  // nothing is written. Added first, so a failed merged condition is answered as the proof's.
  if (secondFactor) write.changeUser(secondFactor.change);
  const [{ item, response }] = await Promise.all([prepareSession(user, now, secondFactor?.amr), rehashIfNeeded(write, user, password)]);
  try {
    await write.add(sessions.startPart(item)).commit();
  } catch (error) {
    // The code was used meanwhile (a replay, a parallel login with the same code): a counted failure.
    if (secondFactor?.isRefusal(error)) await secondFactor.refused();
    throw error;
  }
  secondFactor?.used();
  audit('login.succeeded', context, known);
  return response;
}
