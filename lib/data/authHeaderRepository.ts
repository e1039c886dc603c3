/**
 * Auth headers (API keys). Each lives as two items written and removed together in one
 * transaction: the owner's copy under `USER#<userId>` (listing) and the lookup item under
 * `TOKEN#<hash>` (finding a token with one strongly consistent GetItem). Every write is also
 * conditioned on the caller's session still being alive (SessionRepository.activeConditions: the
 * profile's user id, password version and session epoch, and the session item), inside the same
 * transaction, and moves the user's header counter (`COUNTER`), so the cap holds under concurrency;
 * a listing reads the same session check in parallel with its Query. So a deleted user, a session
 * from before a password change, or a logged-out session writes and reads nothing.
 */
import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuthHeaderLimitError, AuthHeaderNotFoundError, StaleSessionError } from '../errors';
import type { SessionRef, SessionRepository } from './sessionRepository';
import { projection, queryAll, writeIf } from './dynamo';
import { authHeaderKeys as keys } from './table';
import { Transaction, transact, type TransactionPart } from './transaction';

/** Who is acting: the verified session (its user and session id). */
export type Owner = SessionRef;

export interface StoredAuthHeader {
  id: string;
  name: string;
  created: string;
  tokenHash: string;
  /** AES-256-GCM ciphertext of the token (see lib/auth/tokens.ts). */
  tokenCiphertext: string;
  /** RFC 3339 UTC; the key is refused from then on. */
  expiresAt?: string;
  /** RFC 3339 UTC; set by the authorizer (at most every few minutes), absent until first use. */
  lastUsed?: string;
  /** What the key may do, passed on by the authorizer; absent for a key without scopes. */
  scopes?: string[];
  /** Normalized CIDRs the key is accepted from; absent for any address. */
  allowedCidrs?: string[];
  /** After a roll: the lookup hash of the token it replaced, which works until its `retiresAt`. */
  previousTokenHash?: string;
  /** RFC 3339 UTC: when whoever held its token revoked it (POST /authheader/revoke); a roll clears it. */
  revokedAt?: string;
}

export interface TokenOwner {
  userId: string;
  username: string;
  headerId: string;
  expiresAt?: string;
  scopes?: string[];
  allowedCidrs?: string[];
  /** RFC 3339 UTC: a rolled-away token works until then (the roll's grace). */
  retiresAt?: string;
  /** RFC 3339 UTC: revoked by POST /authheader/revoke; refused from then on. */
  revokedAt?: string;
}

/** A token a revocation may revoke now, and what goes with it (AuthHeaderRepository.findRevocable). */
export interface Revocable {
  tokenHash: string;
  userId: string;
  headerId: string;
  /** The key's other token within a roll's grace (its successor, or its predecessor), revoked with it. */
  otherTokenHash?: string;
  /** The key's current token (the owner's copy is keyed by it). */
  currentTokenHash: string;
}

/** What findRevocable reads of a lookup item. */
export const REVOCATION_READ = ['userId', 'headerId', 'expiresAt', 'retiresAt', 'revokedAt', 'successorHash', 'previousTokenHash'];

/** The token hash an owner's copy is keyed by (`HEADER#<hash>`). */
const tokenHashOf = (item: Record<string, unknown>) => String(item.sk).slice(keys.headerPrefix.length);

export class AuthHeaderRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sessions: SessionRepository,
  ) {}

  /**
   * Stores a header and its lookup item, and counts it: the counter's update is conditioned on the
   * cap in the same transaction, so however many adds run at once the user never exceeds it.
   */
  async add(owner: Owner, header: Omit<StoredAuthHeader, 'lastUsed'>, maxHeaders: number): Promise<void> {
    const { tokenHash, ...attributes } = header;
    const collision = () => new Error('token hash collision');
    await new Transaction(this.client)
      .add(...this.sessions.activeConditions(owner), {
        name: 'headerCount',
        item: {
          Update: {
            TableName: this.tableName,
            Key: keys.counter(owner.userId),
            UpdateExpression: 'ADD headerCount :one',
            ConditionExpression: 'attribute_not_exists(headerCount) OR headerCount < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': maxHeaders },
          },
        },
        onConditionFailed: () => new AuthHeaderLimitError(`at most ${maxHeaders} auth headers per user`),
      })
      .add(
        {
          name: 'header',
          item: { Put: { TableName: this.tableName, Item: { ...keys.header(owner.userId, tokenHash), ...attributes, userId: owner.userId }, ConditionExpression: 'attribute_not_exists(pk)' } },
          onConditionFailed: collision,
        },
        {
          name: 'tokenLookup',
          item: {
            Put: {
              TableName: this.tableName,
              // What the authorizer needs, on the one item it reads (the client drops undefined attributes).
              Item: { ...keys.token(tokenHash), userId: owner.userId, username: owner.username, headerId: header.id, expiresAt: header.expiresAt, scopes: header.scopes, allowedCidrs: header.allowedCidrs },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: collision,
        },
      )
      .commit();
  }

  /**
   * The owner's headers, oldest first: one Query (paged only past 1 MB), with the session check
   * (profile + session, one BatchGetItem) issued alongside it.
   */
  async listByOwner(owner: Owner): Promise<StoredAuthHeader[]> {
    const [active, headers] = await Promise.all([this.sessions.isActive(owner), this.headersOf(owner.userId)]);
    if (!active) throw new StaleSessionError('the session has ended or does not match the stored user');
    return headers.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  }

  /** The owner's copy of every header of a user (strongly consistent). */
  private async queryHeaders(userId: string, projection?: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :header)',
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':header': keys.headerPrefix },
      ConsistentRead: true,
      ...(projection ? { ProjectionExpression: projection } : {}),
    });
  }

  private async headersOf(userId: string): Promise<StoredAuthHeader[]> {
    return (await this.queryHeaders(userId)).map((item) => ({
      id: String(item.id),
      name: String(item.name),
      created: String(item.created),
      tokenHash: tokenHashOf(item),
      tokenCiphertext: String(item.tokenCiphertext),
      expiresAt: item.expiresAt as string | undefined,
      lastUsed: item.lastUsed as string | undefined,
      scopes: item.scopes as string[] | undefined,
      allowedCidrs: item.allowedCidrs as string[] | undefined,
      previousTokenHash: item.previousTokenHash as string | undefined,
      revokedAt: item.revokedAt as string | undefined,
    }));
  }

  /**
   * Removes every auth header of a (deleted) user: each header and its token item together, in
   * transactions of 50 headers, then the counter. Answers how many headers it removed. Should it be
   * interrupted, the leftovers sit under the old user id, which no future user gets, and the
   * authorizer refuses their keys (it checks the profile's id); running it again finishes the job.
   */
  async deleteAllOf(userId: string): Promise<number> {
    const items = await this.queryHeaders(userId, 'pk, sk, previousTokenHash');
    // At most 3 items per header (with a rolled predecessor), at most 100 items per transaction.
    for (let i = 0; i < items.length; i += 33) {
      const TransactItems = items.slice(i, i + 33).flatMap((item) => [
        { Delete: { TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } } },
        { Delete: { TableName: this.tableName, Key: keys.token(tokenHashOf(item)) } },
        // A rolled predecessor still in its grace goes with its key.
        ...(typeof item.previousTokenHash === 'string' ? [{ Delete: { TableName: this.tableName, Key: keys.token(item.previousTokenHash) } }] : []),
      ]);
      await this.client.send(new TransactWriteCommand({ TransactItems }));
    }
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.counter(userId) }));
    return items.length;
  }

  /** A user's headers for the admin CLI (no session: the administrator acts on the table itself). */
  async listForAdmin(userId: string): Promise<StoredAuthHeader[]> {
    return (await this.headersOf(userId)).sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  }

  /**
   * Removes one of a user's headers for the admin CLI, with its lookup item, a rolled predecessor's
   * and its count, in one transaction conditioned on the header still being there with this id.
   * Answers false when it was not (deleted or rolled meanwhile).
   */
  async deleteForAdmin(userId: string, header: Pick<StoredAuthHeader, 'id' | 'tokenHash' | 'previousTokenHash'>): Promise<boolean> {
    const gone = await transact(this.client, [
      { name: 'header', item: { Delete: { TableName: this.tableName, Key: keys.header(userId, header.tokenHash), ConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': header.id } } } },
      { name: 'tokenLookup', item: { Delete: { TableName: this.tableName, Key: keys.token(header.tokenHash) } } },
      ...(header.previousTokenHash ? [{ name: 'previousLookup', item: { Delete: { TableName: this.tableName, Key: keys.token(header.previousTokenHash) } } }] : []),
      { name: 'headerCount', item: { Update: { TableName: this.tableName, Key: keys.counter(userId), UpdateExpression: 'ADD headerCount :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } } } },
    ]);
    return gone.length === 0;
  }

  /**
   * Deletes the owner's header with this token hash; someone else's or a missing one changes
   * nothing. `previousTokenHash`: the lookup item of the token a roll replaced, still in its grace,
   * deleted with it.
   */
  async deleteByTokenHash(owner: Owner, tokenHash: string, previousTokenHash?: string): Promise<void> {
    const notFound = () => new AuthHeaderNotFoundError();
    await new Transaction(this.client)
      .add(...this.sessions.activeConditions(owner))
      .add(
        {
          name: 'tokenLookup',
          item: { Delete: { TableName: this.tableName, Key: keys.token(tokenHash), ConditionExpression: 'userId = :userId', ExpressionAttributeValues: { ':userId': owner.userId } } },
          onConditionFailed: notFound,
        },
        { name: 'header', item: { Delete: { TableName: this.tableName, Key: keys.header(owner.userId, tokenHash), ConditionExpression: 'attribute_exists(pk)' } }, onConditionFailed: notFound },
        // Unconditional: the two deletes above already prove there was a header to uncount.
        { name: 'headerCount', item: { Update: { TableName: this.tableName, Key: keys.counter(owner.userId), UpdateExpression: 'ADD headerCount :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } } } },
        ...(previousTokenHash ? [{ name: 'previousLookup', item: { Delete: { TableName: this.tableName, Key: keys.token(previousTokenHash) } } }] : []),
      )
      .commit();
  }

  /** Who owns a token: one strongly consistent GetItem (the API-key check hot path). */
  async findOwnerByTokenHash(tokenHash: string): Promise<TokenOwner | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.token(tokenHash), ConsistentRead: true }));
    return Item
      ? { userId: Item.userId, username: Item.username, headerId: Item.headerId, expiresAt: Item.expiresAt, scopes: Item.scopes, allowedCidrs: Item.allowedCidrs, retiresAt: Item.retiresAt, revokedAt: Item.revokedAt }
      : undefined;
  }

  /** The owner's header whose current token has this hash (strongly consistent), or undefined. */
  async findOwnedByTokenHash(userId: string, tokenHash: string): Promise<StoredAuthHeader | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.header(userId, tokenHash), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, userId: _userId, ...header } = Item;
    return { ...(header as Omit<StoredAuthHeader, 'tokenHash'>), tokenHash };
  }

  /**
   * Gives a header a new token in one transaction, conditioned on the session: the owner's item
   * moves to the new hash (same id, name, scopes, addresses, expiry), the new lookup item is
   * written, and the old lookup item either retires at `retiresAt` (the grace: it keeps verifying,
   * with the same header id) or, without a grace, is deleted. A predecessor still in an earlier
   * roll's grace is deleted. The counter does not move. Someone else's or a moved header → 404.
   */
  async roll(owner: Owner, current: StoredAuthHeader, next: { tokenHash: string; tokenCiphertext: string }, retiresAt: string | undefined): Promise<void> {
    // The new token is a fresh secret: a revocation of the old one does not carry over.
    const { tokenHash: oldHash, previousTokenHash, lastUsed: _lastUsed, revokedAt: _revokedAt, ...kept } = current;
    const { id, expiresAt, scopes, allowedCidrs } = current;
    const notFound = () => new AuthHeaderNotFoundError();
    const collision = () => new Error('token hash collision');
    await new Transaction(this.client)
      .add(...this.sessions.activeConditions(owner))
      .add(
        {
          name: 'header',
          item: { Delete: { TableName: this.tableName, Key: keys.header(owner.userId, oldHash), ConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': id } } },
          onConditionFailed: notFound,
        },
        {
          name: 'newHeader',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.header(owner.userId, next.tokenHash), ...kept, tokenCiphertext: next.tokenCiphertext, userId: owner.userId, ...(retiresAt ? { previousTokenHash: oldHash } : {}) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: collision,
        },
        {
          name: 'newTokenLookup',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.token(next.tokenHash), userId: owner.userId, username: owner.username, headerId: id, expiresAt, scopes, allowedCidrs, ...(retiresAt ? { previousTokenHash: oldHash } : {}) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: collision,
        },
        {
          name: 'tokenLookup',
          item: retiresAt
            ? {
                Update: {
                  TableName: this.tableName,
                  Key: keys.token(oldHash),
                  // purgeAt: the table's TTL takes the dead item away some time after it retires
                  // (the authorizer refuses it from retiresAt, whenever TTL gets to it).
                  // Its own predecessor goes (deleted below), and so does the reference to it.
                  UpdateExpression: 'SET retiresAt = :retiresAt, successorHash = :next, purgeAt = :purgeAt REMOVE previousTokenHash',
                  ConditionExpression: 'userId = :userId AND attribute_not_exists(retiresAt)',
                  ExpressionAttributeValues: { ':retiresAt': retiresAt, ':next': next.tokenHash, ':purgeAt': Math.floor(Date.parse(retiresAt) / 1000), ':userId': owner.userId },
                },
              }
            : { Delete: { TableName: this.tableName, Key: keys.token(oldHash), ConditionExpression: 'userId = :userId', ExpressionAttributeValues: { ':userId': owner.userId } } },
          onConditionFailed: notFound,
        },
        ...(previousTokenHash ? [{ name: 'previousLookup', item: { Delete: { TableName: this.tableName, Key: keys.token(previousTokenHash) } } }] : []),
      )
      .commit();
  }

  /**
   * What a revocation of this token would revoke, read first (one strongly consistent GetItem of
   * its lookup item, projected; the same for any token): undefined unless the authorizer would
   * accept the token now — it exists, is not revoked, not expired, not rolled away past its grace.
   * So a dead token revokes nothing, and presenting a revoked token again cannot touch a token its
   * owner has rolled to since.
   */
  async findRevocable(tokenHash: string, at: string): Promise<Revocable | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.token(tokenHash), ConsistentRead: true, ...projection(REVOCATION_READ) }),
    );
    if (!Item || Item.revokedAt !== undefined) return undefined;
    if ((typeof Item.retiresAt === 'string' && Item.retiresAt <= at) || (typeof Item.expiresAt === 'string' && Item.expiresAt <= at)) return undefined;
    const successor = typeof Item.successorHash === 'string' ? Item.successorHash : undefined;
    const predecessor = typeof Item.previousTokenHash === 'string' ? Item.previousTokenHash : undefined;
    // Within a roll's grace the key has two tokens; the owner's copy is keyed by the current one.
    return { tokenHash, userId: String(Item.userId), headerId: String(Item.headerId), otherTokenHash: successor ?? predecessor, currentTokenHash: successor ?? tokenHash };
  }

  /**
   * Revokes the key `findRevocable` found, in one transaction: the presented token (conditioned on
   * not being revoked meanwhile), the key's other token within a roll's grace, and the owner's flag
   * (`revokedAt`); the last two conditioned on their items still being there, so nothing gone
   * meanwhile is recreated as a stub. An other token gone meanwhile (a second roll, TTL) is left
   * out and the rest tried again. False when the presented token or the owner's copy failed its
   * condition: a concurrent revocation, roll or delete moved the key between the read and the
   * write, nothing was written, and the caller may read again.
   */
  async revoke(revocable: Revocable, at: string): Promise<boolean> {
    const { tokenHash, otherTokenHash, userId, currentTokenHash } = revocable;
    const mark = (name: string, Key: Record<string, string>, ConditionExpression: string): TransactionPart => ({
      name,
      item: { Update: { TableName: this.tableName, Key, UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)', ConditionExpression, ExpressionAttributeValues: { ':at': at } } },
    });
    const token = mark('token', keys.token(tokenHash), 'attribute_exists(pk) AND attribute_not_exists(revokedAt)');
    const owner = mark('ownerRevoked', keys.header(userId, currentTokenHash), 'attribute_exists(pk)');
    const other = otherTokenHash ? [mark('otherToken', keys.token(otherTokenHash), 'attribute_exists(pk)')] : [];
    let failed = await transact(this.client, [token, ...other, owner]);
    if (failed.length === 1 && failed[0] === 'otherToken') failed = await transact(this.client, [token, owner]);
    return failed.length === 0;
  }

  /**
   * Records that the key authenticated a call at `at`, unless it already did after `notBefore`
   * (one conditional write, not a read-modify-write). Only the owner's copy is touched, and only if
   * it still exists: an UpdateItem would otherwise recreate a header deleted meanwhile. Returns
   * whether it wrote.
   */
  async recordUse(userId: string, tokenHash: string, at: string, notBefore: string): Promise<boolean> {
    return writeIf(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.header(userId, tokenHash),
          UpdateExpression: 'SET lastUsed = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsed) OR lastUsed < :notBefore)',
          ExpressionAttributeValues: { ':at': at, ':notBefore': notBefore },
        }),
      ),
    );
  }
}
