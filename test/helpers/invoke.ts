/**
 * Builds API Gateway proxy events and invokes handlers in-process, as Lambda would. Every response
 * of a route openapi.json describes is checked against it (status declared, body and headers match).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { assertMatchesDocument } from './openapi';

export interface EventOptions {
  method?: string;
  path?: string;
  body?: unknown;
  /** Sent as-is when a string (e.g. malformed JSON); JSON-encoded otherwise. */
  rawBody?: string | null;
  headers?: Record<string, string>;
  token?: string;
  query?: Record<string, string>;
  sourceIp?: string;
}

export function apiEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const body = options.rawBody !== undefined ? options.rawBody : options.body === undefined ? null : JSON.stringify(options.body);
  return {
    resource: options.path ?? '/',
    path: options.path ?? '/',
    httpMethod: options.method ?? 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      identity: { sourceIp: options.sourceIp ?? '203.0.113.10' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

export const lambdaContext = {
  awsRequestId: 'test',
  functionName: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface InvokeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
}

export async function invoke(handler: unknown, options: EventOptions = {}): Promise<InvokeResult> {
  const result = await (handler as Handler)(apiEvent(options), lambdaContext);
  let body: unknown;
  try {
    body = JSON.parse(result.body);
  } catch {
    body = result.body;
  }
  const headers = (result.headers ?? {}) as Record<string, string>;
  assertMatchesDocument({ method: options.method ?? 'POST', path: options.path ?? '/', status: result.statusCode, headers, body });
  return { statusCode: result.statusCode, headers, body, rawBody: result.body };
}
