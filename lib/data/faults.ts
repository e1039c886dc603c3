/**
 * The one place that decides which DynamoDB failures mean "the database is unavailable right now"
 * (503 with Retry-After) rather than a bug (500): the SDK has already retried these, within the
 * budget set in client.ts, and given up.
 *
 * The lists are written out rather than taken from the SDK's retry internals (`@smithy/core`'s
 * error classification is not a dependency of ours and its exports move between releases).
 */
import { DatabaseUnavailableError, type DatabaseFaultKind } from '../errors';

/** Seconds a client is asked to wait: on-demand tables re-partition and outages clear in minutes, not milliseconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TooManyRequestsException',
]);
const SERVER_SIDE = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException']);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
// Reasons a transaction was cancelled that say nothing about the items: nothing was written, and
// the same request can succeed later. (TransactionConflict is retried by the repositories.)
const TRANSIENT_CANCELLATION = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded', 'InternalServerError']);

interface AwsLikeError {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
}

/** The kind of outage this error shows, or undefined when it is not one (a bug, a failed condition...). */
export function faultKind(error: unknown, depth = 0): DatabaseFaultKind | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { name, code, cause, $metadata, CancellationReasons } = error as AwsLikeError;
  if (typeof name === 'string') {
    if (THROTTLING.has(name)) return 'throttled';
    if (SERVER_SIDE.has(name)) return 'server';
    if (TIMEOUT.has(name)) return 'timeout';
    if (name === 'TransactionCanceledException') {
      const codes = (CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
      const transient = codes.find((reason) => TRANSIENT_CANCELLATION.has(reason));
      if (transient) return transient === 'InternalServerError' ? 'server' : 'throttled';
      return undefined;
    }
  }
  if (typeof code === 'string') {
    if (code === 'ETIMEDOUT') return 'timeout';
    if (NETWORK_CODES.has(code)) return 'unreachable';
  }
  const status = $metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (typeof status === 'number' && status >= 500) return 'server';
  return faultKind(cause, depth + 1);
}

/** A DatabaseUnavailableError for an outage, or the error unchanged. */
export function classifyDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  const kind = faultKind(error);
  if (!kind) return error;
  return new DatabaseUnavailableError(kind, DATABASE_RETRY_AFTER_SECONDS, { cause: error });
}
