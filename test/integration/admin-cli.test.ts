/** The admin CLI against DynamoDB Local: a user it creates can log in; errors are clear, exit non-zero. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { handler as loginHandler } from '../../functions/login';
import { handler as revokeHandler } from '../../functions/authheader-revoke';
import { runAdmin, type AdminInput } from '../../lib/tools/admin/cli';
import { loginThrottle, users } from '../../lib/data/repositories';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/data/client';
import { useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';
import { givenAuthHeader, listHeaders, userWithKey } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';

useTestTables();

const PASSWORD = 'Tr0ub4dor-and-3';

/** Runs the CLI in-process; `stdin` is what a pipe would carry (not a terminal). */
async function admin(argv: string[], stdin = '', input?: AdminInput) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, (line) => out.push(line), (line) => err.push(line), input ?? { stdin: Readable.from([stdin]), prompt: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const create = (username: string, extra: string[] = [], password = PASSWORD) =>
  admin(['user', 'create', '--username', username, '--password-stdin', '--email', `${username}@example.com`, '--firstname', 'Grace', '--lastname', 'Hopper', ...extra], `${password}\n`);

const login = (username: string, password: string, sourceIp?: string) => invoke(loginHandler, { body: { username, password }, sourceIp });

describe('npm run admin -- user ...', () => {
  test('creates a user who can then log in', async () => {
    const result = await create('grace');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^created user grace \(id [0-9a-f-]{36}\), password expires \d{4}-/);
    const response = await login('grace', 'Tr0ub4dor-and-3');
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ Username: 'grace', Email: 'grace@example.com', Firstname: 'Grace', Lastname: 'Hopper' });
  });

  test('--password-expires never: a password that does not expire, whatever PASSWORD_MAX_AGE_DAYS says', async () => {
    const result = await create('never.expires', ['--password-expires', 'never']);
    const shown = await admin(['user', 'show', '--username', 'never.expires']);

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/password expires never$/);
    expect(shown.out).toMatch(/password expires\s+never/);
    const response = await login('never.expires', PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toHaveProperty('PasswordExpiration');
  });

  test('honours --password-expires', async () => {
    const result = await create('expired.user', ['--password-expires', '2021-06-01T12:00:00Z']);

    expect(result.code).toBe(0);
    expect(result.err).toBe("warning: --password-expires 2021-06-01T12:00:00Z is in the past: this user's logins will answer 403 (password expired) until the password is set again");
    expect((await users.findByUsername('expired.user'))?.passwordExpiration).toBe('2021-06-01T12:00:00Z');
    expect((await login('expired.user', 'Tr0ub4dor-and-3')).statusCode).toBe(403);
  });

  test('lists users without their password hashes', async () => {
    await create('listed');

    const result = await admin(['user', 'list']);

    expect(result.code).toBe(0);
    expect(result.out).toContain('listed\tlisted@example.com\tGrace Hopper');
    expect(result.out).not.toMatch(/\$2[aby]\$/);
  });

  test('sets a password: the old one stops working, the expiration restarts', async () => {
    await create('changer', ['--password-expires', '2021-01-01T00:00:00Z']);

    const result = await admin(['user', 'set-password', '--username', 'changer', '--password-stdin'], 'Brand-New-Passphrase-7\n');

    expect(result.code).toBe(0);
    expect(Date.parse((await users.findByUsername('changer'))?.passwordExpiration ?? '')).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect((await login('changer', 'Tr0ub4dor-and-3')).statusCode).toBe(401);
    expect((await login('changer', 'Brand-New-Passphrase-7')).statusCode).toBe(200);
  });

  test("lists a user's keys without their tokens, and revokes one by its id (its token is refused from then on)", async () => {
    const { user, jwt, key } = await userWithKey('cli-listed');
    const other = await givenAuthHeader(jwt, 'cli-kept');

    const listed = await admin(['user', 'keys', '--username', user.username, '--json']);
    expect(listed.code).toBe(0);
    // Oldest first, then by id: both were created within the same second (times are to the second).
    const byAge = (a: { created: string; id: string }, b: { created: string; id: string }) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id);
    expect(JSON.parse(listed.out)).toEqual(
      [
        { id: key.id, name: 'cli-listed', created: key.created },
        { id: other.id, name: 'cli-kept', created: other.created },
      ].sort(byAge),
    );
    expect(listed.out).not.toContain(key.token);
    expect((await admin(['user', 'keys', '--username', user.username])).out).toContain(`${key.id}\tcli-listed`);

    const revoked = await admin(['user', 'revoke-key', '--username', user.username, '--key-id', key.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`deleted auth header ${key.id}`);
    expect((await authorize(restAuthorizerEvent(bearer(key.token)))).error?.message).toBe('Unauthorized');
    expect((await authorize(restAuthorizerEvent(bearer(other.token)))).allowed).toBeDefined();
    expect(((await listHeaders(jwt)).body as { id: string }[]).map((header) => header.id)).toEqual([other.id]);

    const again = await admin(['user', 'revoke-key', '--username', user.username, '--key-id', key.id]);
    expect(again).toMatchObject({ code: 1, err: `error: ${user.username} has no auth header with id ${key.id}` });
    expect((await admin(['user', 'keys', '--username', 'nobody-here'])).err).toBe('error: no user "nobody-here"');

    // A key revoked by whoever held its token says so.
    await invoke(revokeHandler, { method: 'POST', path: '/authheader/revoke', body: { text: other.token } });
    expect(JSON.parse((await admin(['user', 'keys', '--username', user.username, '--json'])).out)).toEqual([{ id: other.id, name: 'cli-kept', created: other.created, lastUsed: expect.any(String), revokedAt: expect.any(String) }]);
    expect((await admin(['user', 'keys', '--username', user.username])).out).toMatch(new RegExp(`^${other.id}\tcli-kept\t.*\tREVOKED \\S+ \\(its token leaked\\)$`));
  });

  test('deletes a user', async () => {
    await create('leaver');

    const result = await admin(['user', 'delete', '--username', 'leaver', '--yes']);

    expect(result).toMatchObject({ code: 0, out: 'deleted user leaver and 0 auth header(s)' });
    expect((await login('leaver', 'Tr0ub4dor-and-3')).statusCode).toBe(401);
  });

  test.each([
    ['a duplicate username', 'dup', [], PASSWORD, /username "dup" is already taken/],
    ['an invalid email', 'bad-email', ['--email', 'not-an-email'], PASSWORD, /not a valid email address/],
    ['a common password', 'common', [], 'password1', /too common/],
    ['a password over 72 bytes', 'long', [], 'ü'.repeat(40), /72 bytes/],
    ['a bad expiry date', 'when', ['--password-expires', 'next tuesday'], PASSWORD, /RFC 3339/],
  ])('refuses %s with a clear error and exit 1', async (_case, username, extra, password, message) => {
    if (_case === 'a duplicate username') await create('dup');

    const result = await create(username as string, extra as string[], password as string);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(message as RegExp);
  });

  test.each([
    [['user', 'create', '--username', 'x', '--password-stdin'], /missing --email, --firstname, --lastname/],
    [['user', 'delete'], /missing --username/],
    [['user', 'rename'], /unknown command "user rename"/],
    [['user'], /missing subcommand: user <create\|list\|show\|set-password\|unlock\|keys\|revoke-key\|mfa-reset\|delete>/],
    [[], /no command given/],
    [['user', 'list', '--colour'], /Unknown option/],
    [['user', 'delete', '--username', 'x', '--json'], /--json is not an option of "user delete"/],
    [['user', 'list', '--yes'], /--yes is not an option of "user list"/],
    [['user', 'create', '--username', 'x', '--email', 'x@example.com', '--firstname', 'X', '--lastname', 'Y'], /no password given: use --password-stdin/],
  ])('answers usage errors %j with exit 2 and the usage', async (argv, message) => {
    const result = await admin(argv);

    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('Usage: npm run admin');
  });

  test.each(['create', 'list', 'show', 'set-password', 'unlock', 'mfa-reset', 'delete'])('describes "user %s" with --help, exit 0', async (command) => {
    const result = await admin(['user', command, '--help']);

    expect(result.code).toBe(0);
    expect(result.out).toContain(`Usage: npm run admin -- [--stack <StackName> [--region <region>]] user ${command}`);
  });

  test('says why not to use --password, in --help and when it is used', async () => {
    expect((await admin(['--help'])).out).toMatch(/--password P still works for scripts, but avoid it: the password shows in `ps`/);
    expect((await admin(['user', 'create', '--help'])).out).toContain('--password-stdin');

    const result = await admin(['user', 'create', '--username', 'scripted', '--password', PASSWORD, '--email', 's@example.com', '--firstname', 'S', '--lastname', 'T']);

    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^warning: --password exposes the password in `ps`/);
    expect((await login('scripted', PASSWORD)).statusCode).toBe(200);
  });

  test('asks for the password in a terminal without echoing it, twice', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const prompt = new PassThrough();
    let shown = '';
    prompt.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const typing = setInterval(() => stdin.write(`${PASSWORD}\r`), 50);

    const result = await admin(['user', 'create', '--username', 'prompted', '--email', 'p@example.com', '--firstname', 'P', '--lastname', 'Q'], '', { stdin, prompt });
    clearInterval(typing);

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(shown).toContain('Password: ');
    expect(shown).toContain('Repeat the password: ');
    expect(shown).not.toContain(PASSWORD);
    expect((await login('prompted', PASSWORD)).statusCode).toBe(200);
  });

  test('shows one user, and lists and shows as JSON, never with the hash', async () => {
    const created = await create('shown');

    const shown = await admin(['user', 'show', '--username', 'shown']);
    const json = await admin(['user', 'show', '--username', 'shown', '--json']);
    const list = await admin(['user', 'list', '--json']);

    expect(created.code).toBe(0);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^username\s+shown$/m);
    expect(shown.out).toMatch(/^email\s+shown@example\.com$/m);
    const user = JSON.parse(json.out) as Record<string, unknown>;
    expect(user).toMatchObject({ username: 'shown', email: 'shown@example.com', firstname: 'Grace', lastname: 'Hopper', id: expect.any(String), passwordExpiration: expect.any(String) });
    expect(JSON.parse(list.out)).toContainEqual(user);
    for (const output of [shown.out, json.out, list.out]) expect(output).not.toMatch(/\$2[aby]\$|passwordHash/);
    expect(await admin(['user', 'show', '--username', 'nobody'])).toMatchObject({ code: 1, err: 'error: no user "nobody"' });
  });

  test('unlocks a user the login throttle has locked out, from every address, and only that user', async () => {
    await create('locked');
    await create('bystander');
    // A guessing attack from two addresses, past the per-username-and-address limit on both.
    const attackers = ['198.51.100.71', '198.51.100.72'];
    for (const sourceIp of attackers) {
      for (let attempt = 0; attempt < config.loginMaxFailuresPerUser; attempt++) expect((await login('locked', `Wrong-Guess-${attempt}`, sourceIp)).statusCode).toBe(401);
      for (let attempt = 0; attempt < config.loginMaxFailuresPerUser; attempt++) await login('bystander', `Wrong-Guess-${attempt}`, sourceIp);
    }
    for (const sourceIp of attackers) {
      expect((await login('locked', PASSWORD, sourceIp)).statusCode).toBe(429);
      expect((await login('bystander', PASSWORD, sourceIp)).statusCode).toBe(429);
    }

    const result = await admin(['user', 'unlock', '--username', 'LOCKED']);

    // The username across addresses, and the username with each of the two addresses.
    expect(result).toMatchObject({ code: 0, out: 'cleared 3 failed-login counter(s) and lock-outs of LOCKED' });
    expect(await loginThrottle.read('user', (await loginThrottle.keys('locked', attackers[0] as string)).user)).toBeUndefined();
    for (const sourceIp of attackers) {
      expect(await loginThrottle.read('pair', (await loginThrottle.keys('locked', sourceIp)).pair)).toBeUndefined();
      expect((await login('locked', PASSWORD, sourceIp)).statusCode).toBe(200);
      // Nobody else's counters were touched.
      expect((await login('bystander', PASSWORD, sourceIp)).statusCode).toBe(429);
    }
    expect((await admin(['user', 'unlock', '--username', 'nobody-at-all'])).out).toBe('nobody-at-all had no failed-login count to clear');
  });

  describe('at a terminal', () => {
    /** A terminal on stdin that types the next answer each time a question (ending ": ") is shown. */
    function terminal(answers: string[]): AdminInput & { shown: () => string } {
      const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
      const prompt = new PassThrough();
      let shown = '';
      prompt.on('data', (chunk: Buffer) => {
        shown += chunk.toString();
        if (/: $/.test(chunk.toString())) setImmediate(() => stdin.write(`${answers.shift() ?? ''}\n`));
      });
      return { stdin, prompt, shown: () => shown };
    }
    const createArgs = (username: string) => ['user', 'create', '--username', username, '--email', `${username}@example.com`, '--firstname', 'P', '--lastname', 'Q'];

    test('asks again when the two passwords differ or the policy refuses one, without the usage, then creates the user', async () => {
      const input = terminal([PASSWORD, 'Tr0ub4dor-and-4', 'password1', 'password1', PASSWORD, PASSWORD]);

      const result = await admin(createArgs('retyped'), '', input);

      expect(result.code).toBe(0);
      expect(result.err.split('\n')).toEqual(['the two passwords differ; try again (Ctrl-C cancels)', expect.stringMatching(/too common.*; try again \(Ctrl-C cancels\)$/)]);
      expect(result.err).not.toContain('Usage');
      expect(input.shown().match(/Repeat the password: /g)).toHaveLength(3);
      expect((await login('retyped', PASSWORD)).statusCode).toBe(200);
    });

    test('gives up after three mismatches with exit 1, no usage, and creates nothing', async () => {
      const input = terminal([PASSWORD, 'a', PASSWORD, 'b', PASSWORD, 'c']);

      const result = await admin(createArgs('undecided'), '', input);

      expect(result.code).toBe(1);
      expect(result.err).toMatch(/error: the two passwords differ \(3 attempts; nothing was changed\)$/);
      expect(result.err).not.toContain('Usage');
      expect(await users.findByUsername('undecided')).toBeUndefined();
    });

    test('set-password asks again when the new password is the current one', async () => {
      await create('keeper');
      const input = terminal([PASSWORD, PASSWORD, 'Another-Good-Phrase-5', 'Another-Good-Phrase-5']);

      const result = await admin(['user', 'set-password', '--username', 'keeper'], '', input);

      expect(result.code).toBe(0);
      expect(result.err).toBe('new password must differ from the current password; try again (Ctrl-C cancels)');
      expect((await login('keeper', 'Another-Good-Phrase-5')).statusCode).toBe(200);
    });

    test('delete asks to type the username, asks again on a typo, then deletes', async () => {
      await create('doomed');
      const input = terminal(['domed', 'doomed']);

      const result = await admin(['user', 'delete', '--username', 'doomed'], '', input);

      expect(result).toMatchObject({ code: 0, out: 'deleted user doomed and 0 auth header(s)', err: 'that is not "doomed"; try again (Ctrl-C cancels)' });
      expect(input.shown()).toMatch(/Delete user doomed and all of their auth headers from local DynamoDB at http:\/\/\S+\? Type the username to confirm: /);
      expect(await users.findByUsername('doomed')).toBeUndefined();
    });

    test('delete keeps the user when the username is never typed back', async () => {
      await create('spared');

      const result = await admin(['user', 'delete', '--username', 'spared'], '', terminal(['no', 'nope', 'n']));

      expect(result).toMatchObject({ code: 1 });
      expect(result.err).toMatch(/error: not confirmed \(3 attempts\); nothing was deleted$/);
      expect(await users.findByUsername('spared')).toBeDefined();
    });
  });

  test('delete without a terminal needs --yes: exit 2, and the user stays', async () => {
    await create('scripted-delete');

    const result = await admin(['user', 'delete', '--username', 'scripted-delete']);

    expect(result.code).toBe(2);
    expect(result.err).toContain('add --yes to delete without asking');
    expect(await users.findByUsername('scripted-delete')).toBeDefined();
  });

  test('reports an unknown user on delete and set-password', async () => {
    expect(await admin(['user', 'delete', '--username', 'ghost'])).toMatchObject({ code: 1, err: 'error: no user "ghost"' });
    expect((await admin(['user', 'set-password', '--username', 'ghost', '--password-stdin'], 'Whatever-Long-9')).code).toBe(1);
  });

  test('says how to reach the database when it is not reachable (run as a command)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/tools/admin/cli.ts', 'user', 'list'], {
      env: { ...process.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
      encoding: 'utf8',
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: cannot reach DynamoDB at http://127.0.0.1:9: start the local service with `npm start`');
    expect(result.stderr).toContain('DYNAMODB_PORT');
    expect(result.stderr).toContain('DYNAMODB_ENDPOINT');
  });
});
