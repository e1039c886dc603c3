/**
 * The authorizer's log lines say why it refused or failed, and never hold the credential. Logging is
 * silent in tests by default and lib/log.ts reads the level at import, so this file turns it up to
 * DEBUG first and loads the service afterwards.
 */
import { expect, test, jest } from '@jest/globals';
process.env.LOG_LEVEL = 'DEBUG';

const { givenUser, useTestTables } = await import('../helpers/db');
const { authorize, bearer, restAuthorizerEvent } = await import('../helpers/authorizer');
const { addHeader, loginAs } = await import('../helpers/api');
const { captureConsole } = await import('../helpers/console');
const { authHeaders } = await import('../../lib/data/repositories');

useTestTables();

test('logs the reason of a refusal and of a failed lastUsed write, never the key or the JWT', async () => {
  const user = await givenUser();
  const jwt = await loginAs(user);
  const key = ((await addHeader(jwt, 'ci-key')).body as { token: string }).token;
  // A tampered key fails its checksum (refused unread); a well-formed unknown one is looked up.
  const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
  const { generateToken } = await import('../../lib/auth/tokens');
  const unknown = generateToken();
  jest.spyOn(authHeaders, 'recordUse').mockRejectedValueOnce(new Error('ProvisionedThroughputExceeded') as never);

  const { output } = await captureConsole(async () => {
    for (const authorization of [bearer(key), bearer(jwt), bearer(tampered), bearer(unknown), `Basic ${key}`]) await authorize(restAuthorizerEvent(authorization));
  });

  expect(output).toContain('authorizer refused');
  expect(output).toContain('unknown auth header');
  expect(output).toContain('could not record an auth header use');
  for (const secret of [key, jwt, tampered, unknown, key.slice('ahk_'.length), jwt.split('.')[2] as string]) expect(output).not.toContain(secret);
});
