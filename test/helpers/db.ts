/** Test helpers for the real DynamoDB Local the global setup started. */
import { beforeAll } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createUser, type NewUser } from '../../lib/services/userService';
import { config } from '../../lib/config';
import { ensureTables } from '../../lib/data/bootstrap';
import { documentClient } from '../../lib/data/client';
import { users } from '../../lib/data/repositories';
import type { TableId } from '../../lib/data/table';
import type { UserRecord } from '../../lib/data/userRepository';

/** Creates this test file's tables before its tests run. */
export function useTestTables(): void {
  beforeAll(async () => {
    await ensureTables(documentClient, config.tables);
  });
}

let counter = 0;

/** A user with a unique name and a policy-compliant password. */
export async function givenUser(overrides: Partial<NewUser> = {}): Promise<UserRecord & { password: string }> {
  counter += 1;
  const input: NewUser = {
    username: `user${counter}.${Math.random().toString(36).slice(2, 8)}`,
    password: 'Correct-Horse-Battery-9',
    email: `user${counter}@example.com`,
    firstname: 'Test',
    lastname: `User${counter}`,
    ...overrides,
  };
  const user = await createUser(users, input);
  return { ...user, password: input.password };
}

/** Every item in one of this test file's tables. */
export async function scanTable(table: TableId): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new ScanCommand({ TableName: config.tables[table], ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * One user's items in the auth-headers table, checked for pairs: each header item (under the user)
 * has its lookup item (under the token's hash) and vice versa.
 */
export async function storedAuthHeaderPairs(userId: string) {
  const items = await scanTable('authHeaders');
  const headerItems = items.filter((item) => item.pk === `USER#${userId}` && String(item.sk).startsWith('HEADER#'));
  const counter = items.find((item) => item.pk === `USER#${userId}` && item.sk === 'COUNTER');
  const tokenItems = items.filter((item) => String(item.pk).startsWith('TOKEN#') && item.userId === userId);
  const headerHashes = headerItems.map((item) => String(item.sk).slice('HEADER#'.length)).sort();
  const tokenHashes = tokenItems.map((item) => String(item.pk).slice('TOKEN#'.length)).sort();
  // The per-user counter always agrees with the headers actually stored.
  expect(counter?.headerCount ?? 0).toBe(headerItems.length);
  return { headerItems, tokenItems, headerHashes, tokenHashes };
}
