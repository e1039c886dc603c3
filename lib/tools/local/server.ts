/**
 * The local HTTP server: each request becomes an API Gateway REST (v1) proxy event for the same
 * handler modules the Lambdas run, so what works here works behind API Gateway.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { routes, type Route } from '../../routes';
import { docsHandler } from './docs';
import { HOST_NOT_ALLOWED, isAllowedHost } from './hostGuard';
import type { AuthorizerResult } from '../../http/authorizer';
import { INTERNAL_ERROR_MESSAGE, UNAUTHORIZED, UNAUTHORIZED_BODY, UNAVAILABLE_MESSAGE } from '../../http/errors';
import { AUTHORIZER_IDENTITY_SOURCES } from '../../http/identitySources';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<AuthorizerResult>;

// API Gateway refuses payloads over 10 MB itself; so does this server, without buffering them.
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

async function loadHandler(route: Route): Promise<Handler> {
  const module = (await import(`../../../functions/${route.module}`)) as { handler: Handler };
  return module.handler;
}

function lambdaContext(route: Route, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${route.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${route.id}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/local-${route.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function toProxyEvent(req: IncomingMessage, body: string, route: Route, requestId: string): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = url.searchParams.size > 0;
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length > 0 ? body : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? 'GET',
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: route.id,
      resourcePath: route.path,
      // From the socket, like API Gateway: X-Forwarded-For is the client's to forge.
      identity: {
        sourceIp: req.socket.remoteAddress ?? 'unknown',
        userAgent: req.headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

/** The REQUEST authorizer event API Gateway sends for this proxy event (identity source: Authorization). */
export function toAuthorizerEvent(event: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  const { requestContext } = event;
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:local:${requestContext.accountId}:${requestContext.apiId}/${requestContext.stage}/${event.httpMethod}${event.path}`,
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers,
    multiValueHeaders: event.multiValueHeaders,
    pathParameters: event.pathParameters,
    queryStringParameters: event.queryStringParameters,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters,
    stageVariables: event.stageVariables,
    requestContext: { ...requestContext, authorizer: undefined },
  };
}

/**
 * The gateway's cache of authorizer answers: an Allow is reused for AUTHORIZER_CACHE_SECONDS (the
 * stack's cacheTtl) for requests with the same identity sources (lib/http/identitySources.ts: the
 * `Authorization` value and the client's address), without calling the authorizer, as API Gateway
 * does. The key is built from the same list the stack's authorizer declares, so what this cache
 * would wrongly reuse, the deployed one would too.
 */
export class GatewayAuthorizerCache {
  private readonly entries = new Map<string, { result: AuthorizerResult; until: number }>();

  constructor(
    readonly ttlSeconds: number,
    private readonly sources: { header: string; context: string } = AUTHORIZER_IDENTITY_SOURCES,
  ) {}

  /** The cache key: each identity source's value, as the gateway reads them. */
  keyOf(event: APIGatewayProxyEvent): string {
    const header = Object.entries(event.headers).find(([name]) => name.toLowerCase() === this.sources.header.toLowerCase())?.[1] ?? '';
    const context = this.sources.context.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], event.requestContext);
    return JSON.stringify([header, String(context)]);
  }

  get(event: APIGatewayProxyEvent, nowMs = Date.now()): AuthorizerResult | undefined {
    const key = this.keyOf(event);
    const entry = this.entries.get(key);
    if (entry && nowMs < entry.until) return entry.result;
    this.entries.delete(key);
    return undefined;
  }

  set(event: APIGatewayProxyEvent, result: AuthorizerResult, nowMs = Date.now()): void {
    if (this.ttlSeconds > 0) this.entries.set(this.keyOf(event), { result, until: nowMs + this.ttlSeconds * 1000 });
  }
}

/**
 * What API Gateway does for a route behind the authorizer: no `Authorization` header → 401 without
 * calling it; a cached Allow for the same identity sources → that answer, the authorizer not
 * called (GatewayAuthorizerCache); the authorizer failing with "Unauthorized" → its 401 gateway
 * response; failing otherwise → 503 (infra/stack.ts maps AUTHORIZER_FAILURE so); allowed → its
 * context, with the principal id, in `requestContext.authorizer`. Answers on its own and returns
 * undefined when the request goes no further.
 */
async function applyAuthorizer(event: APIGatewayProxyEvent, res: ServerResponse, requestId: string, gatewayCache: GatewayAuthorizerCache): Promise<APIGatewayProxyEvent | undefined> {
  const refuse = () => {
    res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' });
    res.end(UNAUTHORIZED_BODY);
    return undefined;
  };
  if (!Object.entries(event.headers).some(([name, value]) => name.toLowerCase() === 'authorization' && value?.trim())) return refuse();
  authorizer ??= import('../../../functions/authorizer').then((module) => module.handler as AuthorizerHandler);
  const authorize = await authorizer;
  let result = gatewayCache.get(event);
  if (!result) {
    try {
      result = await authorize(toAuthorizerEvent(event), lambdaContext(AUTHORIZER_ROUTE, requestId));
    } catch (error) {
      if (error instanceof Error && error.message === UNAUTHORIZED) return refuse();
      sendJson(res, 503, { message: UNAVAILABLE_MESSAGE }, { 'Retry-After': '1' });
      return undefined;
    }
    gatewayCache.set(event, result);
  }
  if (!('principalId' in result)) throw new Error('the authorizer gave a REST event an HTTP API answer');
  return { ...event, requestContext: { ...event.requestContext, authorizer: { ...result.context, principalId: result.principalId } } };
}

// For the authorizer's Lambda context only (it is not a route).
const AUTHORIZER_ROUTE = { id: 'Authorizer', method: 'GET', path: '', module: 'authorizer', auth: 'none' } as const satisfies Route;
let authorizer: Promise<AuthorizerHandler> | undefined;

function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(statusCode, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_BODY_BYTES) {
        resolveBody(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The server for every route; `host` is the address it will be bound to (for the Host check,
 * hostGuard.ts); `gatewayCacheSeconds`: the gateway cache's TTL (default AUTHORIZER_CACHE_SECONDS,
 * as the stack sets it).
 */
export function createLocalServer(options: { host?: string; gatewayCacheSeconds?: number } = {}): Server {
  const boundHost = options.host ?? '127.0.0.1';
  const handlers = new Map<Route, Promise<Handler>>();
  // Made on the first authorizer route, like the handlers: lib/config is read only once a request needs it.
  let gatewayCache: Promise<GatewayAuthorizerCache> | undefined;
  const gatewayCacheOf = () => (gatewayCache ??= import('../../config').then(({ config }) => new GatewayAuthorizerCache(options.gatewayCacheSeconds ?? config.authorizerCacheSeconds)));
  const docs = docsHandler();
  return createServer(async (req, res) => {
    try {
      if (!isAllowedHost(req.headers.host, boundHost)) {
        sendJson(res, HOST_NOT_ALLOWED.status, HOST_NOT_ALLOWED.body);
        req.resume();
        return;
      }
      if (await docs(req, res)) return;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const candidates = routes.filter((route) => route.path === path);
      const route = candidates.find((candidate) => candidate.method === req.method);
      if (!route) {
        if (candidates.length > 0) {
          sendJson(res, 405, { message: `Method ${req.method} not allowed on ${path}` }, { Allow: candidates.map((r) => r.method).join(', ') });
        } else {
          sendJson(res, 404, { message: `No route for ${req.method} ${path}` });
        }
        req.resume();
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        sendJson(res, 413, { message: 'request body too large' });
        return;
      }
      if (!handlers.has(route)) handlers.set(route, loadHandler(route));
      const handler = await (handlers.get(route) as Promise<Handler>);
      const requestId = randomUUID();
      let event: APIGatewayProxyEvent | undefined = toProxyEvent(req, body, route, requestId);
      if (route.auth === 'authorizer') event = await applyAuthorizer(event, res, requestId, await gatewayCacheOf());
      if (!event) return;
      const result = await handler(event, lambdaContext(route, requestId));
      const headers: Record<string, string | number | boolean> = { ...result.headers };
      res.writeHead(result.statusCode, headers as Record<string, string>);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      // Handlers map their own errors; reaching here is a bug in this server.
      console.error(JSON.stringify({ level: 'ERROR', message: 'local server error', error: String(error) }));
      if (!res.headersSent) sendJson(res, 500, { message: INTERNAL_ERROR_MESSAGE });
      else res.destroy();
    }
  });
}
