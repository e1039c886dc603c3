/**
 * Sessions: one item per session in the sessions table (why there: see table.ts). A session is
 * alive while its item exists, has not reached `expiresAt`, and its user's profile still has the
 * password version and session epoch the session began under — so a password change or "log out
 * everywhere" ends every session with one write to the profile, and ending one session is one
 * DeleteItem.
 *
 * The item also holds the refresh-token family: `live` (HMACs of the tokens that may be used — one,
 * or two right after a retried rotation), `used` (HMACs of the last USED_KEPT tokens already used,
 * newest last), `lastUsedAt` (ms, for the grace) and `rev`, which every rotation advances under a
 * condition, so two rotations of one read can never both commit.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthenticationMethods } from '../auth/jwt';
import { InvalidSessionError } from '../errors';
import { usernameKey } from './table';

/** What a verified JWT says about its session (its claims, by name). */
export interface SessionRef {
  sid: string;
  userId: string;
  username: string;
  passwordVersion: number;
  sessionEpoch: number;
}

export interface StoredSession {
  sid: string;
  userId: string;
  username: string;
  passwordVersion: number;
  sessionEpoch: number;
  /** RFC 3339 UTC. */
  created: string;
  /** Epoch seconds: the absolute end (and the TTL attribute). */
  expiresAt: number;
  live: string[];
  used: string[];
  /** Epoch ms of the last rotation; absent before the first. */
  lastUsedAt?: number;
  /** The grace retry of the last used token has been spent. */
  graceSpent: boolean;
  rev: number;
  /** How the session began (RFC 8176 `amr`), so refreshed JWTs say the same; absent = password only. */
  amr?: AuthenticationMethods;
}

/** The profile as a session sees it (never the password hash). */
export interface SessionProfile {
  id: string;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  created: string;
  passwordVersion: number;
  sessionEpoch: number;
  passwordExpiration: string;
}

/** Used tokens remembered for reuse detection; an older one is merely unknown (401, session kept). */
export const USED_KEPT = 20;

const PROFILE_FOR_SESSION = ['id', 'username', 'displayUsername', 'email', 'firstname', 'lastname', 'created', 'passwordVersion', 'sessionEpoch', 'passwordExpiration'] as const;
const PROFILE_FOR_CHECK = ['id', 'passwordVersion', 'sessionEpoch'] as const;
const SESSION_FOR_CHECK = ['userId', 'expiresAt'] as const;
/** What the session check reads of each table (a function that only checks sessions may read only these). */
export const SESSION_CHECK_ATTRIBUTES = { profile: PROFILE_FOR_CHECK, session: SESSION_FOR_CHECK } as const;

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const projection = (names: readonly string[]) => ({
  ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#p${i}`, name])),
});

const epochSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

/** True when the profile is the session's user with the versions the session began under. */
export function profileMatches(profile: Pick<SessionProfile, 'id' | 'passwordVersion' | 'sessionEpoch'> | undefined, ref: Omit<SessionRef, 'sid' | 'username'>): boolean {
  return profile !== undefined && profile.id === ref.userId && profile.passwordVersion === ref.passwordVersion && profile.sessionEpoch === ref.sessionEpoch;
}

function toProfile(item: Record<string, unknown>): SessionProfile {
  return {
    id: String(item.id),
    // The key holds the case-insensitive form; the username as created is beside it (userRepository.ts).
    username: String(item.displayUsername ?? item.username),
    email: String(item.email),
    firstname: String(item.firstname),
    lastname: String(item.lastname),
    created: String(item.created),
    passwordVersion: Number(item.passwordVersion),
    // Absent on profiles that never logged out everywhere.
    sessionEpoch: Number(item.sessionEpoch ?? 0),
    passwordExpiration: String(item.passwordExpiration),
  };
}

function toSession(item: Record<string, unknown>): StoredSession {
  return {
    sid: String(item.sid),
    userId: String(item.userId),
    username: String(item.username),
    passwordVersion: Number(item.passwordVersion),
    sessionEpoch: Number(item.sessionEpoch),
    created: String(item.created),
    expiresAt: Number(item.expiresAt),
    live: Array.isArray(item.live) ? item.live.map(String) : [],
    used: Array.isArray(item.used) ? item.used.map(String) : [],
    lastUsedAt: item.lastUsedAt === undefined ? undefined : Number(item.lastUsedAt),
    graceSpent: item.graceSpent === true,
    rev: Number(item.rev ?? 0),
    ...(Array.isArray(item.amr) ? { amr: item.amr.map(String) as unknown as AuthenticationMethods } : {}),
  };
}

export class SessionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly usersTableName: string,
  ) {}

  /** The Put that starts a session (alone, or inside a password change's transaction). */
  startItem(session: StoredSession): TransactItem {
    return { Put: { TableName: this.tableName, Item: { ...session }, ConditionExpression: 'attribute_not_exists(sid)' } };
  }

  async start(session: StoredSession): Promise<void> {
    const { Put } = this.startItem(session);
    await this.client.send(new PutCommand(Put as ConstructorParameters<typeof PutCommand>[0]));
  }

  /**
   * Is this JWT's session still alive? The profile and the session in one strongly consistent
   * BatchGetItem: one round trip, the same as the profile read it replaces.
   */
  async isActive(ref: SessionRef, now: Date = new Date()): Promise<boolean> {
    return (await this.checked(ref, PROFILE_FOR_CHECK, now)) !== undefined;
  }

  /** The same check, answering the profile (without the hash) when the session is alive. */
  async activeProfile(ref: SessionRef, now: Date = new Date()): Promise<SessionProfile | undefined> {
    return this.checked(ref, PROFILE_FOR_SESSION, now);
  }

  private async checked(ref: SessionRef, profileAttributes: readonly string[], now: Date): Promise<SessionProfile | undefined> {
    const { profile, session } = await this.batchGet(ref.sid, ref.username, profileAttributes, SESSION_FOR_CHECK);
    const read = profile && toProfile(profile);
    const alive = profileMatches(read, ref) && session?.userId === ref.userId && Number(session.expiresAt) > epochSeconds(now);
    return alive ? read : undefined;
  }

  /**
   * The same check as two ConditionChecks, for a route's own transaction (no extra round trip).
   * They are the first two items: `isGuardFailure` reads a cancellation with that in mind.
   */
  activeConditions(ref: SessionRef, now: Date = new Date()): [TransactItem, TransactItem] {
    return [
      { ConditionCheck: { TableName: this.usersTableName, Key: { username: usernameKey(ref.username) }, ...this.profileCondition(ref) } },
      { ConditionCheck: { TableName: this.tableName, Key: { sid: ref.sid }, ...this.sessionCondition(ref, now) } },
    ];
  }

  /** The session and its user's profile (without the hash), strongly consistent, in one round trip. */
  async readWithProfile(sid: string, username: string): Promise<{ session?: StoredSession; profile?: SessionProfile }> {
    const { session, profile } = await this.batchGet(sid, username, PROFILE_FOR_SESSION);
    return { session: session && toSession(session), profile: profile && toProfile(profile) };
  }

  /**
   * Writes the family's next state if nobody else rotated since `read` (its `rev`). False when
   * another rotation won the race; nothing is written then.
   */
  async advance(read: StoredSession, next: Pick<StoredSession, 'live' | 'used' | 'lastUsedAt' | 'graceSpent'>): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { sid: read.sid },
          UpdateExpression: 'SET live = :live, used = :used, lastUsedAt = :lastUsedAt, graceSpent = :graceSpent, rev = :next',
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: { ':live': next.live, ':used': next.used, ':lastUsedAt': next.lastUsedAt, ':graceSpent': next.graceSpent, ':rev': read.rev, ':next': read.rev + 1 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Ends a session (refresh-token reuse): its item goes, and with it every JWT naming it. */
  async end(sid: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { sid } }));
  }

  /**
   * Logout: ends the JWT's own session, and with `all` every session of the user (the profile's
   * session epoch moves on), in one transaction that first checks the session is still alive.
   */
  async logout(ref: SessionRef, all: boolean, now: Date = new Date()): Promise<void> {
    const profile = { TableName: this.usersTableName, Key: { username: usernameKey(ref.username) }, ...this.profileCondition(ref) };
    const first: TransactItem = all
      ? {
          Update: {
            ...profile,
            UpdateExpression: 'SET sessionEpoch = :nextEpoch',
            ExpressionAttributeValues: { ...profile.ExpressionAttributeValues, ':nextEpoch': ref.sessionEpoch + 1 },
          },
        }
      : { ConditionCheck: profile };
    await this.transact([first, { Delete: { TableName: this.tableName, Key: { sid: ref.sid }, ...this.sessionCondition(ref, now) } }]);
  }

  /**
   * Runs a transaction whose first two items are the session guard (activeConditions or logout's):
   * if either fails, the session is not alive (InvalidSessionError). Conflicts with a concurrent
   * transaction are retried with jittered back-off.
   */
  async transact(items: TransactItem[], onOtherConditionFailed: (failedIndex: number) => Error = () => new Error('transaction condition failed')): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed') {
          throw new InvalidSessionError('the session has ended or does not match the stored user', { cause: error, refusal: 'session_ended' });
        }
        if (codes.includes('ConditionalCheckFailed')) throw onOtherConditionFailed(codes.indexOf('ConditionalCheckFailed'));
        if (codes.includes('TransactionConflict') && attempt < MAX_CONFLICT_RETRIES) {
          await sleep(Math.random() * 20 * 2 ** attempt);
          continue;
        }
        throw error;
      }
    }
  }

  private sessionCondition(ref: Pick<SessionRef, 'userId'>, now: Date) {
    return { ConditionExpression: 'userId = :userId AND expiresAt > :now', ExpressionAttributeValues: { ':userId': ref.userId, ':now': epochSeconds(now) } };
  }

  private profileCondition(ref: Pick<SessionRef, 'userId' | 'passwordVersion' | 'sessionEpoch'>) {
    // A profile that never logged out everywhere has no sessionEpoch: it counts as 0.
    const epoch = ref.sessionEpoch === 0 ? '(attribute_not_exists(sessionEpoch) OR sessionEpoch = :sessionEpoch)' : 'sessionEpoch = :sessionEpoch';
    return {
      ConditionExpression: `id = :userId AND passwordVersion = :passwordVersion AND ${epoch}`,
      ExpressionAttributeValues: { ':userId': ref.userId, ':passwordVersion': ref.passwordVersion, ':sessionEpoch': ref.sessionEpoch },
    };
  }

  private async batchGet(sid: string, username: string, profileAttributes: readonly string[], sessionAttributes?: readonly string[]) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: true; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }> | undefined = {
      [this.usersTableName]: { Keys: [{ username: usernameKey(username) }], ConsistentRead: true, ...projection(profileAttributes) },
      [this.tableName]: { Keys: [{ sid }], ConsistentRead: true, ...(sessionAttributes ? projection(sessionAttributes) : {}) },
    };
    let profile: Record<string, unknown> | undefined;
    let session: Record<string, unknown> | undefined;
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.random() * 10 * 2 ** Math.min(attempt, 5));
      const { Responses, UnprocessedKeys } = await this.client.send(new BatchGetCommand({ RequestItems: request }));
      profile ??= Responses?.[this.usersTableName]?.[0];
      session ??= Responses?.[this.tableName]?.[0];
      request = UnprocessedKeys as typeof request;
      if (attempt >= MAX_CONFLICT_RETRIES && request && Object.keys(request).length > 0) throw new Error('BatchGetItem left keys unprocessed after retries');
    }
    return { profile, session };
  }
}

const MAX_CONFLICT_RETRIES = 6;
