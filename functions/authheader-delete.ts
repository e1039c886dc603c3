/** POST /authheader/delete — deletes one of the logged-in user's auth headers, by its token. */
import middy from '@middy/core';
import { deleteAuthHeader } from '../lib/auth/authHeaders';
import { type ApiRequest, type ApiResult, httpApi, json, jsonBody, jwtAuth } from '../lib/http/middleware';
import { type BodyOf, deleteAuthHeaderBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof deleteAuthHeaderBodySchema>;

export const handler = middy<ApiRequest<Body>, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(deleteAuthHeaderBodySchema))
  .handler(async ({ body, session }) => {
    await deleteAuthHeader(session, body.text);
    return json({ message: 'Success' });
  });
