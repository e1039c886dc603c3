/**
 * The DynamoDB document client, created once per process and reused by warm invocations.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

export function createDocumentClient(options: { endpoint?: string; region?: string } = {}): DynamoDBDocumentClient {
  const clientConfig: DynamoDBClientConfig = { maxAttempts: 4 };
  if (options.endpoint) {
    // DynamoDB Local runs with -sharedDb: any region and credentials see the same tables.
    clientConfig.endpoint = options.endpoint;
    clientConfig.region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    if (!process.env.AWS_ACCESS_KEY_ID) clientConfig.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  } else if (options.region) {
    clientConfig.region = options.region;
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export const documentClient = createDocumentClient({ endpoint: config.dynamoDbEndpoint });
