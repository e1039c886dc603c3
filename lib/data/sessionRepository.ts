/**
 * Sessions: one item per session in the sessions table (why there: see table.ts). A session is
 * alive while its item exists, has not reached `expiresAt`, and its user's profile still has the
 * password version and session epoch the session began under — so a password change or "log out
 * everywhere" ends every session with one write to the profile, and ending one session is one
 * DeleteItem.
 *
 * The item also holds the refresh-token family: `live` (the HMAC of the one token that may be used),
 * `used` (HMACs of the last USED_KEPT tokens already used, newest last), `lastUsedAt` (ms of the
 * last activity: the idle timeout and the grace count from it) and `rev`, which every rotation
 * advances under a condition, so two rotations of one read can never both commit.
 */
import { BatchGetCommand, DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthenticationMethods } from '../auth/jwt';
import { InvalidSessionError } from '../errors';
import { projection, type TransactItem, writeIf } from './dynamo';
import { usernameKey } from './table';
import { publicUserOf, type PublicUser } from './userRepository';
import { epochSeconds } from '../time';
import { Transaction, type TransactionPart } from './transaction';

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
  /**
   * Epoch ms of the session's last activity: its start, then each rotation (the idle timeout and
   * the grace count from it). Absent on sessions stored before the idle timeout existed.
   */
  lastUsedAt?: number;
  rev: number;
  /** How the session began (RFC 8176 `amr`), so refreshed JWTs say the same; absent = password only. */
  amr?: AuthenticationMethods;
}

/** Used tokens remembered for reuse detection; an older one is merely unknown (401, session kept). */
export const USED_KEPT = 20;

/** What a refresh reads of the profile (infra/stack.ts grants exactly these). */
export const PROFILE_FOR_SESSION = ['id', 'username', 'displayUsername', 'email', 'firstname', 'lastname', 'created', 'passwordVersion', 'sessionEpoch', 'passwordExpiration'] as const;
const PROFILE_FOR_CHECK = ['id', 'passwordVersion', 'sessionEpoch'] as const;
const SESSION_FOR_CHECK = ['userId', 'expiresAt'] as const;
/** What the session check reads of each table (a function that only checks sessions may read only these). */
export const SESSION_CHECK_ATTRIBUTES = { profile: PROFILE_FOR_CHECK, session: SESSION_FOR_CHECK } as const;

const sessionEnded = () => new InvalidSessionError('the session has ended or does not match the stored user', { refusal: 'session_ended' });

/** True when the profile is the session's user with the versions the session began under. */
export function profileMatches(profile: Pick<PublicUser, 'id' | 'passwordVersion' | 'sessionEpoch'> | undefined, ref: Omit<SessionRef, 'sid' | 'username'>): boolean {
  return profile !== undefined && profile.id === ref.userId && profile.passwordVersion === ref.passwordVersion && profile.sessionEpoch === ref.sessionEpoch;
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

  /** The Put that starts a session: a part of the success write (lib/services/successWrite.ts). */
  startPart(session: StoredSession): TransactionPart {
    return {
      name: 'session',
      item: { Put: { TableName: this.tableName, Item: { ...session }, ConditionExpression: 'attribute_not_exists(sid)' } },
      onConditionFailed: () => new Error('session id collision'),
    };
  }

  /**
   * Is this JWT's session still alive? The profile and the session in one strongly consistent
   * BatchGetItem: one round trip, the same as the profile read it replaces.
   */
  async isActive(ref: SessionRef, now: Date = new Date()): Promise<boolean> {
    const { profile, session } = await this.batchGet(ref.sid, ref.username, PROFILE_FOR_CHECK, SESSION_FOR_CHECK);
    return profileMatches(profile && publicUserOf(profile), ref) && session?.userId === ref.userId && Number(session.expiresAt) > epochSeconds(now);
  }

  /**
   * The same check as two ConditionChecks, for a route's own transaction (no extra round trip):
   * either failing means the session is not alive (InvalidSessionError).
   */
  activeConditions(ref: SessionRef, now: Date = new Date()): TransactionPart[] {
    return [
      { name: 'session.profile', item: { ConditionCheck: { TableName: this.usersTableName, Key: { username: usernameKey(ref.username) }, ...this.profileCondition(ref) } }, onConditionFailed: sessionEnded },
      { name: 'session.item', item: { ConditionCheck: { TableName: this.tableName, Key: { sid: ref.sid }, ...this.sessionCondition(ref, now) } }, onConditionFailed: sessionEnded },
    ];
  }

  /** The session and its user's profile (without the hash), strongly consistent, in one round trip. */
  async readWithProfile(sid: string, username: string): Promise<{ session?: StoredSession; profile?: PublicUser }> {
    const { session, profile } = await this.batchGet(sid, username, PROFILE_FOR_SESSION);
    return { session: session && toSession(session), profile: profile && publicUserOf(profile) };
  }

  /**
   * Writes the family's next state if nobody else rotated since `read` (its `rev`) and the session
   * was active after `idleCutoffMs` (the idle timeout, enforced by this condition: no extra round
   * trip). False when either does not hold; nothing is written then.
   */
  async advance(read: StoredSession, next: Pick<StoredSession, 'live' | 'used'> & { lastUsedAt: number }, idleCutoffMs: number): Promise<boolean> {
    return writeIf(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { sid: read.sid },
          UpdateExpression: 'SET live = :live, used = :used, lastUsedAt = :lastUsedAt, rev = :next REMOVE graceSpent',
          // Sessions stored before the idle timeout have no lastUsedAt: their absolute end still applies.
          ConditionExpression: 'rev = :rev AND (lastUsedAt > :idleCutoff OR attribute_not_exists(lastUsedAt))',
          ExpressionAttributeValues: { ':live': next.live, ':used': next.used, ':lastUsedAt': next.lastUsedAt, ':rev': read.rev, ':next': read.rev + 1, ':idleCutoff': idleCutoffMs },
        }),
      ),
    );
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
    const guard = all
      ? {
          Update: {
            ...profile,
            UpdateExpression: 'SET sessionEpoch = :nextEpoch',
            ExpressionAttributeValues: { ...profile.ExpressionAttributeValues, ':nextEpoch': ref.sessionEpoch + 1 },
          },
        }
      : { ConditionCheck: profile };
    await new Transaction(this.client)
      .add(
        { name: 'session.profile', item: guard, onConditionFailed: sessionEnded },
        { name: 'session.item', item: { Delete: { TableName: this.tableName, Key: { sid: ref.sid }, ...this.sessionCondition(ref, now) } }, onConditionFailed: sessionEnded },
      )
      .commit();
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
