/** The routes API.md adds, as lib/routes.ts will list them: their descriptions are ready ahead of them. */
import { type Route, routes } from '../../lib/routes';

const additions: Route[] = [
  { id: 'UserMe', method: 'GET', path: '/user/me', module: 'user-me', auth: 'authorizer' },
  { id: 'UserPassword', method: 'POST', path: '/user/password', module: 'user-password', auth: 'none' },
  { id: 'UserRefresh', method: 'POST', path: '/user/refresh', module: 'user-refresh', auth: 'none' },
  { id: 'UserLogout', method: 'POST', path: '/user/logout', module: 'user-logout', auth: 'jwt' },
];

/** Those not yet listed in lib/routes.ts. */
export const plannedAdditions = additions.filter((addition) => !routes.some((route) => route.id === addition.id));
