/**
 * The success write: what a proven credential (login, password change, and an MFA login) writes, as
 * ONE DynamoDB transaction (lib/data/transaction.ts) made of named parts — the one round trip a
 * login makes after bcrypt anyway, now carrying everything a success changes:
 *
 * | part              | from                                   | condition                         |
 * |-------------------|----------------------------------------|-----------------------------------|
 * | `throttle.pair`   | LoginThrottleRepository.successParts   | none: frees the charge, resets the pair's failures |
 * | `throttle.user`   | LoginThrottleRepository.successParts   | none: frees the charge            |
 * | `throttle.ip`     | LoginThrottleRepository.successParts   | none: frees the charge            |
 * | `session`         | SessionRepository.startPart            | the session id is new             |
 * | `mfa.step`, `rehash` (user item) | `changeUser` (UserRepository.changePart merges them) | each change's own, ANDed |
 * | `password`        | UserRepository.setPassword (password change only; it adds this write's parts to its own transaction) | the version read |
 *
 * DynamoDB allows one operation per item in a transaction, so every change to the user's profile
 * item (the bcrypt rehash, and the MFA's last accepted TOTP step) is a UserChange given to
 * `changeUser`: the changes merge into one Update of that item (SET clauses joined, conditions
 * ANDed). A failed merged condition means the proven credential no longer holds (the hash changed
 * meanwhile, the TOTP step was used meanwhile): the first change's error, a 401 for both.
 *
 * The MFA code's proof (issue 22) is such a change: mfaService.checkSecondFactor answers it as
 * `secondFactor.change` (name `mfa.step`: `SET totpLastStep` conditioned on the secret as read and a
 * later step, or `DELETE recoveryCodes` conditioned on `contains`), and lib/services/loginService.ts
 * `login` adds it with `changeUser` before `commit()`; lib/services/passwordService.ts folds it into
 * the password's own Update the same way. Its failed condition (the code used meanwhile) is a counted
 * failure. "Code required" (no code sent) settles with `successParts(..., { resetPair: false })`:
 * the charge freed, the pair's failures kept. A part on an item of its own uses `add(part)`.
 */
import type { LoginAttempt } from '../data/loginThrottleRepository';
import { loginThrottle, newTransaction, users } from '../data/repositories';
import type { TransactionPart } from '../data/transaction';
import { rehashChange, type UserChange, type UserRecord } from '../data/userRepository';
import { hashPassword, needsRehash } from '../auth/passwords';

export class SuccessWrite {
  private readonly parts: TransactionPart[] = [];
  private readonly userChanges: UserChange[] = [];

  constructor(
    private readonly username: string,
    attempt: LoginAttempt,
    now: Date,
  ) {
    this.parts.push(...loginThrottle.successParts(attempt, now));
  }

  /** A part on an item of its own (the session Put). */
  add(part: TransactionPart): this {
    this.parts.push(part);
    return this;
  }

  /** A change to the user's profile item (merged with the others: one operation per item). */
  changeUser(change: UserChange): this {
    this.userChanges.push(change);
    return this;
  }

  /** Every part, the user's item's changes merged into one. */
  private allParts(): TransactionPart[] {
    return this.userChanges.length > 0 ? [...this.parts, users.changePart(this.username, this.userChanges)] : [...this.parts];
  }

  /** The changes to the user's item (a password change adds them to its own Update of that item). */
  get changesToUser(): readonly UserChange[] {
    return this.userChanges;
  }

  /** Every part but the user's item (for a caller that writes that item itself). */
  otherParts(): TransactionPart[] {
    return [...this.parts];
  }

  async commit(): Promise<void> {
    await newTransaction().add(...this.allParts()).commit();
  }
}

/**
 * Adds the rehash when the password just proven right is stored at a cost other than BCRYPT_COST
 * (issue 20: a known user's check would otherwise cost differently from an unknown user's). Costs
 * one bcrypt hash, once per user per cost change.
 */
export async function rehashIfNeeded(write: SuccessWrite, user: Pick<UserRecord, 'passwordHash'>, password: string): Promise<void> {
  if (needsRehash(user.passwordHash)) write.changeUser(rehashChange(user.passwordHash, await hashPassword(password)));
}
