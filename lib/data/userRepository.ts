/**
 * Users: one item per username in the users table (see table.ts), keyed by the username's
 * case-insensitive form (`usernameKey`), so `John.Doe` cannot be created beside `john.doe` and every
 * lookup accepts any case. The username as created is kept in `displayUsername` and is what
 * `UserRecord.username` holds (login's `Username`, the JWT's `username` claim). Reads are strongly
 * consistent so a password change or a deletion takes effect on the very next request.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConflictError, UsernameTakenError, UserNotFoundError } from '../errors';
import { type ProfileUpdatePart, withProfilePart } from './profileUpdate';
import { authHeaderKeys, usernameKey } from './table';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

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
  /** RFC 3339 UTC. */
  passwordExpiration: string;
  /** Moved on by "log out everywhere"; sessions record the epoch they began in (absent = 0). */
  sessionEpoch: number;
  /** The sealed TOTP secret when MFA is on (lib/data/mfaRepository.ts); login needs it. */
  totpSecret?: string;
}

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

/** A projected GetItem's expression for exactly these attribute names. */
function projection(names: readonly string[]) {
  return {
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
  };
}

function toUser(item: Record<string, unknown>): UserRecord {
  const user = {} as Record<string, unknown>;
  for (const name of USER_FIELDS) user[name] = item[name];
  // Items written before usernames were case-insensitive have no displayUsername (docs/username-case.md).
  if (typeof item.displayUsername === 'string') user.username = item.displayUsername;
  // Absent on profiles that never logged out everywhere.
  user.sessionEpoch = Number(item.sessionEpoch ?? 0);
  if (typeof item.totpSecret === 'string') user.totpSecret = item.totpSecret;
  return user as unknown as UserRecord;
}

/** A new password for a user whose password version was `fromVersion` when it was checked. */
export interface PasswordChange {
  passwordHash: string;
  passwordExpiration: string;
  fromVersion: number;
}

/** The stored item of a user: the key in its case-insensitive form, the username as created beside it. */
function toItem(user: UserRecord): Record<string, unknown> {
  return { ...user, username: usernameKey(user.username), displayUsername: user.username };
}

export class UserRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Needed only to delete a user's auth headers along with the user (admin CLI). */
    private readonly authHeadersTableName?: string,
  ) {}

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { username: usernameKey(username) },
        ConsistentRead: true,
        // Named attributes only: the login role's IAM policy allows no others (dynamodb:Attributes).
        ProjectionExpression: PROFILE_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(PROFILE_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
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
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(user),
          ConditionExpression: 'attribute_not_exists(username)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UsernameTakenError(undefined, { cause: error });
      throw error;
    }
  }

  /**
   * Sets a new password hash and expiration and bumps the version, which ends every session of the
   * user (JWTs and refresh tokens). Conditioned on the version read before: a concurrent change or
   * deletion makes this one fail instead of silently winning. `alsoWrite` (the session the change
   * starts) commits in the same transaction or not at all.
   */
  async setPassword(username: string, change: PasswordChange, alsoWrite: TransactItem[] = [], alsoUpdate?: ProfileUpdatePart): Promise<void> {
    const update = withProfilePart({
      TableName: this.tableName,
      Key: { username: usernameKey(username) },
      UpdateExpression: 'SET passwordHash = :hash, passwordExpiration = :expiration, passwordVersion = :next',
      ConditionExpression: 'passwordVersion = :from',
      ExpressionAttributeValues: { ':hash': change.passwordHash, ':expiration': change.passwordExpiration, ':from': change.fromVersion, ':next': change.fromVersion + 1 } as Record<string, unknown>,
    }, alsoUpdate);
    const changedMeanwhile = (cause: unknown) => new ConflictError('the password was changed (or the user deleted) meanwhile; try again', { cause });
    try {
      if (alsoWrite.length === 0) await this.client.send(new UpdateCommand(update));
      else await this.client.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...alsoWrite] }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw changedMeanwhile(error);
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw changedMeanwhile(error);
      throw error;
    }
  }

  /** All users, without their hashes (admin CLI; a full scan, not for request paths). */
  async list(): Promise<PublicUser[]> {
    const users: PublicUser[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) {
        const { passwordHash: _hash, totpSecret: _secret, ...user } = toUser(item);
        users.push(user);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return users.sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * Deletes a user and every auth header they own. The profile goes first, so the user's sessions
   * and listings stop at once, and no add can count a new header any more (adds are conditioned
   * on the profile); then each header and its token item are removed together in transactions, and
   * the header counter last. Should that be interrupted, the leftovers sit under the old user id,
   * which no future user gets, and the authorizer refuses their keys (it checks the profile's id).
   */
  async delete(username: string): Promise<{ removedHeaders: number }> {
    let deleted: Record<string, unknown> | undefined;
    try {
      ({ Attributes: deleted } = await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { username: usernameKey(username) }, ConditionExpression: 'attribute_exists(username)', ReturnValues: 'ALL_OLD' }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UserNotFoundError(undefined, { cause: error });
      throw error;
    }
    return this.deleteHeaders(String(deleted?.id));
  }

  private async deleteHeaders(userId: string): Promise<{ removedHeaders: number }> {
    const tableName = this.authHeadersTableName;
    if (!tableName) throw new Error('UserRepository needs the auth headers table to delete users');
    let removedHeaders = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :header)',
          ExpressionAttributeValues: { ':pk': authHeaderKeys.userPartition(userId), ':header': authHeaderKeys.headerPrefix },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      const items = page.Items ?? [];
      // 2 items per header, at most 100 items per transaction.
      for (let i = 0; i < items.length; i += 50) {
        const batch = items.slice(i, i + 50);
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: batch.flatMap((item) => {
              const tokenHash = String(item.sk).slice(authHeaderKeys.headerPrefix.length);
              return [
                { Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.sk } } },
                { Delete: { TableName: tableName, Key: authHeaderKeys.token(tokenHash) } },
              ];
            }),
          }),
        );
        removedHeaders += batch.length;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    await this.client.send(new DeleteCommand({ TableName: tableName, Key: authHeaderKeys.counter(userId) }));
    return { removedHeaders };
  }
}
