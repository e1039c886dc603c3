/** POST /user/mfa/totp/setup — JWT: a new TOTP secret to enrol (pending until confirmed). */
import middy from '@middy/core';
import { setupTotp } from '../lib/services/mfaService';
import { type ApiEvent, type ApiResult, httpApi, json, jwtAuth, route } from '../lib/http/middleware';

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .handler(route<unknown, 'jwt'>(async ({ session }) => json(await setupTotp(session))));
