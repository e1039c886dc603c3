/**
 * The contract's endpoints and the function module that serves each. The local server routes by
 * this list; the CDK stack gives each entry a Lambda of its own.
 */
export interface Route {
  /** Stable, readable id: the Lambda's logical id prefix (used by `sam local invoke`). */
  readonly id: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Module under functions/ exporting `handler`. */
  readonly module: string;
  /** Whether the route needs the session JWT. */
  readonly auth: boolean;
}

export const routes = [
  { id: 'Login', method: 'POST', path: '/user/login', module: 'login', auth: false },
  { id: 'AuthHeaderAdd', method: 'POST', path: '/authheader/add', module: 'authheader-add', auth: true },
  { id: 'AuthHeaderList', method: 'GET', path: '/authheader/list', module: 'authheader-list', auth: true },
  { id: 'AuthHeaderDelete', method: 'POST', path: '/authheader/delete', module: 'authheader-delete', auth: true },
] as const satisfies readonly Route[];
