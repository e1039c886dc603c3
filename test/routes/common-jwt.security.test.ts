/** The checks of test/routes/common.ts, for every route whose `auth` is 'jwt' in lib/routes.ts. */
import { describe, expect, test } from '@jest/globals';
import { useTestTables } from '../helpers/db';
import { routes } from '../../lib/routes';
import { jwtRoutes } from '../helpers/routes';
import { runCommonJwtRouteTests } from './common';

useTestTables();

test('runs for every JWT route in lib/routes.ts', () => {
  expect(jwtRoutes.length).toBeGreaterThan(0);
  expect(jwtRoutes.map((route) => route.id)).toEqual(routes.filter((route) => route.auth === 'jwt').map((route) => route.id));
});

describe.each(jwtRoutes)('$method $path', (route) => {
  runCommonJwtRouteTests(route);
});
