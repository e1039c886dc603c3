/**
 * A TOTP secret the service cannot decrypt (sealed under a token encryption key that was replaced,
 * or damaged): login with a TOTP code answers as a wrong code (401, not a 500 for every login),
 * a recovery code still logs in, and an error line names the user by id only and says what to do.
 * A pending secret that cannot be opened sends the user back to setup (400).
 */
import { expect, jest, test } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { handler as confirmHandler } from '../../functions/mfa-totp-confirm';
import { handler as setupHandler } from '../../functions/mfa-totp-setup';
import { handler as loginHandler } from '../../functions/login';
import { sealTotpSecret, totpCode } from '../../lib/auth/totp';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/data/client';
import { usernameKey } from '../../lib/data/table';
import { log } from '../../lib/log';
import { freshIp, loginAs } from '../helpers/api';
import { givenUser, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const login = (user: { username: string; password: string }, code: string) =>
  invoke(loginHandler, { method: 'POST', path: '/user/login', body: { username: user.username, password: user.password, code }, sourceIp: freshIp() });

/** Replaces a sealed secret of the user's with the same secret sealed under a key the service does not have. */
async function sealElsewhere(username: string, userId: string, attribute: 'totpSecret' | 'totpPending', secret: string): Promise<void> {
  const foreign = sealTotpSecret(secret, randomBytes(32), userId, attribute === 'totpSecret' ? 'active' : 'pending');
  await documentClient.send(
    new UpdateCommand({ TableName: config.tables.users, Key: { username: usernameKey(username) }, UpdateExpression: `SET ${attribute} = :sealed`, ExpressionAttributeValues: { ':sealed': foreign } }),
  );
}

test('an active secret that cannot be decrypted: a TOTP code gets 401, a recovery code logs in, one error line by user id', async () => {
  const user = await givenUser();
  const jwt = await loginAs(user);
  const { secret } = (await invoke(setupHandler, { method: 'POST', path: '/user/mfa/totp/setup', token: jwt, rawBody: null })).body as { secret: string };
  const confirmed = await invoke(confirmHandler, { method: 'POST', path: '/user/mfa/totp/confirm', token: jwt, body: { code: totpCode(secret) } });
  const [recovery] = (confirmed.body as { recoveryCodes: string[] }).recoveryCodes as [string];
  await sealElsewhere(user.username, user.id, 'totpSecret', secret);
  const error = jest.spyOn(log, 'error');

  const withCode = await login(user, totpCode(secret, new Date(Date.now() + 30_000)));
  const withRecovery = await login(user, recovery);

  expect(withCode.statusCode).toBe(401);
  expect(withCode.body).not.toHaveProperty('MfaRequired');
  expect(withRecovery.statusCode).toBe(200);
  expect(error).toHaveBeenCalledWith(expect.stringContaining('`user mfa-reset`'), { userId: user.id, errorType: expect.any(String) });
  expect(JSON.stringify(error.mock.calls)).not.toContain(secret);
  error.mockRestore();
});

test('a pending secret that cannot be decrypted: confirm answers 400 and sends the user back to setup', async () => {
  const user = await givenUser();
  const jwt = await loginAs(user);
  const { secret } = (await invoke(setupHandler, { method: 'POST', path: '/user/mfa/totp/setup', token: jwt, rawBody: null })).body as { secret: string };
  await sealElsewhere(user.username, user.id, 'totpPending', secret);

  const response = await invoke(confirmHandler, { method: 'POST', path: '/user/mfa/totp/confirm', token: jwt, body: { code: totpCode(secret) } });

  expect(response.statusCode).toBe(400);
  expect((response.body as { message: string }).message).toContain('setup');
});
