/** POST /authheader/roll — gives one of the logged-in user's keys a new token; the old one works for a grace period. */
import middy from '@middy/core';
import { DEFAULT_ROLL_GRACE_SECONDS, rollAuthHeader } from '../lib/services/authHeaderService';
import { type ApiEvent, type ApiResult, auditContext, httpApi, json, jsonBody, jwtAuth, route } from '../lib/http/middleware';
import { type BodyOf, rollAuthHeaderBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof rollAuthHeaderBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(rollAuthHeaderBodySchema))
  .handler(route<Body, 'jwt'>(async (request) => json(await rollAuthHeader(request.session, request.body.text, request.body.graceSeconds ?? DEFAULT_ROLL_GRACE_SECONDS, auditContext(request)))));
