/** POST /user/password — current credentials and a new password in, a new session out (expired or not). */
import middy from '@middy/core';
import { changePassword } from '../lib/services/passwordService';
import { auditContext, type ApiEvent, type ApiResult, httpApi, json, jsonBody, route } from '../lib/http/middleware';
import { type BodyOf, changePasswordBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof changePasswordBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jsonBody(changePasswordBodySchema))
  .handler(route<Body>(async ({ body, ...request }) => json(await changePassword(body.username, body.password, body.newPassword, auditContext(request), body.code))));
