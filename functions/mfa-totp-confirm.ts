/** POST /user/mfa/totp/confirm — JWT: a code from the pending secret turns MFA on; recovery codes out, once. */
import middy from '@middy/core';
import { confirmTotp } from '../lib/services/mfaService';
import { auditContext, type ApiEvent, type ApiResult, httpApi, json, jsonBody, jwtAuth, route } from '../lib/http/middleware';
import { type BodyOf, confirmTotpBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof confirmTotpBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(confirmTotpBodySchema))
  .handler(route<Body, 'jwt'>(async (request) => json(await confirmTotp(request.session, request.body.code, auditContext(request)))));
