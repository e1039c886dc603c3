/**
 * The Lambda authorizer (REST REQUEST/TOKEN and HTTP API payload 2.0 with simple responses): accepts
 * a session JWT or an auth-header token in `Authorization`; refuses with API Gateway's 401. No HTTP
 * middleware: an authorizer answers with a policy or throws, never with an HTTP response.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type AuthorizerEvent, type AuthorizerResult, handleAuthorizerEvent } from '../lib/http/authorizer';
import { log } from '../lib/log';
import { metricsMiddleware } from '../lib/metrics';

export const handler = middy<AuthorizerEvent, AuthorizerResult>()
  .use(metricsMiddleware())
  .use(injectLambdaContext(log, { logEvent: false }))
  .handler(handleAuthorizerEvent);
