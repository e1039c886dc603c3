/**
 * MFA as an operator sees it: the audit events of an enrolment, a refused code, a recovery code and a
 * disable, in the documented schema — and no secret, code or recovery code anywhere in the output.
 * The handlers run in-process, so every answer is also checked against openapi.json.
 */
import { captureConsole } from '../helpers/console';
import { invoke, type InvokeResult } from '../helpers/invoke';
import { ensureTestTables, loadHandler, type Handler } from '../helpers/late';

// Read at import by lib/log.ts and lib/config.ts: set before anything loads them.
process.env.LOG_LEVEL = 'INFO';

let handlers: Record<'login' | 'setup' | 'confirm' | 'disable' | 'password', Handler>;
let givenUser: typeof import('../helpers/db')['givenUser'];
let totp: typeof import('../../lib/auth/totp');

beforeAll(async () => {
  await ensureTestTables();
  ({ givenUser } = await import('../helpers/db'));
  totp = await import('../../lib/auth/totp');
  handlers = { login: await loadHandler('login'), setup: await loadHandler('mfa-totp-setup'), confirm: await loadHandler('mfa-totp-confirm'), disable: await loadHandler('mfa-disable'), password: await loadHandler('user-password') };
});

test('enrol, refused code, recovery code, disable: one audit line each, nothing secret in any line', async () => {
  const user = await givenUser();
  const sent: string[] = [];
  const { result, output } = await captureConsole(async () => {
    const answers: Record<string, InvokeResult> = {};
    const login = (code?: string) => invoke(handlers.login, { path: '/user/login', body: { username: user.username, password: user.password, ...(code ? { code } : {}) } });
    const token = ((await login()).body as { Token: string }).Token;
    const setup = await invoke(handlers.setup, { path: '/user/mfa/totp/setup', token });
    const secret = (setup.body as { secret: string }).secret;
    const now = new Date();
    const confirmCode = totp.totpCode(secret, now);
    const confirm = await invoke(handlers.confirm, { path: '/user/mfa/totp/confirm', token, body: { code: confirmCode } });
    const [recovery, another] = (confirm.body as { recoveryCodes: string[] }).recoveryCodes as [string, string];
    answers.mfaRequired = await login();
    answers.replayed = await login(confirmCode);
    answers.wrong = await invoke(handlers.password, { path: '/user/password', body: { username: user.username, password: user.password, newPassword: 'Another-Passphrase-77', code: '000000' } });
    answers.recovery = await login(recovery);
    // From another address: the logins above are still in flight for this one (login's throttle).
    answers.disabled = await invoke(handlers.disable, { path: '/user/mfa/disable', token, body: { code: another }, sourceIp: '198.51.100.7' });
    sent.push(secret, confirmCode, recovery, another, user.password, token);
    return { answers, confirm, setup };
  });

  expect(result.setup.statusCode).toBe(200);
  expect(result.confirm.statusCode).toBe(200);
  expect(result.answers.mfaRequired).toMatchObject({ statusCode: 401, body: { MfaRequired: true } });
  expect(result.answers.replayed?.statusCode).toBe(401);
  expect(result.answers.wrong?.statusCode).toBe(401);
  expect(result.answers.recovery?.statusCode).toBe(200);
  expect(result.answers.disabled?.statusCode).toBe(200);

  const audit = output
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === 'audit' && String(line.event).startsWith('mfa.'))
    .map(({ event, outcome, userId, reason }) => ({ event, outcome, userId, ...(reason ? { reason } : {}) }));
  expect(audit).toEqual([
    { event: 'mfa.enabled', outcome: 'success', userId: user.id },
    { event: 'mfa.challenge_failed', outcome: 'failure', userId: user.id, reason: 'replayed_code' },
    { event: 'mfa.challenge_failed', outcome: 'failure', userId: user.id, reason: 'wrong_code' },
    { event: 'mfa.recovery_code_used', outcome: 'success', userId: user.id },
    { event: 'mfa.recovery_code_used', outcome: 'success', userId: user.id },
    { event: 'mfa.disabled', outcome: 'success', userId: user.id },
  ]);
  expect(sent).toHaveLength(6);
  for (const secretText of sent) expect(output).not.toContain(secretText);
  expect(output).not.toContain('totpSecret');
});
