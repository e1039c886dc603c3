/**
 * What a caller may present in `Authorization` to the authorizer: a session JWT or an auth-header
 * token, each as `Bearer <x>` or bare. Anything else (another scheme, junk, an oversized header) is
 * recognised as nothing here, before any key or table is touched.
 */
import { looksLikeToken } from './tokens';

export type Credential = { kind: 'jwt'; token: string } | { kind: 'authheader'; token: string };

// Our JWTs are ~300 characters and our tokens 47; nothing longer is worth a regular expression.
const MAX_AUTHORIZATION_CHARS = 4096;
const BEARER = /^Bearer +(\S+)$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function parseAuthorization(header: string | undefined): Credential | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION_CHARS) return undefined;
  const value = header.trim();
  const token = BEARER.exec(value)?.[1] ?? value;
  if (looksLikeToken(token)) return { kind: 'authheader', token };
  if (JWT_SHAPE.test(token)) return { kind: 'jwt', token };
  return undefined;
}
