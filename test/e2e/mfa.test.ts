/**
 * Multi-factor authentication (TOTP with recovery codes) end to end, through `npm start` over HTTP:
 * enrolment, login with a code, a replayed code, recovery codes (each once), disable, password
 * change with a code, two parallel logins with one code, and the administrator's reset.
 *
 * A code is accepted for its step and one step either side, and only for a step later than the last
 * one used. Enrolment's confirming code uses step s, so each scenario logs in with the code of step
 * s + 1: valid while the server's clock is within one step of it, whatever the test's timing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { decodeJwt } from 'jose';
import { totpCode, totpStep } from '../../lib/auth/totp';
import { config } from '../../lib/config';
import { getThrottleKeyHmacKey } from '../../lib/auth/keys';
import { throttleKeys } from '../../lib/auth/loginThrottle';
import { runAdmin } from '../../lib/tools/admin/cli';
import { freePort } from '../../lib/tools/local/dynamodb';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { startService, stopped } from '../helpers/npmStart';

useTestTables();

const PAIR_LIMIT = 20;
let child: ChildProcess;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  // The same tables as this file's, so the users it creates can log in through the service.
  ({ child } = await startService({
    PORT: String(port),
    DYNAMODB_ENDPOINT: config.dynamoDbEndpoint as string,
    TABLE_PREFIX: process.env.TABLE_PREFIX as string,
    // Room for each scenario's deliberate failures plus its right logins still in flight.
    LOGIN_MAX_FAILURES_PER_USER: String(PAIR_LIMIT),
  }));
  base = `http://127.0.0.1:${port}`;
}, 90_000);

afterAll(async () => {
  child.kill('SIGINT');
  await stopped(child);
});

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

async function call(path: string, body?: unknown, jwt?: string, method = 'POST'): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const codeForStep = (secret: string, step: number) => totpCode(secret, new Date(step * 30_000 + 15_000));
const INCORRECT = { message: 'Incorrect username or password' };

/** A new user with MFA on: their password, secret, recovery codes, and the step the confirm used. */
async function enrolledUser() {
  const user = await givenUser();
  const login = await call('/user/login', { username: user.username, password: user.password });
  const jwt = login.json.Token as string;
  const setup = await call('/user/mfa/totp/setup', undefined, jwt);
  expect(setup.status).toBe(200);
  const secret = setup.json.secret as string;
  const now = new Date();
  const confirm = await call('/user/mfa/totp/confirm', { code: totpCode(secret, now) }, jwt);
  expect(confirm.status).toBe(200);
  return { ...user, jwt, secret, recoveryCodes: confirm.json.recoveryCodes as string[], step: totpStep(now) };
}

/** Failed logins (and wrong codes) counted for this username from this test's address. */
async function pairFailures(username: string): Promise<number> {
  const pairKey = throttleKeys(await getThrottleKeyHmacKey()).pair(username, '127.0.0.1');
  const counter = (await scanTable('loginThrottle')).find((item) => item.key === pairKey);
  return counter ? PAIR_LIMIT - Number(counter.room) : 0;
}

/** Attempts of this username from this test's address whose charge is still in flight (not settled). */
async function pairInFlight(username: string): Promise<number> {
  const pairKey = throttleKeys(await getThrottleKeyHmacKey()).pair(username, '127.0.0.1');
  const counter = (await scanTable('loginThrottle')).find((item) => item.key === pairKey);
  return counter?.inflight instanceof Set ? counter.inflight.size : 0;
}

describe('enrolment', () => {
  test('setup answers a secret and an otpauth URL and changes nothing; a wrong code is 400; the right one turns MFA on with 10 recovery codes', async () => {
    const user = await givenUser();
    const jwt = (await call('/user/login', { username: user.username, password: user.password })).json.Token as string;
    expect(decodeJwt(jwt).amr).toEqual(['pwd']);
    expect((await call('/user/me', undefined, jwt, 'GET')).json.MfaEnabled).toBe(false);

    const first = await call('/user/mfa/totp/setup', undefined, jwt);
    const setup = await call('/user/mfa/totp/setup', undefined, jwt);
    expect(setup.status).toBe(200);
    const secret = setup.json.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(first.json.secret).not.toBe(secret);
    expect(new URL(setup.json.otpauthUrl as string).searchParams.get('secret')).toBe(secret);
    // Pending only: login still needs no code.
    expect((await call('/user/login', { username: user.username, password: user.password })).status).toBe(200);

    // The replaced setup's code, and a code two steps late, are wrong.
    const now = Date.now();
    expect(await call('/user/mfa/totp/confirm', { code: totpCode(first.json.secret as string, new Date(now)) }, jwt)).toMatchObject({ status: 400 });
    expect(await call('/user/mfa/totp/confirm', { code: totpCode(secret, new Date(now - 90_000)) }, jwt)).toMatchObject({ status: 400 });

    const confirm = await call('/user/mfa/totp/confirm', { code: totpCode(secret, new Date(now)) }, jwt);
    expect(confirm.status).toBe(200);
    const codes = confirm.json.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await call('/user/me', undefined, jwt, 'GET')).json.MfaEnabled).toBe(true);
    // Now on: a second setup is refused.
    expect((await call('/user/mfa/totp/setup', undefined, jwt)).status).toBe(409);

    // At rest: neither the secret nor any recovery code in clear.
    const stored = JSON.stringify((await scanTable('users')).find((item) => item.id === user.id), (_key, value: unknown) => (value instanceof Set ? [...value] : value));
    expect(stored).not.toContain(secret);
    for (const code of codes) expect(stored).not.toContain(code);
  });
});

describe('login with MFA on', () => {
  test('right password without a code: 401 MfaRequired, counting nothing; wrong code: the wrong-password 401, counted; right code: 200 with amr pwd+otp; the same code again: 401', async () => {
    const user = await enrolledUser();
    const credentials = { username: user.username, password: user.password };

    const noCode = await call('/user/login', credentials);
    expect(noCode.status).toBe(401);
    expect(noCode.json).toEqual({ message: expect.any(String), MfaRequired: true });
    expect(await pairFailures(user.username)).toBe(0);
    // Its charge is freed at once (successParts without resetting the pair), not left to expire.
    expect(await pairInFlight(user.username)).toBe(0);

    const wrongPassword = await call('/user/login', { ...credentials, password: 'Not-The-Password-1', code: codeForStep(user.secret, user.step + 1) });
    expect(wrongPassword).toEqual({ status: 401, json: INCORRECT });
    const wrongCode = await call('/user/login', { ...credentials, code: codeForStep(user.secret, user.step + 5) });
    expect(wrongCode).toEqual({ status: 401, json: INCORRECT });
    expect(await pairFailures(user.username)).toBe(2);

    // The confirming code is used already.
    expect(await call('/user/login', { ...credentials, code: codeForStep(user.secret, user.step) })).toEqual({ status: 401, json: INCORRECT });
    expect(await pairFailures(user.username)).toBe(3);

    const code = codeForStep(user.secret, user.step + 1);
    const login = await call('/user/login', { ...credentials, code });
    expect(login.status).toBe(200);
    expect(decodeJwt(login.json.Token as string).amr).toEqual(['pwd', 'otp']);
    expect((await call('/user/me', undefined, login.json.Token as string, 'GET')).json).toMatchObject({ Username: user.username, MfaEnabled: true });
    // A refreshed JWT says the same.
    const refreshed = await call('/user/refresh', { refreshToken: login.json.RefreshToken });
    expect(decodeJwt(refreshed.json.Token as string).amr).toEqual(['pwd', 'otp']);

    const replay = await call('/user/login', { ...credentials, code });
    expect(replay).toEqual({ status: 401, json: INCORRECT });
    // The success reset the pair's consecutive failures; the replay is counted anew.
    expect(await pairFailures(user.username)).toBe(1);
  });

  test('two parallel logins with one code: exactly one 200', async () => {
    const user = await enrolledUser();
    const body = { username: user.username, password: user.password, code: codeForStep(user.secret, user.step + 1) };

    const answers = await Promise.all([call('/user/login', body), call('/user/login', body), call('/user/login', body)]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401]);
    // One session started, not three.
    expect((await scanTable('sessions')).filter((session) => session.userId === user.id)).toHaveLength(2);
  });

  test('a recovery code logs in once; used again, or made up, it is refused', async () => {
    const user = await enrolledUser();
    const [first, second] = user.recoveryCodes as [string, string];
    const credentials = { username: user.username, password: user.password };

    const login = await call('/user/login', { ...credentials, code: first.toUpperCase() });
    expect(login.status).toBe(200);
    expect(decodeJwt(login.json.Token as string).amr).toEqual(['pwd', 'otp']);
    expect(await call('/user/login', { ...credentials, code: first })).toEqual({ status: 401, json: INCORRECT });
    expect(await call('/user/login', { ...credentials, code: '00000-00000-00000-00000' })).toEqual({ status: 401, json: INCORRECT });
    expect((await call('/user/login', { ...credentials, code: second })).status).toBe(200);
  });
});

describe('password change with MFA on', () => {
  test('needs the code as login does; with it, changes the password and starts an MFA session; the code is then used', async () => {
    const user = await enrolledUser();
    const change = { username: user.username, password: user.password, newPassword: 'A-Fresh-Passphrase-42' };

    expect((await call('/user/password', change)).json).toEqual({ message: expect.any(String), MfaRequired: true });
    expect(await call('/user/password', { ...change, code: codeForStep(user.secret, user.step + 5) })).toEqual({ status: 401, json: INCORRECT });
    // A refused new password does not use the code up.
    expect((await call('/user/password', { ...change, newPassword: 'short', code: codeForStep(user.secret, user.step + 1) })).status).toBe(400);

    const code = codeForStep(user.secret, user.step + 1);
    const changed = await call('/user/password', { ...change, code });
    expect(changed.status).toBe(200);
    expect(decodeJwt(changed.json.Token as string).amr).toEqual(['pwd', 'otp']);
    expect(await call('/user/login', { username: user.username, password: change.newPassword, code })).toEqual({ status: 401, json: INCORRECT });
    expect((await call('/user/login', { username: user.username, password: change.newPassword })).json.MfaRequired).toBe(true);
    const [recovery] = user.recoveryCodes as [string];
    expect((await call('/user/login', { username: user.username, password: change.newPassword, code: recovery })).status).toBe(200);
  });
});

describe('disable', () => {
  test('a wrong code is 400 and counted; a current code turns MFA off; login needs no code again', async () => {
    const user = await enrolledUser();

    expect((await call('/user/mfa/disable', { code: codeForStep(user.secret, user.step + 5) }, user.jwt)).status).toBe(400);
    expect(await pairFailures(user.username)).toBe(1);
    // The confirming code is used already.
    expect((await call('/user/mfa/disable', { code: codeForStep(user.secret, user.step) }, user.jwt)).status).toBe(400);

    expect(await call('/user/mfa/disable', { code: codeForStep(user.secret, user.step + 1) }, user.jwt)).toEqual({ status: 200, json: { message: 'Success' } });
    expect((await call('/user/me', undefined, user.jwt, 'GET')).json.MfaEnabled).toBe(false);
    expect((await call('/user/mfa/disable', { code: codeForStep(user.secret, user.step + 1) }, user.jwt)).status).toBe(409);
    const login = await call('/user/login', { username: user.username, password: user.password });
    expect(login.status).toBe(200);
    expect(decodeJwt(login.json.Token as string).amr).toEqual(['pwd']);
    // The old recovery codes are gone with it.
    expect((await call('/user/mfa/totp/setup', undefined, user.jwt)).status).toBe(200);
  });

  test('a recovery code turns MFA off too; a new enrolment gives a fresh set and the old codes no longer work', async () => {
    const user = await enrolledUser();
    const [first, second] = user.recoveryCodes as [string, string];

    expect((await call('/user/mfa/disable', { code: first }, user.jwt)).status).toBe(200);
    const setup = await call('/user/mfa/totp/setup', undefined, user.jwt);
    const secret = setup.json.secret as string;
    const confirm = await call('/user/mfa/totp/confirm', { code: totpCode(secret) }, user.jwt);
    expect(confirm.status).toBe(200);
    expect(confirm.json.recoveryCodes).not.toContain(second);
    expect(await call('/user/login', { username: user.username, password: user.password, code: second })).toEqual({ status: 401, json: INCORRECT });
    expect((await call('/user/login', { username: user.username, password: user.password, code: (confirm.json.recoveryCodes as string[])[0] })).status).toBe(200);
  });
});

describe('administrator', () => {
  test('`user mfa-reset` turns MFA off and ends the user\'s sessions', async () => {
    const user = await enrolledUser();
    const out: string[] = [];

    expect(await runAdmin(['user', 'mfa-reset', '--username', user.username], (line) => out.push(line), (line) => out.push(line))).toBe(0);

    expect(out.join('\n')).toContain(`MFA of ${user.username} is off`);
    expect((await call('/user/me', undefined, user.jwt, 'GET')).status).toBe(401);
    const login = await call('/user/login', { username: user.username, password: user.password });
    expect(login.status).toBe(200);
    expect((await call('/user/me', undefined, login.json.Token as string, 'GET')).json.MfaEnabled).toBe(false);
    expect(await runAdmin(['user', 'mfa-reset', '--username', 'nobody.here'], () => undefined, (line) => out.push(line))).toBe(1);
    expect(out.join('\n')).toContain('no user "nobody.here"');
  });
});
