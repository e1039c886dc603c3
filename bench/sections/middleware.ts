/**
 * 3. What the middy stack adds per request, in-process (no HTTP): the list handler vs its own body
 * called directly, and, free of DynamoDB noise, the same middleware around a no-op.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { handler as listHandler } from '../../functions/authheader-list';
import { listAuthHeaders } from '../../lib/services/authHeaderService';
import { type ApiRequest, type ApiResult, httpApi, json, jwtAuth } from '../../lib/http/middleware';
import type { BenchUser } from '../fixtures';
import { type Row, type SectionResult } from '../report';
import { median, round, roundSummary, summarize } from '../stats';
import { interleaved } from '../timing';
import type { BenchOptions } from './options';

const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** A fresh REST API event per call: middy's header normalizer rewrites the one it is given. */
function listEvent(token: string): APIGatewayProxyEvent {
  return {
    resource: '/authheader/list',
    path: '/authheader/list',
    httpMethod: 'GET',
    headers: { Authorization: `Bearer ${token}`, Host: 'localhost', 'User-Agent': 'bench' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), identity: { sourceIp: '127.0.0.1' } } as APIGatewayProxyEvent['requestContext'],
  };
}

/** How Lambda calls a handler (middy's types describe the event after its middleware ran). */
type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<ApiResult>;
const invokeList = listHandler as unknown as LambdaHandler;

// The list function's stack (functions/authheader-list.ts) around a handler that does nothing.
const invokeNoop = middy<ApiRequest, ApiResult>()
  .use(httpApi())
  .use(jwtAuth())
  .handler(async () => json([])) as unknown as LambdaHandler;

export async function benchMiddleware(user: BenchUser, options: BenchOptions): Promise<SectionResult> {
  const events: APIGatewayProxyEvent[] = [];
  const nextEvent = () => events.pop() ?? listEvent(user.token);
  const prepare = (count: number) => {
    for (let i = 0; i < count; i++) events.push(listEvent(user.token));
  };
  const expect200 = (result: ApiResult) => {
    if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}: ${result.body}`);
  };
  prepare(options.middlewareSamples + options.warmup + 10);
  const listSamples = await interleaved(
    {
      handler: async () => expect200(await invokeList(nextEvent(), context)),
      direct: async () => expect200(json(await listAuthHeaders(user.session))),
    },
    options.middlewareSamples,
    options.warmup,
  );
  prepare(options.noopMiddlewareSamples + 100);
  const noopSamples = await interleaved(
    {
      noopHandler: async () => expect200(await invokeNoop(nextEvent(), context)),
      noopDirect: async () => expect200(json([])),
    },
    options.noopMiddlewareSamples,
    100,
  );
  const samples = { ...listSamples, ...noopSamples };
  const paired = (a: number[], b: number[]) => median(a.map((value, i) => value - (b[i] as number)));
  const listAdded = summarize(samples.handler).p50 - summarize(samples.direct).p50;
  const noopAdded = summarize(samples.noopHandler).p50 - summarize(samples.noopDirect).p50;
  const rows: Row[] = [
    {
      section: '3 middleware',
      name: 'list: handler(event) - json(listAuthHeaders(session))',
      measured: roundSummary(summarize(samples.handler)),
      floor: roundSummary(summarize(samples.direct)),
      value: round(listAdded),
      unit: 'ms',
      goal: { max: 0.3, strict: true, text: '< 0.3 ms' },
      note: `median paired difference ${round(paired(samples.handler, samples.direct))} ms`,
    },
    {
      section: '3 middleware',
      name: 'same stack around a no-op (no DynamoDB)',
      measured: roundSummary(summarize(samples.noopHandler)),
      floor: roundSummary(summarize(samples.noopDirect)),
      value: round(noopAdded),
      unit: 'ms',
      goal: { max: 0.3, strict: true, text: '< 0.3 ms' },
      note: `median paired difference ${round(paired(samples.noopHandler, samples.noopDirect))} ms`,
    },
  ];
  return {
    rows,
    details: {
      list: { handler: summarize(samples.handler), direct: summarize(samples.direct), addedMsAtP50: listAdded, medianPairedDifferenceMs: paired(samples.handler, samples.direct) },
      noop: { handler: summarize(samples.noopHandler), direct: summarize(samples.noopDirect), addedMsAtP50: noopAdded, medianPairedDifferenceMs: paired(samples.noopHandler, samples.noopDirect) },
    },
  };
}
