/**
 * The one reading of `Authorization`, for the JWT routes' middleware and the authorizer alike: the
 * header's single value (a request that carries it more than once is ambiguous and presents
 * nothing), parsed by lib/auth/credentials.ts.
 */
import { type Credential, parseAuthorization } from '../auth/credentials';

/** The headers of a REST (v1) or HTTP API (v2) event, proxy or REQUEST authorizer. */
export interface HeaderSource {
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  version?: string;
}

/**
 * The one `Authorization` value, or undefined. Header names are case-insensitive; REST events list
 * every copy in `multiValueHeaders`, HTTP APIs join repeated headers with commas (no credential of
 * ours contains one).
 */
export function authorizationOf(event: HeaderSource): string | undefined {
  const named = <T>(record: Record<string, T> | null | undefined) => Object.entries(record ?? {}).filter(([name]) => name.toLowerCase() === 'authorization');
  const copies = named(event.multiValueHeaders).reduce((total, [, values]) => total + (values?.length ?? 0), 0);
  if (copies > 1) return undefined;
  const values = named(event.headers);
  if (values.length !== 1) return undefined;
  const value = values[0]?.[1];
  return value === undefined || (event.version === '2.0' && value.includes(',')) ? undefined : value;
}

/** The credential the request presents, or undefined. */
export const credentialOf = (event: HeaderSource): Credential | undefined => parseAuthorization(authorizationOf(event));
