/**
 * The authorizer as API Gateway calls it, in-process: REST REQUEST and HTTP API 2.0 events, the
 * outcome (an answer, or the error API Gateway turns into 401 / 500), and a route behind it.
 */
import { expect } from '@jest/globals';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { handler as authorizerHandler } from '../../functions/authorizer';
import type { AuthorizerResult } from '../../lib/http/authorizer';
import { apiEvent, lambdaContext, type InvokeResult } from './invoke';

export const API_ID = 'abcdef1234';
export const METHOD_ARN = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/v1/GET/user/me`;
export const WHOLE_API_ARN = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/v1/*/*`;

export function restAuthorizerEvent(authorization?: string, extraHeaders: Record<string, string> = {}): APIGatewayRequestAuthorizerEvent {
  const headers: Record<string, string> = { Host: `${API_ID}.execute-api.us-east-1.amazonaws.com`, ...extraHeaders };
  if (authorization !== undefined) headers.Authorization = authorization;
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/user/me',
    path: '/user/me',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { accountId: '123456789012', apiId: API_ID, stage: 'v1', requestId: 'authorizer-test', identity: { sourceIp: '203.0.113.10' } } as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export function httpApiAuthorizerEvent(authorization?: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/$default/GET/orders`,
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: 'GET /orders',
    rawPath: '/orders',
    rawQueryString: '',
    cookies: [],
    headers: { host: `${API_ID}.execute-api.us-east-1.amazonaws.com`, ...(authorization === undefined ? {} : { authorization }) },
    queryStringParameters: {},
    requestContext: {
      accountId: '123456789012',
      apiId: API_ID,
      domainName: `${API_ID}.execute-api.us-east-1.amazonaws.com`,
      domainPrefix: API_ID,
      http: { method: 'GET', path: '/orders', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'curl/8.5.0' },
      requestId: 'authorizer-test',
      routeKey: 'GET /orders',
      stage: '$default',
      time: '15/Jan/2024:10:30:42 +0000',
      timeEpoch: 1705314642000,
    },
    pathParameters: {},
    stageVariables: {},
  };
}

export type Outcome = { allowed: AuthorizerResult; error?: undefined } | { allowed?: undefined; error: Error };

/** Runs the authorizer handler; a refusal or failure is the error it threw (API Gateway reads its message). */
export async function authorize(event: APIGatewayRequestAuthorizerEvent | APIGatewayRequestAuthorizerEventV2): Promise<Outcome> {
  try {
    return { allowed: await authorizerHandler(event, lambdaContext) };
  } catch (error) {
    return { error: error as Error };
  }
}

export const bearer = (credential: string) => `Bearer ${credential}`;

/**
 * The authorizer allowed the caller as exactly this user and credential: the principal is the user's
 * id, and the context the API behind it receives names the user and how they authenticated.
 */
export function expectAllowedAs(outcome: Outcome, user: { id: string; username: string }, credential: { authMethod: 'jwt' } | { authMethod: 'authheader'; authHeaderId: string }): void {
  expect(outcome.error).toBeUndefined();
  expect(outcome.allowed).toMatchObject({ principalId: user.id, context: { userId: user.id, username: user.username, ...credential } });
  expect(Object.keys(outcome.allowed?.context ?? {}).sort()).toEqual(['userId', 'username', ...Object.keys(credential)].sort());
}

/**
 * A route behind the authorizer as API Gateway runs it: the authorizer first (refused → the 401
 * gateway response), then the route with the authorizer's context in `requestContext.authorizer`.
 */
export async function throughAuthorizer(handler: unknown, path: string, authorization?: string): Promise<InvokeResult> {
  const outcome = await authorize(restAuthorizerEvent(authorization));
  if (outcome.error) {
    if (outcome.error.message !== 'Unauthorized') throw outcome.error;
    return { statusCode: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: { message: 'Unauthorized' }, rawBody: '{"message":"Unauthorized"}' };
  }
  const answer = outcome.allowed as { principalId: string; context: Record<string, unknown> };
  const event = apiEvent({ method: 'GET', path, headers: authorization === undefined ? {} : { Authorization: authorization } });
  (event.requestContext as unknown as Record<string, unknown>).authorizer = { ...answer.context, principalId: answer.principalId };
  const result = await (handler as (e: unknown, c: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body: string }>)(event, lambdaContext);
  return { statusCode: result.statusCode, headers: (result.headers ?? {}) as Record<string, string>, body: JSON.parse(result.body), rawBody: result.body };
}
