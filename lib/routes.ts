/**
 * The service's endpoints, listed once: the CDK stack gives each its own Lambda (one explicit block
 * per route in infra/stack.ts), the local server routes by this list, and the SAM events test and
 * the benchmark find the routes here. Nothing else lists them.
 */
import {
  addAuthHeaderBodySchema,
  changePasswordBodySchema,
  deleteAuthHeaderBodySchema,
  loginBodySchema,
  logoutBodySchema,
  confirmTotpBodySchema,
  disableMfaBodySchema,
  type ObjectSchema,
  refreshBodySchema,
  revokeAuthHeaderBodySchema,
  rollAuthHeaderBodySchema,
} from './http/schemas';

/** How a route authenticates its caller. */
export type RouteAuth =
  /** Public (login, password change, refresh). */
  | 'none'
  /** The session JWT, verified inside the function by the shared middleware. */
  | 'jwt'
  /** The Lambda authorizer in front of the function (JWT or auth header). */
  | 'authorizer';

export interface Route {
  /** Stable, readable id: the Lambda's logical id prefix (used by `sam local invoke`). */
  readonly id: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Module under functions/ exporting `handler`. */
  readonly module: string;
  readonly auth: RouteAuth;
  /** The request body's schema: the function validates with it and API Gateway's model is built from it. */
  readonly body?: ObjectSchema;
}

export const routes = [
  { id: 'Login', method: 'POST', path: '/user/login', module: 'login', auth: 'none', body: loginBodySchema },
  { id: 'AuthHeaderAdd', method: 'POST', path: '/authheader/add', module: 'authheader-add', auth: 'jwt', body: addAuthHeaderBodySchema },
  { id: 'AuthHeaderList', method: 'GET', path: '/authheader/list', module: 'authheader-list', auth: 'jwt' },
  { id: 'AuthHeaderDelete', method: 'POST', path: '/authheader/delete', module: 'authheader-delete', auth: 'jwt', body: deleteAuthHeaderBodySchema },
  { id: 'UserMe', method: 'GET', path: '/user/me', module: 'user-me', auth: 'authorizer' },
  { id: 'UserPassword', method: 'POST', path: '/user/password', module: 'user-password', auth: 'none', body: changePasswordBodySchema },
  { id: 'UserRefresh', method: 'POST', path: '/user/refresh', module: 'user-refresh', auth: 'none', body: refreshBodySchema },
  { id: 'UserLogout', method: 'POST', path: '/user/logout', module: 'user-logout', auth: 'jwt', body: logoutBodySchema },
  { id: 'AuthHeaderRoll', method: 'POST', path: '/authheader/roll', module: 'authheader-roll', auth: 'jwt', body: rollAuthHeaderBodySchema },
  { id: 'AuthHeaderRevoke', method: 'POST', path: '/authheader/revoke', module: 'authheader-revoke', auth: 'none', body: revokeAuthHeaderBodySchema },
  { id: 'MfaTotpSetup', method: 'POST', path: '/user/mfa/totp/setup', module: 'mfa-totp-setup', auth: 'jwt' },
  { id: 'MfaTotpConfirm', method: 'POST', path: '/user/mfa/totp/confirm', module: 'mfa-totp-confirm', auth: 'jwt', body: confirmTotpBodySchema },
  { id: 'MfaDisable', method: 'POST', path: '/user/mfa/disable', module: 'mfa-disable', auth: 'jwt', body: disableMfaBodySchema },
] as const satisfies readonly Route[];

export type RouteId = (typeof routes)[number]['id'];

/** The route with this id (the stack wires each one by id). */
export function route(id: RouteId): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route "${id}" in lib/routes.ts`);
  return found;
}
