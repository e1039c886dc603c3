/** POST /user/refresh — a refresh token in, a new JWT and refresh token out (the one sent is used up). */
import middy from '@middy/core';
import { refreshSession } from '../lib/services/sessionService';
import { auditContext, type ApiEvent, type ApiResult, httpApi, json, jsonBody, route } from '../lib/http/middleware';
import { type BodyOf, refreshBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof refreshBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jsonBody(refreshBodySchema))
  .handler(route<Body>(async (request) => json(await refreshSession(request.body.refreshToken, auditContext(request)))));
