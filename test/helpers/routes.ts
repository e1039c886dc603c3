/**
 * The routes of lib/routes.ts with their handlers loaded, so that tests over "every route" or
 * "every JWT route" follow that list: a route added there is tested here without being named.
 */
import { routes, type Route } from '../../lib/routes';
import type { ObjectSchema } from '../../lib/http/schemas';
import { invoke, type EventOptions, type InvokeResult } from './invoke';

type JwtRouteEntry = Extract<(typeof routes)[number], { auth: 'jwt' }>;
export type JwtRouteId = JwtRouteEntry['id'];

export interface LoadedRoute extends Route {
  readonly handler: unknown;
}

async function load(route: Route): Promise<LoadedRoute> {
  const module = (await import(`../../functions/${route.module}`)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`functions/${route.module} exports no handler`);
  return { ...route, handler: module.handler };
}

/** Every route, in lib/routes.ts order. */
export const loadedRoutes: readonly LoadedRoute[] = await Promise.all(routes.map(load));

/** Every route whose `auth` is 'jwt'. */
export const jwtRoutes = loadedRoutes.filter((route): route is LoadedRoute & { id: JwtRouteId } => route.auth === 'jwt');

/** A body the schema accepts: each required field at its minimum length (undefined without a schema). */
export function validBody(schema: ObjectSchema | undefined): Record<string, string> | undefined {
  if (!schema) return undefined;
  return Object.fromEntries(schema.required.map((name) => { const field = schema.properties[name]; return [name, 'x'.repeat(Math.max(1, field?.type === 'string' ? field.minLength : 1))]; }));
}

/** Invokes the route's handler with its method and path, and by default a valid body. */
export function callRoute(route: LoadedRoute, options: EventOptions = {}): Promise<InvokeResult> {
  return invoke(route.handler, { method: route.method, path: route.path, body: validBody(route.body), ...options });
}
