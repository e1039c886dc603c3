/** POST /authheader/add — creates an auth header (API key) for the logged-in user. */
import middy from '@middy/core';
import { addAuthHeader } from '../lib/auth/authHeaders';
import { type ApiRequest, type ApiResult, httpApi, json, jsonBody, jwtAuth } from '../lib/http/middleware';
import { addAuthHeaderBodySchema, type BodyOf } from '../lib/http/schemas';

type Body = BodyOf<typeof addAuthHeaderBodySchema>;

export const handler = middy<ApiRequest<Body>, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(addAuthHeaderBodySchema))
  .handler(async ({ body, session }) => json(await addAuthHeader(session, body.name)));
