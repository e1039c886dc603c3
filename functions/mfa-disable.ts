/** POST /user/mfa/disable — JWT: a TOTP code or an unused recovery code turns MFA off. */
import middy from '@middy/core';
import { disableMfa } from '../lib/services/mfaService';
import { auditContext, type ApiEvent, type ApiResult, httpApi, json, jsonBody, jwtAuth, route } from '../lib/http/middleware';
import { type BodyOf, disableMfaBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof disableMfaBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(disableMfaBodySchema))
  .handler(
    route<Body, 'jwt'>(async (request) => {
      await disableMfa(request.session, request.body.code, auditContext(request));
      return json({ message: 'Success' });
    }),
  );
