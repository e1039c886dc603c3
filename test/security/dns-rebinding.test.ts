/**
 * DNS rebinding: a web page in the developer's browser points a name of its own at 127.0.0.1 and
 * calls the local services "same origin". The browser sends that name as Host, so the local API
 * and the DynamoDB Local it starts answer only to names of this machine.
 */
import { request } from 'node:http';
import { isAllowedHost } from '../../lib/tools/local/hostGuard';
import { freePort, startDynamoDbLocal, type RunningDynamoDb } from '../../lib/tools/local/dynamodb';
import { useTestTables } from '../helpers/db';
import { useLocalServer } from '../helpers/localServer';

useTestTables();
const local = useLocalServer();

/** A raw request with the given Host header (fetch sets Host from the URL). */
function ask(url: string, host: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: options.method ?? 'GET', path: options.path ?? '/', headers: { ...options.headers, Host: host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode as number, body }));
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

describe('the Host rule', () => {
  test.each([
    ['localhost:3000', '127.0.0.1', true],
    ['LOCALHOST', '127.0.0.1', true],
    ['app.localhost:3000', '127.0.0.1', true],
    ['127.0.0.1:3000', '127.0.0.1', true],
    ['127.1.2.3', '127.0.0.1', true],
    ['[::1]:3000', '127.0.0.1', true],
    ['192.168.1.20:3000', '192.168.1.20', true],
    ['192.168.1.20:3000', '0.0.0.0', true],
    [undefined, '127.0.0.1', true],
    ['evil.example', '127.0.0.1', false],
    ['evil.example:3000', '0.0.0.0', false],
    ['localhost.evil.example', '127.0.0.1', false],
    ['127.0.0.1.nip.io', '127.0.0.1', false],
    ['192.168.1.20', '127.0.0.1', false],
    ['', '127.0.0.1', false],
  ])('Host %p on a server bound to %s: allowed %p', (host, bound, allowed) => {
    expect(isAllowedHost(host, bound)).toBe(allowed);
  });
});

describe('the local API server', () => {
  test('answers a rebound name with 403 {"message"} before any route runs, without quoting it', async () => {
    const response = await ask(local.url, 'evil.example', { method: 'POST', path: '/user/login', headers: { 'Content-Type': 'application/json' }, body: '{"username":"a","password":"b"}' });

    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ message: expect.stringContaining('DNS rebinding') });
    expect(response.body).not.toContain('evil.example');
    expect((await ask(local.url, 'evil.example', { path: '/docs' })).status).toBe(403);
  });

  test('answers localhost and its own address as before', async () => {
    const port = new URL(local.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await ask(local.url, host, { path: '/authheader/list' })).status).toBe(401);
    }
  });
});

describe('the DynamoDB Local it starts', () => {
  let database: RunningDynamoDb;
  beforeAll(async () => {
    database = await startDynamoDbLocal({ port: await freePort() });
  }, 120_000);
  afterAll(async () => {
    await database?.stop();
  });

  const listTables = (host: string) =>
    ask(database.endpoint, host, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'DynamoDB_20120810.ListTables',
        Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });

  test('refuses to list tables for Host: evil.example (403), and lists them for its own address and localhost', async () => {
    const refused = await listTables('evil.example');
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('TableNames');

    expect((await listTables(`127.0.0.1:${database.port}`)).status).toBe(200);
    expect((await listTables(`localhost:${database.port}`)).status).toBe(200);
  });
});
