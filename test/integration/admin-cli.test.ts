/** The admin CLI against DynamoDB Local: a user it creates can log in; errors are clear, exit non-zero. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { handler as loginHandler } from '../../functions/login';
import { runAdmin } from '../../lib/tools/admin/cli';
import { users } from '../../lib/data/repositories';
import { useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const create = (username: string, ...extra: string[]) =>
  admin('user', 'create', '--username', username, '--password', 'Tr0ub4dor-and-3', '--email', `${username}@example.com`, '--firstname', 'Grace', '--lastname', 'Hopper', ...extra);

const login = (username: string, password: string) => invoke(loginHandler, { body: { username, password } });

describe('npm run admin -- user ...', () => {
  test('creates a user who can then log in', async () => {
    const result = await create('grace');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^created user grace \(id [0-9a-f-]{36}\), password expires \d{4}-/);
    const response = await login('grace', 'Tr0ub4dor-and-3');
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ Username: 'grace', Email: 'grace@example.com', Firstname: 'Grace', Lastname: 'Hopper' });
  });

  test('honours --password-expires', async () => {
    await create('expired.user', '--password-expires', '2021-06-01T12:00:00Z');

    expect((await users.findByUsername('expired.user'))?.passwordExpiration).toBe('2021-06-01T12:00:00Z');
    expect((await login('expired.user', 'Tr0ub4dor-and-3')).statusCode).toBe(403);
  });

  test('lists users without their password hashes', async () => {
    await create('listed');

    const result = await admin('user', 'list');

    expect(result.code).toBe(0);
    expect(result.out).toContain('listed\tlisted@example.com\tGrace Hopper');
    expect(result.out).not.toMatch(/\$2[aby]\$/);
  });

  test('sets a password: the old one stops working, the expiration restarts', async () => {
    await create('changer', '--password-expires', '2021-01-01T00:00:00Z');

    const result = await admin('user', 'set-password', '--username', 'changer', '--password', 'Brand-New-Passphrase-7');

    expect(result.code).toBe(0);
    expect(Date.parse((await users.findByUsername('changer'))?.passwordExpiration ?? '')).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect((await login('changer', 'Tr0ub4dor-and-3')).statusCode).toBe(401);
    expect((await login('changer', 'Brand-New-Passphrase-7')).statusCode).toBe(200);
  });

  test('deletes a user', async () => {
    await create('leaver');

    const result = await admin('user', 'delete', '--username', 'leaver');

    expect(result).toMatchObject({ code: 0, out: 'deleted user leaver and 0 auth header(s)' });
    expect((await login('leaver', 'Tr0ub4dor-and-3')).statusCode).toBe(401);
  });

  test.each([
    ['a duplicate username', ['dup'], 1, /username "dup" is already taken/],
    ['an invalid email', ['bad-email', '--email', 'not-an-email'], 1, /not a valid email address/],
    ['a common password', ['common', '--password', 'password1'], 1, /too common/],
    ['a password over 72 bytes', ['long', '--password', 'ü'.repeat(40)], 1, /72 bytes/],
    ['a bad expiry date', ['when', '--password-expires', 'next tuesday'], 1, /RFC 3339/],
  ])('refuses %s with a clear error and exit 1', async (_case, args, code, message) => {
    if (_case === 'a duplicate username') await create('dup');
    const [username, ...extra] = args as [string, ...string[]];

    const result = await create(username, ...extra);

    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
  });

  test.each([
    [['user', 'create', '--username', 'x'], /missing --password, --email, --firstname, --lastname/],
    [['user', 'delete'], /missing --username/],
    [['user', 'rename'], /unknown command "user rename"/],
    [[], /no command given/],
    [['user', 'list', '--colour'], /Unknown option/],
  ])('answers usage errors %j with exit 2 and the usage', async (argv, message) => {
    const result = await admin(...argv);

    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('Usage: npm run admin');
  });

  test('reports an unknown user on delete and set-password', async () => {
    expect(await admin('user', 'delete', '--username', 'ghost')).toMatchObject({ code: 1, err: 'error: no user "ghost"' });
    expect((await admin('user', 'set-password', '--username', 'ghost', '--password', 'Whatever-Long-9')).code).toBe(1);
  });

  test('says to run npm start when the database is not reachable (run as a command)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/tools/admin/cli.ts', 'user', 'list'], {
      env: { ...process.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
      encoding: 'utf8',
    });

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('error: cannot reach DynamoDB at http://127.0.0.1:9: start the local service with `npm start` (or set DYNAMODB_ENDPOINT)');
  });
});
