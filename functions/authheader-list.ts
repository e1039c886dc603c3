/** GET /authheader/list — the logged-in user's auth headers, tokens included (as the contract says). */
import middy from '@middy/core';
import { listAuthHeaders } from '../lib/services/authHeaderService';
import { type ApiEvent, type ApiResult, httpApi, json, jwtAuth, route } from '../lib/http/middleware';

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .handler(route<unknown, 'jwt'>(async ({ session }) => json(await listAuthHeaders(session))));
