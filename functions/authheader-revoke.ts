/** POST /authheader/revoke — no credential: whoever holds a token may revoke it (a leak). 200 whatever the token; 429 for an address past its failures. */
import middy from '@middy/core';
import { revokeAuthHeader } from '../lib/services/authHeaderService';
import { type ApiEvent, type ApiResult, auditContext, httpApi, json, jsonBody, route } from '../lib/http/middleware';
import { type BodyOf, revokeAuthHeaderBodySchema } from '../lib/http/schemas';

type Body = BodyOf<typeof revokeAuthHeaderBodySchema>;

export const handler = middy<ApiEvent, ApiResult>()
  .use(httpApi())
  .use(jsonBody(revokeAuthHeaderBodySchema))
  .handler(
    route<Body>(async (request) => {
      await revokeAuthHeader(request.body.text, auditContext(request));
      return json({ message: 'Success' });
    }),
  );
