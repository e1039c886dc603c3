/**
 * Auth headers (API keys). Each lives as two items written and removed together in one
 * transaction: the owner's copy under `USER#<userId>` (listing) and the lookup item under
 * `TOKEN#<hash>` (finding a token with one strongly consistent GetItem). Every write is also
 * conditioned on the caller's session still being alive (SessionRepository.activeConditions: the
 * profile's user id, password version and session epoch, and the session item), inside the same
 * transaction; a listing reads the same in parallel with its Query. So a deleted user, a session
 * from before a password change, or a logged-out session writes and reads nothing.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidSessionError } from '../errors';
import type { SessionRef, SessionRepository } from './sessionRepository';
import { authHeaderKeys as keys } from './table';

/** Who is acting: the verified session's user (and session). */
export type Owner = SessionRef;

export interface StoredAuthHeader {
  id: string;
  name: string;
  created: string;
  tokenHash: string;
  /** AES-256-GCM ciphertext of the token (see lib/auth/tokens.ts). */
  tokenCiphertext: string;
}

export interface TokenOwner {
  userId: string;
  username: string;
  headerId: string;
}

/** No such token for this owner (absent, or someone else's — deliberately indistinguishable). */
export class AuthHeaderNotFoundError extends Error {
  override name = 'AuthHeaderNotFoundError';
}

export class AuthHeaderRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sessions: SessionRepository,
  ) {}

  async add(owner: Owner, header: StoredAuthHeader): Promise<void> {
    const { tokenHash, ...attributes } = header;
    await this.sessions.transact(
      [
        ...this.sessions.activeConditions(owner),
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.header(owner.userId, tokenHash), ...attributes, userId: owner.userId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.token(tokenHash), userId: owner.userId, username: owner.username, headerId: header.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      () => new Error('token hash collision'),
    );
  }

  /**
   * The owner's headers, oldest first: one Query (paged only past 1 MB), with the session check
   * (profile + session, one BatchGetItem) issued alongside it.
   */
  async listByOwner(owner: Owner): Promise<StoredAuthHeader[]> {
    const [active, headers] = await Promise.all([this.sessions.isActive(owner), this.queryHeaders(owner.userId)]);
    if (!active) throw new InvalidSessionError('the session has ended or does not match the stored user');
    return headers.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  }

  private async queryHeaders(userId: string): Promise<StoredAuthHeader[]> {
    const headers: StoredAuthHeader[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        headers.push({
          id: item.id,
          name: item.name,
          created: item.created,
          tokenHash: String(item.sk).slice(keys.headerPrefix.length),
          tokenCiphertext: item.tokenCiphertext,
        });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return headers;
  }

  /** Deletes the owner's header with this token hash; someone else's or a missing one changes nothing. */
  async deleteByTokenHash(owner: Owner, tokenHash: string): Promise<void> {
    await this.sessions.transact(
      [
        ...this.sessions.activeConditions(owner),
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.token(tokenHash),
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': owner.userId },
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.header(owner.userId, tokenHash),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ],
      () => new AuthHeaderNotFoundError('no such auth header for this user'),
    );
  }

  /** Who owns a token: one strongly consistent GetItem (the API-key check hot path). */
  async findOwnerByTokenHash(tokenHash: string): Promise<TokenOwner | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.token(tokenHash), ConsistentRead: true }));
    return Item ? { userId: Item.userId, username: Item.username, headerId: Item.headerId } : undefined;
  }
}
