/** GET /user/me — behind the authorizer: the caller's profile and how they authenticated. */
import middy from '@middy/core';
import { describeCaller } from '../lib/services/profileService';
import { type ApiEvent, type ApiResult, authorizerIdentity, httpApi, json, route } from '../lib/http/middleware';

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(authorizerIdentity())
  .handler(route<unknown, 'authorizer'>(async ({ caller }) => json(await describeCaller(caller))));
