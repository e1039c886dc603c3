/** POST /authheader/delete — deletes one of the logged-in user's auth headers, by its token. */
import middy from '@middy/core';
import { deleteAuthHeader } from '../lib/services/authHeaderService';
import { type ApiEvent, type ApiResult, auditContext, httpApi, json, jsonBody, jwtAuth, route } from '../lib/http/middleware';
import { type BodyOf, deleteAuthHeaderBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof deleteAuthHeaderBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .use(jsonBody(deleteAuthHeaderBodySchema))
  .handler(
    route<Body, 'jwt'>(async (request) => {
      await deleteAuthHeader(request.session, request.body.text, auditContext(request));
      return json({ message: 'Success' });
    }),
  );
