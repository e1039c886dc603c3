/**
 * DynamoDB transactions with named parts: each part says what it is (`session`, `throttle.pair`,
 * `rehash` ...) and, when its condition may fail for a reason the caller cares about, which error
 * that means. A cancellation is then read by name, never by position (`failed === 2`), so parts can
 * be added by whoever composes the write without renumbering anyone's callbacks.
 *
 * Conflicts with a concurrent transaction on the same items are retried with jittered back-off.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** One item of a transaction, by name, with what its failed condition means (if it has one). */
export interface TransactionPart {
  readonly name: string;
  readonly item: TransactItem;
  /** The error a failed condition of this part becomes; without it, a generic error naming the part. */
  readonly onConditionFailed?: () => Error;
}

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_CONFLICT_RETRIES = 6;

/**
 * Runs the parts as one TransactWriteItems. Returns the names of the parts whose condition failed
 * (nothing was written then), or none when everything committed. A cancellation by conflicts alone
 * is retried; with `conflicts: 'report'` it is answered at once as if every part had failed (for a
 * caller that re-reads and decides anew, like the login throttle under a burst).
 */
export async function transact(client: DynamoDBDocumentClient, parts: readonly TransactionPart[], options: { conflicts?: 'retry' | 'report' } = {}): Promise<string[]> {
  if (parts.length > MAX_TRANSACTION_ITEMS) throw new Error(`a transaction holds at most ${MAX_TRANSACTION_ITEMS} items, got ${parts.length}`);
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: parts.map((part) => part.item) }));
      return [];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      const failed = parts.filter((_, i) => codes[i] === 'ConditionalCheckFailed').map((part) => part.name);
      if (failed.length > 0) return failed;
      if (options.conflicts === 'report') return parts.map((part) => part.name);
      if (codes.includes('TransactionConflict') && attempt < MAX_CONFLICT_RETRIES) {
        await sleep(Math.random() * 20 * 2 ** attempt);
        continue;
      }
      throw error;
    }
  }
}

/**
 * A transaction built part by part, then committed once. A failed condition throws the
 * `onConditionFailed` error of the first failed part (in the order added).
 */
export class Transaction {
  private readonly parts: TransactionPart[] = [];

  constructor(private readonly client: DynamoDBDocumentClient) {}

  add(...parts: readonly TransactionPart[]): this {
    this.parts.push(...parts);
    return this;
  }

  async commit(): Promise<void> {
    const failed = await transact(this.client, this.parts);
    if (failed.length === 0) return;
    const part = this.parts.find((candidate) => candidate.name === failed[0]) as TransactionPart;
    throw part.onConditionFailed?.() ?? new Error(`transaction part "${part.name}": condition failed`);
  }
}
