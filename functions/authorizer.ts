/**
 * The Lambda authorizer (REST REQUEST/TOKEN and HTTP API payload 2.0 with simple responses): accepts
 * a session JWT or an auth-header token in `Authorization`; refuses with API Gateway's 401.
 */
import { type AuthorizerEvent, type AuthorizerResult, handleAuthorizerEvent } from '../lib/http/authorizer';

export const handler = (event: AuthorizerEvent): Promise<AuthorizerResult> => handleAuthorizerEvent(event);
