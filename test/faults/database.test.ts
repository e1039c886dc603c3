/**
 * DynamoDB failing: a fake endpoint that throttles, fails or never answers, behind the real SDK
 * (its retries, its timeouts, the classification middleware in lib/data/client.ts), then every
 * route in-process. A mocked `send` would skip exactly the parts under test, so the faults are
 * produced on the wire instead. A refused connection is tested end to end in a real Node process
 * (test/e2e/dynamodb-outage.test.ts): inside Jest's VM the SDK re-wraps Node's network errors
 * (a cross-realm `instanceof Error` fails) and drops their `code`, which production never does.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseUnavailableError } from '../../lib/errors';
import { faultKind } from '../../lib/data/faults';
import { apiEvent, lambdaContext } from '../helpers/invoke';

type Mode = 'throttle' | 'server-error' | 'transaction-throttled' | 'condition-failed' | 'black-hole';

const ERROR_TYPE = 'com.amazonaws.dynamodb.v20120810#';
const answers: Record<Exclude<Mode, 'black-hole'>, { status: number; body: unknown }> = {
  throttle: { status: 400, body: { __type: `${ERROR_TYPE}ProvisionedThroughputExceededException`, message: 'The level of configured provisioned throughput for the table was exceeded.' } },
  'server-error': { status: 500, body: { __type: 'com.amazon.coral.service#InternalServerError', message: 'Internal server error' } },
  'transaction-throttled': {
    status: 400,
    body: {
      __type: `${ERROR_TYPE}TransactionCanceledException`,
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table or index.' }],
    },
  },
  'condition-failed': { status: 400, body: { __type: `${ERROR_TYPE}ConditionalCheckFailedException`, message: 'The conditional request failed' } },
};

/** A DynamoDB look-alike that fails in the chosen way and counts the requests it got. */
class FakeDynamoDb {
  mode: Mode = 'throttle';
  requests = 0;
  private readonly held: ServerResponse[] = [];
  readonly server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      this.requests += 1;
      if (this.mode === 'black-hole') {
        this.held.push(res);
        return;
      }
      const { status, body } = answers[this.mode];
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const fake = new FakeDynamoDb();
const limits = { connectTimeoutMs: 500, requestTimeoutMs: 1000, maxAttempts: 3 };
let client: Awaited<ReturnType<typeof createClient>>;

async function createClient(endpoint: string) {
  // lib/config.ts reads DYNAMODB_ENDPOINT at import: the modules under test load after it is set.
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.DYNAMODB_REQUEST_TIMEOUT_MS = String(limits.requestTimeoutMs);
  process.env.DYNAMODB_CONNECT_TIMEOUT_MS = String(limits.connectTimeoutMs);
  const { createDocumentClient } = await import('../../lib/data/client');
  return createDocumentClient({ endpoint, limits });
}

async function timed<T>(operation: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await operation;
    return { error: undefined, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

beforeAll(async () => {
  client = await createClient(await fake.start());
});

afterAll(async () => {
  client.destroy();
  await fake.stop();
});

beforeEach(() => {
  fake.requests = 0;
});

const getItem = () => client.send(new GetCommand({ TableName: 'users', Key: { username: 'ada' } }));

describe('a DynamoDB call during an outage', () => {
  test.each([
    ['throttles past the retries', 'throttle', 'throttled'],
    ['answers 500', 'server-error', 'server'],
  ] as const)('%s: a DatabaseUnavailableError after maxAttempts tries', async (_case, mode, kind) => {
    fake.mode = mode;

    const { error } = await timed(getItem());

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ kind, retryAfterSeconds: expect.any(Number) });
    expect(fake.requests).toBe(limits.maxAttempts);
  });

  test('never answers: gives up after maxAttempts request timeouts, not the socket default', async () => {
    fake.mode = 'black-hole';

    const { error, ms } = await timed(getItem());

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(fake.requests).toBe(limits.maxAttempts);
    // Three 1 s timeouts and two short back-offs; far from the 10 s function timeout.
    expect(ms).toBeGreaterThanOrEqual(limits.maxAttempts * limits.requestTimeoutMs - 50);
    expect(ms).toBeLessThan(limits.maxAttempts * limits.requestTimeoutMs + 1500);
  });

  test('a transaction cancelled for throttling is an outage; nothing was written, so a retry is safe', async () => {
    fake.mode = 'transaction-throttled';

    const { error } = await timed(client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a' } } }] })));

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).cause).toBeInstanceOf(TransactionCanceledException);
  });

  test('a failed condition is not an outage: the repositories still see it as it is', async () => {
    fake.mode = 'condition-failed';

    const { error } = await timed(getItem());

    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect(fake.requests).toBe(1);
  });
});

describe('faultKind', () => {
  test.each([
    [{ name: 'ThrottlingException' }, 'throttled'],
    [{ name: 'RequestLimitExceeded' }, 'throttled'],
    [{ name: 'TimeoutError', code: 'ETIMEDOUT' }, 'timeout'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unreachable'],
    [{ name: 'Error', $metadata: { httpStatusCode: 503 } }, 'server'],
    [{ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ProvisionedThroughputExceeded' }] }, 'throttled'],
    [new Error('wrapped', { cause: { name: 'ThrottlingException' } }), 'throttled'],
  ])('%j is %s', (error, kind) => {
    expect(faultKind(error)).toBe(kind);
  });

  test.each([
    [{ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } }],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }],
    [{ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }],
    [{ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }] }],
    [new TypeError('x is undefined')],
  ])('%j is not an outage', (error) => {
    expect(faultKind(error)).toBeUndefined();
  });
});

describe('every route while DynamoDB throttles', () => {
  test.each([
    ['login', 'POST', '/user/login', { username: 'ada', password: 'Correct-Horse-Battery-9' }],
    ['authheader-add', 'POST', '/authheader/add', { name: 'ci' }],
    ['authheader-list', 'GET', '/authheader/list', undefined],
    ['authheader-delete', 'POST', '/authheader/delete', { text: `ahk_${'A'.repeat(43)}` }],
  ])('%s answers 503 {"message"} with Retry-After', async (module, method, path, body) => {
    fake.mode = 'throttle';
    const { issueSessionToken } = await import('../../lib/auth/jwt');
    const { token } = await issueSessionToken({ id: 'a6d1c4a8-0000-4000-8000-000000000001', username: 'ada', passwordExpiration: '2099-01-01T00:00:00Z' }, { sid: 'AAAAAAAAAAAAAAAAAAAAAA', passwordVersion: 1, sessionEpoch: 0, expiresAt: Math.floor(Date.now() / 1000) + 86400 });
    const { handler } = (await import(`../../functions/${module}`)) as { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body: string }> };

    const result = await handler(apiEvent({ method, path, body, token }), lambdaContext);

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(JSON.parse(result.body)).toEqual({ message: expect.any(String) });
    expect(result.body).not.toMatch(/Throughput|dynamodb|Exception/i);
    expect(fake.requests).toBeGreaterThan(0);
  });
});
