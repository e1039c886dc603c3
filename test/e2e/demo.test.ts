/** `npm run demo`: the README's curl flow as one command, against the local HTTP server. */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { createUser } from '../../lib/services/userService';
import { users } from '../../lib/data/repositories';
import { createLocalServer } from '../../lib/tools/local/server';
import { DEMO_USER } from '../../lib/tools/local/start';
import { freePort } from '../../lib/tools/local/dynamodb';
import { scanTable, useTestTables } from '../helpers/db';

const run = promisify(execFile);
useTestTables();

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  await createUser(users, DEMO_USER);
  server = createLocalServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('logs in, adds, lists, calls /user/me, rolls, revokes (then refused and flagged), deletes and lists again, printing each step as curl and its answer', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'lib/tools/local/demo.ts', '--url', baseUrl], { timeout: 60_000 });

  const steps = [...stdout.matchAll(/^\d+\. (.*)$/gm)].map((match) => match[1]);
  expect(steps).toHaveLength(10);
  expect(stdout).toContain(`curl -s -X POST ${baseUrl}/user/login`);
  expect(stdout).toContain(`curl -s ${baseUrl}/authheader/list \\\n     -H "Authorization: Bearer $TOKEN"`);
  // Every step 200 but the call with the revoked key.
  expect(stdout.match(/→ 200 /g)).toHaveLength(steps.length - 1);
  expect(stdout).toMatch(/GET \/user\/me with \$KEY2: refused from now on\n(.*\n)+?   → 401 /);
  expect(stdout).toMatch(/flagged revokedAt.*\n(.*\n)+?   → 200 \[.*"revokedAt":"/);
  // Every secret is shortened on the screen: the session JWT, the refresh token and the key.
  expect(stdout).toMatch(/"RefreshToken":"rt_[\w-]{6}…"/);
  expect(stdout).not.toMatch(/eyJ[\w-]{9,}\.|rt_[\w-]{7,}|ahk_[\w-]{7,}/);
  expect(stdout).toMatch(/List again: it is gone\n(.*\n)+?   → 200 \[\]\n/);
  expect(stdout).toContain('Done:');
  // Whole session JWTs and API keys stay off the screen.
  expect(stdout).not.toMatch(/eyJ[\w-]{20,}\.[\w-]+\.[\w-]+|ahk_[\w-]{20,}/);
}, 90_000);

test('--mfa enrols a throwaway user, logs in with a code (replay refused), uses a recovery code, turns MFA off, and removes the user', async () => {
  const before = (await scanTable('users')).length;

  // This file's tables (jest's process.env is not the one a child inherits by default).
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'lib/tools/local/demo.ts', '--url', baseUrl, '--mfa'], { timeout: 60_000, env: { ...process.env } });

  expect(stdout).toContain(`curl -s -X POST ${baseUrl}/user/mfa/totp/setup \\\n     -H "Authorization: Bearer $TOKEN"`);
  expect(stdout).toMatch(/Log in with password and code\n(.*\n)+?   → 200 /);
  expect(stdout).toMatch(/The same code again: refused .*\n(.*\n)+?   → 401 /);
  expect(stdout).toContain(`the JWT's amr claim: ["pwd","otp"]`);
  expect(stdout).toMatch(/"MfaEnabled":true/);
  expect(stdout).toContain('Done: enrolment');
  expect((await scanTable('users')).length).toBe(before);
}, 90_000);

test('says to start the service when nothing answers', async () => {
  const nowhere = `http://127.0.0.1:${await freePort()}`;

  const failure = await run(process.execPath, ['--import', 'tsx', 'lib/tools/local/demo.ts', '--url', nowhere], { timeout: 60_000 }).catch((error: { code: number; stderr: string }) => error);

  expect(failure).toMatchObject({ code: 1 });
  expect((failure as { stderr: string }).stderr).toContain(`cannot reach ${nowhere}: is \`npm start\` running`);
}, 90_000);
