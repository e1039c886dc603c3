/** GET /authheader/list — the logged-in user's auth headers, tokens included (as the contract says). */
import middy from '@middy/core';
import { listAuthHeaders } from '../lib/auth/authHeaders';
import { type ApiRequest, type ApiResult, httpApi, json, jwtAuth } from '../lib/http/middleware';

export const handler = middy<ApiRequest, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .handler(async ({ session }) => json(await listAuthHeaders(session)));
