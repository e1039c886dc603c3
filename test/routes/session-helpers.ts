/** Shared by the session routes' tests: calling login, password change, refresh and logout in-process. */
import { handler as passwordHandler } from '../../functions/user-password';
import { handler as refreshHandler } from '../../functions/user-refresh';
import { handler as logoutHandler } from '../../functions/user-logout';
import { invoke, type InvokeResult } from '../helpers/invoke';
import { callLogin, freshIp, INVALID_SESSION_BODY, listHeaders } from '../helpers/api';

export { freshIp, INVALID_SESSION_BODY, listHeaders };

export interface LoginBody {
  Id: string;
  Username: string;
  Token: string;
  RefreshToken: string;
  PasswordExpiration: string;
}

export const INVALID_REFRESH_BODY = { message: 'Invalid, used, expired or ended refresh token' };

export function changePassword(body: Record<string, unknown>, sourceIp = freshIp()): Promise<InvokeResult> {
  return invoke(passwordHandler, { method: 'POST', path: '/user/password', body, sourceIp });
}

export function refresh(refreshToken: unknown): Promise<InvokeResult> {
  return invoke(refreshHandler, { method: 'POST', path: '/user/refresh', body: { refreshToken } });
}

export function logout(token: string, body?: unknown): Promise<InvokeResult> {
  return invoke(logoutHandler, { method: 'POST', path: '/user/logout', token, ...(body === undefined ? { rawBody: null } : { body }) });
}

/** Logs in and returns the login body (throws unless 200). */
export async function loggedIn(user: { username: string; password: string }): Promise<LoginBody> {
  const response = await callLogin(user.username, user.password);
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.rawBody}`);
  return response.body as LoginBody;
}

export async function ok(response: Promise<InvokeResult>): Promise<LoginBody> {
  const result = await response;
  if (result.statusCode !== 200) throw new Error(`expected 200, got ${result.statusCode} ${result.rawBody}`);
  return result.body as LoginBody;
}
