/**
 * `npm run admin -- [--stack <StackName> [--region <r>]] user <create|list|delete|set-password> ...`
 *
 * Targets the database `npm start` uses (DYNAMODB_ENDPOINT, else DynamoDB Local on DYNAMODB_PORT
 * or 8000), or with `--stack` the tables of a deployed stack (found from its CloudFormation outputs,
 * default AWS credential chain).
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { createUser, setUserPassword } from '../../services/userService';
import { config } from '../../config';
import { createDocumentClient } from '../../data/client';
import { UserRepository } from '../../data/userRepository';
import { DependencyUnavailableError, DomainError, UsernameTakenError, UserNotFoundError } from '../../errors';
import { waitForDynamoDb } from '../local/dynamodb';

const USAGE = `Usage: npm run admin -- [--stack <StackName> [--region <region>]] user <command> [options]

Commands:
  user create --username U --password P --email E --firstname F --lastname L [--password-expires <RFC 3339>]
  user list
  user delete --username U
  user set-password --username U --password P [--password-expires <RFC 3339>]

Without --stack it uses the local database of \`npm start\` (DYNAMODB_ENDPOINT, or
http://localhost:$DYNAMODB_PORT, default 8000).`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  stack: { type: 'string' },
  region: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  email: { type: 'string' },
  firstname: { type: 'string' },
  lastname: { type: 'string' },
  'password-expires': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

function required(options: Options, ...names: (keyof Options)[]): void {
  const missing = names.filter((name) => typeof options[name] !== 'string' || options[name] === '');
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
}

interface Target {
  repository: UserRepository;
  description: string;
  close(): void;
}

async function localTarget(): Promise<Target> {
  const endpoint = config.dynamoDbEndpoint ?? `http://localhost:${process.env.DYNAMODB_PORT ?? '8000'}`;
  try {
    await waitForDynamoDb(endpoint, 1000);
  } catch (cause) {
    throw new Error(`cannot reach DynamoDB at ${endpoint}: start the local service with \`npm start\` (or set DYNAMODB_ENDPOINT)`, { cause });
  }
  const client = createDocumentClient({ endpoint });
  return {
    repository: new UserRepository(client, config.tables.users, config.tables.authHeaders),
    description: `local DynamoDB at ${endpoint}`,
    close: () => client.destroy(),
  };
}

async function stackTarget(stackName: string, region: string | undefined): Promise<Target> {
  const { tablesFromStack } = await import('./stackOutputs');
  const tables = await tablesFromStack(stackName, region);
  const client = createDocumentClient({ region });
  return {
    repository: new UserRepository(client, tables.users, tables.authHeaders),
    description: `stack ${stackName}`,
    close: () => client.destroy(),
  };
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
export async function runAdmin(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let target: Target | undefined;
  let options: Options = {};
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    options = values as Options;
    if (options.help) {
      out(USAGE);
      return 0;
    }
    const [group, command, ...rest] = positionals;
    if (group !== 'user' || !command || rest.length > 0) throw new UsageError(group === undefined ? 'no command given' : `unknown command "${positionals.join(' ')}"`);
    if (!['create', 'list', 'delete', 'set-password'].includes(command)) throw new UsageError(`unknown command "user ${command}"`);
    if (command === 'create') required(options, 'username', 'password', 'email', 'firstname', 'lastname');
    if (command === 'delete') required(options, 'username');
    if (command === 'set-password') required(options, 'username', 'password');

    target = options.stack ? await stackTarget(options.stack, options.region) : await localTarget();
    const { repository } = target;
    switch (command) {
      case 'create': {
        const user = await createUser(repository, {
          username: options.username as string,
          password: options.password as string,
          email: options.email as string,
          firstname: options.firstname as string,
          lastname: options.lastname as string,
          passwordExpires: options['password-expires'],
        });
        out(`created user ${user.username} (id ${user.id}), password expires ${user.passwordExpiration}`);
        break;
      }
      case 'list': {
        const users = await repository.list();
        if (users.length === 0) out('no users');
        for (const user of users) {
          out(`${user.username}\t${user.email}\t${user.firstname} ${user.lastname}\tcreated ${user.created}\tpassword expires ${user.passwordExpiration}\tid ${user.id}`);
        }
        break;
      }
      case 'delete': {
        const { removedHeaders } = await repository.delete(options.username as string);
        out(`deleted user ${options.username} and ${removedHeaders} auth header(s)`);
        break;
      }
      case 'set-password': {
        await setUserPassword(repository, options.username as string, options.password as string, options['password-expires']);
        out(`password of ${options.username} set; existing sessions of this user are no longer valid`);
        break;
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`error: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DomainError) err(`error: ${domainMessage(error, options.username)}`);
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
