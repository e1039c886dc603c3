/**
 * No request text in the logs (issue 11, "password fragments in logs"): malformed bodies carrying a
 * marker password go through every route that takes a body (lib/routes.ts), with the log level at
 * DEBUG, and nothing the process writes may contain the marker or a piece of it. JSON.parse quotes
 * the text around its failure, so this is where a fragment would leak.
 *
 * JWT routes check the session before the body, so those requests carry a valid session token
 * (signed locally; no database is needed: every request is refused before the handler runs).
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext } from '../helpers/invoke';

// Tests log nothing by default, and the level is read once at cold start (lib/config.ts), as in
// Lambda: turn it up before the service loads.
process.env.LOG_LEVEL = 'DEBUG';
const { issueSessionToken } = await import('../../lib/auth/jwt');
const { routes } = await import('../../lib/routes');

const MARKER = 'Victim-Pass-Kumquat!';
/** Every 6-character piece of the marker: a fragment is a leak too. */
const FRAGMENTS = Array.from({ length: MARKER.length - 5 }, (_, i) => MARKER.slice(i, i + 6));

/** Malformed (or refused) bodies that put the marker in `field`, the way a client's typo would. */
function malformedBodies(fields: readonly string[], field: string): [string, string, boolean?][] {
  const others = fields.filter((name) => name !== field).map((name) => `"${name}":"u",`).join('');
  return [
    ['an unquoted value', `{${others}"${field}":${MARKER}}`],
    ['an unterminated string', `{${others}"${field}":"${MARKER}`],
    ['a missing closing brace', `{${others}"${field}":"${MARKER}"`],
    ['a trailing comma', `{${others}"${field}":"${MARKER}",}`],
    ['an unquoted key', `{${others}${field}:"${MARKER}"}`],
    ['single quotes', `{${others}'${field}':'${MARKER}'}`],
    ['a raw control character', `{${others}"${field}":"${MARKER.slice(0, 7)}\u0001${MARKER.slice(7)}"}`],
    ['trailing text', `{${others}"${field}":"x"} ${MARKER}`],
    ['the bare value', MARKER],
    ['a wrong type', `{${others}"${field}":["${MARKER}"]}`],
    ['an over-long value', `{${others}"${field}":"${MARKER}${'x'.repeat(2000)}"}`],
    ['a polluting key', `{${others}"${field}":"${MARKER}","__proto__":{"p":"${MARKER}"}}`],
    ['a body over the size limit', `{${others}"${field}":"${MARKER}${'x'.repeat(20_000)}"}`],
    ['an unquoted value, base64-encoded', `{${others}"${field}":${MARKER}}`, true],
  ];
}

const bodyRoutes = routes.filter((route): route is Extract<(typeof routes)[number], { body: object }> => 'body' in route && route.body !== undefined);
const cases = bodyRoutes.flatMap((route) =>
  route.body.required.flatMap((field) => malformedBodies(route.body.required, field).map(([kind, body, base64]) => ({ route, field, kind, body, base64: Boolean(base64) }))),
);

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

/** Everything written to stdout/stderr (Powertools Logger writes there through its own Console). */
async function captureOutput(action: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((name) => console[name]);
  process.stdout.write = ((chunk: unknown) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (chunks.push(String(chunk)), true)) as typeof process.stderr.write;
  for (const name of methods) console[name] = (...args: unknown[]) => void chunks.push(args.map(String).join(' '));
  try {
    await action();
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    methods.forEach((name, i) => (console[name] = originals[i] as (typeof console)[typeof name]));
  }
  return chunks.join('\n');
}

describe('no request text in the logs', () => {
  const statuses: number[] = [];
  let output = '';

  beforeAll(async () => {
    const expires = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const { token } = await issueSessionToken({ id: 'log-user', username: 'log.user', passwordExpiration: expires }, { sid: 'AAAAAAAAAAAAAAAAAAAAAA', passwordVersion: 1, sessionEpoch: 0, expiresAt: Math.floor(Date.now() / 1000) + 86400 });
    const handlers = new Map<string, Handler>();
    for (const route of bodyRoutes) handlers.set(route.id, ((await import(`../../functions/${route.module}.ts`)) as { handler: Handler }).handler);
    output = await captureOutput(async () => {
      for (const { route, body, base64 } of cases) {
        const event = apiEvent({ method: route.method, path: route.path, rawBody: base64 ? Buffer.from(body).toString('base64') : body, token: route.auth === 'jwt' ? token : undefined });
        event.isBase64Encoded = base64;
        statuses.push((await (handlers.get(route.id) as Handler)(event, lambdaContext)).statusCode);
      }
    });
  });

  test('covers every route with a body, every field of its body', () => {
    expect(bodyRoutes.map((route) => route.id)).toEqual(expect.arrayContaining(['Login', 'AuthHeaderAdd', 'AuthHeaderDelete']));
    expect(cases.length).toBe(bodyRoutes.reduce((sum, route) => sum + route.body.required.length, 0) * malformedBodies(['x'], 'x').length);
  });

  test('refuses every case with a 400 or 413 (the body parser or the validator saw them)', () => {
    expect(statuses).toHaveLength(cases.length);
    for (const status of statuses) expect([400, 413]).toContain(status);
  });

  test('logged one line per refused request (so the check below is not vacuous)', () => {
    expect(output.match(/"message":"request refused"/g)).toHaveLength(cases.length);
    expect(output).toMatch(/"name":"SyntaxError"/);
    expect(output).toMatch(/"position":\d+/);
    expect(output).toMatch(/"function_request_id":"test"/);
  });

  test('never logs the marker password or any 6-character piece of it', () => {
    const found = FRAGMENTS.filter((fragment) => output.includes(fragment));
    expect(found).toEqual([]);
  });
});
