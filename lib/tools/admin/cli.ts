/**
 * `npm run admin -- [--stack <StackName> [--region <r>]] user <command> [options]`
 *
 * Targets the database `npm start` uses (DYNAMODB_ENDPOINT, else DynamoDB Local on DYNAMODB_PORT
 * or 8000), or with `--stack` the tables of a deployed stack (found from its CloudFormation outputs,
 * default AWS credential chain).
 *
 * Passwords are read from stdin (`--password-stdin`) or a hidden prompt, not from the command
 * line, where every local user can see them in `ps` (and npm echoes them in its banner).
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createUser, deleteUser, NEVER_EXPIRES, setUserPassword } from '../../services/userService';
import { config } from '../../config';
import { createDocumentClient } from '../../data/client';
import { AuthHeaderRepository, type StoredAuthHeader } from '../../data/authHeaderRepository';
import { LoginThrottleRepository } from '../../data/loginThrottleRepository';
import { MfaRepository } from '../../data/mfaRepository';
import { SessionRepository } from '../../data/sessionRepository';
import { getThrottleKeyHmacKey, SECRET_ID_ENV } from '../../auth/keys';
import { LOGIN_THROTTLE_POLICIES } from '../../data/repositories';
import { UserRepository, type PublicUser } from '../../data/userRepository';
import type { TableId } from '../../data/table';
import { DependencyUnavailableError, DomainError, InvalidInputError, UsernameTakenError, UserNotFoundError } from '../../errors';
import { passwordPolicyViolation, SAME_AS_CURRENT } from '../../auth/passwordPolicy';
import { waitForDynamoDb } from '../local/dynamodb';
import { localDynamoDbEndpoint, localSettings } from '../local/settings';

const PASSWORD_SOURCES = '--password-stdin (or, in a terminal, no password option: you are asked for it)';

const COMMANDS = {
  create: {
    synopsis: 'user create --username U --email E --firstname F --lastname L [--password-stdin] [--password-expires <RFC 3339>|never]',
    about: 'Creates a user. The password is asked for (hidden) in a terminal, or read from stdin with --password-stdin.',
    required: ['username', 'email', 'firstname', 'lastname'],
    allowed: ['password', 'password-stdin', 'password-expires'],
  },
  list: {
    synopsis: 'user list [--json]',
    about: 'Lists every user (never their password hashes).',
    required: [],
    allowed: ['json'],
  },
  show: {
    synopsis: 'user show --username U [--json]',
    about: "Shows one user's profile (never the password hash).",
    required: ['username'],
    allowed: ['json'],
  },
  'set-password': {
    synopsis: 'user set-password --username U [--password-stdin] [--password-expires <RFC 3339>|never]',
    about: "Sets a user's password; restarts its expiry and ends the user's existing sessions.",
    required: ['username'],
    allowed: ['password', 'password-stdin', 'password-expires'],
  },
  unlock: {
    synopsis: 'user unlock --username U',
    about: "Clears the user's failed-login count and lock-out (the 429 back-off), e.g. after a guessing attack.",
    required: ['username'],
    allowed: [],
  },
  keys: {
    synopsis: 'user keys --username U [--json]',
    about: "Lists a user's auth headers: id, name, created, expiry, last use, scopes, allowed addresses (never the token).",
    required: ['username'],
    allowed: ['json'],
  },
  'revoke-key': {
    synopsis: 'user revoke-key --username U --key-id <id>',
    about: "Deletes one of a user's auth headers by its id (from `user keys`): its token, and a rolled-away token still in its grace, are refused from then on.",
    required: ['username', 'key-id'],
    allowed: [],
  },
  'mfa-reset': {
    synopsis: 'user mfa-reset --username U',
    about: "Turns MFA off for a user who lost their authenticator (secret and recovery codes removed) and ends the user's sessions; they log in with the password alone and may enrol again.",
    required: ['username'],
    allowed: [],
  },
  delete: {
    synopsis: 'user delete --username U [--yes]',
    about: 'Deletes a user and all of their auth headers. Asks you to type the username to confirm; --yes skips that (for scripts).',
    required: ['username'],
    allowed: ['yes'],
  },
} as const satisfies Record<string, { synopsis: string; about: string; required: readonly OptionName[]; allowed: readonly OptionName[] }>;

type Command = keyof typeof COMMANDS;
const COMMAND_NAMES = Object.keys(COMMANDS) as Command[];

const USAGE = `Usage: npm run admin -- [--stack <StackName> [--region <region>]] user <command> [options]

Commands:
${COMMAND_NAMES.map((name) => `  ${COMMANDS[name].synopsis}`).join('\n')}

  npm run admin -- user <command> --help   describes one command

Passwords: give them with ${PASSWORD_SOURCES}.
--password P still works for scripts, but avoid it: the password shows in \`ps\` to every user of
the machine, in npm's banner and in your shell history.

Without --stack it uses the local database of \`npm start\`: DYNAMODB_ENDPOINT, or
http://127.0.0.1:$DYNAMODB_PORT (default 8000).`;

function commandUsage(command: Command): string {
  const { synopsis, about } = COMMANDS[command];
  const passwordNote = (COMMANDS[command].allowed as readonly string[]).includes('password-stdin')
    ? `\n\nPassword: ${PASSWORD_SOURCES}.\n--password P also works, but shows the password in \`ps\`, npm's banner and shell history.`
    : '';
  return `Usage: npm run admin -- [--stack <StackName> [--region <region>]] ${synopsis}\n\n${about}${passwordNote}`;
}

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string = USAGE,
  ) {
    super(message);
  }
}

const OPTIONS = {
  stack: { type: 'string' },
  region: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  email: { type: 'string' },
  firstname: { type: 'string' },
  lastname: { type: 'string' },
  'password-expires': { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'key-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Options = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

const GLOBAL_OPTIONS: readonly OptionName[] = ['stack', 'region', 'help'];

function checkOptions(command: Command, options: Options): void {
  const { required, allowed } = COMMANDS[command];
  const valid = new Set<OptionName>([...GLOBAL_OPTIONS, ...required, ...allowed]);
  const invalid = (Object.keys(options) as OptionName[]).filter((name) => options[name] !== undefined && !valid.has(name));
  if (invalid.length > 0) throw new UsageError(`${invalid.map((name) => `--${name}`).join(', ')} ${invalid.length === 1 ? 'is' : 'are'} not an option of "user ${command}"`, commandUsage(command));
  const missing = required.filter((name) => typeof options[name] !== 'string' || options[name] === '');
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`, commandUsage(command));
  if (options.password !== undefined && options['password-stdin']) throw new UsageError('give either --password or --password-stdin, not both', commandUsage(command));
}

/** The person at the terminal did not give a usable answer (after PROMPT_ATTEMPTS tries, or cancelled): exit 1, nothing changed. */
class PromptError extends Error {
  override name = 'PromptError';
}

/** How many times a terminal prompt asks before giving up. */
const PROMPT_ATTEMPTS = 3;

/** Where a password can come from, besides options. */
export interface AdminInput {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Where prompts go (never stdout, which may be piped into a file or `jq`). */
  prompt: NodeJS.WritableStream;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line without echoing it (readline in terminal mode writes only to a muted stream). */
export async function promptHidden(question: string, input: AdminInput): Promise<string> {
  input.prompt.write(question);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: input.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolveLine, reject) => {
      reader.once('SIGINT', () => reject(new PromptError('cancelled; nothing was changed')));
      reader.once('close', () => reject(new PromptError('no answer entered; nothing was changed')));
      reader.question('', resolveLine);
    });
  } finally {
    reader.close();
    input.prompt.write('\n');
  }
}

/** Reads one line, echoed (a confirmation, not a secret). */
async function promptLine(question: string, input: AdminInput): Promise<string> {
  const reader = createInterface({ input: input.stdin, output: input.prompt, terminal: false });
  try {
    return await new Promise<string>((resolveLine, reject) => {
      reader.once('close', () => reject(new PromptError('no answer entered; nothing was changed')));
      reader.question(question, resolveLine);
    });
  } finally {
    reader.close();
  }
}

/**
 * A new password typed twice in the terminal; a mismatch or a password the policy refuses is said
 * (without the usage) and asked again, up to PROMPT_ATTEMPTS times.
 */
async function promptNewPassword(username: string, input: AdminInput, err: (line: string) => void): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const password = await promptHidden('Password: ', input);
    const repeated = await promptHidden('Repeat the password: ', input);
    const problem = repeated !== password ? 'the two passwords differ' : passwordPolicyViolation(password, { username });
    if (problem === undefined) return password;
    if (attempt === PROMPT_ATTEMPTS) throw new PromptError(`${problem} (${PROMPT_ATTEMPTS} attempts; nothing was changed)`);
    err(`${problem}; try again (Ctrl-C cancels)`);
  }
}

/** The password and whether it was typed at a prompt (then a refusal can be asked again). */
async function passwordFrom(options: Options, input: AdminInput, err: (line: string) => void): Promise<{ password: string; prompted: boolean }> {
  if (options.password !== undefined) {
    err('warning: --password exposes the password in `ps`, npm\'s banner and shell history; prefer --password-stdin');
    return { password: options.password, prompted: false };
  }
  if (options['password-stdin']) {
    // Like `docker login --password-stdin`: the input, without the line break that ends it.
    const password = (await readAll(input.stdin)).replace(/\r?\n$/, '');
    if (password === '') throw new UsageError('--password-stdin: stdin was empty');
    return { password, prompted: false };
  }
  if (!input.stdin.isTTY) throw new UsageError(`no password given: use ${PASSWORD_SOURCES}`);
  return { password: await promptNewPassword(options.username as string, input, err), prompted: true };
}

/** `user delete` goes ahead with --yes, or once the username is typed back at the terminal. */
async function confirmDelete(username: string, target: Target, options: Options, input: AdminInput, err: (line: string) => void): Promise<void> {
  if (options.yes) return;
  if (!input.stdin.isTTY) throw new UsageError('user delete asks for confirmation, and stdin is not a terminal: add --yes to delete without asking', commandUsage('delete'));
  for (let attempt = 1; ; attempt += 1) {
    const answer = await promptLine(`Delete user ${username} and all of their auth headers from ${target.description}? Type the username to confirm: `, input);
    if (answer.trim() === username) return;
    if (attempt === PROMPT_ATTEMPTS) throw new PromptError(`not confirmed (${PROMPT_ATTEMPTS} attempts); nothing was deleted`);
    err(`that is not "${username}"; try again (Ctrl-C cancels)`);
  }
}

function warnIfPast(expires: string | undefined, err: (line: string) => void): void {
  if (expires !== undefined && expires !== NEVER_EXPIRES && Date.parse(expires) <= Date.now()) {
    err(`warning: --password-expires ${expires} is in the past: this user's logins will answer 403 (password expired) until the password is set again`);
  }
}

export interface Target {
  users: UserRepository;
  authHeaders: AuthHeaderRepository;
  loginThrottle: LoginThrottleRepository;
  mfa: MfaRepository;
  description: string;
  close(): void;
}

function repositories(client: ReturnType<typeof createDocumentClient>, tables: Record<TableId, string>): Pick<Target, 'users' | 'authHeaders' | 'loginThrottle' | 'mfa'> {
  const sessions = new SessionRepository(client, tables.sessions, tables.users);
  return {
    users: new UserRepository(client, tables.users),
    authHeaders: new AuthHeaderRepository(client, tables.authHeaders, sessions),
    mfa: new MfaRepository(client, tables.users, sessions),
    loginThrottle: new LoginThrottleRepository(client, tables.loginThrottle, LOGIN_THROTTLE_POLICIES, getThrottleKeyHmacKey),
  };
}

/** A key as the CLI shows it: everything but the token (and its hash and ciphertext). */
function keyView(header: StoredAuthHeader) {
  const { id, name, created, expiresAt, lastUsed, scopes, allowedCidrs, revokedAt } = header;
  return {
    id,
    name,
    created,
    ...(expiresAt ? { expiresAt } : {}),
    ...(lastUsed ? { lastUsed } : {}),
    ...(scopes?.length ? { scopes } : {}),
    ...(allowedCidrs?.length ? { allowedCidrs } : {}),
    ...(revokedAt ? { revokedAt } : {}),
  };
}

export async function localTarget(): Promise<Target> {
  const endpoint = localDynamoDbEndpoint(localSettings(process.env));
  try {
    await waitForDynamoDb(endpoint, 1000);
  } catch (cause) {
    throw new Error(
      `cannot reach DynamoDB at ${endpoint}: start the local service with \`npm start\` (or \`npm run dynamodb\`); ` +
        'if it runs elsewhere, set DYNAMODB_PORT (the port npm start printed) or DYNAMODB_ENDPOINT (its URL); for a deployed stack use --stack',
      { cause },
    );
  }
  const client = createDocumentClient({ endpoint });
  return { ...repositories(client, config.tables), description: `local DynamoDB at ${endpoint}`, close: () => client.destroy() };
}

export async function stackTarget(stackName: string, region: string | undefined): Promise<Target> {
  const { tablesFromStack } = await import('./stackOutputs');
  const tables = await tablesFromStack(stackName, region);
  const client = createDocumentClient({ region });
  return { ...repositories(client, tables), description: `stack ${stackName}`, close: () => client.destroy() };
}

/** When a password expires, for a person. */
const expiryText = (passwordExpiration: string | undefined) =>
  passwordExpiration === undefined ? 'never' : `${passwordExpiration}${Date.parse(passwordExpiration) <= Date.now() ? ' (expired)' : ''}`;

function describeUser(user: PublicUser): string {
  return [
    `username            ${user.username}`,
    `id                  ${user.id}`,
    `email               ${user.email}`,
    `name                ${user.firstname} ${user.lastname}`,
    `created             ${user.created}`,
    `password expires    ${expiryText(user.passwordExpiration)}`,
  ].join('\n');
}

function publicView(user: PublicUser & { passwordHash?: string; totpSecret?: string }): PublicUser {
  const { passwordHash: _hash, totpSecret: _secret, ...rest } = user;
  return rest;
}

/** Parses the command line: the command and its options, or a UsageError / help text. */
function parse(argv: string[]): { command: Command; options: Options } | { help: string } {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const options = values as Options;
  const [group, command, ...rest] = positionals;
  if (group === undefined) {
    if (options.help) return { help: USAGE };
    throw new UsageError('no command given');
  }
  if (group !== 'user') throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  if (command === undefined) {
    if (options.help) return { help: USAGE };
    throw new UsageError(`missing subcommand: user <${COMMAND_NAMES.join('|')}>`);
  }
  if (!(COMMAND_NAMES as string[]).includes(command)) throw new UsageError(`unknown command "user ${command}" (commands: ${COMMAND_NAMES.join(', ')})`);
  if (options.help) return { help: commandUsage(command as Command) };
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}"`, commandUsage(command as Command));
  checkOptions(command as Command, options);
  return { command: command as Command, options };
}

/**
 * The CLI's words for the service's domain errors (the HTTP layer has its own, lib/http/errors.ts).
 * Domain errors never quote input, so the username the admin typed is added here.
 */
function domainMessage(error: DomainError, username: string | undefined): string {
  if (error instanceof UsernameTakenError) return `username "${username}" is already taken`;
  if (error instanceof UserNotFoundError) return `no user "${username}"`;
  if (error instanceof DependencyUnavailableError) return `the database is unavailable; try again in ${error.retryAfterSeconds} s`;
  return error.message;
}

/** Runs one CLI invocation; returns the process exit code. Output goes to the given writers. */
export async function runAdmin(
  argv: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  input: AdminInput = { stdin: process.stdin, prompt: process.stderr },
): Promise<number> {
  let target: Target | undefined;
  let options: Options = {};
  try {
    const parsed = parse(argv);
    if ('help' in parsed) {
      out(parsed.help);
      return 0;
    }
    const { command } = parsed;
    options = parsed.options;
    const username = options.username as string;
    // Asked before connecting: a prompt should not wait on, or be lost after, a database error.
    const given = command === 'create' || command === 'set-password' ? await passwordFrom(options, input, err) : undefined;
    let password = given?.password;
    warnIfPast(options['password-expires'], err);

    target = options.stack ? await stackTarget(options.stack, options.region) : await localTarget();
    switch (command) {
      case 'create': {
        const user = await createUser(target.users, {
          username,
          password: password as string,
          email: options.email as string,
          firstname: options.firstname as string,
          lastname: options.lastname as string,
          passwordExpires: options['password-expires'],
        });
        out(`created user ${user.username} (id ${user.id}), password expires ${expiryText(user.passwordExpiration)}`);
        break;
      }
      case 'list': {
        const users = await target.users.list();
        if (options.json) out(JSON.stringify(users, null, 2));
        else if (users.length === 0) out('no users');
        else for (const user of users) out(`${user.username}\t${user.email}\t${user.firstname} ${user.lastname}\tcreated ${user.created}\tpassword expires ${expiryText(user.passwordExpiration)}\tid ${user.id}`);
        break;
      }
      case 'show': {
        const user = await target.users.findByUsername(username);
        if (!user) {
          err(`error: no user "${username}"`);
          return 1;
        }
        out(options.json ? JSON.stringify(publicView(user), null, 2) : describeUser(publicView(user)));
        break;
      }
      case 'set-password': {
        for (let attempt = 1; ; attempt += 1) {
          try {
            await setUserPassword(target.users, username, password as string, options['password-expires']);
            break;
          } catch (error) {
            // Only the database knows the current password: typed at the prompt, it is asked again.
            if (!given?.prompted || !(error instanceof InvalidInputError) || error.message !== SAME_AS_CURRENT || attempt === PROMPT_ATTEMPTS) throw error;
            err(`${SAME_AS_CURRENT}; try again (Ctrl-C cancels)`);
            password = await promptNewPassword(username, input, err);
          }
        }
        out(`password of ${username} set; existing sessions of this user are no longer valid`);
        break;
      }
      case 'unlock': {
        // The counters' keys are HMACs under the deployed key: without its secret id the CLI would
        // compute keys under the local key and silently clear nothing.
        if (options.stack && !process.env[SECRET_ID_ENV.tokenHmac]) {
          throw new UsageError(`unlock on a stack needs ${SECRET_ID_ENV.tokenHmac}=<the stack's TokenHmacKey secret ARN> in the environment (the throttle keys are HMACs under it)`);
        }
        const cleared = await target.loginThrottle.clearUser(username);
        out(cleared > 0 ? `cleared ${cleared} failed-login counter(s) and lock-outs of ${username}` : `${username} had no failed-login count to clear`);
        break;
      }
      case 'keys': {
        const user = await target.users.findByUsername(username);
        if (!user) throw new UserNotFoundError();
        const keys = (await target.authHeaders.listForAdmin(user.id)).map(keyView);
        if (options.json) out(JSON.stringify(keys, null, 2));
        else if (keys.length === 0) out(`${username} has no auth headers`);
        else for (const key of keys) out([key.id, key.name, `created ${key.created}`, `expires ${key.expiresAt ?? 'never'}`, `last used ${key.lastUsed ?? 'never'}`, ...(key.scopes ? [`scopes ${key.scopes.join(' ')}`] : []), ...(key.allowedCidrs ? [`from ${key.allowedCidrs.join(' ')}`] : []), ...(key.revokedAt ? [`REVOKED ${key.revokedAt} (its token leaked)`] : [])].join('\t'));
        break;
      }
      case 'revoke-key': {
        const user = await target.users.findByUsername(username);
        if (!user) throw new UserNotFoundError();
        const keyId = options['key-id'] as string;
        const header = (await target.authHeaders.listForAdmin(user.id)).find((candidate) => candidate.id === keyId);
        if (!header || !(await target.authHeaders.deleteForAdmin(user.id, header))) {
          err(`error: ${username} has no auth header with id ${keyId}`);
          return 1;
        }
        out(`deleted auth header ${keyId} (${header.name}) of ${username}; its token is refused from now on (within AUTHORIZER_CACHE_SECONDS)`);
        break;
      }
      case 'mfa-reset': {
        await target.mfa.reset(username);
        out(`MFA of ${username} is off (secret and recovery codes removed); existing sessions of this user are no longer valid`);
        break;
      }
      case 'delete': {
        if (!(await target.users.findByUsername(username))) throw new UserNotFoundError();
        await confirmDelete(username, target, options, input, err);
        const { removedHeaders } = await deleteUser(target.users, target.authHeaders, username);
        out(`deleted user ${username} and ${removedHeaders} auth header(s)`);
        break;
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`error: ${(error as Error).message}\n\n${error instanceof UsageError ? error.usage : USAGE}`);
      return 2;
    }
    if (error instanceof PromptError) err(`error: ${error.message}`);
    else if (error instanceof DomainError) err(`error: ${domainMessage(error, options.username)}`);
    else if (error instanceof ResourceNotFoundException) err(`error: table not found in ${target?.description ?? 'the database'}: run \`npm start\` once to create the local tables`);
    else err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    target?.close();
  }
}

// Run when executed directly (npm run admin), not when imported by tests.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await runAdmin(process.argv.slice(2));
}
