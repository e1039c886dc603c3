/**
 * The shared middy middleware. Every function uses `httpApi()`; routes with a body add
 * `jsonBody(schema)`; routes that need a logged-in user add `jwtAuth()`.
 *
 * Registration order matters: `before` hooks run in order, `after`/`onError` in reverse, so the
 * error handler is registered after CORS and security headers (its response then gets their
 * headers too) and the JSON error formatter after the error handler (it runs first).
 */
import type { MiddlewareObj, Request } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import type { AuditContext } from '../audit';
import { InvalidTokenError, verifySessionToken, type SessionClaims } from '../auth/jwt';
import { config } from '../config';
import { DatabaseUnavailableError, DependencyUnavailableError, DomainError, InvalidInputError, InvalidSessionError } from '../errors';
import type { CallerIdentity } from '../services/authorizerService';
import { credentialOf } from './authorization';
import { INTERNAL_ERROR_BODY, JSON_BODY_PARSER_PACKAGE, middyCause, payloadTooLarge, toHttpError, unsupportedMediaType } from './errors';
import { describeError, jsonErrorPosition, log } from '../log';
import { count, METRICS, metricsMiddleware } from '../metrics';
import type { RouteAuth } from '../routes';
import { type ObjectSchema, schemaViolation } from './schemas';

/** API Gateway REST (v1) or HTTP API (v2) proxy event. */
export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/**
 * What handlers see after the middleware: the parsed body and, by the route's auth mode
 * (lib/routes.ts), the verified session (`jwt`, jwtAuth) or the caller the authorizer established
 * (`authorizer`, authorizerIdentity); a public route sees neither.
 */
export type ApiRequest<TBody = unknown, TAuth extends RouteAuth = 'none'> = Omit<ApiEvent, 'body'> & { body: TBody } & (TAuth extends 'jwt'
    ? { session: SessionClaims }
    : TAuth extends 'authorizer'
      ? { caller: CallerIdentity }
      : unknown);

export type ApiResult = APIGatewayProxyResult;
type MiddyRequest = Request<ApiEvent & { session?: SessionClaims; caller?: CallerIdentity }, ApiResult>;

/** The client's address as API Gateway saw it (never X-Forwarded-For, which the client controls). */
export function sourceIp(event: Pick<ApiEvent, 'requestContext'>): string {
  const context = event.requestContext as Partial<APIGatewayProxyEvent['requestContext'] & APIGatewayProxyEventV2['requestContext']>;
  return context.identity?.sourceIp ?? context.http?.sourceIp ?? 'unknown';
}

/** Who is asking, for the audit trail: the request id and address, nothing the client wrote. */
export function auditContext(event: Pick<ApiEvent, 'requestContext'>): AuditContext {
  return { requestId: event.requestContext?.requestId ?? 'unknown', sourceIp: sourceIp(event) };
}

/** A failed dependency (toHttpError makes it a 503): counted and logged once, with its cause. */
function recordOutage(error: DependencyUnavailableError): void {
  const isDatabase = error instanceof DatabaseUnavailableError;
  count(isDatabase ? METRICS.names.databaseUnavailable : METRICS.names.keyStoreUnavailable);
  log.error('dependency unavailable', { status: 503, dependency: isDatabase ? 'dynamodb' : 'secretsmanager', kind: isDatabase ? error.kind : undefined, error: describeError(error) });
}

/**
 * What the log may say about a refused request: the error's class and, for our own errors, their
 * message and fields. Never the request text: middy's body parser keeps the body in `cause.data`
 * and JSON.parse's message quotes it, so of a malformed body only the position is logged.
 */
function refusalFields(error: unknown): Record<string, unknown> {
  const cause = middyCause(error);
  if (cause?.package === JSON_BODY_PARSER_PACKAGE) {
    return { name: cause.message === undefined ? (error as Error).name : 'SyntaxError', position: jsonErrorPosition(cause.message), source: cause.package };
  }
  if (error instanceof DomainError) {
    // The stack trace is noise for an expected refusal.
    const { stack: _stack, ...fields } = describeError(error);
    return fields;
  }
  return { name: error instanceof Error ? error.name : typeof error };
}

/**
 * Logs every error once (without the request: bodies hold passwords, headers hold tokens), maps it
 * (lib/http/errors.ts) and turns the answer into the contract's `{ "message": ... }` body. Anything
 * unmapped is left for the error handler's generic 500.
 */
const jsonErrorBody = (): MiddlewareObj => ({
  name: 'jsonErrorBody',
  onError: (request) => {
    if (request.response !== undefined) return;
    const { error } = request;
    if (error instanceof DependencyUnavailableError) recordOutage(error);
    const answer = toHttpError(error);
    if (!answer) {
      log.error('unhandled error', { error: describeError(error) });
      return;
    }
    log.info('request refused', { status: answer.statusCode, reason: answer.message, error: refusalFields(error) });
    answer.message = JSON.stringify({ message: answer.message, ...answer.bodyFields });
    request.error = answer;
  },
});

/** Every response, success or error: JSON content type, never cached (it may hold tokens). */
const responseDefaults = (): MiddlewareObj<unknown, ApiResult> => {
  const addHeaders = (request: { response?: ApiResult | null }) => {
    const response = request.response;
    if (!response) return;
    response.headers = { ...response.headers, 'Cache-Control': 'no-store', 'Content-Type': 'application/json' };
  };
  return { name: 'responseDefaults', after: addHeaders, onError: addHeaders };
};

/** 413 before parsing anything bigger than the configured limit. */
const bodyLimit = (maxBytes: number): MiddlewareObj<ApiEvent> => ({
  name: 'bodyLimit',
  before: ({ event }) => {
    const { body } = event;
    if (typeof body !== 'string') return;
    const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
    if (bytes > maxBytes) throw payloadTooLarge(`request body must be at most ${maxBytes} bytes`);
  },
});

/** A JSON media type: application/json or application/<something>+json, with parameters (charset). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * 415 for a body declared as something other than JSON (`text/plain`, a form...). A body sent
 * without any Content-Type is read as JSON: clients that forget the header still send JSON, and
 * openapi.json says so.
 */
const jsonContentType = (): MiddlewareObj<ApiEvent> => ({
  name: 'jsonContentType',
  before: ({ event }) => {
    if (event.body === null || event.body === undefined || event.body === '') return;
    const declared = event.headers?.['content-type']?.trim();
    if (declared && !JSON_MEDIA_TYPE.test(declared)) throw unsupportedMediaType();
  },
});

/** A route whose body is optional sees an absent or empty body as `{}`. */
const defaultBody = (): MiddlewareObj<ApiEvent> => ({
  name: 'defaultBody',
  before: ({ event }) => {
    if (event.body === null || event.body === undefined || event.body.trim() === '') event.body = '{}';
  },
});

const validateBody = (schema: ObjectSchema): MiddlewareObj<ApiEvent> => ({
  name: 'validateBody',
  before: ({ event }) => {
    const violation = schemaViolation(schema, event.body);
    if (violation) throw new InvalidInputError(violation);
  },
});

/** Middleware every route uses: headers, CORS, security headers and the one error mapping. */
export function httpApi(): MiddlewareObj[] {
  const middlewares: MiddlewareObj[] = [
    // First, so its after/onError hook runs last and publishes what the others counted.
    metricsMiddleware(),
    // Next, so every line logged during the request carries its request id. The event is never
    // logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says: it holds passwords and tokens.
    injectLambdaContext(log, { logEvent: false }) as MiddlewareObj,
    httpHeaderNormalizer(),
  ];
  if (config.corsOrigins.length > 0) {
    middlewares.push(httpCors({ origins: config.corsOrigins, headers: 'Authorization,Content-Type', methods: 'GET,POST,OPTIONS', maxAge: 600 }));
  }
  middlewares.push(
    // A JSON API serves no documents: the default CSP and friends cost nothing and forbid framing.
    httpSecurityHeaders(),
    responseDefaults() as MiddlewareObj,
    httpErrorHandler({ logger: false, fallbackMessage: INTERNAL_ERROR_BODY }),
    jsonErrorBody(),
  );
  return middlewares;
}

/** Parses and validates a JSON body: 415 declared as not JSON, 413 over the size limit, 400 for anything not matching. */
export function jsonBody(schema: ObjectSchema): MiddlewareObj[] {
  return [
    jsonContentType(),
    ...(schema.optional ? [defaultBody()] : []),
    bodyLimit(config.maxBodyBytes),
    // The type was checked above (a missing one is read as JSON), so the parser does not check it again.
    httpJsonBodyParser({ disableContentTypeCheck: true }),
    validateBody(schema),
  ] as MiddlewareObj[];
}

/** Verifies the session JWT and puts its claims on `event.session`. */
export function jwtAuth(): MiddlewareObj {
  return {
    name: 'jwtAuth',
    before: async (request) => {
      const { event } = request as MiddyRequest;
      const credential = credentialOf(event);
      if (credential?.kind !== 'jwt') throw new InvalidTokenError('no bearer token');
      try {
        event.session = await verifySessionToken(credential.token);
      } catch (error) {
        // Every failure of the token answers the same 401 (the reason is logged). A key store
        // outage says nothing about the token: it answers 503, or clients would discard a good token.
        if (error instanceof InvalidSessionError || error instanceof DependencyUnavailableError) throw error;
        throw new InvalidTokenError('session verification failed', { cause: error });
      }
    },
  };
}

const AUTH_METHODS: readonly string[] = ['jwt', 'authheader'] satisfies CallerIdentity['authMethod'][];

/**
 * The caller the authorizer in front of the route established, on `event.caller`. API Gateway
 * passes the authorizer's context in `requestContext.authorizer` (REST) or
 * `requestContext.authorizer.lambda` (HTTP API); a function invoked without one (misconfigured, or
 * called directly) refuses with 401 rather than trusting anything else.
 */
export function authorizerIdentity(): MiddlewareObj {
  return {
    name: 'authorizerIdentity',
    before: (request) => {
      const { event } = request as MiddyRequest;
      const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> | null }).authorizer;
      const context = (authorizer && typeof authorizer.lambda === 'object' && authorizer.lambda !== null ? authorizer.lambda : authorizer) as Record<string, unknown> | null | undefined;
      const { userId, username, authMethod, authHeaderId, scopes } = context ?? {};
      if (typeof userId !== 'string' || typeof username !== 'string' || typeof authMethod !== 'string' || !AUTH_METHODS.includes(authMethod)) {
        throw new InvalidSessionError('no authorizer context');
      }
      event.caller = {
        userId,
        username,
        authMethod: authMethod as CallerIdentity['authMethod'],
        ...(typeof authHeaderId === 'string' && authHeaderId !== '' ? { authHeaderId } : {}),
        ...(typeof scopes === 'string' && scopes !== '' ? { scopes: scopes.split(' ') } : {}),
      };
    },
  };
}

/**
 * Types a route's function with what the middleware established (parsed and validated body; the
 * session or the caller, by auth mode), while the exported handler still takes the API Gateway event.
 */
export function route<TBody = unknown, TAuth extends RouteAuth = 'none'>(fn: (request: ApiRequest<TBody, TAuth>) => Promise<ApiResult>): (event: ApiEvent) => Promise<ApiResult> {
  return fn as unknown as (event: ApiEvent) => Promise<ApiResult>;
}

/** A 200 (or other) JSON response. */
export function json(body: unknown, statusCode = 200): ApiResult {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
