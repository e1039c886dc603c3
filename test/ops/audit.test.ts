/**
 * The audit trail and the metrics as an operator reads them: everything the functions write to
 * stdout/stderr is captured, the audit events and EMF metrics are checked against the documented
 * schema (docs/operations.md), and no password, token, JWT or request text appears anywhere.
 */
import { jest } from '@jest/globals';
import { apiEvent, lambdaContext } from '../helpers/invoke';
import { ensureTestTables, loadHandler, type Handler } from '../helpers/late';

// Read at import by lib/log.ts, lib/metrics.ts and lib/config.ts: set before anything loads them.
process.env.LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'AuthServiceTest';
process.env.POWERTOOLS_SERVICE_NAME = 'auth-audit-test';
process.env.LOGIN_MAX_FAILURES_PER_USER = '2';
process.env.REVOKE_MAX_FAILURES_PER_IP = '2';
// What Lambda sets; without it Powertools never reports a cold start.
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';

type Line = Record<string, unknown>;

const captured: string[] = [];
const restorers: (() => void)[] = [];

function capture(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(' ')));
    restorers.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured.push(String(chunk));
      return true;
    });
    restorers.push(() => spy.mockRestore());
  }
}

const lines = (): Line[] =>
  captured
    .flatMap((text) => text.split('\n'))
    .filter((text) => text.trim().startsWith('{'))
    .map((text) => JSON.parse(text) as Line);
/** What Powertools Logger adds to every line (the request id among them): not the audit schema's. */
const LOGGER_KEYS = ['timestamp', 'service', 'cold_start', 'function_name', 'function_request_id', 'function_arn', 'function_memory_size', 'sampling_rate', 'xray_trace_id'];
const auditEvents = () =>
  lines()
    .filter((line) => line.message === 'audit')
    .map((line) => Object.fromEntries(Object.entries(line).filter(([key]) => !LOGGER_KEYS.includes(key))));
/** Metric names published in EMF lines, with their namespace and dimensions. */
const emfMetrics = () =>
  lines()
    .filter((line) => line._aws !== undefined)
    .flatMap((line) => {
      const { CloudWatchMetrics } = line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      return CloudWatchMetrics.flatMap((group) => group.Metrics.map((metric) => ({ name: metric.Name, namespace: group.Namespace, dimensions: group.Dimensions, service: line.service, value: line[metric.Name] })));
    });

let handlers: Record<'login' | 'add' | 'list' | 'delete' | 'roll' | 'revoke', Handler>;
let givenUser: typeof import('../helpers/db')['givenUser'];

beforeAll(async () => {
  await ensureTestTables();
  ({ givenUser } = await import('../helpers/db'));
  handlers = { login: await loadHandler('login'), add: await loadHandler('authheader-add'), list: await loadHandler('authheader-list'), delete: await loadHandler('authheader-delete'), roll: await loadHandler('authheader-roll'), revoke: await loadHandler('authheader-revoke') };
});

beforeEach(() => {
  captured.length = 0;
  capture();
});

afterEach(() => {
  for (const restore of restorers.splice(0)) restore();
});

const login = (username: string, password: string, sourceIp = '198.51.100.20') =>
  handlers.login(apiEvent({ path: '/user/login', body: { username, password }, sourceIp }), lambdaContext);

describe('metrics', () => {
  test('the first invocation in a process publishes ColdStart, once, with the function name', async () => {
    const user = await givenUser();
    await login(user.username, user.password);
    await login(user.username, user.password);

    const coldStarts = lines().filter((line) => line._aws !== undefined && 'ColdStart' in line);
    expect(coldStarts).toEqual([expect.objectContaining({ ColdStart: 1, service: 'auth-audit-test', function_name: lambdaContext.functionName })]);
  });
});

describe('audit trail', () => {
  test('a login records login.succeeded with the user, the address and the request id, and counts LoginSucceeded', async () => {
    const user = await givenUser();
    const event = apiEvent({ path: '/user/login', body: { username: user.username, password: user.password }, sourceIp: '198.51.100.21' });

    const response = await handlers.login(event, lambdaContext);

    expect(response.statusCode).toBe(200);
    expect(auditEvents()).toEqual([
      { level: 'INFO', message: 'audit', event: 'login.succeeded', outcome: 'success', userId: user.id, username: user.username, sourceIp: '198.51.100.21', requestId: event.requestContext.requestId },
    ]);
    expect(emfMetrics()).toContainEqual({ name: 'LoginSucceeded', namespace: 'AuthServiceTest', dimensions: [['service']], service: 'auth-audit-test', value: 1 });
  });

  test('a wrong password records login.failed with the known user and the reason', async () => {
    const user = await givenUser();

    expect((await login(user.username, 'not-the-password-1')).statusCode).toBe(401);

    expect(auditEvents()).toEqual([expect.objectContaining({ event: 'login.failed', outcome: 'failure', reason: 'wrong_password', userId: user.id, username: user.username })]);
    expect(emfMetrics().map((metric) => metric.name)).toContain('LoginFailed');
  });

  test('an unknown username is never logged: it may be a password typed into the wrong field', async () => {
    const typed = 'Tr0ub4dor&3-typed-as-username';

    expect((await login(typed, 'whatever-password-2')).statusCode).toBe(401);

    const [event] = auditEvents();
    expect(event).toEqual(expect.objectContaining({ event: 'login.failed', reason: 'unknown_user' }));
    expect(event).not.toHaveProperty('username');
    expect(event).not.toHaveProperty('userId');
    expect(captured.join('\n')).not.toContain(typed);
  });

  test('a throttled login records login.throttled with the counter that refused, and counts the throttle decision', async () => {
    const user = await givenUser();
    for (let attempt = 0; attempt < 2; attempt++) await login(user.username, `wrong-password-${attempt}`, '198.51.100.22');
    captured.length = 0;

    const response = await login(user.username, user.password, '198.51.100.22');

    expect(response.statusCode).toBe(429);
    expect(auditEvents()).toEqual([expect.objectContaining({ event: 'login.throttled', outcome: 'failure', reason: 'throttled_user', retryAfterSeconds: expect.any(Number), sourceIp: '198.51.100.22' })]);
    expect(emfMetrics().map((metric) => metric.name)).toEqual(expect.arrayContaining(['LoginThrottled', 'ThrottledByUser']));
  });

  test('an expired password records login.password_expired', async () => {
    const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });

    expect((await login(user.username, user.password)).statusCode).toBe(403);

    expect(auditEvents()).toEqual([expect.objectContaining({ event: 'login.password_expired', reason: 'password_expired', userId: user.id, username: user.username })]);
  });

  test('auth headers: rolled with its id; revoked with its id and owner, never the token (and no line for an unknown token)', async () => {
    const user = await givenUser();
    const jwt = (JSON.parse((await login(user.username, user.password)).body) as { Token: string }).Token;
    const added = JSON.parse((await handlers.add(apiEvent({ path: '/authheader/add', body: { name: 'ci-key' }, token: jwt }), lambdaContext)).body) as { id: string; token: string };
    captured.length = 0;

    const rolled = JSON.parse((await handlers.roll(apiEvent({ path: '/authheader/roll', body: { text: added.token }, token: jwt }), lambdaContext)).body) as { token: string };
    await handlers.revoke(apiEvent({ path: '/authheader/revoke', body: { text: rolled.token }, sourceIp: '198.51.100.77' }), lambdaContext);
    // Already revoked: no second line.
    await handlers.revoke(apiEvent({ path: '/authheader/revoke', body: { text: rolled.token }, sourceIp: '198.51.100.77' }), lambdaContext);
    await handlers.revoke(apiEvent({ path: '/authheader/revoke', body: { text: `ahk_${'Q'.repeat(43)}` } }), lambdaContext);

    expect(auditEvents().map(({ event, userId, authHeaderId, sourceIp }) => ({ event, userId, authHeaderId, sourceIp }))).toEqual([
      { event: 'authheader.rolled', userId: user.id, authHeaderId: added.id, sourceIp: expect.any(String) },
      { event: 'authheader.revoked', userId: user.id, authHeaderId: added.id, sourceIp: '198.51.100.77' },
    ]);
    const output = JSON.stringify(captured);
    for (const token of [added.token, rolled.token]) expect(output).not.toContain(token);
    expect(emfMetrics().map((metric) => metric.name)).toEqual(expect.arrayContaining(['AuthHeaderRolled', 'AuthHeaderRevoked']));
  });

  test('revoke: an address past REVOKE_MAX_FAILURES_PER_IP gets one authheader.revoke_throttled line (its address, the wait), counted as AuthHeaderRevokeThrottled', async () => {
    const revoke = (text: string) => handlers.revoke(apiEvent({ path: '/authheader/revoke', body: { text }, sourceIp: '198.51.100.78' }), lambdaContext);

    const statuses = [];
    for (const text of ['junk', `ahk_${'R'.repeat(43)}`, 'junk again']) statuses.push((await revoke(text)).statusCode);

    expect(statuses).toEqual([200, 200, 429]);
    expect(auditEvents()).toEqual([{ level: 'INFO', message: 'audit', event: 'authheader.revoke_throttled', outcome: 'failure', reason: 'throttled_address', retryAfterSeconds: expect.any(Number), requestId: expect.any(String), sourceIp: '198.51.100.78' }]);
    expect(emfMetrics().filter((metric) => metric.name === 'AuthHeaderRevokeThrottled')).toEqual([expect.objectContaining({ value: 1 })]);
  });

  test('auth headers: created with its id, deleted with its owner', async () => {
    const user = await givenUser();
    const jwt = (JSON.parse((await login(user.username, user.password)).body) as { Token: string }).Token;
    captured.length = 0;

    const added = JSON.parse((await handlers.add(apiEvent({ path: '/authheader/add', body: { name: 'ci-key' }, token: jwt }), lambdaContext)).body) as { id: string; token: string };
    const deleted = await handlers.delete(apiEvent({ path: '/authheader/delete', body: { text: added.token }, token: jwt }), lambdaContext);

    expect(deleted.statusCode).toBe(200);
    expect(auditEvents().map(({ event, userId, username, authHeaderId }) => ({ event, userId, username, authHeaderId }))).toEqual([
      { event: 'authheader.created', userId: user.id, username: user.username, authHeaderId: added.id },
      { event: 'authheader.deleted', userId: user.id, username: user.username, authHeaderId: added.id },
    ]);
    expect(emfMetrics().map((metric) => metric.name)).toEqual(expect.arrayContaining(['AuthHeaderCreated', 'AuthHeaderDeleted']));
  });

  test('no line anywhere holds a password, a JWT, an auth-header token or request text', async () => {
    const user = await givenUser();
    const wrongPassword = 'Wrong-Password-Secret-77';
    await login(user.username, wrongPassword);
    const jwt = (JSON.parse((await login(user.username, user.password)).body) as { Token: string }).Token;
    const added = JSON.parse((await handlers.add(apiEvent({ path: '/authheader/add', body: { name: 'secret-name-in-body' }, token: jwt }), lambdaContext)).body) as { token: string };
    await handlers.list(apiEvent({ method: 'GET', path: '/authheader/list', token: jwt }), lambdaContext);
    await handlers.delete(apiEvent({ path: '/authheader/delete', body: { text: added.token }, token: jwt }), lambdaContext);
    await handlers.delete(apiEvent({ path: '/authheader/delete', body: { text: 'ahk_not-a-real-token-but-typed' }, token: jwt }), lambdaContext);
    await handlers.list(apiEvent({ method: 'GET', path: '/authheader/list', token: `${jwt}tampered` }), lambdaContext);

    const output = captured.join('\n');
    expect(auditEvents().length).toBeGreaterThanOrEqual(4);
    for (const secret of [user.password, wrongPassword, jwt, jwt.split('.')[2] as string, added.token, 'secret-name-in-body', 'ahk_not-a-real-token-but-typed']) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/passwordHash|\$2[aby]\$/);
  });

  test('every audit line has exactly the documented fields', async () => {
    const user = await givenUser();
    await login(user.username, user.password);
    await login(user.username, 'bad-password-3');
    await login('nobody-at-all', 'bad-password-4');

    const allowed = new Set(['level', 'message', 'event', 'outcome', 'requestId', 'sourceIp', 'userId', 'username', 'authHeaderId', 'sessionId', 'authMethod', 'reason', 'retryAfterSeconds']);
    for (const event of auditEvents()) {
      expect(Object.keys(event).filter((key) => !allowed.has(key))).toEqual([]);
      expect(event).toEqual(expect.objectContaining({ event: expect.any(String), outcome: expect.stringMatching(/^(success|failure)$/), requestId: expect.any(String), sourceIp: expect.any(String) }));
    }
  });
});
