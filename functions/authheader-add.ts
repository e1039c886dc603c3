/** POST /authheader/add — creates an auth header (API key) for the logged-in user. */
import middy from '@middy/core';
import { addAuthHeader } from '../lib/services/authHeaderService';
import { type ApiEvent, type ApiResult, auditContext, httpApi, json, jsonBody, jwtAuth, route } from '../lib/http/middleware';
import { addAuthHeaderBodySchema, type BodyOf } from '../lib/http/schemas';

type Body = BodyOf<typeof addAuthHeaderBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(addAuthHeaderBodySchema))
  .handler(route<Body, 'jwt'>(async (request) => json(await addAuthHeader(request.session, request.body, auditContext(request)))));
