/**
 * Issue 20, items 1 and 3: a hash stored at another bcrypt cost moves to BCRYPT_COST on the next
 * successful login (in the success write), and a password longer than the 72 bytes bcrypt reads can
 * never be right.
 */
import { describe, expect, test } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { decodeJwt } from 'jose';
import { config } from '../../lib/config';
import { hashPassword } from '../../lib/auth/passwords';
import { passwordPolicyViolation, SAME_AS_CURRENT } from '../../lib/auth/passwordPolicy';
import { documentClient } from '../../lib/data/client';
import { users } from '../../lib/data/repositories';
import { usernameKey } from '../../lib/data/table';
import { givenUser, useTestTables } from '../helpers/db';
import { callLogin, freshIp, listHeaders } from '../helpers/api';
import { changePassword } from '../routes/session-helpers';

useTestTables();

/** Stores `hash` as the user's hash directly, as a user created under an older BCRYPT_COST would have it. */
async function storeHash(username: string, hash: string): Promise<void> {
  await documentClient.send(new UpdateCommand({ TableName: config.tables.users, Key: { username: usernameKey(username) }, UpdateExpression: 'SET passwordHash = :hash', ExpressionAttributeValues: { ':hash': hash } }));
}

describe('a hash at another bcrypt cost', () => {
  test('moves to BCRYPT_COST on the next successful login, keeping the password version and the sessions', async () => {
    const user = await givenUser();
    const oldCost = config.bcryptCost + 1;
    await storeHash(user.username, await hashPassword(user.password, oldCost));
    const earlier = await callLogin(user.username, user.password);

    const stored = await users.findByUsername(user.username);

    // Before issue 20 the hash kept its old cost forever (a timing tell against unknown users).
    expect(earlier.statusCode).toBe(200);
    expect(bcrypt.getRounds(stored!.passwordHash)).toBe(config.bcryptCost);
    expect(stored!.passwordVersion).toBe(user.passwordVersion);
    expect(await bcrypt.compare(user.password, stored!.passwordHash)).toBe(true);
    expect((await listHeaders((earlier.body as { Token: string }).Token)).statusCode).toBe(200);
    expect((await callLogin(user.username, user.password)).statusCode).toBe(200);
  });

  test('is left alone by a wrong password', async () => {
    const user = await givenUser();
    const oldHash = await hashPassword(user.password, config.bcryptCost + 1);
    await storeHash(user.username, oldHash);

    expect((await callLogin(user.username, 'not-the-password-1')).statusCode).toBe(401);

    expect((await users.findByUsername(user.username))!.passwordHash).toBe(oldHash);
  });

  test('at the configured cost is not rewritten', async () => {
    const user = await givenUser();
    const before = (await users.findByUsername(user.username))!.passwordHash;

    const response = await callLogin(user.username, user.password);

    expect(decodeJwt((response.body as { Token: string }).Token).sub).toBe(user.id);
    expect((await users.findByUsername(user.username))!.passwordHash).toBe(before);
  });
});

describe('bcrypt reads 72 bytes', () => {
  const PASSWORD_72 = `Correct-Horse-Battery-Staple-${'x'.repeat(72 - 29)}`;

  test('a 72-byte password followed by anything is a wrong password (same 401)', async () => {
    expect(Buffer.byteLength(PASSWORD_72)).toBe(72);
    const user = await givenUser({ password: PASSWORD_72 });
    const address = freshIp();

    const longer = await callLogin(user.username, `${PASSWORD_72}-and-anything`, address);
    const exact = await callLogin(user.username, PASSWORD_72, address);

    // Before issue 20 the longer one logged in: bcrypt ignores every byte past the 72nd.
    expect(longer.statusCode).toBe(401);
    expect(longer.body).toEqual({ message: 'Incorrect username or password' });
    expect(exact.statusCode).toBe(200);
  });

  test('POST /user/password refuses the longer one as wrong credentials', async () => {
    const user = await givenUser({ password: PASSWORD_72 });

    const response = await changePassword({ username: user.username, password: `${PASSWORD_72}!`, newPassword: 'A-Different-Passphrase-7' });

    expect(response.statusCode).toBe(401);
  });

  test('compares a new password with the current one as bcrypt reads them', () => {
    // Before issue 20 these counted as different (the strings differ past byte 72).
    expect(passwordPolicyViolation(PASSWORD_72, { currentPassword: `${PASSWORD_72}-tail` })).toBe(SAME_AS_CURRENT);
    expect(passwordPolicyViolation('A-Different-Passphrase-7', { currentPassword: PASSWORD_72 })).toBeUndefined();
  });
});
