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
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidTokenError, verifySessionToken, type SessionClaims } from '../auth/jwt';
import { config } from '../config';
import { badRequest, fromDomainError, INVALID_SESSION, isHttpError, payloadTooLarge, unauthorized } from './errors';
import { log } from '../log';
import { type ObjectSchema, schemaViolation } from './schemas';

/** API Gateway REST (v1) or HTTP API (v2) proxy event. */
export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What handlers see after the middleware: the parsed body and, on JWT routes, the session. */
export type ApiRequest<TBody = unknown> = Omit<ApiEvent, 'body'> & {
  body: TBody;
  session: SessionClaims;
};

export type ApiResult = APIGatewayProxyResult;
type MiddyRequest = Request<ApiEvent & { session?: SessionClaims }, ApiResult>;

/** The client's address as API Gateway saw it (never X-Forwarded-For, which the client controls). */
export function sourceIp(event: Pick<ApiEvent, 'requestContext'>): string {
  const context = event.requestContext as Partial<APIGatewayProxyEvent['requestContext'] & APIGatewayProxyEventV2['requestContext']>;
  return context.identity?.sourceIp ?? context.http?.sourceIp ?? 'unknown';
}

/**
 * Logs every error once (without the request: bodies hold passwords, headers hold tokens) and turns
 * exposed HTTP errors into the contract's `{ "message": ... }` body. Anything else is left for the
 * error handler's generic 500.
 */
const jsonErrorBody = (): MiddlewareObj => ({
  name: 'jsonErrorBody',
  onError: (request) => {
    if (request.response !== undefined) return;
    const error = (request.error = fromDomainError(request.error) as Error);
    if (!isHttpError(error) || !error.expose) {
      const { name, message, stack } = error instanceof Error ? error : { name: 'Error', message: String(error), stack: undefined };
      log.error('unhandled error', { error: { name, message, stack } });
      return;
    }
    // middy's body parser reports malformed JSON as 422; the contract says 400.
    if (error.statusCode === 422) error.statusCode = error.status = 400;
    const message = error.message === 'Invalid or malformed JSON was provided' ? 'request body must be valid JSON' : error.message;
    const cause = error.cause as { message?: unknown } | undefined;
    log.info('request refused', { status: error.statusCode, reason: message, cause: typeof cause?.message === 'string' ? cause.message : undefined });
    error.message = JSON.stringify({ message });
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

// A lone UTF-16 surrogate (JSON "\ud800") is not text and has no UTF-8 form; DynamoDB stores
// strings as UTF-8, so it would be refused (a 500) or stored altered. Refuse it here as a 400.
const LONE_SURROGATE = /\p{Cs}/u;

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
    if (violation) throw badRequest(violation);
  },
});

/** Middleware every route uses: headers, CORS, security headers and the one error mapping. */
export function httpApi(): MiddlewareObj[] {
  const middlewares: MiddlewareObj[] = [httpHeaderNormalizer()];
  if (config.corsOrigins.length > 0) {
    middlewares.push(httpCors({ origins: config.corsOrigins, headers: 'Authorization,Content-Type', methods: 'GET,POST,OPTIONS', maxAge: 600 }));
  }
  middlewares.push(
    // A JSON API serves no documents: the default CSP and friends cost nothing and forbid framing.
    httpSecurityHeaders(),
    responseDefaults() as MiddlewareObj,
    httpErrorHandler({ logger: false, fallbackMessage: JSON.stringify({ message: 'Internal server error' }) }),
    jsonErrorBody(),
  );
  return middlewares;
}

/** Parses and validates a JSON body: 413 over the size limit, 400 for anything not matching. */
export function jsonBody(schema: ObjectSchema): MiddlewareObj[] {
  return [
    ...(schema.optional ? [defaultBody()] : []),
    bodyLimit(config.maxBodyBytes),
    // Content type is not enforced: clients that forget the header still send JSON.
    httpJsonBodyParser({ disableContentTypeCheck: true }),
    validateBody(schema),
  ] as MiddlewareObj[];
}

const BEARER = /^Bearer\s+(\S+)$/i;
const BARE_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** The JWT from `Authorization: Bearer <jwt>` or a bare `<jwt>`; never from the query string. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const value = authorization?.trim();
  if (!value) return undefined;
  const bearer = BEARER.exec(value);
  if (bearer) return bearer[1];
  return BARE_JWT.test(value) ? value : undefined;
}

/** The 401 every JWT failure answers with: the same body whatever the reason. */
export function invalidSession(cause?: unknown) {
  const error = unauthorized(INVALID_SESSION, cause);
  error.headers = { 'WWW-Authenticate': 'Bearer' };
  return error;
}

/** Verifies the session JWT and puts its claims on `event.session`. */
export function jwtAuth(): MiddlewareObj {
  return {
    name: 'jwtAuth',
    before: async (request) => {
      const { event } = request as MiddyRequest;
      const token = bearerToken(event.headers?.authorization);
      if (!token) throw invalidSession(new InvalidTokenError('no bearer token'));
      try {
        event.session = await verifySessionToken(token);
      } catch (cause) {
        throw invalidSession(cause);
      }
    },
  };
}

/**
 * Types a route's function with what the middleware established (parsed and validated body,
 * verified session), while the exported handler still takes the API Gateway event.
 */
export function route<TBody = unknown>(fn: (request: ApiRequest<TBody>) => Promise<ApiResult>): (event: ApiEvent) => Promise<ApiResult> {
  return fn as unknown as (event: ApiEvent) => Promise<ApiResult>;
}

/** A 200 (or other) JSON response. */
export function json(body: unknown, statusCode = 200): ApiResult {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
