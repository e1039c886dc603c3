/**
 * Usernames are unique regardless of case, and every lookup by username accepts any case (issue 11
 * §5, API.md "Abuse limits"); the username as created is what login answers and the JWT carries.
 */
import { describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { UsernameTakenError } from '../../lib/errors';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as listHandler } from '../../functions/authheader-list';
import { handler as loginHandler } from '../../functions/login';
import { usernameKey } from '../../lib/data/table';
import { users } from '../../lib/data/repositories';
import { runAdmin } from '../../lib/tools/admin/cli';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

let counter = 0;
/** A fresh mixed-case username, e.g. `John.Doe7x`. */
const mixedCaseName = () => `John.Doe${(counter += 1)}${Math.random().toString(36).slice(2, 6)}`;

const login = (username: string, password: string) => invoke(loginHandler, { path: '/user/login', body: { username, password }, sourceIp: `198.18.0.${counter}` });

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const create = (username: string) =>
  admin('user', 'create', '--username', username, '--password', 'Tr0ub4dor-and-3', '--email', 'jd@example.com', '--firstname', 'John', '--lastname', 'Doe');

describe('usernames regardless of case', () => {
  test('refuses to create John.Doe beside john.doe (admin CLI, 409) and stores nothing', async () => {
    // Prepare
    const name = mixedCaseName();
    expect((await create(name.toLowerCase())).code).toBe(0);

    // Act
    const result = await create(name);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/already taken/);
    const stored = (await scanTable('users')).filter((item) => String(item.username) === name.toLowerCase() || String(item.username) === name);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.displayUsername).toBe(name.toLowerCase());
  });

  test('answers the repository\'s create with a 409 for any case of a taken username', async () => {
    const user = await givenUser({ username: mixedCaseName() });

    await expect(givenUser({ username: user.username.toUpperCase() })).rejects.toBeInstanceOf(UsernameTakenError);
  });

  test('logs in with any case of the username and answers the Username as created', async () => {
    // Prepare
    const user = await givenUser({ username: mixedCaseName() });

    // Act
    const responses = await Promise.all([user.username, user.username.toLowerCase(), user.username.toUpperCase()].map((typed) => login(typed, user.password)));

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatchObject({ Username: user.username, Id: user.id });
      expect(decodeJwt((response.body as { Token: string }).Token)).toMatchObject({ username: user.username, sub: user.id });
    }
  });

  test('folds ASCII letters only: a look-alike such as the Kelvin sign is another username', async () => {
    // Prepare
    const user = await givenUser({ username: `kate.${mixedCaseName()}` });
    const lookAlike = `\u212Aate${user.username.slice(4)}`;

    // Act
    const response = await login(lookAlike, user.password);

    // Assess
    expect(usernameKey(lookAlike)).not.toBe(usernameKey(user.username));
    expect(response.statusCode).toBe(401);
  });

  test('finds, re-passwords and deletes a user by any case of the username', async () => {
    // Prepare
    const user = await givenUser({ username: mixedCaseName() });

    // Act
    const found = await users.findByUsername(user.username.toUpperCase());
    const setPassword = await admin('user', 'set-password', '--username', user.username.toLowerCase(), '--password', 'Brand-New-Passphrase-7');
    const afterChange = await login(user.username, 'Brand-New-Passphrase-7');
    const deleted = await admin('user', 'delete', '--username', user.username.toUpperCase(), '--yes');

    // Assess
    expect(found).toMatchObject({ id: user.id, username: user.username });
    expect(setPassword.code).toBe(0);
    expect(afterChange.statusCode).toBe(200);
    expect(deleted.code).toBe(0);
    expect(await users.findByUsername(user.username)).toBeUndefined();
  });

  test('keeps the auth-header routes working for a mixed-case user (the profile condition finds the user)', async () => {
    // Prepare
    const user = await givenUser({ username: mixedCaseName() });
    const jwt = ((await login(user.username.toLowerCase(), user.password)).body as { Token: string }).Token;

    // Act
    const added = await invoke(addHandler, { path: '/authheader/add', token: jwt, body: { name: 'ci-key' } });
    const listed = await invoke(listHandler, { method: 'GET', path: '/authheader/list', token: jwt });

    // Assess
    expect(added.statusCode).toBe(200);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toEqual([added.body]);
  });

  test('still reads a user stored before usernames were case-insensitive (no displayUsername)', async () => {
    // Prepare: an all-lower-case legacy item, which needs no migration (docs/deploy.md, "Usernames regardless of case").
    const user = await givenUser({ username: `legacy.${mixedCaseName().toLowerCase()}` });
    const { documentClient } = await import('../../lib/data/client');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { config } = await import('../../lib/config');
    await documentClient.send(new UpdateCommand({ TableName: config.tables.users, Key: { username: user.username }, UpdateExpression: 'REMOVE displayUsername' }));

    // Act
    const response = await login(user.username.toUpperCase(), user.password);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ Username: user.username });
  });
});
