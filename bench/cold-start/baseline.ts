/**
 * The cold-start baseline: nothing but the DynamoDB document client and one GetItem, bundled with
 * the same settings as the functions. A function's load time and size are compared with this.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));

export async function handler(event: { username: string }): Promise<{ statusCode: number; body: string }> {
  const { Item } = await client.send(new GetCommand({ TableName: process.env.USERS_TABLE, Key: { username: event.username }, ConsistentRead: true }));
  return { statusCode: Item ? 200 : 404, body: JSON.stringify({ found: Boolean(Item) }) };
}
