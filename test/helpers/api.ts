/** Calling the functions in-process as API Gateway would, as a logged-in user or as nobody. */
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as deleteHandler } from '../../functions/authheader-delete';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { givenUser } from './db';
import { invoke, type EventOptions, type InvokeResult } from './invoke';

/** The contract's one answer to every session failure (with `WWW-Authenticate: Bearer`). */
export const INVALID_SESSION_BODY = { message: 'Missing, invalid or expired token' };

/** An auth header as the contract returns it. */
export interface AuthHeader {
  id: string;
  name: string;
  token: string;
  created: string;
}

let ipCounter = 0;
/** A fresh documentation-range address, so tests do not share the per-IP login counter. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

export function callLogin(username: string, password: string, sourceIp = freshIp()): Promise<InvokeResult> {
  return invoke(loginHandler, { method: 'POST', path: '/user/login', body: { username, password }, sourceIp });
}

/** The session JWT of a successful login; throws when the login does not succeed. */
export async function loginAs(user: { username: string; password: string }): Promise<string> {
  const response = await callLogin(user.username, user.password);
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.rawBody}`);
  return (response.body as { Token: string }).Token;
}

/** A new user, logged in: the user and their session JWT. */
export async function loggedInUser(overrides: Parameters<typeof givenUser>[0] = {}) {
  const user = await givenUser(overrides);
  return { ...user, jwt: await loginAs(user) };
}

export const addHeader = (token: string | undefined, name = 'ci-key', options: EventOptions = {}) =>
  invoke(addHandler, { method: 'POST', path: '/authheader/add', token, body: { name }, ...options });
export const listHeaders = (token: string | undefined, options: EventOptions = {}) =>
  invoke(listHandler, { method: 'GET', path: '/authheader/list', token, ...options });
export const deleteHeader = (token: string | undefined, text: string, options: EventOptions = {}) =>
  invoke(deleteHandler, { method: 'POST', path: '/authheader/delete', token, body: { text }, ...options });

/** Adds an auth header that must succeed, and returns it. */
export async function givenAuthHeader(token: string, name = 'ci-key'): Promise<AuthHeader> {
  const response = await addHeader(token, name);
  if (response.statusCode !== 200) throw new Error(`add failed: ${response.statusCode} ${response.rawBody}`);
  return response.body as AuthHeader;
}

/** A logged-in user holding one auth header (the authorizer's tests start from this). */
export async function userWithKey(name = 'ci-key') {
  const user = await givenUser();
  const jwt = await loginAs(user);
  return { user, jwt, key: await givenAuthHeader(jwt, name) };
}
