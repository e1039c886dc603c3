/**
 * PASSWORD_MAX_AGE_DAYS=0: passwords never expire (NIST SP 800-63B-4 forbids forced periodic
 * changes). No PasswordExpiration in any answer, a JWT bound only by TOKEN_TTL_SECONDS; an
 * administrator's explicit expiry (or `never`) for one user still applies.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { handler as meHandler } from '../../functions/user-me';
import { config, loadConfig } from '../../lib/config';
import { users } from '../../lib/data/repositories';
import { NEVER_EXPIRES, setUserPassword } from '../../lib/services/userService';
import { bearer, throughAuthorizer } from '../helpers/authorizer';
import { givenUser, useTestTables } from '../helpers/db';
import { callLogin } from '../helpers/api';
import { changePassword, ok, refresh } from './session-helpers';

useTestTables();

const configured = config.passwordMaxAgeDays;
beforeAll(() => {
  config.passwordMaxAgeDays = 0;
});
afterAll(() => {
  config.passwordMaxAgeDays = configured;
});

describe('PASSWORD_MAX_AGE_DAYS=0', () => {
  test('is a valid setting (0 was refused before)', () => {
    expect(loadConfig({ PASSWORD_MAX_AGE_DAYS: '0' }).passwordMaxAgeDays).toBe(0);
    expect(loadConfig({}).passwordMaxAgeDays).toBe(90);
  });

  test('login answers no PasswordExpiration and a JWT that lives TOKEN_TTL_SECONDS', async () => {
    const user = await givenUser();

    const body = await ok(callLogin(user.username, user.password));

    expect(user.passwordExpiration).toBeUndefined();
    expect(body).not.toHaveProperty('PasswordExpiration');
    const claims = decodeJwt(body.Token);
    expect(claims.exp! - claims.iat!).toBe(config.tokenTtlSeconds);
  });

  test('GET /user/me, refresh and password change answer no PasswordExpiration either', async () => {
    const user = await givenUser();
    const login = await ok(callLogin(user.username, user.password));

    const me = await throughAuthorizer(meHandler, '/user/me', bearer(login.Token));
    const refreshed = await ok(refresh(login.RefreshToken));
    const changed = await ok(changePassword({ username: user.username, password: user.password, newPassword: 'Another-Long-Passphrase-5' }));

    expect(me.statusCode).toBe(200);
    expect(me.body).not.toHaveProperty('PasswordExpiration');
    expect(refreshed).not.toHaveProperty('PasswordExpiration');
    expect(changed).not.toHaveProperty('PasswordExpiration');
    expect((await users.findByUsername(user.username))!.passwordExpiration).toBeUndefined();
  });

  test('an explicit expiry set by an administrator still applies', async () => {
    const user = await givenUser({ passwordExpires: '2099-01-01T00:00:00Z' });

    const body = await ok(callLogin(user.username, user.password));

    expect(body.PasswordExpiration).toBe('2099-01-01T00:00:00Z');
  });

  test('the admin CLI\'s `never` removes an expiry, whatever the setting', async () => {
    config.passwordMaxAgeDays = 90;
    try {
      const user = await givenUser();
      expect(user.passwordExpiration).toEqual(expect.any(String));

      await setUserPassword(users, user.username, 'Never-Expiring-Passphrase-3', NEVER_EXPIRES);

      expect((await users.findByUsername(user.username))!.passwordExpiration).toBeUndefined();
      expect(await ok(callLogin(user.username, 'Never-Expiring-Passphrase-3'))).not.toHaveProperty('PasswordExpiration');
    } finally {
      config.passwordMaxAgeDays = 0;
    }
  });
});
