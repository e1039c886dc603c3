/**
 * `npm run demo`: the README's curl flow as one command, against a running `npm start` — log in,
 * add an auth header, list, call GET /user/me with the new key, roll
 * it, revoke the new token without a credential (then refused, and flagged in the list), delete
 * it, list again — printing each request as curl and each answer.
 *
 * Options: `--url <base>` (default http://127.0.0.1:$PORT, PORT default 3000), `--username`,
 * `--password-stdin` (default: the demo user npm start creates); `--mfa` shows TOTP enrolment and
 * login with a code instead, for a throwaway user (runMfaDemo).
 */
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { totpCode, totpStep } from '../../auth/totp';
import { commandLine } from '../commandLine';
import { localDynamoDbEndpoint, localSettings } from './settings';
import { DEMO_USER } from './start';

export class DemoError extends Error {
  override name = 'DemoError';
}

interface Step {
  title: string;
  method: 'GET' | 'POST';
  path: string;
  /** Shown in the curl line in place of the credential ($TOKEN, $KEY). */
  auth?: { value: string; shownAs: string };
  body?: unknown;
  expect: number;
}

/** Long secrets shortened for the screen (a demo prints, it does not leak whole tokens to scrollback). */
function shorten(text: string): string {
  return text
    .replace(/(eyJ[\w-]{8})[\w-]*\.[\w-]*\.[\w-]*/g, '$1…')
    .replace(/(ahk_[\w-]{6})[\w-]+/g, '$1…')
    .replace(/(rt_[\w-]{6})[\w.-]+/g, '$1…');
}

type DemoOptions = { baseUrl: string; username: string; password: string; hidePassword?: boolean };

/** One numbered step: prints it as curl, sends it, prints the answer, and checks its status. */
function stepper(options: DemoOptions, print: (line: string) => void) {
  let step = 0;
  return async <T>({ title, method, path, auth, body, expect }: Step): Promise<T> => {
    step += 1;
    const curl = [`curl -s${method === 'GET' ? '' : ` -X ${method}`} ${options.baseUrl}${path}`];
    if (auth) curl.push(`-H "Authorization: Bearer ${auth.shownAs}"`);
    if (body !== undefined) {
      const shown = options.hidePassword ? JSON.stringify(body).replace(JSON.stringify(options.password), '"…"') : JSON.stringify(body);
      curl.push(`-H 'Content-Type: application/json' -d '${shown}'`);
    }
    print(`\n${step}. ${title}\n   ${shorten(curl.join(' \\\n     '))}`);
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method,
        headers: { ...(auth ? { Authorization: `Bearer ${auth.value}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new DemoError(`cannot reach ${options.baseUrl}: is \`npm start\` running (and on this PORT)?`, { cause });
    }
    const text = await response.text();
    print(`   → ${response.status} ${shorten(text)}`);
    if (response.status !== expect) throw new DemoError(`${method} ${path} answered ${response.status}, expected ${expect}`);
    return JSON.parse(text) as T;
  };
}

export async function runDemo(options: DemoOptions, print: (line: string) => void = console.log): Promise<void> {
  const call = stepper(options, print);

  const login = await call<{ Token: string }>({
    title: `Log in as ${options.username}: the answer's Token is the session JWT ($TOKEN)`,
    method: 'POST',
    path: '/user/login',
    body: { username: options.username, password: options.password },
    expect: 200,
  });
  const jwt = { value: login.Token, shownAs: '$TOKEN' };
  const added = await call<{ token: string }>({ title: 'Create an auth header (an API key with a scope; its token is $KEY)', method: 'POST', path: '/authheader/add', auth: jwt, body: { name: 'demo-key', scopes: ['demo:read'] }, expect: 200 });
  await call({ title: 'List your auth headers', method: 'GET', path: '/authheader/list', auth: jwt, expect: 200 });
  await call({ title: 'Call GET /user/me with the API key: who does this credential belong to?', method: 'GET', path: '/user/me', auth: { value: added.token, shownAs: '$KEY' }, expect: 200 });
  const rolled = await call<{ token: string }>({
    title: 'Roll it: a new token ($KEY2) for the same key; $KEY keeps working for 60 s',
    method: 'POST',
    path: '/authheader/roll',
    auth: jwt,
    body: { text: added.token, graceSeconds: 60 },
    expect: 200,
  });
  await call({ title: 'Revoke $KEY2 as whoever found it leaked would: no credential, the same 200 for any text', method: 'POST', path: '/authheader/revoke', body: { text: rolled.token }, expect: 200 });
  const key2 = { value: rolled.token, shownAs: '$KEY2' };
  await call({ title: 'GET /user/me with $KEY2: refused from now on', method: 'GET', path: '/user/me', auth: key2, expect: 401 });
  const flagged = await call<{ id: string; revokedAt?: string }[]>({ title: 'List: the key is flagged revokedAt (roll it for a fresh token, or delete it)', method: 'GET', path: '/authheader/list', auth: jwt, expect: 200 });
  if (!flagged.some((item) => item.revokedAt)) throw new DemoError('the revoked auth header is not flagged in the list');
  await call({ title: 'Delete the auth header by its current token (both tokens stop)', method: 'POST', path: '/authheader/delete', auth: jwt, body: { text: rolled.token }, expect: 200 });
  const after = await call<unknown[]>({ title: 'List again: it is gone', method: 'GET', path: '/authheader/list', auth: jwt, expect: 200 });
  if (after.some((item) => [added.token, rolled.token].includes((item as { token?: string }).token ?? ''))) throw new DemoError('the deleted auth header is still listed');
  print('\nDone: every step answered as the API description (docs/api.md) says.');
}

const USAGE = `Usage: npm run demo [-- --url <base URL>] [--username <name> --password-stdin]

With npm start running: logs in, adds an auth header, lists, calls GET /user/me with it, rolls it,
revokes the new token as a finder of a leak would, deletes it and lists again, printing each request
as curl and each answer.

  --url <base URL>   the API (default http://127.0.0.1:$PORT, PORT default 3000)
  --username <name>  log in as this user (default the demo user john.doe)
  --password-stdin   read that user's password from stdin (default the demo user's)
  --mfa              show TOTP enrolment and login with a code instead, for a throwaway user
                     created in the local database and deleted at the end (docs/mfa.md)`;

/**
 * `--mfa`: TOTP enrolment and login with a code (docs/mfa.md), for a throwaway user created in the
 * local database (so the demo user never gets MFA) and deleted at the end. The demo computes the
 * codes an authenticator app would show.
 */
export async function runMfaDemo(options: Omit<DemoOptions, 'username' | 'password'>, print: (line: string) => void = console.log): Promise<void> {
  const username = `mfa-demo-${randomBytes(4).toString('hex')}`;
  const password = `Demo-${randomBytes(9).toString('base64url')}`;
  // The database `npm start` uses, as the admin CLI finds it (read by lib/config.ts at its import).
  process.env.DYNAMODB_ENDPOINT ||= localDynamoDbEndpoint(localSettings(process.env));
  const { users } = await import('../../data/repositories');
  const { createUser } = await import('../../services/userService');
  try {
    await createUser(users, { username, password, email: `${username}@example.com`, firstname: 'Mfa', lastname: 'Demo' });
  } catch (cause) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new DemoError(`cannot create the throwaway user in the local database (${why}): is \`npm start\` running (DYNAMODB_PORT / DYNAMODB_ENDPOINT as it printed)?`, { cause });
  }
  print(`Throwaway user ${username} created in the local database.`);
  const call = stepper({ ...options, username, password }, print);
  const credentials = { username, password };
  try {
    const first = await call<{ Token: string }>({ title: 'Log in with the password alone ($TOKEN)', method: 'POST', path: '/user/login', body: credentials, expect: 200 });
    const jwt = { value: first.Token, shownAs: '$TOKEN' };
    const setup = await call<{ secret: string }>({ title: 'Start TOTP enrolment: a secret for the authenticator app (pending)', method: 'POST', path: '/user/mfa/totp/setup', auth: jwt, expect: 200 });
    const now = new Date();
    const confirmed = await call<{ recoveryCodes: string[] }>({
      title: 'Confirm with the code the app shows now: MFA is on, ten recovery codes (shown once)',
      method: 'POST',
      path: '/user/mfa/totp/confirm',
      auth: jwt,
      body: { code: totpCode(setup.secret, now) },
      expect: 200,
    });
    await call({ title: 'Log in with the password alone: 401 MfaRequired', method: 'POST', path: '/user/login', body: credentials, expect: 401 });
    // The confirming code is used up; the app's next code (30 s on) is accepted already.
    const next = totpCode(setup.secret, new Date((totpStep(now) + 1) * 30_000));
    const withCode = await call<{ Token: string }>({ title: 'Log in with password and code', method: 'POST', path: '/user/login', body: { ...credentials, code: next }, expect: 200 });
    print(`   the JWT's amr claim: ${JSON.stringify(decodeJwt(withCode.Token).amr)}`);
    await call({ title: 'The same code again: refused (a code works once)', method: 'POST', path: '/user/login', body: { ...credentials, code: next }, expect: 401 });
    const mfaJwt = { value: withCode.Token, shownAs: '$TOKEN' };
    await call({ title: 'GET /user/me says MfaEnabled', method: 'GET', path: '/user/me', auth: mfaJwt, expect: 200 });
    const [recovery, another] = confirmed.recoveryCodes as [string, string];
    await call({ title: 'Log in with a recovery code instead (lost phone)', method: 'POST', path: '/user/login', body: { ...credentials, code: recovery }, expect: 200 });
    await call({ title: 'Turn MFA off with another recovery code', method: 'POST', path: '/user/mfa/disable', auth: mfaJwt, body: { code: another }, expect: 200 });
    await call({ title: 'Log in with the password alone again', method: 'POST', path: '/user/login', body: credentials, expect: 200 });
    print('\nDone: enrolment, login with a code, replay refused, a recovery code, disable (docs/mfa.md).');
  } finally {
    await users.delete(username).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const values = commandLine(USAGE, { url: { type: 'string' }, username: { type: 'string' }, 'password-stdin': { type: 'boolean' }, mfa: { type: 'boolean' } });
  const baseUrl = (values.url ?? `http://127.0.0.1:${localSettings(process.env).port}`).replace(/\/+$/, '');
  if (values.mfa) {
    await runMfaDemo({ baseUrl });
    return;
  }
  const password = values['password-stdin'] ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : DEMO_USER.password;
  // The demo user's password is published in the README; one read from stdin is not printed.
  await runDemo({ baseUrl, username: values.username ?? DEMO_USER.username, password, hidePassword: Boolean(values['password-stdin']) });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    console.error(`\nnpm run demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
