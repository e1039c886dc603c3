/**
 * The DynamoDB document client, created once per process and reused by warm invocations.
 *
 * Every call is bounded: each attempt has a connect timeout and a request timeout (which only
 * *throws* with `throwOnRequestTimeout`; without it the SDK merely warns and waits for the socket),
 * and the SDK retries at most `maxAttempts` times. An outage therefore answers 503 within seconds
 * instead of hanging until the function times out (docs/operations.md, Faults, has the worst case).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config, type Config } from '../config';
import { classifyDatabaseError } from './faults';

export function createDocumentClient(options: { endpoint?: string; region?: string; limits?: Config['dynamoDb'] } = {}): DynamoDBDocumentClient {
  const limits = options.limits ?? config.dynamoDb;
  const clientConfig: DynamoDBClientConfig = {
    maxAttempts: limits.maxAttempts,
    requestHandler: { connectionTimeout: limits.connectTimeoutMs, requestTimeout: limits.requestTimeoutMs, throwOnRequestTimeout: true },
  };
  if (options.endpoint) {
    // DynamoDB Local runs with -sharedDb: any region and credentials see the same tables.
    clientConfig.endpoint = options.endpoint;
    clientConfig.region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    if (!process.env.AWS_ACCESS_KEY_ID) clientConfig.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  } else if (options.region) {
    clientConfig.region = options.region;
  }
  const client = new DynamoDBClient(clientConfig);
  // Outermost step, so it sees what is left after the SDK's retries: an outage becomes the
  // DatabaseUnavailableError the HTTP layer answers with 503; anything else passes unchanged (the
  // repositories still see ConditionalCheckFailed and TransactionCanceled as they are).
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw classifyDatabaseError(error);
      }
    },
    { step: 'initialize', priority: 'high', name: 'classifyDatabaseFaults' },
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export const documentClient = createDocumentClient({ endpoint: config.dynamoDbEndpoint });
