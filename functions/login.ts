/** POST /user/login — username and password in, the user's profile and a session JWT out. */
import middy from '@middy/core';
import { login } from '../lib/auth/login';
import { type ApiRequest, type ApiResult, httpApi, json, jsonBody } from '../lib/http/middleware';
import { type BodyOf, loginBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof loginBodySchema>;

export const handler = middy<ApiRequest<Body>, ApiResult>()
  .use(httpApi())
  .use(jsonBody(loginBodySchema))
  .handler(async ({ body }) => json(await login(body.username, body.password)));
