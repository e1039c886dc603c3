/**
 * The one place where errors become HTTP answers. `toHttpError` maps the domain errors of
 * lib/errors.ts (and the few middy errors the shared middleware meets) to middy HttpErrors with the
 * contract's status, message and headers; the error middleware (lib/http/middleware.ts) turns them
 * into `{ "message": ... }` and anything unmapped into a generic 500.
 */
import { createError } from '@middy/util';
import {
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  InvalidCredentialsError,
  InvalidInputError,
  InvalidRefreshTokenError,
  InvalidSessionError,
  MfaRequiredError,
  NotFoundError,
  PasswordExpiredError,
  ThrottledError,
} from '../errors';

export type HttpError = ReturnType<typeof createError> & {
  headers?: Record<string, string>;
  /** Fields the body carries beside `message` (MfaRequired). */
  bodyFields?: Record<string, unknown>;
};

/** The 401 body of every session failure, whatever the reason (the reason goes to the log only). */
export const INVALID_SESSION_MESSAGE = 'Missing, invalid or expired token';
/** Unknown user and wrong password answer alike. */
export const INCORRECT_CREDENTIALS_MESSAGE = 'Incorrect username or password';
export const INVALID_REFRESH_TOKEN_MESSAGE = 'Invalid, used, expired or ended refresh token';
export const MALFORMED_JSON_MESSAGE = 'request body must be valid JSON';
/** A dependency failed: the Lambdas' 503, the gateway's when the authorizer fails, the local server's. */
export const UNAVAILABLE_MESSAGE = 'Service temporarily unavailable; try again later';
export const UNAVAILABLE_BODY = JSON.stringify({ message: UNAVAILABLE_MESSAGE });
/** Anything unmapped: the Lambdas' 500, the gateway's default 5xx, the local server's. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
export const INTERNAL_ERROR_BODY = JSON.stringify({ message: INTERNAL_ERROR_MESSAGE });

/** The error message API Gateway answers 401 for when an authorizer throws it; anything else it answers 500. */
export const UNAUTHORIZED = 'Unauthorized';
/** The gateway response body for that 401 (infra/stack.ts; the local server answers the same). */
export const UNAUTHORIZED_BODY = JSON.stringify({ message: UNAUTHORIZED });

/** The package middy's body parser names in its errors' `cause` (middy's convention). */
export const JSON_BODY_PARSER_PACKAGE = '@middy/http-json-body-parser';

function httpError(status: number, message: string, cause: unknown, headers?: Record<string, string>): HttpError {
  // expose: middy hides >= 500 by default; the 503 and its Retry-After are meant for the client.
  const error: HttpError = createError(status, message, { cause, expose: true });
  if (headers) error.headers = headers;
  return error;
}

export const payloadTooLarge = (message: string) => httpError(413, message, undefined);

export const UNSUPPORTED_MEDIA_TYPE_MESSAGE = 'Content-Type must be application/json';
export const unsupportedMediaType = () => httpError(415, UNSUPPORTED_MEDIA_TYPE_MESSAGE, undefined);

export function isHttpError(error: unknown): error is HttpError & { statusCode: number; expose: boolean } {
  return typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

/** The `cause` middy's own errors carry: `{ package, data, message? }` (data is request text). */
export function middyCause(error: unknown): { package: string; data?: unknown; message?: unknown } | undefined {
  const cause = isHttpError(error) ? (error.cause as { package?: unknown } | undefined) : undefined;
  return typeof cause?.package === 'string' ? (cause as { package: string }) : undefined;
}

function fromDomain(error: DomainError): HttpError | undefined {
  // A refresh token is not sent as a bearer credential: no WWW-Authenticate challenge.
  if (error instanceof InvalidRefreshTokenError) return httpError(401, INVALID_REFRESH_TOKEN_MESSAGE, error);
  if (error instanceof InvalidInputError) return httpError(400, error.message, error);
  if (error instanceof MfaRequiredError) return Object.assign(httpError(401, error.message, error), { bodyFields: { MfaRequired: true } });
  if (error instanceof InvalidCredentialsError) return httpError(401, INCORRECT_CREDENTIALS_MESSAGE, error);
  if (error instanceof InvalidSessionError) return httpError(401, INVALID_SESSION_MESSAGE, error, { 'WWW-Authenticate': 'Bearer' });
  if (error instanceof PasswordExpiredError) return httpError(403, error.message, error);
  if (error instanceof NotFoundError) return httpError(404, error.message, error);
  if (error instanceof ConflictError) return httpError(409, error.message, error);
  if (error instanceof ThrottledError) return httpError(429, error.message, error, { 'Retry-After': String(error.retryAfterSeconds) });
  if (error instanceof DependencyUnavailableError) {
    return httpError(503, UNAVAILABLE_MESSAGE, error, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  return undefined;
}

/**
 * The HTTP answer for an error, or undefined when it is not one the client may learn about (a bug,
 * an unexpected dependency failure: the caller answers a generic 500).
 */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof DomainError) return fromDomain(error);
  if (!isHttpError(error) || !error.expose) return undefined;
  if (middyCause(error)?.package === JSON_BODY_PARSER_PACKAGE) {
    const cause = middyCause(error);
    // A parse failure (cause.message set) or no body at all is "not JSON"; the parser's other
    // refusal (a prototype-polluting key) keeps its own message. 422 in middy, 400 in the contract.
    const malformed = cause?.message !== undefined || cause?.data === undefined;
    return httpError(400, malformed ? MALFORMED_JSON_MESSAGE : error.message, error);
  }
  return error;
}
