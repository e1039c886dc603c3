/**
 * The local tables from their one definition (lib/data/bootstrap.ts): created with their TTL, and a
 * table left by an older local database gets the TTL its definition has since gained.
 */
import { describe, expect, test } from '@jest/globals';
import { CreateTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../lib/data/bootstrap';
import { documentClient } from '../../lib/data/client';
import { createTableInput, TABLES } from '../../lib/data/table';

const ttlOf = async (TableName: string) => (await documentClient.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;
const fresh = (what: string) => `bootstrap-${what}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('ensureTable', () => {
  test('creates a missing table with its TTL, and says so', async () => {
    const name = fresh('new');

    expect(await ensureTable(documentClient, TABLES.authHeaders, name)).toBe(true);

    expect(await ttlOf(name)).toMatchObject({ AttributeName: 'purgeAt', TimeToLiveStatus: 'ENABLED' });
  });

  test('gives an existing table without TTL the one its definition names, and does not recreate it', async () => {
    const name = fresh('old');
    await documentClient.send(new CreateTableCommand(createTableInput(TABLES.authHeaders, name)));
    expect((await ttlOf(name))?.TimeToLiveStatus).toBe('DISABLED');

    expect(await ensureTable(documentClient, TABLES.authHeaders, name)).toBe(false);

    expect(await ttlOf(name)).toMatchObject({ AttributeName: 'purgeAt', TimeToLiveStatus: 'ENABLED' });
    // Idempotent: DynamoDB refuses to enable TTL twice, so a second start must not try.
    expect(await ensureTable(documentClient, TABLES.authHeaders, name)).toBe(false);
  });
});
