/**
 * Secrets at rest and in logs: after logins (right and wrong), adds, a list and a delete, no table
 * item and no line the handlers logged holds a password, an auth-header token or a JWT in clear.
 *
 * Logging is silent in tests by default and lib/log.ts reads the level at import, so this file
 * turns it up to DEBUG first and loads the service afterwards.
 */
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
process.env.LOG_LEVEL = 'DEBUG';

const { givenUser, scanTable, useTestTables } = await import('../helpers/db');
const { TABLES } = await import('../../lib/data/table');
const { documentClient } = await import('../../lib/data/client');
const { addHeader, callLogin, deleteHeader, freshIp, listHeaders } = await import('../helpers/api');
const { captureConsole } = await import('../helpers/console');
const sessionRoutes = await import('../routes/session-helpers');

useTestTables();

type TableId = keyof typeof TABLES;

describe('secrets at rest and in logs', () => {
  const secrets: { kind: string; value: string }[] = [];
  let output = '';
  const items: Record<string, Record<string, unknown>[]> = {};

  beforeAll(async () => {
    const user = await givenUser({ password: 'Zebra-Quartz-Lantern-42' });
    secrets.push({ kind: 'password', value: user.password });
    const typedIntoUsername = 'Opal-Thunder-Marsh-77';
    secrets.push({ kind: 'password typed into the username field', value: typedIntoUsername });
    secrets.push({ kind: 'wrong password', value: 'Wrong-Guess-Velvet-13' });

    ({ output } = await captureConsole(async () => {
      await callLogin(user.username, 'Wrong-Guess-Velvet-13', freshIp());
      await callLogin(typedIntoUsername, user.password, freshIp());
      const login = await callLogin(user.username, user.password, freshIp());
      const jwt = (login.body as { Token: string }).Token;
      secrets.push({ kind: 'JWT', value: jwt }, { kind: 'JWT signature', value: jwt.split('.')[2]! });
      for (const name of ['prod', 'staging', 'ci']) {
        const added = await addHeader(jwt, name);
        const token = (added.body as { token: string }).token;
        secrets.push({ kind: 'auth-header token', value: token }, { kind: 'auth-header token without prefix', value: token.slice('ahk_'.length) });
      }
      await listHeaders(jwt);
      // Refresh tokens: from login, a rotation, a reuse that ends the session, a forgery, a password change.
      const refreshToken = (login.body as { RefreshToken: string }).RefreshToken;
      const rotated = (await sessionRoutes.refresh(refreshToken)).body as { RefreshToken: string };
      const rotatedAgain = (await sessionRoutes.refresh(rotated.RefreshToken)).body as { RefreshToken: string };
      await sessionRoutes.refresh(refreshToken);
      await sessionRoutes.refresh(`${rotatedAgain.RefreshToken.slice(0, -1)}A`);
      const changed = await sessionRoutes.changePassword({ username: user.username, password: user.password, newPassword: 'Harbor-Violet-Comet-58' }, freshIp());
      secrets.push({ kind: 'new password', value: 'Harbor-Violet-Comet-58' });
      const changedBody = changed.body as { RefreshToken: string; Token: string };
      await sessionRoutes.logout(changedBody.Token);
      for (const token of [refreshToken, rotated.RefreshToken, rotatedAgain.RefreshToken, changedBody.RefreshToken]) {
        secrets.push({ kind: 'refresh token', value: token }, { kind: 'refresh token secret part', value: token.slice(token.lastIndexOf('.') + 1) });
      }
      const relogin = await callLogin(user.username, 'Harbor-Violet-Comet-58', freshIp());
      const jwtAfter = (relogin.body as { Token: string }).Token;
      secrets.push({ kind: 'refresh token', value: (relogin.body as { RefreshToken: string }).RefreshToken });
      await deleteHeader(jwtAfter, secrets.find((secret) => secret.kind === 'auth-header token')!.value);
      await deleteHeader(jwtAfter, `ahk_${'N'.repeat(43)}`);
      // An internal error, to see what the error log carries.
      const send = jest.spyOn(documentClient, 'send').mockRejectedValue(new Error('simulated DynamoDB outage') as never);
      await listHeaders(jwt);
      await callLogin(user.username, user.password, freshIp());
      send.mockRestore();
    }));

    for (const table of Object.keys(TABLES) as TableId[]) items[table] = await scanTable(table);
  });

  test('captured the handlers\' logs (so the checks below are not vacuous)', () => {
    expect(output).toMatch(/request refused/);
    expect(output).toMatch(/unhandled error/);
    expect(items.users!.length).toBeGreaterThan(0);
    expect(items.authHeaders!.length).toBeGreaterThan(0);
    expect(items.loginThrottle!.length).toBeGreaterThan(0);
    expect(items.sessions!.length).toBeGreaterThan(0);
    expect(output).toMatch(/session\.reuse_detected/);
  });

  test.each(Object.keys(TABLES))('stores no secret in clear in the %s table', (table) => {
    const dump = JSON.stringify(items[table]);
    for (const { kind, value } of secrets) expect({ kind, found: dump.includes(value) }).toEqual({ kind, found: false });
  });

  test('logs no secret', () => {
    for (const { kind, value } of secrets) expect({ kind, found: output.includes(value) }).toEqual({ kind, found: false });
  });

  test('keeps refresh tokens only as HMACs in their session items', () => {
    const hash = /^[A-Za-z0-9_-]{43}$/;
    for (const session of items.sessions!) {
      expect(Object.keys(session).sort()).toEqual(
        expect.arrayContaining(['created', 'expiresAt', 'live', 'passwordVersion', 'rev', 'sessionEpoch', 'sid', 'used', 'userId', 'username']),
      );
      for (const value of [...(session.live as string[]), ...(session.used as string[])]) expect(value).toMatch(hash);
    }
  });

  test('keeps passwords as bcrypt hashes and tokens as HMAC lookup keys plus AES-GCM ciphertext', () => {
    for (const user of items.users!) expect(user.passwordHash).toMatch(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/);
    for (const item of items.authHeaders!) {
      if (item.sk === 'COUNTER') {
        // The per-user header counter: a number and nothing else.
        expect(Object.keys(item).sort()).toEqual(['headerCount', 'pk', 'sk']);
      } else if (String(item.pk).startsWith('USER#')) {
        expect(item.sk).toMatch(/^HEADER#[A-Za-z0-9_-]{43}$/);
        expect(item.tokenCiphertext).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
      } else {
        expect(item.pk).toMatch(/^TOKEN#[A-Za-z0-9_-]{43}$/);
        expect(Object.keys(item).filter((key) => key !== 'expiresAt').sort()).toEqual(['headerId', 'pk', 'sk', 'userId', 'username']);
      }
    }
  });
});
