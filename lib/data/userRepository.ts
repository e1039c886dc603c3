/**
 * Users: one item per username in the users table (see table.ts). Reads are strongly consistent so
 * a password change or a deletion takes effect on the very next request.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConflictError, UserNotFoundError, UsernameTakenError } from '../errors';
import { authHeaderKeys } from './table';

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
}

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

/** What a profile read returns; the login role's IAM policy allows exactly these attributes. */
export const PROFILE_ATTRIBUTES = ['id', 'username', 'email', 'firstname', 'lastname', 'created', 'passwordHash', 'passwordVersion', 'passwordExpiration', 'sessionEpoch'] as const;

function toUser(item: Record<string, unknown>): UserRecord {
  const user = {} as Record<string, unknown>;
  for (const name of PROFILE_ATTRIBUTES) user[name] = item[name];
  user.sessionEpoch = Number(item.sessionEpoch ?? 0);
  return user as unknown as UserRecord;
}

/** A new password for a user whose password version was `fromVersion` when it was checked. */
export interface PasswordChange {
  passwordHash: string;
  passwordExpiration: string;
  fromVersion: number;
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
        Key: { username },
        ConsistentRead: true,
        // Named attributes only: the login role's IAM policy allows no others (dynamodb:Attributes).
        ProjectionExpression: PROFILE_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(PROFILE_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
      }),
    );
    return Item ? toUser(Item) : undefined;
  }

  /** Creates a user; a taken username is a 409. */
  async create(user: UserRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: user,
          ConditionExpression: 'attribute_not_exists(username)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UsernameTakenError(`username "${user.username}" is already taken`, { cause: error });
      throw error;
    }
  }

  /**
   * Sets a new password hash and expiration and bumps the version, which ends every session of the
   * user (JWTs and refresh tokens). Conditioned on the version read before: a concurrent change or
   * deletion makes this one fail instead of silently winning. `alsoWrite` (the session the change
   * starts) commits in the same transaction or not at all.
   */
  async setPassword(username: string, change: PasswordChange, alsoWrite: TransactItem[] = []): Promise<void> {
    const update = {
      TableName: this.tableName,
      Key: { username },
      UpdateExpression: 'SET passwordHash = :hash, passwordExpiration = :expiration, passwordVersion = :next',
      ConditionExpression: 'passwordVersion = :from',
      ExpressionAttributeValues: { ':hash': change.passwordHash, ':expiration': change.passwordExpiration, ':from': change.fromVersion, ':next': change.fromVersion + 1 },
    };
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
        const { passwordHash: _hash, ...user } = toUser(item);
        users.push(user);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return users.sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * Deletes a user and every auth header they own. The profile goes first, so the user's sessions
   * and listings stop at once; then each header and its token item are removed together in
   * transactions. Should that be interrupted, the leftovers sit under the old user id, which no
   * future user gets, and no session can reach them any more.
   */
  async delete(username: string): Promise<{ removedHeaders: number }> {
    let deleted: Record<string, unknown> | undefined;
    try {
      ({ Attributes: deleted } = await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { username }, ConditionExpression: 'attribute_exists(username)', ReturnValues: 'ALL_OLD' }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UserNotFoundError(`no user "${username}"`, { cause: error });
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
    return { removedHeaders };
  }
}
