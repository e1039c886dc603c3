/**
 * The DynamoDB tables, defined once: the local bootstrap creates them from this and the CDK stack
 * declares them from this, so key schemas cannot drift between the two.
 *
 * | table          | partition key          | sort key         | items                                          |
 * |----------------|------------------------|------------------|------------------------------------------------|
 * | users          | `username` (lower-case)| —                | profile, bcrypt hash, password version/expiry  |
 * | authHeaders    | `pk` = `USER#<userId>` | `sk` = `HEADER#<hash>` | owner's copy: id, name, created, encrypted token, expiresAt?, lastUsed? |
 * |                | `pk` = `USER#<userId>` | `sk` = `COUNTER` | `headerCount`: how many headers the user holds |
 * |                | `pk` = `TOKEN#<hash>`  | `sk` = `TOKEN`   | lookup: owner (userId, username), header id, expiresAt?; a rolled-away token's also retiresAt and TTL `purgeAt` |
 * | loginThrottle  | `key`                  | —                | failure counters, lock-out end, TTL `expiresAt`|
 * | sessions       | `sid`                  | —                | owner, versions, refresh-token hashes, TTL `expiresAt` |
 *
 * `<hash>` is HMAC-SHA256 of the token under a server key. A user's key is `usernameKey(username)`,
 * so usernames are unique regardless of case; the item's `displayUsername` keeps the username as
 * created (see docs/deploy.md, "Usernames regardless of case" for tables written before). Why this shape:
 * - three tables, so IAM can say what each function may touch: login reads users and writes only
 *   throttle counters; the auth-header functions write only auth headers and merely read/check users;
 * - a token is found with one strongly consistent GetItem on `TOKEN#<hash>` (the API-key hot path);
 * - a user's list is one Query on `USER#<userId>` (plus the profile read that re-checks the session);
 * - add and delete write the header item and its lookup item in one transaction, conditioned on the
 *   user's profile, so neither is ever left without the other; the same transaction moves the
 *   user's counter, conditioned on the cap, so parallel adds cannot exceed it;
 * - `lastUsed` lives on the owner's copy, so the list's one Query returns it;
 * - a roll's old lookup item carries `purgeAt` (epoch seconds of its `retiresAt`), the table's TTL
 *   attribute, so rolled-away tokens do not pile up; nothing else expires by TTL (an expired key
 *   stays in its owner's list until deleted, as GitHub shows expired tokens).
 *
 * Sessions have a table of their own, keyed by the session id alone (the JWT's `sid`), because:
 * - a JWT route finds its session with the key it already holds, in the same round trip as the
 *   profile (one BatchGetItem, or two ConditionChecks inside the route's own transaction);
 * - a refresh token carries its session id and its user's name, so a rotation is one strongly
 *   consistent BatchGetItem (session + profile) and one conditional UpdateItem;
 * - ending every session of a user (password change, logout `all`) bumps a counter on the profile
 *   (`passwordVersion` or `sessionEpoch`) that each session recorded when it began: O(1) whatever
 *   the number of sessions, so no index by user is needed;
 * - its own IAM grants: only login, password change, refresh and logout write it; TTL (`expiresAt`,
 *   the absolute end of the session) removes what has expired.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface TableDefinition {
  /** Environment variable holding the table's name at run time. */
  readonly envVar: string;
  /** Suffix of the local table name (`<prefix>-<suffix>`). */
  readonly localSuffix: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Epoch-seconds attribute DynamoDB TTL expires items by. */
  readonly timeToLiveAttribute?: string;
}

export const TABLES = {
  users: { envVar: 'USERS_TABLE', localSuffix: 'users', partitionKey: 'username' },
  authHeaders: { envVar: 'AUTH_HEADERS_TABLE', localSuffix: 'auth-headers', partitionKey: 'pk', sortKey: 'sk', timeToLiveAttribute: 'purgeAt' },
  loginThrottle: { envVar: 'LOGIN_THROTTLE_TABLE', localSuffix: 'login-throttle', partitionKey: 'key', timeToLiveAttribute: 'expiresAt' },
  sessions: { envVar: 'SESSIONS_TABLE', localSuffix: 'sessions', partitionKey: 'sid', timeToLiveAttribute: 'expiresAt' },
} as const satisfies Record<string, TableDefinition>;

export type TableId = keyof typeof TABLES;

/**
 * The users table key for a username as typed: ASCII letters lower-cased, nothing else changed.
 * Usernames are ASCII (lib/services/userService.ts), and ASCII-only folding means no other
 * character (the Kelvin sign, a dotted capital I ...) can fold into an existing username.
 */
export function usernameKey(username: string): string {
  return username.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

export const authHeaderKeys = {
  userPartition: (userId: string) => `USER#${userId}`,
  header: (userId: string, tokenHash: string) => ({ pk: `USER#${userId}`, sk: `HEADER#${tokenHash}` }),
  headerPrefix: 'HEADER#',
  counter: (userId: string) => ({ pk: `USER#${userId}`, sk: 'COUNTER' }),
  token: (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
};

/** CreateTable input (on-demand, the same keys as the deployed table). */
export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keys.map((name, index) => ({ AttributeName: name, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
  };
}
