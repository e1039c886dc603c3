/**
 * Typed errors with an HTTP status (middy's HttpError). Throw these for anything a client caused;
 * the error handler (lib/http/middleware.ts) turns them into `{ "message": ... }` and turns anything
 * else into a generic 500.
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

/** The one body every JWT failure answers with, whatever the reason. */
export const INVALID_SESSION = 'Missing, invalid or expired token';
export const INVALID_REFRESH_TOKEN = 'Invalid, used, expired or ended refresh token';

function withHeaders(error: HttpError, headers: Record<string, string>): HttpError {
  (error as HttpError & { headers?: Record<string, string> }).headers = headers;
  return error;
}

/**
 * A domain error (lib/errors.ts) as the HTTP error the contract gives it; anything else unchanged.
 * Session failures never say why (the reason stays in `cause`, for the log line).
 */
export function fromDomainError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  if (error instanceof InvalidRefreshTokenError) return unauthorized(INVALID_REFRESH_TOKEN, error);
  if (error instanceof InvalidSessionError) return withHeaders(unauthorized(INVALID_SESSION, error), { 'WWW-Authenticate': 'Bearer' });
  if (error instanceof InvalidCredentialsError) return unauthorized(error.message, error);
  if (error instanceof InvalidInputError) return badRequest(error.message, error);
  if (error instanceof PasswordExpiredError) return forbidden(error.message, error);
  if (error instanceof NotFoundError) return notFound(error.message, error);
  if (error instanceof ConflictError) return conflict(error.message, error);
  if (error instanceof ThrottledError) return withHeaders(createError(429, error.message, { cause: error }), { 'Retry-After': String(error.retryAfterSeconds) });
  if (error instanceof DependencyUnavailableError) return withHeaders(createError(503, error.message, { cause: error, expose: true }), { 'Retry-After': String(error.retryAfterSeconds) });
  return error;
}
