/**
 * The API Gateway side of the authorizer: reads `Authorization` from a REST (REQUEST or TOKEN) or
 * HTTP API (payload 2.0) authorizer event, asks lib/services/authorizerService.ts who is calling,
 * and answers in the shape that kind of API expects. Not middy: an authorizer answers with a policy
 * (or `isAuthorized`), and refuses by failing with exactly "Unauthorized", which API Gateway turns
 * into its 401 gateway response; middy's http-error-handler would turn that into a proxy response,
 * which API Gateway takes for a malformed authorizer answer (500).
 */
import type {
  APIGatewayAuthorizerWithContextResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import { audit, type AuditContext } from '../audit';
import { InvalidSessionError } from '../errors';
import { log } from '../log';
import { authenticate, type CallerIdentity } from '../services/authorizerService';
import { authorizationOf } from './authorization';

export type AuthorizerEvent = APIGatewayRequestAuthorizerEvent | APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEventV2;

/** What the API behind the authorizer receives (REST: `requestContext.authorizer`; HTTP API: `requestContext.authorizer.lambda`). */
export type AuthorizerContext = { userId: string; username: string; authMethod: CallerIdentity['authMethod']; authHeaderId?: string; scopes?: string };

export type AuthorizerResult = APIGatewayAuthorizerWithContextResult<AuthorizerContext> | APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

import { UNAUTHORIZED } from './errors';

const isHttpApi = (event: AuthorizerEvent): event is APIGatewayRequestAuthorizerEventV2 => 'version' in event && event.version === '2.0';

/** The `Authorization` value of any authorizer event (TOKEN events carry only that). */
const authorizationIn = (event: AuthorizerEvent): string | undefined => (event.type === 'TOKEN' ? event.authorizationToken : authorizationOf(event));

/**
 * `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/*\/*` from the method ARN: the policy
 * covers the whole API, so an answer the gateway caches is valid on every route (a policy naming
 * only the first method would refuse the caller's next route until the cache expires).
 */
export function wholeApiArn(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*/*`;
}

/** The API and stage an event is for (`arn:…:<apiId>/<stage>`): the gateway keeps one cache per API. */
function apiOf(event: AuthorizerEvent): string {
  const arn = isHttpApi(event) ? event.routeArn : event.methodArn;
  return arn.split('/').slice(0, 2).join('/');
}

export function contextOf(identity: CallerIdentity): AuthorizerContext {
  const { userId, username, authMethod, authHeaderId, scopes } = identity;
  // Context values are strings, numbers or booleans only: scopes travel space-separated (OAuth's `scope`).
  return { userId, username, authMethod, ...(authHeaderId !== undefined ? { authHeaderId } : {}), ...(scopes?.length ? { scopes: scopes.join(' ') } : {}) };
}

/** Who is asking, for the audit trail: the gateway's request id and the client's address (TOKEN events carry neither). */
function auditContextOf(event: AuthorizerEvent): AuditContext {
  if (event.type === 'TOKEN') return { requestId: 'unknown', sourceIp: 'unknown' };
  if (isHttpApi(event)) return { requestId: event.requestContext.requestId, sourceIp: event.requestContext.http.sourceIp };
  return { requestId: event.requestContext?.requestId ?? 'unknown', sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown' };
}

export async function handleAuthorizerEvent(event: AuthorizerEvent): Promise<AuthorizerResult> {
  let identity: CallerIdentity;
  const context = auditContextOf(event);
  try {
    identity = await authenticate(authorizationIn(event), undefined, undefined, context.sourceIp === 'unknown' ? undefined : context.sourceIp, apiOf(event));
  } catch (error) {
    if (error instanceof InvalidSessionError) {
      log.info('authorizer refused', { reason: error.message });
      audit('authorizer.denied', context, { reason: error.refusal });
      throw new Error(UNAUTHORIZED);
    }
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    log.error('authorizer failed', { error: { name, message } });
    // Any other message is a 500 at the gateway: a REST API with our gateway responses answers 503
    // with Retry-After (infra/stack.ts, AuthServiceAuthorizer); an HTTP API answers 500 (docs/authorizer.md).
    throw new Error('Authorizer dependency failed');
  }
  const { userId, username, authMethod, authHeaderId } = identity;
  audit('authorizer.allowed', context, { userId, username, authMethod, ...(authHeaderId !== undefined ? { authHeaderId } : {}) });
  if (isHttpApi(event)) return { isAuthorized: true, context: contextOf(identity) };
  return {
    principalId: identity.userId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeApiArn(event.methodArn) }] },
    context: contextOf(identity),
  };
}
