/**
 * GET /authheader/list when one stored token cannot be decrypted (written under another key, e.g.
 * local data made with another key file, or damaged): the list still answers 200 with the others,
 * and the skipped item is logged by id, without its secrets.
 */
import { jest } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { encryptToken } from '../../lib/auth/tokens';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/data/client';
import { log } from '../../lib/log';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

interface AuthHeader {
  id: string;
  name: string;
  token: string;
  created: string;
}

test('skips an auth header whose token cannot be decrypted, answers 200 with the rest, and logs only its id', async () => {
  // Prepare: two headers, then the first one's stored token re-encrypted under a key the service does not have.
  const user = await givenUser();
  const login = await invoke(loginHandler, { path: '/user/login', body: { username: user.username, password: user.password } });
  const jwt = (login.body as { Token: string }).Token;
  const broken = (await invoke(addHandler, { path: '/authheader/add', token: jwt, body: { name: 'made-with-other-keys' } })).body as AuthHeader;
  const intact = (await invoke(addHandler, { path: '/authheader/add', token: jwt, body: { name: 'still-fine' } })).body as AuthHeader;
  const item = (await scanTable('authHeaders')).find((candidate) => candidate.id === broken.id && typeof candidate.tokenCiphertext === 'string');
  expect(item).toBeDefined();
  const foreignCiphertext = encryptToken(broken.token, randomBytes(32), `${user.id}:${broken.id}`);
  await documentClient.send(
    new UpdateCommand({
      TableName: config.tables.authHeaders,
      Key: { pk: item?.pk, sk: item?.sk },
      UpdateExpression: 'SET tokenCiphertext = :c',
      ExpressionAttributeValues: { ':c': foreignCiphertext },
    }),
  );
  const warn = jest.spyOn(log, 'warn');

  // Act
  const response = await invoke(listHandler, { method: 'GET', path: '/authheader/list', token: jwt });

  // Assert
  expect(response.statusCode).toBe(200);
  expect(response.body).toEqual([intact]);
  expect(warn).toHaveBeenCalledWith(expect.stringContaining('cannot be decrypted'), expect.objectContaining({ authHeaderId: broken.id }));
  const logged = JSON.stringify(warn.mock.calls);
  for (const secret of [broken.token, foreignCiphertext, broken.name, jwt]) expect(logged).not.toContain(secret);
  warn.mockRestore();
});
