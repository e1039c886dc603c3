/**
 * Typed errors with an HTTP status (middy's HttpError). Throw these for anything a client caused;
 * the error handler (lib/http/middleware.ts) turns them into `{ "message": ... }` and turns anything
 * else into a generic 500.
 */
import { createError } from '@middy/util';

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
