/**
 * The DynamoDB idioms the repositories share, so each reads as its domain rather than as SDK
 * plumbing: every page of a Query or Scan, a conditional write that answers whether it wrote, and
 * the projection of exactly the attributes a role may read (IAM's `dynamodb:Attributes`).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateQuery, paginateScan, type QueryCommandInput, type ScanCommandInput, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

/** One item of a TransactWriteItems call. */
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

type Item = Record<string, unknown>;

/** Every item a Query answers, across pages (a page ends at 1 MB). */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Every item a Scan answers, across pages (admin tools only: never on a request path). */
export async function scanAll(client: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Sends a conditional write: true when it wrote, false when its condition failed (nothing written). */
export async function writeIf(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The projection of exactly these attributes (names aliased, so reserved words are safe). */
export function projection(names: readonly string[]): { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } {
  return {
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
  };
}
