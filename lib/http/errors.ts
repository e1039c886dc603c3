/**
 * Typed errors with an HTTP status (middy's HttpError). Throw these for anything a client caused;
 * the error handler (lib/http/middleware.ts) turns them into `{ "message": ... }` and turns anything
 * else into a generic 500.
 */
import { createError } from '@middy/util';
import {
  ConflictError,
  DependencyUnavailableError,
  type DomainError,
  InvalidCredentialsError,
  InvalidInputError,
  InvalidSessionError,
  NotFoundError,
  PasswordExpiredError,
  ThrottledError,
} from '../errors';

export type HttpError = ReturnType<typeof createError>;

const make = (status: number) => (message: string, cause?: unknown) => createError(status, message, { cause });

export const badRequest = make(400);
export const unauthorized = make(401);
export const forbidden = make(403);
export const notFound = make(404);
export const conflict = make(409);
export const payloadTooLarge = make(413);

export function tooManyRequests(message: string, retryAfterSeconds: number): HttpError {
  const error = createError(429, message);
  (error as HttpError & { headers?: Record<string, string> }).headers = { 'Retry-After': String(retryAfterSeconds) };
  return error;
}

export function isHttpError(error: unknown): error is HttpError & { statusCode: number; expose: boolean } {
  return typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

/**
 * The HTTP answer to a domain error (lib/errors.ts): the one mapping of kinds to statuses. Anything
 * that is not a domain error is left alone (an HttpError already, or a 500).
 */
export function httpErrorFromDomain(error: DomainError): HttpError {
  const withHeaders = (status: number, headers: Record<string, string>) => {
    const httpError = createError(status, error.message, { cause: error });
    (httpError as HttpError & { headers?: Record<string, string> }).headers = headers;
    return httpError;
  };
  if (error instanceof InvalidSessionError) return withHeaders(401, { 'WWW-Authenticate': 'Bearer' });
  if (error instanceof ThrottledError) return withHeaders(429, { 'Retry-After': String(error.retryAfterSeconds) });
  if (error instanceof DependencyUnavailableError) return withHeaders(503, { 'Retry-After': String(error.retryAfterSeconds) });
  const status =
    error instanceof InvalidInputError ? 400
    : error instanceof InvalidCredentialsError ? 401
    : error instanceof PasswordExpiredError ? 403
    : error instanceof NotFoundError ? 404
    : error instanceof ConflictError ? 409
    : 500;
  return createError(status, error.message, { cause: error });
}
