/**
 * A user's second factor, kept on their profile item in the users table (so the proof of a code can
 * ride in the same transaction as the session it admits, and IAM can name each attribute):
 *
 * | attribute       | what                                                               |
 * |-----------------|--------------------------------------------------------------------|
 * | `totpSecret`    | the active TOTP secret, AES-256-GCM sealed; present = MFA is on     |
 * | `totpPending`   | a setup not yet confirmed, sealed likewise                         |
 * | `totpLastStep`  | the last TOTP time step accepted; only a later one is accepted next |
 * | `recoveryCodes` | string set of the unused recovery codes' HMACs                      |
 * | `mfaEnabled`    | `true` while `totpSecret` is set: what GET /user/me reads (not the secret) |
 *
 * The writes of the MFA routes are transactions whose second item is the session check
 * (sessionRepository.activeConditions): a setup, confirm or disable by an ended session changes
 * nothing. Their first item is the profile Update, carrying the profile half of that check.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { InvalidSessionError, UserNotFoundError } from '../errors';
import { projection, type TransactItem } from './dynamo';
import { type ProfileUpdatePart, profileUpdateItem, usedValues } from './profileUpdate';
import type { SessionRef, SessionRepository } from './sessionRepository';
import { usernameKey } from './table';
import { transact, type TransactionPart } from './transaction';

const MFA_ATTRIBUTES = {
  secret: 'totpSecret',
  pending: 'totpPending',
  lastStep: 'totpLastStep',
  recoveryCodes: 'recoveryCodes',
  enabled: 'mfaEnabled',
} as const;

/** What the MFA routes read of a profile (their IAM policies allow these and the key). */
export const MFA_READ_ATTRIBUTES = ['username', 'id', MFA_ATTRIBUTES.secret, MFA_ATTRIBUTES.pending] as const;
/** What the MFA routes write (with the key; the session check's attributes are only compared). */
export const MFA_WRITE_ATTRIBUTES = ['username', 'id', 'passwordVersion', 'sessionEpoch', ...Object.values(MFA_ATTRIBUTES)] as const;
/** What login and password change write of the profile for a second factor (with the key). */
export const MFA_PROOF_ATTRIBUTES = ['username', MFA_ATTRIBUTES.secret, MFA_ATTRIBUTES.lastStep, MFA_ATTRIBUTES.recoveryCodes] as const;

export interface MfaState {
  userId: string;
  /** Sealed active secret: MFA is on. */
  secret?: string;
  /** Sealed secret of a setup not yet confirmed. */
  pending?: string;
}

/** How a guarded MFA write ended: done, or its profile condition did not hold (state changed, code used). */
type GuardedOutcome = 'written' | 'condition_failed';

export class MfaRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTableName: string,
    private readonly sessions: SessionRepository,
  ) {}

  /** The user's MFA state (strongly consistent), or undefined when there is no such user. */
  async read(username: string): Promise<MfaState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.usersTableName,
        Key: { username: usernameKey(username) },
        ConsistentRead: true,
        ...projection(MFA_READ_ATTRIBUTES),
      }),
    );
    if (!Item) return undefined;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return { userId: String(Item.id), secret: text(Item.totpSecret), pending: text(Item.totpPending) };
  }

  /** Stores (or replaces) a pending setup, while MFA is off. */
  savePending(ref: SessionRef, sealedPending: string, now: Date): Promise<GuardedOutcome> {
    return this.guarded(ref, now, { set: ['totpPending = :mfaPending'], condition: 'attribute_not_exists(totpSecret)', values: { ':mfaPending': sealedPending } });
  }

  /**
   * Turns MFA on: the pending secret (exactly as read) becomes the active one, the confirming code's
   * step is recorded as used, and the recovery codes are replaced by the new set.
   */
  enable(ref: SessionRef, change: { pendingAsRead: string; sealedSecret: string; step: number; recoveryCodeHashes: readonly string[] }, now: Date): Promise<GuardedOutcome> {
    return this.guarded(ref, now, {
      set: ['totpSecret = :mfaSecret', 'totpLastStep = :mfaStep', 'recoveryCodes = :mfaCodes', 'mfaEnabled = :mfaOn'],
      remove: ['totpPending'],
      condition: 'totpPending = :mfaPendingAsRead AND attribute_not_exists(totpSecret)',
      values: { ':mfaSecret': change.sealedSecret, ':mfaStep': change.step, ':mfaCodes': new Set(change.recoveryCodeHashes), ':mfaOn': true, ':mfaPendingAsRead': change.pendingAsRead },
    });
  }

  /**
   * Turns MFA off, if `proof` (a code's part, see below) still holds. `alsoWrite` (parts without
   * conditions: the throttle charge's settling) commits in the same transaction.
   */
  disable(ref: SessionRef, proof: ProfileUpdatePart, now: Date, alsoWrite: readonly TransactionPart[] = []): Promise<GuardedOutcome> {
    // REMOVE wins over the proof's own SET/DELETE of the same attributes, so those are dropped.
    return this.guarded(ref, now, { remove: Object.values(MFA_ATTRIBUTES), condition: proof.condition, values: proof.values }, alsoWrite);
  }

  /**
   * A TOTP code's proof: its step is later than the last one accepted, for the secret it was
   * checked against (not one replaced meanwhile). Records the step.
   */
  totpStepPart(sealedSecret: string, step: number): ProfileUpdatePart {
    return {
      set: ['totpLastStep = :mfaStep'],
      condition: 'totpSecret = :mfaSecretAsRead AND (attribute_not_exists(totpLastStep) OR totpLastStep < :mfaStep)',
      values: { ':mfaStep': step, ':mfaSecretAsRead': sealedSecret },
    };
  }

  /** A recovery code's proof: its hash is still in the set. Takes it out (each code works once). */
  recoveryCodePart(codeHash: string): ProfileUpdatePart {
    return { delete: ['recoveryCodes :mfaCodeSet'], condition: 'contains(recoveryCodes, :mfaCode)', values: { ':mfaCode': codeHash, ':mfaCodeSet': new Set([codeHash]) } };
  }

  /** The part as its own transaction item on this user's profile. */
  private proofItem(username: string, part: ProfileUpdatePart): TransactItem {
    return profileUpdateItem(this.usersTableName, { username: usernameKey(username) }, part);
  }

  /**
   * Admin: MFA off for a user who lost the device, and every session of theirs ended (the session
   * epoch moves on), in one UpdateItem.
   */
  async reset(username: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.usersTableName,
          Key: { username: usernameKey(username) },
          UpdateExpression: `SET sessionEpoch = if_not_exists(sessionEpoch, :zero) + :one REMOVE ${Object.values(MFA_ATTRIBUTES).join(', ')}`,
          ConditionExpression: 'attribute_exists(username)',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UserNotFoundError(undefined, { cause: error });
      throw error;
    }
  }

  /** [profile Update (with the session's profile condition), session ConditionCheck]. */
  private async guarded(ref: SessionRef, now: Date, part: ProfileUpdatePart, alsoWrite: readonly TransactionPart[] = []): Promise<GuardedOutcome> {
    const [profileCheck, sessionCheck] = this.sessions.activeConditions(ref, now) as [TransactionPart, TransactionPart];
    const guard = (profileCheck.item as { ConditionCheck: { ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> } }).ConditionCheck;
    const { Update } = this.proofItem(ref.username, part) as { Update: { UpdateExpression: string } };
    const ConditionExpression = `(${guard.ConditionExpression}) AND (${part.condition})`;
    const update: TransactionPart = {
      name: 'mfa.profile',
      item: { Update: { ...Update, ConditionExpression, ExpressionAttributeValues: { ...guard.ExpressionAttributeValues, ...usedValues(part.values, Update.UpdateExpression, ConditionExpression) } } } as TransactItem,
    };
    // Conflicts (the same code sent twice) are retried; the conditions decide which one used the code.
    const [failed] = await transact(this.client, [update, sessionCheck, ...alsoWrite]);
    if (failed === undefined) return 'written';
    if (failed === sessionCheck.name) throw new InvalidSessionError('the session has ended', { refusal: 'session_ended' });
    return 'condition_failed';
  }
}
