/** Creates the tables from their one definition (local runs and tests; deployed ones are CDK's). */
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTableInput, TABLES, type TableDefinition, type TableId } from './table';

async function tableStatus(client: DynamoDBDocumentClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * Creates the table (with TTL where defined) if it does not exist; returns whether it did. A table
 * that exists gets the TTL its definition names if it has none (a local database from before the
 * definition had it).
 */
export async function ensureTable(client: DynamoDBDocumentClient, definition: TableDefinition, tableName: string): Promise<boolean> {
  const exists = (await tableStatus(client, tableName)) !== undefined;
  if (!exists) {
    await client.send(new CreateTableCommand(createTableInput(definition, tableName)));
    while ((await tableStatus(client, tableName)) !== 'ACTIVE') await sleep(100);
  }
  if (definition.timeToLiveAttribute && (!exists || !(await hasTimeToLive(client, tableName)))) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
  return !exists;
}

async function hasTimeToLive(client: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  return TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' || TimeToLiveDescription?.TimeToLiveStatus === 'ENABLING';
}

/** Creates every table of lib/data/table.ts that is missing, under the given names; returns those it created. */
export async function ensureTables(client: DynamoDBDocumentClient, names: Record<TableId, string>): Promise<string[]> {
  const created: string[] = [];
  for (const [id, definition] of Object.entries(TABLES) as [TableId, TableDefinition][]) {
    if (await ensureTable(client, definition, names[id])) created.push(names[id]);
  }
  return created;
}
