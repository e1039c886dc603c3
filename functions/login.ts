/** POST /user/login — username and password in, the user's profile and a session JWT out. */
import middy from '@middy/core';
import { login } from '../lib/services/loginService';
import { type ApiEvent, type ApiResult, auditContext, httpApi, json, jsonBody, route } from '../lib/http/middleware';
import { type BodyOf, loginBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof loginBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jsonBody(loginBodySchema))
  .handler(route<Body>(async (request) => json(await login(request.body.username, request.body.password, auditContext(request), request.body.code))));
