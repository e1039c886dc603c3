/**
 * `npm run smoke -- --url <base URL> [--stack <StackName> [--region <region>]]`
 *
 * Runs the API contract end to end against a running service — a deployed stage or `npm start` —
 * as a throwaway user: login (and a wrong password), add, list, roll, GET /user/me with the key and
 * with the JWT, refresh, revoke (the key is flagged), delete, logout, and the main error paths. One line per step; exit code 0 when
 * every step passed, 1 when one failed, 2 for a wrong command line.
 *
 * The user: created before the first step and deleted (with every auth header it holds, and its
 * failed-login counter) after the last, whatever happened in between, with the admin CLI's code —
 * in the tables of the deployed stack named by `--stack` (its CloudFormation outputs, default AWS
 * credential chain), or without `--stack` in the database `npm start` uses (DYNAMODB_ENDPOINT, else
 * DynamoDB Local on DYNAMODB_PORT or 8000), as `npm run admin` does. Nothing is created when the
 * URL does not answer. Never bundled into a function.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createUser, deleteUser } from '../../services/userService';
import { localTarget, stackTarget, type Target } from '../admin/cli';

export const USAGE = `Usage: npm run smoke -- --url <base URL> [--stack <StackName> [--region <region>]]

Runs the API contract end to end against a running service as a throwaway user, one line per step.
  --url      the API's base URL, stage included (the stack's ApiUrl output; http://127.0.0.1:3000 for npm start)
  --stack    create and delete the throwaway user in this deployed stack's tables (AWS credentials);
             without it, in the database npm start uses (as npm run admin)
  --region   the stack's region (default: the AWS SDK's)
Exit code: 0 every step passed, 1 a step failed, 2 wrong command line.`;

const REQUEST_TIMEOUT_MS = 10_000;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

class StepFailure extends Error {}

function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

/** One HTTP call; the body parsed as JSON when it is. */
async function call(baseUrl: string, method: 'GET' | 'POST', path: string, options: { authorization?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.authorization) headers.Authorization = options.authorization;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: response.status, headers: response.headers, body };
}

const expectStatus = (answer: Answer, status: number, what: string) =>
  expectThat(answer.status === status, `${what}: expected ${status}, got ${answer.status} ${typeof answer.body === 'string' ? answer.body.slice(0, 120) : JSON.stringify(answer.body).slice(0, 120)}`);

export interface SmokeOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the smoke suite; returns the exit code. */
export async function runSmoke(argv: string[], output: SmokeOutput = { out: console.log, err: console.error }, targetFor: (stack?: string, region?: string) => Promise<Target> = (stack, region) => (stack ? stackTarget(stack, region) : localTarget())): Promise<number> {
  let values: { url?: string; stack?: string; region?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { url: { type: 'string' }, stack: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    output.err(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    output.out(USAGE);
    return 0;
  }
  if (!values.url || !/^https?:\/\/[^/]+/.test(values.url)) {
    output.err(`error: ${values.url ? `--url must be an http(s) URL, got "${values.url}"` : 'missing --url'}\n\n${USAGE}`);
    return 2;
  }
  if (values.region && !values.stack) {
    output.err(`error: --region applies to --stack only\n\n${USAGE}`);
    return 2;
  }
  const baseUrl = values.url.replace(/\/+$/, '');
  let failed = 0;
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    const started = Date.now();
    try {
      const result = await work();
      output.out(`ok    ${name} (${Date.now() - started} ms)`);
      return result;
    } catch (error) {
      failed += 1;
      const reason = error instanceof StepFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      output.out(`FAIL  ${name}: ${reason}`);
      return undefined;
    }
  };

  // The service must answer before anything is created.
  const answers = await step(`the API at ${baseUrl} answers an unknown route with 404 JSON`, async () => {
    const answer = await call(baseUrl, 'GET', '/smoke-no-such-route');
    expectStatus(answer, 404, 'unknown route');
    expectThat(typeof answer.body?.message === 'string', 'unknown route: no {"message"} body');
  });
  if (answers === undefined && failed > 0) {
    output.out('FAIL  smoke: the API does not answer; nothing was created');
    return 1;
  }

  const username = `smoke-${randomBytes(6).toString('hex')}`;
  const password = `Smoke-${randomBytes(12).toString('base64url')}-7q`;
  let target: Target | undefined;
  let created = false;
  try {
    target = await targetFor(values.stack, values.region);
    const users = target.users;
    created = (await step(`create throwaway user ${username} (${target.description})`, async () => {
      await createUser(users, { username, password, email: `${username}@example.com`, firstname: 'Smoke', lastname: 'Test' });
      return true;
    })) === true;
    if (!created) return 1;
    await runContract(baseUrl, username, password, step);
  } catch (error) {
    failed += 1;
    output.out(`FAIL  smoke: ${(error as Error).message}`);
  } finally {
    if (target && created) {
      const cleanupTarget = target;
      await step(`delete throwaway user ${username} and its auth headers`, async () => {
        const { removedHeaders } = await deleteUser(cleanupTarget.users, cleanupTarget.authHeaders, username);
        await cleanupTarget.loginThrottle.clearUser(username);
        return removedHeaders;
      });
    }
    target?.close();
  }
  output.out(failed === 0 ? 'smoke: every step passed' : `smoke: ${failed} step(s) failed`);
  return failed === 0 ? 0 : 1;
}

type Step = <T>(name: string, work: () => Promise<T>) => Promise<T | undefined>;

/** The contract's main paths, in the order a client meets them. */
async function runContract(baseUrl: string, username: string, password: string, step: Step): Promise<void> {
  const get = (path: string, authorization?: string) => call(baseUrl, 'GET', path, { authorization });
  const post = (path: string, body: unknown, authorization?: string) => call(baseUrl, 'POST', path, { authorization, body });

  await step('POST /user/login with a wrong password → 401', async () => expectStatus(await post('/user/login', { username, password: `${password}x` }), 401, 'wrong password'));
  await step('POST /user/login with an invalid body → 400', async () => expectStatus(await post('/user/login', { username }), 400, 'missing password'));
  const session = await step('POST /user/login → 200 with Token and RefreshToken', async () => {
    const answer = await post('/user/login', { username, password });
    expectStatus(answer, 200, 'login');
    expectThat(typeof answer.body.Token === 'string' && typeof answer.body.RefreshToken === 'string', 'login: no Token / RefreshToken');
    expectThat(answer.body.Username === username, `login: Username ${answer.body.Username}`);
    return answer.body as { Token: string; RefreshToken: string };
  });
  if (!session) return;
  const jwt = `Bearer ${session.Token}`;

  await step('POST /authheader/add without a token → 401', async () => expectStatus(await post('/authheader/add', { name: 'smoke' }), 401, 'no token'));
  const added = await step('POST /authheader/add → 200 with a token', async () => {
    const answer = await post('/authheader/add', { name: 'smoke' }, jwt);
    expectStatus(answer, 200, 'add');
    expectThat(typeof answer.body.token === 'string' && typeof answer.body.id === 'string', 'add: no token / id');
    return answer.body as { id: string; token: string };
  });
  await step('GET /authheader/list → 200 listing the key', async () => {
    const answer = await get('/authheader/list', jwt);
    expectStatus(answer, 200, 'list');
    expectThat(Array.isArray(answer.body) && answer.body.some((header: { id: string }) => header.id === added?.id), 'list: the new key is missing');
  });
  // The key from here on is the rolled one (same id, new token); without a grace the old token's lookup item is gone.
  const key = added
    ? await step('POST /authheader/roll (graceSeconds 0) → 200, the same key with a new token', async () => {
        const answer = await post('/authheader/roll', { text: added.token, graceSeconds: 0 }, jwt);
        expectStatus(answer, 200, 'roll');
        expectThat(answer.body.id === added.id && typeof answer.body.token === 'string' && answer.body.token !== added.token, 'roll: not the same key with a new token');
        return answer.body as { id: string; token: string };
      })
    : undefined;
  if (key) {
    await step('GET /user/me with the key → 200, AuthMethod authheader', async () => {
      const answer = await get('/user/me', `Bearer ${key.token}`);
      expectStatus(answer, 200, 'me with key');
      expectThat(answer.body.AuthMethod === 'authheader' && answer.body.AuthHeaderId === key.id, `me with key: AuthMethod ${answer.body.AuthMethod}`);
    });
  }
  await step('GET /user/me with the JWT → 200, AuthMethod jwt', async () => {
    const answer = await get('/user/me', jwt);
    expectStatus(answer, 200, 'me with JWT');
    expectThat(answer.body.AuthMethod === 'jwt' && answer.body.Username === username, `me with JWT: AuthMethod ${answer.body.AuthMethod}`);
  });
  await step('GET /user/me with a key that does not exist → 401', async () => expectStatus(await get('/user/me', `Bearer ahk_${'Z'.repeat(43)}`), 401, 'unknown key'));

  const refreshed = await step('POST /user/refresh → 200 with a new pair', async () => {
    const answer = await post('/user/refresh', { refreshToken: session.RefreshToken });
    expectStatus(answer, 200, 'refresh');
    expectThat(typeof answer.body.Token === 'string' && answer.body.RefreshToken !== session.RefreshToken, 'refresh: no new pair');
    return answer.body as { Token: string; RefreshToken: string };
  });
  await step('POST /user/refresh with junk → 401', async () => expectStatus(await post('/user/refresh', { refreshToken: 'not-a-refresh-token' }), 401, 'junk refresh token'));
  const current = refreshed ? `Bearer ${refreshed.Token}` : jwt;

  if (key) {
    // Revoke's charge on its address's counter, the lookup item's write and the owner's flag: the
    // grants a deploy must get right (revoke# counters only; the owner's revokedAt only).
    await step('POST /authheader/revoke of the key\'s token → 200, and the list flags it revokedAt', async () => {
      expectStatus(await post('/authheader/revoke', { text: key.token }), 200, 'revoke');
      const list = await get('/authheader/list', current);
      expectStatus(list, 200, 'list after revoke');
      expectThat(list.body.some((header: { id: string; revokedAt?: string }) => header.id === key.id && typeof header.revokedAt === 'string'), 'list after revoke: the key is not flagged revokedAt');
    });
    await step('POST /authheader/delete → 200, and the list no longer has it', async () => {
      expectStatus(await post('/authheader/delete', { text: key.token }, current), 200, 'delete');
      const list = await get('/authheader/list', current);
      expectStatus(list, 200, 'list after delete');
      expectThat(!list.body.some((header: { id: string }) => header.id === key.id), 'list after delete: the key is still listed');
    });
  }
  await step('POST /authheader/delete of a key that does not exist → 404', async () => expectStatus(await post('/authheader/delete', { text: `ahk_${'Z'.repeat(43)}` }, current), 404, 'delete unknown'));
  await step('POST /authheader/revoke of a token that is no key → 200 (the same answer whatever the token)', async () =>
    expectStatus(await post('/authheader/revoke', { text: `ahk_${'Z'.repeat(43)}` }), 200, 'revoke unknown'));
  await step('POST /user/logout → 200, and the session is refused after', async () => {
    expectStatus(await post('/user/logout', {}, current), 200, 'logout');
    expectStatus(await get('/authheader/list', current), 401, 'list after logout');
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await runSmoke(process.argv.slice(2));
}
