/**
 * The one DynamoDB table, defined once: the local bootstrap creates it from this and the CDK stack
 * declares it from this, so the key schema cannot drift between the two.
 *
 * Single-table layout (all keys are strings):
 *
 * | item            | pk                 | sk                  | holds                                      |
 * |-----------------|--------------------|---------------------|--------------------------------------------|
 * | user profile    | `USER#<username>`  | `PROFILE`           | id, names, email, bcrypt hash, pw version  |
 * | auth header     | `USER#<username>`  | `HEADER#<hash>`     | id, name, created, encrypted token, userId |
 * | token lookup    | `TOKEN#<hash>`     | `TOKEN`             | owner (userId, username), header id        |
 * | login throttle  | `THROTTLE#<scope>` | `THROTTLE`          | failure count, lock-out end, `expiresAt`   |
 *
 * `<hash>` is HMAC-SHA256 of the token under a server key. Why this shape:
 * - a token is found with one strongly consistent GetItem on `TOKEN#<hash>` (the API-key hot path);
 * - a user's list is one Query on `USER#<username>`, which returns the profile in the same page, so
 *   the session (password version) is re-checked at no extra cost;
 * - add and delete write the header item and its lookup item in one transaction, conditioned on
 *   the profile, so neither is ever left without the other.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL removes expired throttle items. */
  timeToLiveAttribute: 'expiresAt',
} as const;

export const keys = {
  profile: (username: string) => ({ pk: `USER#${username}`, sk: 'PROFILE' }),
  userPartition: (username: string) => `USER#${username}`,
  header: (username: string, tokenHash: string) => ({ pk: `USER#${username}`, sk: `HEADER#${tokenHash}` }),
  headerPrefix: 'HEADER#',
  token: (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
  throttle: (scope: string) => ({ pk: `THROTTLE#${scope}`, sk: 'THROTTLE' }),
};

/** CreateTable input for DynamoDB Local (on-demand, same keys as the deployed table). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
  };
}
