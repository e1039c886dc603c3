/**
 * A part of an UpdateItem on a user's profile that another write carries: a transaction item of its
 * own beside a session's Put (login), or merged into the profile Update a write already makes
 * (a password change: one transaction may not touch one item twice). The second factor's proof —
 * "this TOTP step is newer than the last one used", "this recovery code is still unused" — travels
 * as one of these, so it commits together with the session it admits, or not at all.
 */
import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface ProfileUpdatePart {
  /** `SET` actions, e.g. `totpLastStep = :mfaStep`. */
  readonly set?: readonly string[];
  /** `REMOVE` actions (attribute names). */
  readonly remove?: readonly string[];
  /** `DELETE` actions (elements from a set), e.g. `recoveryCodes :mfaCodes`. */
  readonly delete?: readonly string[];
  /** The condition the update holds under (ANDed with the host write's own). */
  readonly condition: string;
  /** Placeholders prefixed so they never collide with the host write's (`:mfa…`). */
  readonly values: Readonly<Record<string, unknown>>;
}

interface UpdateInput {
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
  ExpressionAttributeNames?: Record<string, string>;
}

/** `SET a, b REMOVE c DELETE d` from the parts' actions (empty clauses left out). */
function expression(parts: readonly ProfileUpdatePart[], hostSet: readonly string[] = []): string {
  const clause = (keyword: string, actions: readonly string[]) => (actions.length > 0 ? `${keyword} ${actions.join(', ')}` : '');
  return [
    clause('SET', [...hostSet, ...parts.flatMap((part) => part.set ?? [])]),
    clause('REMOVE', parts.flatMap((part) => part.remove ?? [])),
    clause('DELETE', parts.flatMap((part) => part.delete ?? [])),
  ]
    .filter(Boolean)
    .join(' ');
}

/** Only the values the expressions name: DynamoDB refuses a request carrying an unused one. */
export function usedValues(values: Readonly<Record<string, unknown>>, ...expressions: string[]): Record<string, unknown> {
  const text = expressions.join(' ');
  return Object.fromEntries(Object.entries(values).filter(([name]) => new RegExp(`${name}(?![A-Za-z0-9_])`).test(text)));
}

/** The part as a transaction item of its own, on the profile with this key. */
export function profileUpdateItem(tableName: string, key: Record<string, unknown>, part: ProfileUpdatePart): TransactItem {
  const UpdateExpression = expression([part]);
  return { Update: { TableName: tableName, Key: key, UpdateExpression, ConditionExpression: part.condition, ExpressionAttributeValues: usedValues(part.values, UpdateExpression, part.condition) } };
}

/**
 * `update` (an Update of the same profile whose expression is `SET ...` only) with the part merged
 * in: both sets of actions, both conditions.
 */
export function withProfilePart<T extends UpdateInput>(update: T, part: ProfileUpdatePart | undefined): T {
  if (!part) return update;
  const hostSet = (update.UpdateExpression ?? '').replace(/^\s*SET\s+/i, '');
  if (/\b(REMOVE|DELETE|ADD)\b/i.test(hostSet)) throw new Error('withProfilePart merges into a SET-only update expression');
  const UpdateExpression = expression([part], hostSet ? [hostSet] : []);
  const ConditionExpression = update.ConditionExpression ? `(${update.ConditionExpression}) AND (${part.condition})` : part.condition;
  return { ...update, UpdateExpression, ConditionExpression, ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...usedValues(part.values, UpdateExpression, ConditionExpression) } };
}
