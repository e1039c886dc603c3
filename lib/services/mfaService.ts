/**
 * Multi-factor authentication: TOTP (RFC 6238) with recovery codes. Enrolment is setup (a pending
 * secret) then confirm (a code from the app turns it on and answers ten recovery codes, once);
 * disable needs a code too. After a right password, login and password change call
 * `checkSecondFactor`: no code → MfaRequired (counts nothing, clears nothing); a wrong code → a
 * counted failure; a right one → a proof that commits with the session it admits, so one code
 * cannot start two sessions (docs/mfa.md).
 */
import { audit, type AuditContext } from '../audit';
import { config } from '../config';
import { ConflictError, InvalidCredentialsError, InvalidInputError, InvalidSessionError, MfaRequiredError } from '../errors';
import { AMR_PASSWORD_AND_OTP, type AuthenticationMethods, type SessionClaims } from '../auth/jwt';
import { getRecoveryCodeHmacKey, getTotpEncryptionKey } from '../auth/keys';
import { codeKind, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, matchTotp, openTotpSecret, otpauthUrl, sealTotpSecret } from '../auth/totp';
import type { LoginAttempt } from '../data/loginThrottleRepository';
import type { MfaState } from '../data/mfaRepository';
import type { ProfileUpdatePart } from '../data/profileUpdate';
import { loginThrottle, mfa, newTransaction, sessions } from '../data/repositories';
import type { UserChange, UserRecord } from '../data/userRepository';
import { log } from '../log';
import { sessionRefOf } from './sessionService';

interface TotpSetupResponse {
  secret: string;
  otpauthUrl: string;
}

interface RecoveryCodesResponse {
  recoveryCodes: string[];
}

const MFA_ALREADY_ON = 'MFA is already on; turn it off first (POST /user/mfa/disable)';
const MFA_NOT_ON = 'MFA is not on';
const WRONG_CODE = 'Wrong, expired or already used code';
const NO_SETUP = 'No TOTP setup to confirm: call POST /user/mfa/totp/setup first';
const CHANGED_MEANWHILE = 'MFA settings changed meanwhile; try again';

/** A code checked against the user's stored factor: the proof to commit, and what kind it was. */
interface Proof {
  method: 'totp' | 'recovery';
  part: ProfileUpdatePart;
}

/**
 * The proof of `code` for this user's active secret, or undefined when it matches nothing. A TOTP
 * code is checked here (its step must still be newer than the last used: the proof's condition);
 * a recovery code only when the proof commits (its hash must still be in the set).
 */
async function proofOf(sealedSecret: string, userId: string, code: string, now: Date): Promise<Proof | undefined> {
  switch (codeKind(code)) {
    case 'totp': {
      const secret = openSecret(sealedSecret, await getTotpEncryptionKey(), userId, 'active');
      // Sealed under a key the service no longer has: no TOTP code can match (recovery codes still do).
      if (secret === undefined) return undefined;
      const step = matchTotp(secret, code, now);
      return step === undefined ? undefined : { method: 'totp', part: mfa.totpStepPart(sealedSecret, step) };
    }
    case 'recovery':
      return { method: 'recovery', part: mfa.recoveryCodePart(hashRecoveryCode(code, await getRecoveryCodeHmacKey(), userId)) };
    case 'malformed':
      return undefined;
  }
}

/**
 * A sealed TOTP secret, or undefined when it cannot be opened: sealed under a token encryption key
 * the service no longer has (it was replaced, and keeps no previous one) or damaged. Not a 500 for
 * every login of that user: an error line tells the operator, by user id only, what to do.
 */
function openSecret(sealed: string, key: Uint8Array, userId: string, role: 'active' | 'pending'): string | undefined {
  try {
    return openTotpSecret(sealed, key, userId, role);
  } catch (error) {
    log.error(
      role === 'active'
        ? 'MFA: the TOTP secret cannot be decrypted (was the token encryption key replaced?); only recovery codes work for this user until `user mfa-reset`'
        : 'MFA: the pending TOTP secret cannot be decrypted; the user must run setup again',
      { userId, errorType: (error as Error).name },
    );
    return undefined;
  }
}

/**
 * The caller's MFA state, read beside the session check (the writes check the session again, in
 * their own transaction): an ended session learns nothing, not even whether a code was right.
 */
async function stateOf(claims: SessionClaims, now: Date): Promise<MfaState> {
  const [state, active] = await Promise.all([mfa.read(claims.username), sessions.isActive(sessionRefOf(claims), now)]);
  if (!active || !state || state.userId !== claims.sub) throw new InvalidSessionError('the session has ended', { refusal: 'session_ended' });
  return state;
}

const who = (claims: SessionClaims) => ({ userId: claims.sub, username: claims.username, sessionId: claims.sid });

/** POST /user/mfa/totp/setup: a new pending secret (replacing an unconfirmed one); MFA stays off. */
export async function setupTotp(claims: SessionClaims, now: Date = new Date()): Promise<TotpSetupResponse> {
  const state = await stateOf(claims, now);
  if (state.secret) throw new ConflictError(MFA_ALREADY_ON);
  const secret = generateTotpSecret();
  const sealed = sealTotpSecret(secret, await getTotpEncryptionKey(), claims.sub, 'pending');
  if ((await mfa.savePending(sessionRefOf(claims), sealed, now)) === 'condition_failed') throw new ConflictError(MFA_ALREADY_ON);
  return { secret, otpauthUrl: otpauthUrl(secret, claims.username, config.jwtIssuer) };
}

/** POST /user/mfa/totp/confirm: a code from the pending secret turns MFA on; ten fresh recovery codes. */
export async function confirmTotp(claims: SessionClaims, code: string, context: AuditContext, now: Date = new Date()): Promise<RecoveryCodesResponse> {
  const state = await stateOf(claims, now);
  if (state.secret) throw new ConflictError(MFA_ALREADY_ON);
  if (!state.pending) throw new InvalidInputError(NO_SETUP);
  const key = await getTotpEncryptionKey();
  const secret = openSecret(state.pending, key, claims.sub, 'pending');
  if (secret === undefined) throw new InvalidInputError(NO_SETUP);
  const step = matchTotp(secret, code, now);
  if (step === undefined) throw new InvalidInputError(WRONG_CODE);
  const recoveryCodes = generateRecoveryCodes();
  const hmacKey = await getRecoveryCodeHmacKey();
  const outcome = await mfa.enable(
    sessionRefOf(claims),
    {
      pendingAsRead: state.pending,
      sealedSecret: sealTotpSecret(secret, key, claims.sub, 'active'),
      // The confirming code is used: it cannot log in as well.
      step,
      recoveryCodeHashes: recoveryCodes.map((recoveryCode) => hashRecoveryCode(recoveryCode, hmacKey, claims.sub)),
    },
    now,
  );
  if (outcome === 'condition_failed') throw new ConflictError(CHANGED_MEANWHILE);
  audit('mfa.enabled', context, who(claims));
  return { recoveryCodes };
}

/**
 * POST /user/mfa/disable: a current TOTP code or an unused recovery code turns MFA off. A stolen
 * JWT must not be able to guess its way through: attempts go through login's throttle (per
 * username and address), and a wrong code counts as a failed login.
 */
export async function disableMfa(claims: SessionClaims, code: string, context: AuditContext, now: Date = new Date()): Promise<void> {
  const state = await stateOf(claims, now);
  if (!state.secret) throw new ConflictError(MFA_NOT_ON);
  const attempt = await loginThrottle.beginAttempt(claims.username, context.sourceIp, now);
  const refuse = async (reason: 'wrong_code' | 'replayed_code'): Promise<never> => {
    await loginThrottle.recordFailure(attempt);
    audit('mfa.challenge_failed', context, { userId: claims.sub, username: claims.username, reason });
    throw new InvalidInputError(WRONG_CODE);
  };
  const proof = await proofOf(state.secret, claims.sub, code, now);
  if (!proof) return refuse('wrong_code');
  // A right code frees the attempt's charge in the same transaction; it resets no failure count (a
  // JWT holder proving a code says nothing about the password).
  const settle = loginThrottle.successParts(attempt, now, { resetPair: false });
  if ((await mfa.disable(sessionRefOf(claims), proof.part, now, settle)) === 'condition_failed') return refuse(proof.method === 'totp' ? 'replayed_code' : 'wrong_code');
  if (proof.method === 'recovery') audit('mfa.recovery_code_used', context, { userId: claims.sub, username: claims.username });
  audit('mfa.disabled', context, who(claims));
}

/** A second factor checked for a login or password change, not yet used up. */
export interface SecondFactor {
  /** The JWT's `amr`. */
  readonly amr: AuthenticationMethods;
  /**
   * The proof as a change to the user's profile item: the success write merges it into its one
   * Update of that item (login: with the bcrypt rehash; password change: into the password's own).
   */
  readonly change: UserChange;
  /** Whether `error` is this proof's failed condition (the code was used meanwhile). */
  isRefusal(error: unknown): boolean;
  /** The proof did not hold when written: a counted failure, 401. */
  refused(): Promise<never>;
  /** The proof was written (with the host's own write): the audit line of a recovery code. */
  used(): void;
}

/** A proof as one change to the profile item (lib/data/userRepository.ts UserChange). */
function changeOf(part: ProfileUpdatePart, onConditionFailed: () => Error): UserChange {
  return {
    name: 'mfa.step',
    ...(part.set && part.set.length > 0 ? { set: part.set.join(', ') } : {}),
    ...(part.delete && part.delete.length > 0 ? { delete: part.delete.join(', ') } : {}),
    condition: part.condition,
    values: { ...part.values },
    onConditionFailed,
  };
}

/**
 * After a right password: nothing when the user has MFA off; otherwise the code must be there
 * (MfaRequiredError: nothing counted, nothing cleared — the attempt's charge is freed without
 * resetting the pair's failures, or a password holder could reset the count between guesses) and
 * must match (else a counted failure, 401 as a wrong password).
 */
export async function checkSecondFactor(user: UserRecord, code: string | undefined, attempt: LoginAttempt, context: AuditContext, now: Date): Promise<SecondFactor | undefined> {
  if (!user.totpSecret) return undefined;
  if (code === undefined) {
    await newTransaction().add(...loginThrottle.successParts(attempt, now, { resetPair: false })).commit();
    throw new MfaRequiredError();
  }
  const known = { userId: user.id, username: user.username };
  const refuse = async (reason: 'wrong_code' | 'replayed_code'): Promise<never> => {
    await loginThrottle.recordFailure(attempt);
    audit('mfa.challenge_failed', context, { ...known, reason });
    throw new InvalidCredentialsError();
  };
  const proof = await proofOf(user.totpSecret, user.id, code, now);
  if (!proof) return refuse('wrong_code');
  const usedMeanwhile = new InvalidCredentialsError();
  return {
    amr: AMR_PASSWORD_AND_OTP,
    change: changeOf(proof.part, () => usedMeanwhile),
    isRefusal: (error) => error === usedMeanwhile,
    refused: () => refuse(proof.method === 'totp' ? 'replayed_code' : 'wrong_code'),
    used: () => {
      if (proof.method === 'recovery') audit('mfa.recovery_code_used', context, known);
    },
  };
}
