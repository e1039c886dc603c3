/**
 * `npm run demo`: the README's curl flow as one command, against a running `npm start` — log in,
 * add an auth header, list, call GET /user/me with the new key (when lib/routes.ts has it), roll
 * it, delete it, list again — printing each request as curl and each answer.
 *
 * Options: `--url <base>` (default http://127.0.0.1:$PORT, PORT default 3000), `--username`,
 * `--password-stdin` (default: the demo user npm start creates).
 */
import { readFileSync } from 'node:fs';
import { routes } from '../../routes';
import { commandLine } from '../commandLine';
import { localSettings } from './settings';
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

export async function runDemo(options: { baseUrl: string; username: string; password: string; hidePassword?: boolean }, print: (line: string) => void = console.log): Promise<void> {
  let step = 0;
  const call = async <T>({ title, method, path, auth, body, expect }: Step): Promise<T> => {
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
  if (routes.some((route) => route.method === 'GET' && (route.path as string) === '/user/me')) {
    await call({ title: 'Call GET /user/me with the API key: who does this credential belong to?', method: 'GET', path: '/user/me', auth: { value: added.token, shownAs: '$KEY' }, expect: 200 });
  }
  const rolled = await call<{ token: string }>({
    title: 'Roll it: a new token ($KEY2) for the same key; $KEY keeps working for 60 s',
    method: 'POST',
    path: '/authheader/roll',
    auth: jwt,
    body: { text: added.token, graceSeconds: 60 },
    expect: 200,
  });
  await call({ title: 'Delete the auth header by its current token (both tokens stop)', method: 'POST', path: '/authheader/delete', auth: jwt, body: { text: rolled.token }, expect: 200 });
  const after = await call<unknown[]>({ title: 'List again: it is gone', method: 'GET', path: '/authheader/list', auth: jwt, expect: 200 });
  if (after.some((item) => [added.token, rolled.token].includes((item as { token?: string }).token ?? ''))) throw new DemoError('the deleted auth header is still listed');
  print('\nDone: every step answered as the API description (docs/api.md) says.');
}

const USAGE = `Usage: npm run demo [-- --url <base URL>] [--username <name> --password-stdin]

With npm start running: logs in, adds an auth header, lists, calls GET /user/me with it, deletes it
and lists again, printing each request as curl and each answer.

  --url <base URL>   the API (default http://127.0.0.1:$PORT, PORT default 3000)
  --username <name>  log in as this user (default the demo user john.doe)
  --password-stdin   read that user's password from stdin (default the demo user's)`;

async function main(): Promise<void> {
  const values = commandLine(USAGE, { url: { type: 'string' }, username: { type: 'string' }, 'password-stdin': { type: 'boolean' } });
  const baseUrl = (values.url ?? `http://127.0.0.1:${localSettings(process.env).port}`).replace(/\/+$/, '');
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
