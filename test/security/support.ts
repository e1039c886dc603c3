/** Shared pieces of the security suite: the routes, logging in, and hand-made JWTs. */
import { createHmac } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as deleteHandler } from '../../functions/authheader-delete';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { getJwtKeys } from '../../lib/auth/keys';
import { config } from '../../lib/config';
import { invoke, type EventOptions, type InvokeResult } from '../helpers/invoke';

export { addHandler, deleteHandler, listHandler, loginHandler };

/** The three JWT routes with a valid body each, for `test.each` over routes. */
export const jwtRoutes = [
  { route: 'POST /authheader/add', handler: addHandler, method: 'POST', path: '/authheader/add', body: { name: 'ci-key' } },
  { route: 'GET /authheader/list', handler: listHandler, method: 'GET', path: '/authheader/list', body: undefined },
  { route: 'POST /authheader/delete', handler: deleteHandler, method: 'POST', path: '/authheader/delete', body: { text: `ahk_${'A'.repeat(43)}` } },
] as const;

export type JwtRoute = (typeof jwtRoutes)[number];

export const INVALID_SESSION_BODY = { message: 'Missing, invalid or expired token' };

let ipCounter = 0;
/** A fresh documentation-range address, so tests do not share the per-IP login counter. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

export function callLogin(username: string, password: string, sourceIp = freshIp()): Promise<InvokeResult> {
  return invoke(loginHandler, { method: 'POST', path: '/user/login', body: { username, password }, sourceIp });
}

export async function loginAs(user: { username: string; password: string }): Promise<string> {
  const response = await callLogin(user.username, user.password);
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.rawBody}`);
  return (response.body as { Token: string }).Token;
}

export function callRoute(route: Pick<JwtRoute, 'handler' | 'method' | 'path'>, options: EventOptions = {}): Promise<InvokeResult> {
  return invoke(route.handler, { method: route.method, path: route.path, ...options });
}

export const addHeader = (token: string, name = 'ci-key') => invoke(addHandler, { method: 'POST', path: '/authheader/add', token, body: { name } });
export const listHeaders = (token: string) => invoke(listHandler, { method: 'GET', path: '/authheader/list', token });
export const deleteHeader = (token: string, text: string) => invoke(deleteHandler, { method: 'POST', path: '/authheader/delete', token, body: { text } });

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS made by hand (any header, any key), as an attacker would. */
export function craftJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | Uint8Array | null): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
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

export async function currentKid(): Promise<string> {
  return (await getJwtKeys()).current.kid;
}

/** Everything the console received while `action` ran, as one string. */
export async function captureConsole<T>(action: () => Promise<T>): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    };
  }
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const result = await action();
    return { result, output: lines.join('\n') };
  } finally {
    methods.forEach((name, i) => {
      console[name] = originals[i] as (typeof console)[typeof name];
    });
    process.stdout.write = originalWrite;
    process.stderr.write = originalErrWrite;
  }
}
