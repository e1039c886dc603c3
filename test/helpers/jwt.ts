/** Hand-made JWTs: any header, any key, as an attacker (or a test of one claim) would make them. */
import { createHmac } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { getJwtKeys } from '../../lib/auth/keys';
import { config } from '../../lib/config';

/** base64url of the JSON encoding of `value` (a JWS segment). */
export const base64urlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS signed with HMAC-SHA256 under `secret`, or with an empty signature when null. */
export function craftJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | Uint8Array | null): string {
  const signingInput = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  const signature = secret === null ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Claims that would be accepted if signed with the server key. */
export function validClaims(sub: string, username: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub, username, pwv: 1, sid: 'AAAAAAAAAAAAAAAAAAAAAA', sep: 0, iss: config.jwtIssuer, aud: config.jwtAudience, iat: now, exp: now + 600, ...overrides };
}

/** Signed with the real server key: only the claim under test is wrong. */
export async function signWithServerKey(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const { current } = await getJwtKeys();
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: current.kid, ...header }).sign(current.key);
}

/** The server's current signing key and its kid. */
export async function serverKey() {
  return (await getJwtKeys()).current;
}
