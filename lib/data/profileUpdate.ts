/**
 * A part of an UpdateItem on a user's profile: the MFA routes' own writes (MfaRepository), and the
 * second factor's proof — "this TOTP step is newer than the last one used", "this recovery code is
 * still unused". A login or password change carries the proof as a UserChange
 * (mfaService.checkSecondFactor), which UserRepository merges into its one Update of the profile
 * inside the success write (lib/services/successWrite.ts), so it commits with the session it
 * admits, or not at all.
 */
import type { TransactItem } from './dynamo';

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

/** `SET a, b REMOVE c DELETE d` from the parts' actions (empty clauses left out). */
function expression(parts: readonly ProfileUpdatePart[]): string {
  const clause = (keyword: string, actions: readonly string[]) => (actions.length > 0 ? `${keyword} ${actions.join(', ')}` : '');
  return [
    clause('SET', parts.flatMap((part) => part.set ?? [])),
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
