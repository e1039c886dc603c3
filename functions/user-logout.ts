/** POST /user/logout — ends the JWT's session, or with `{"all": true}` every session of its user. */
import middy from '@middy/core';
import { logout } from '../lib/services/sessionService';
import { auditContext, type ApiEvent, type ApiResult, httpApi, json, jsonBody, jwtAuth, route } from '../lib/http/middleware';
import { type BodyOf, logoutBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof logoutBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(logoutBodySchema))
  .handler(
    route<Body, 'jwt'>(async (request) => {
      await logout(request.session, request.body.all === true, auditContext(request));
      return json({ message: 'Success' });
    }),
  );
