/**
 * Users: one item per username in the users table (see table.ts), keyed by the username's
 * case-insensitive form (`usernameKey`), so `John.Doe` cannot be created beside `john.doe` and every
 * lookup accepts any case. The username as created is kept in `displayUsername` and is what
 * `UserRecord.username` holds (login's `Username`, the JWT's `username` claim). Reads are strongly
 * consistent so a password change or a deletion takes effect on the very next request.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError, InvalidCredentialsError, UsernameTakenError, UserNotFoundError } from '../errors';
import { projection, scanAll, writeIf } from './dynamo';
import { usernameKey } from './table';
import { Transaction, type TransactionPart } from './transaction';

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  /** RFC 3339 UTC. */
  created: string;
  passwordHash: string;
  /** Incremented on every password change; session JWTs carry the version they were issued under. */
  passwordVersion: number;
  /** RFC 3339 UTC; absent when the password never expires (PASSWORD_MAX_AGE_DAYS=0, or set so by an administrator). */
  passwordExpiration?: string;
  /** Moved on by "log out everywhere"; sessions record the epoch they began in (absent = 0). */
  sessionEpoch: number;
  /** The sealed TOTP secret when MFA is on (lib/data/mfaRepository.ts); login needs it. */
  totpSecret?: string;
}

/** A user as anyone but the password check sees them: never the hash, never the TOTP secret. */
export type PublicUser = Omit<UserRecord, 'passwordHash' | 'totpSecret'>;

const USER_FIELDS = ['id', 'username', 'email', 'firstname', 'lastname', 'created', 'passwordHash', 'passwordVersion', 'passwordExpiration', 'sessionEpoch'] as const;

/** What a profile read returns; the login role's IAM policy allows exactly these attributes. */
export const PROFILE_ATTRIBUTES = [...USER_FIELDS, 'displayUsername', 'totpSecret'] as const;

/** What the authorizer reads to check a credential still belongs to this user (its IAM policy allows only these). */
export const IDENTITY_ATTRIBUTES = ['id', 'passwordVersion'] as const;
export type UserIdentity = Pick<UserRecord, (typeof IDENTITY_ATTRIBUTES)[number]>;

/** What GET /user/me answers with (its IAM policy allows only these). */
export const PUBLIC_PROFILE_ATTRIBUTES = ['id', 'username', 'displayUsername', 'email', 'firstname', 'lastname', 'passwordExpiration', 'mfaEnabled'] as const;
export type PublicProfile = Pick<UserRecord, 'id' | 'username' | 'email' | 'firstname' | 'lastname' | 'passwordExpiration'> & { mfaEnabled: boolean };

function toUser(item: Record<string, unknown>): UserRecord {
  const user = {} as Record<string, unknown>;
  for (const name of USER_FIELDS) user[name] = item[name];
  // Items written before usernames were case-insensitive have no displayUsername (docs/deploy.md, "Usernames regardless of case").
  if (typeof item.displayUsername === 'string') user.username = item.displayUsername;
  // Absent on profiles that never logged out everywhere.
  user.sessionEpoch = Number(item.sessionEpoch ?? 0);
  if (typeof item.totpSecret === 'string') user.totpSecret = item.totpSecret;
  return user as unknown as UserRecord;
}

/** A stored user item (or a projection of it without the hash) as a PublicUser. */
export function publicUserOf(item: Record<string, unknown>): PublicUser {
  const { passwordHash: _hash, totpSecret: _secret, ...user } = toUser(item);
  return user;
}

/** A new password for a user whose password version was `fromVersion` when it was checked. */
export interface PasswordChange {
  passwordHash: string;
  /** Absent: the new password never expires. */
  passwordExpiration?: string;
  fromVersion: number;
}

/** One change to a user's profile item (see UserRepository.changePart); placeholders must be unique across changes. */
export interface UserChange {
  readonly name: string;
  /** SET clauses, without the keyword. */
  readonly set?: string;
  /** DELETE clauses (elements out of a set, e.g. a used recovery code), without the keyword. */
  readonly delete?: string;
  readonly condition?: string;
  readonly values: Record<string, unknown>;
  readonly onConditionFailed: () => Error;
}

/**
 * The bcrypt rehash of a password just proven right: the hash moves to the configured cost, on
 * condition that it is still the one checked. The password is unchanged, so the version (and every
 * session) stays. Should the hash have changed meanwhile, the login answers as a wrong password
 * would: the one proven is no longer the user's.
 */
export function rehashChange(checkedHash: string, newHash: string): UserChange {
  return {
    name: 'rehash',
    set: 'passwordHash = :rehashNew',
    condition: 'passwordHash = :rehashChecked',
    values: { ':rehashNew': newHash, ':rehashChecked': checkedHash },
    onConditionFailed: () => new InvalidCredentialsError(),
  };
}

/** `SET a, b REMOVE c DELETE d`, empty clauses left out. */
function updateExpression(set: readonly string[], remove: readonly string[], deleted: readonly string[]): string {
  const clause = (keyword: string, actions: readonly string[]) => (actions.length > 0 ? [`${keyword} ${actions.join(', ')}`] : []);
  return [...clause('SET', set), ...clause('REMOVE', remove), ...clause('DELETE', deleted)].join(' ');
}

/** The stored item of a user: the key in its case-insensitive form, the username as created beside it. */
function toItem(user: UserRecord): Record<string, unknown> {
  return { ...user, username: usernameKey(user.username), displayUsername: user.username };
}

export class UserRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { username: usernameKey(username) },
        ConsistentRead: true,
        // Named attributes only: the login role's IAM policy allows no others (dynamodb:Attributes).
        ...projection(PROFILE_ATTRIBUTES),
      }),
    );
    return Item ? toUser(Item) : undefined;
  }

  /** The user's id and password version (strongly consistent): is this credential still theirs? */
  async findIdentity(username: string): Promise<UserIdentity | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { username: usernameKey(username) }, ConsistentRead: true, ...projection(IDENTITY_ATTRIBUTES) }));
    return Item ? { id: String(Item.id), passwordVersion: Number(Item.passwordVersion) } : undefined;
  }

  /** The profile a user may see of themselves: no hash, no password version. */
  async findPublicProfile(username: string): Promise<PublicProfile | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { username: usernameKey(username) }, ConsistentRead: true, ...projection(PUBLIC_PROFILE_ATTRIBUTES) }));
    if (!Item) return undefined;
    const { id, email, firstname, lastname, passwordExpiration } = toUser(Item);
    return { id, username: toUser(Item).username, email, firstname, lastname, passwordExpiration, mfaEnabled: Item.mfaEnabled === true };
  }

  /** Creates a user; a username taken in any case is a 409. */
  async create(user: UserRecord): Promise<void> {
    const created = await writeIf(this.client.send(new PutCommand({ TableName: this.tableName, Item: toItem(user), ConditionExpression: 'attribute_not_exists(username)' })));
    if (!created) throw new UsernameTakenError();
  }

  /**
   * Sets a new password hash and expiration and bumps the version, which ends every session of the
   * user (JWTs and refresh tokens). Conditioned on the version read before: a concurrent change or
   * deletion makes this one fail instead of silently winning. `alsoWrite` (the success write's other
   * parts: the session the change starts, the throttle's settling) commits in the same transaction or
   * not at all.
   */
  async setPassword(username: string, change: PasswordChange, alsoWrite: { parts?: readonly TransactionPart[]; userChanges?: readonly UserChange[] } = {}): Promise<void> {
    const expires = change.passwordExpiration !== undefined;
    const userChanges = alsoWrite.userChanges ?? [];
    const conditions = ['passwordVersion = :from', ...userChanges.flatMap((extra) => (extra.condition ? [`(${extra.condition})`] : []))];
    const update = {
      TableName: this.tableName,
      Key: { username: usernameKey(username) },
      UpdateExpression: updateExpression(
        ['passwordHash = :hash', 'passwordVersion = :next', ...(expires ? ['passwordExpiration = :expiration'] : []), ...userChanges.flatMap((extra) => (extra.set ? [extra.set] : []))],
        expires ? [] : ['passwordExpiration'],
        userChanges.flatMap((extra) => (extra.delete ? [extra.delete] : [])),
      ),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeValues: Object.assign(
        { ':hash': change.passwordHash, ':from': change.fromVersion, ':next': change.fromVersion + 1, ...(expires ? { ':expiration': change.passwordExpiration } : {}) },
        ...userChanges.map((extra) => extra.values),
      ),
    };
    const changedMeanwhile = (cause?: unknown) => new ConflictError('the password was changed (or the user deleted) meanwhile; try again', { cause });
    if ((alsoWrite.parts ?? []).length > 0 || userChanges.length > 0) {
      await new Transaction(this.client).add({ name: 'password', item: { Update: update }, onConditionFailed: changedMeanwhile }, ...(alsoWrite.parts ?? [])).commit();
      return;
    }
    if (!(await writeIf(this.client.send(new UpdateCommand(update))))) throw changedMeanwhile();
  }

  /**
   * The user's profile item as one transaction part, from changes that may come from different
   * places (DynamoDB allows one operation per item in a transaction): SET clauses joined,
   * conditions ANDed. A failed condition is the first change's error.
   */
  changePart(username: string, changes: readonly UserChange[]): TransactionPart {
    const conditions = changes.flatMap((change) => (change.condition ? [`(${change.condition})`] : []));
    return {
      name: changes.map((change) => change.name).join('+'),
      item: {
        Update: {
          TableName: this.tableName,
          Key: { username: usernameKey(username) },
          UpdateExpression: updateExpression(
            changes.flatMap((change) => (change.set ? [change.set] : [])),
            [],
            changes.flatMap((change) => (change.delete ? [change.delete] : [])),
          ),
          ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeValues: Object.assign({}, ...changes.map((change) => change.values)),
        },
      },
      onConditionFailed: (changes[0] as UserChange).onConditionFailed,
    };
  }

  /** All users, without their hashes (admin CLI; a full scan, not for request paths). */
  async list(): Promise<PublicUser[]> {
    const items = await scanAll(this.client, { TableName: this.tableName });
    return items.map(publicUserOf).sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * Deletes a user's profile and answers their id. From then on their sessions and listings stop,
   * no add can count a new header (adds are conditioned on the profile), and the authorizer refuses
   * their keys (it checks the profile's id); AuthHeaderRepository.deleteAllOf removes the keys.
   */
  async delete(username: string): Promise<string> {
    const { Attributes: deleted } = await this.client
      .send(new DeleteCommand({ TableName: this.tableName, Key: { username: usernameKey(username) }, ConditionExpression: 'attribute_exists(username)', ReturnValues: 'ALL_OLD' }))
      .catch((error: unknown) => {
        throw error instanceof ConditionalCheckFailedException ? new UserNotFoundError(undefined, { cause: error }) : error;
      });
    return String(deleted?.id);
  }
}
