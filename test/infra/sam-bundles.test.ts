/**
 * What `sam local invoke <Function> -e events/<route>.json --env-vars events/env.json` runs, minus
 * Docker: each function's bundle exactly as the synthesized template names it (`aws:asset:path` +
 * `Handler`), loaded in a fresh Node.js process with the template's environment and the env.json
 * overrides that `npm run sam:env` writes (as SAM applies them: only for variables the template
 * declares), against this test's DynamoDB Local tables. Proves the bundles run on their own (ESM,
 * require banner, SDK bundled), that events/ and env.json fit them, and that what `npm start`'s
 * code made with the local keys works in SAM and back.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createUser } from '../../lib/services/userService';
import { addAuthHeader } from '../../lib/services/authHeaderService';
import { verifySessionToken } from '../../lib/auth/jwt';
import type { LocalKeyFile } from '../../lib/auth/keys';
import { buildSamEnv, type SamEnv } from '../../lib/tools/local/samEnv';
import { config } from '../../lib/config';
import { ensureTable } from '../../lib/data/bootstrap';
import { documentClient } from '../../lib/data/client';
import { users } from '../../lib/data/repositories';
import { TABLES, type TableId } from '../../lib/data/table';
import { REPO_ROOT } from '../../infra/paths';
import { synthesizedTemplate } from '../helpers/synth';

const run = promisify(execFile);
const eventsDir = join(REPO_ROOT, 'events');
const JWT_PLACEHOLDER = 'REPLACE_WITH_JWT_FROM_LOGIN';
const TOKEN_PLACEHOLDER = 'REPLACE_WITH_AUTH_HEADER_TOKEN';
const CREDENTIAL_PLACEHOLDER = 'REPLACE_WITH_JWT_OR_AUTH_HEADER_TOKEN';
const USER_ID_PLACEHOLDER = 'REPLACE_WITH_USER_ID';
const REFRESH_PLACEHOLDER = 'REPLACE_WITH_REFRESH_TOKEN_FROM_LOGIN';

type Env = Record<string, string>;
interface LambdaResource {
  Type: string;
  Properties: { Handler: string; Environment?: { Variables?: Record<string, unknown> } };
  Metadata?: Record<string, string>;
}
interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

let outdir: string;
let functions: Record<string, LambdaResource>;
let envOverrides: SamEnv;
// The keys this test process (like `npm start`) uses; npm run sam:env copies them into env.json.
const localKeys = JSON.parse(process.env.LOCAL_AUTH_KEYS as string) as LocalKeyFile;
const workDir = mkdtempSync(join(tmpdir(), 'sam-bundles-'));

/** Runs in the child: load the bundle, call the handler once, write the result to a file. */
const RUNNER = `
import { writeFileSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, exportName, eventFile, resultFile] = process.argv.slice(1);
const module = await import(pathToFileURL(bundle).href);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { awsRequestId: 'sam-bundle-test', functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => 10000 };
let outcome;
try {
  outcome = { result: await module[exportName](event, context) };
} catch (error) {
  // What the Lambda runtime reports for a failed invocation (API Gateway reads errorMessage).
  outcome = { errorMessage: error.message };
}
writeFileSync(resultFile, JSON.stringify(outcome));
process.exit(0);
`;

/** The function's code file and export, from the template's asset path and handler. */
function bundleOf(logicalId: string): { file: string; exportName: string } {
  const fn = functions[logicalId];
  if (!fn) throw new Error(`no ${logicalId} in the template`);
  const assetPath = fn.Metadata?.['aws:asset:path'];
  if (!assetPath) throw new Error(`${logicalId} has no aws:asset:path metadata (SAM could not find its code)`);
  const [moduleName, exportName] = fn.Properties.Handler.split('.') as [string, string];
  // Lambda's Node.js runtime tries these extensions, in this order.
  const file = ['.mjs', '.js', '.cjs'].map((extension) => join(outdir, assetPath, moduleName + extension)).find(existsSync);
  if (!file) throw new Error(`${logicalId}: no ${moduleName}.mjs/.js/.cjs in ${assetPath}`);
  return { file, exportName };
}

/** The template's variables with env.json applied the way SAM does, then pointed at this test's tables. */
function environmentOf(logicalId: string): Env {
  const declared = functions[logicalId]?.Properties.Environment?.Variables ?? {};
  const overrides = envOverrides[logicalId] ?? {};
  const env: Env = {};
  for (const [name, value] of Object.entries(declared)) {
    // SAM overrides only declared variables; unresolvable intrinsics (table and secret refs) stay placeholders.
    env[name] = name in overrides ? (overrides[name] as string) : typeof value === 'string' ? value : `unresolved-${name}`;
  }
  env.DYNAMODB_ENDPOINT = process.env.DYNAMODB_ENDPOINT as string;
  for (const [id, definition] of Object.entries(TABLES) as [TableId, (typeof TABLES)[TableId]][]) {
    if (definition.envVar in env) env[definition.envVar] = config.tables[id];
  }
  return env;
}

/** Runs the bundle once with the event file; the handler's result, or the error message it failed with. */
async function runBundle(logicalId: string, eventName: string, replacements: Record<string, string> = {}): Promise<{ result?: any; errorMessage?: string }> {
  let eventJson = readFileSync(join(eventsDir, `${eventName}.json`), 'utf8');
  for (const [placeholder, value] of Object.entries(replacements)) eventJson = eventJson.replaceAll(placeholder, value);
  const eventFile = join(workDir, `${eventName}-${Date.now()}.json`);
  const resultFile = `${eventFile}.result`;
  writeFileSync(eventFile, eventJson);
  const { file, exportName } = bundleOf(logicalId);
  await run(process.execPath, ['--input-type=module', '-e', RUNNER, file, exportName, eventFile, resultFile], {
    cwd: workDir,
    // What the Lambda runtime (and SAM's container) provide, plus the function's own variables.
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'defaultkey',
      AWS_SECRET_ACCESS_KEY: 'defaultsecret',
      AWS_LAMBDA_FUNCTION_NAME: logicalId,
      AWS_LAMBDA_LOG_LEVEL: 'ERROR',
      AWS_SAM_LOCAL: 'true',
      ...environmentOf(logicalId),
    },
    timeout: 20_000,
  });
  return JSON.parse(readFileSync(resultFile, 'utf8')) as { result?: any; errorMessage?: string };
}

async function invokeBundle(logicalId: string, eventName: string, replacements: Record<string, string> = {}): Promise<{ statusCode: number; body: any }> {
  const { result, errorMessage } = await runBundle(logicalId, eventName, replacements);
  if (!result) throw new Error(`${logicalId} failed: ${errorMessage}`);
  const proxy = result as ProxyResult;
  return { statusCode: proxy.statusCode, body: JSON.parse(proxy.body) };
}

beforeAll(async () => {
  // Prepare: the stack with real bundles, this file's tables, and the user the login event names.
  const synthesized = synthesizedTemplate();
  outdir = synthesized.outdir;
  const template = JSON.parse(readFileSync(join(outdir, `${synthesized.stackName}.template.json`), 'utf8')) as { Resources: Record<string, LambdaResource> };
  functions = Object.fromEntries(Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function'));
  envOverrides = buildSamEnv(template, { endpoint: 'http://host.docker.internal:8000', tables: config.tables, keys: localKeys });
  for (const [id, definition] of Object.entries(TABLES) as [TableId, (typeof TABLES)[TableId]][]) {
    await ensureTable(documentClient, definition, config.tables[id]);
  }
  const login = JSON.parse(JSON.parse(readFileSync(join(eventsDir, 'login.json'), 'utf8')).body) as { username: string; password: string };
  await createUser(users, { ...login, email: 'john.doe@example.com', firstname: 'John', lastname: 'Doe' });
}, 240_000);

describe('events/ and env.json fit the template', () => {
  test('env.json has an entry per function, and what it must override is declared in the template (SAM ignores the rest)', () => {
    expect(Object.keys(envOverrides).sort()).toEqual(Object.keys(functions).sort());
    for (const [logicalId, overrides] of Object.entries(envOverrides)) {
      const declared = Object.keys(functions[logicalId]?.Properties.Environment?.Variables ?? {});
      for (const name of ['DYNAMODB_ENDPOINT', 'LOCAL_AUTH_KEYS']) expect(declared).toContain(name);
      // Each function declares the tables it is granted (POST /authheader/revoke touches auth headers only).
      expect(declared.some((name) => name.endsWith('_TABLE'))).toBe(true);
      expect(overrides.DYNAMODB_ENDPOINT).toBe('http://host.docker.internal:8000');
      expect(JSON.parse(overrides.LOCAL_AUTH_KEYS as string)).toEqual(localKeys);
      // Every secret id the function declares is blanked, so it reads LOCAL_AUTH_KEYS instead (GET
      // /user/me alone uses no key: the authorizer in front of it has checked the credential).
      const secretVars = ['JWT_SECRET_ID', 'TOKEN_HMAC_SECRET_ID', 'TOKEN_ENCRYPTION_SECRET_ID'].filter((name) => declared.includes(name));
      if (logicalId !== 'UserMeFunction') expect(secretVars.length).toBeGreaterThan(0);
      for (const secretVar of secretVars) expect(overrides[secretVar]).toBe('');
    }
  });

  test('the JWT routes carry an Authorization: Bearer placeholder', () => {
    for (const name of ['authheader-add', 'authheader-list', 'authheader-delete', 'user-logout']) {
      const event = JSON.parse(readFileSync(join(eventsDir, `${name}.json`), 'utf8'));
      expect(event.headers.Authorization).toBe(`Bearer ${JWT_PLACEHOLDER}`);
    }
  });
});

describe('each bundle, as SAM would run it', () => {
  // One scenario, in order: each step uses what the one before made (a JWT, a key, a refresh token).
  test('login → add → list → delete → the authorizer (REST and HTTP API) → /user/me → refresh → logout → password change', async () => {
    let jwt = '';
    let token = '';
    let refreshToken = '';

    // LoginFunction + events/login.json → 200 with a JWT and a refresh token
    {
      const { statusCode, body } = await invokeBundle('LoginFunction', 'login');
      expect(statusCode).toBe(200);
      expect(body).toMatchObject({ Username: 'john.doe', Token: expect.stringMatching(/^ey/), RefreshToken: expect.stringMatching(/^rt_/) });
      jwt = body.Token;
      refreshToken = body.RefreshToken;
    }

    // AuthHeaderAddFunction + events/authheader-add.json → 200 with a new token
    {
      const { statusCode, body } = await invokeBundle('AuthHeaderAddFunction', 'authheader-add', { [JWT_PLACEHOLDER]: jwt });
      expect(statusCode).toBe(200);
      expect(body).toMatchObject({ name: 'production-api-key', token: expect.stringMatching(/^ahk_/) });
      token = body.token;
    }

    // AuthHeaderListFunction + events/authheader-list.json → 200 listing it
    {
      const { statusCode, body } = await invokeBundle('AuthHeaderListFunction', 'authheader-list', { [JWT_PLACEHOLDER]: jwt });
      expect(statusCode).toBe(200);
      expect(body).toEqual([expect.objectContaining({ name: 'production-api-key', token })]);
    }

    // AuthHeaderDeleteFunction + events/authheader-delete.json → 200, then 404 for the same token
    {
      const replacements = { [JWT_PLACEHOLDER]: jwt, [TOKEN_PLACEHOLDER]: token };
      const first = await invokeBundle('AuthHeaderDeleteFunction', 'authheader-delete', replacements);
      expect(first).toEqual({ statusCode: 200, body: { message: 'Success' } });
      const again = await invokeBundle('AuthHeaderDeleteFunction', 'authheader-delete', replacements);
      expect(again.statusCode).toBe(404);
      expect(again.body).toEqual({ message: expect.any(String) });
    }

    // AuthorizerFunction + events/authorizer.json (REST) → an Allow policy for the whole API with the JWT and with a key
    {
      const added = await invokeBundle('AuthHeaderAddFunction', 'authheader-add', { [JWT_PLACEHOLDER]: jwt });
      token = added.body.token;
      const byJwt = await runBundle('AuthorizerFunction', 'authorizer', { [CREDENTIAL_PLACEHOLDER]: jwt });
      expect(byJwt.result).toMatchObject({
        principalId: expect.any(String),
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/*/*' }] },
        context: { username: 'john.doe', authMethod: 'jwt' },
      });
      const byKey = await runBundle('AuthorizerFunction', 'authorizer', { [CREDENTIAL_PLACEHOLDER]: token });
      expect(byKey.result?.context).toEqual({ userId: byJwt.result.principalId, username: 'john.doe', authMethod: 'authheader', authHeaderId: added.body.id });
    }

    // AuthorizerFunction + events/authorizer-http-api.json → a simple response; the placeholder itself → "Unauthorized"
    {
      const allowed = await runBundle('AuthorizerFunction', 'authorizer-http-api', { [CREDENTIAL_PLACEHOLDER]: token });
      expect(allowed.result).toMatchObject({ isAuthorized: true, context: { authMethod: 'authheader' } });
      expect(await runBundle('AuthorizerFunction', 'authorizer')).toEqual({ errorMessage: 'Unauthorized' });
    }

    // UserMeFunction + events/user-me.json (the authorizer context API Gateway adds) → 200 with the profile
    {
      const { result } = await runBundle('AuthorizerFunction', 'authorizer', { [CREDENTIAL_PLACEHOLDER]: jwt });
      const { statusCode, body } = await invokeBundle('UserMeFunction', 'user-me', { [USER_ID_PLACEHOLDER]: result.principalId });
      expect(statusCode).toBe(200);
      expect(body).toMatchObject({ Id: result.principalId, Username: 'john.doe', Email: 'john.doe@example.com', AuthMethod: 'jwt' });
    }

    // a JWT from the bundle's login is accepted by npm start's code, and an auth header added there is listed by the bundle
    {
      const claims = await verifySessionToken(jwt);
      expect(claims.username).toBe('john.doe');
      const added = await addAuthHeader(claims, { name: 'made-by-npm-start' }, { requestId: 'sam-bundles-test', sourceIp: '127.0.0.1' });

      const { statusCode, body } = await invokeBundle('AuthHeaderListFunction', 'authheader-list', { [JWT_PLACEHOLDER]: jwt });

      expect(statusCode).toBe(200);
      expect(body).toContainEqual(added);
    }

    // UserRefreshFunction + events/user-refresh.json → 200 with a new pair; the used token then 401
    {
      const { statusCode, body } = await invokeBundle('UserRefreshFunction', 'user-refresh', { [REFRESH_PLACEHOLDER]: refreshToken });
      expect(statusCode).toBe(200);
      expect(body).toMatchObject({ Username: 'john.doe', Token: expect.stringMatching(/^ey/), RefreshToken: expect.stringMatching(/^rt_/) });
      expect(body.RefreshToken).not.toBe(refreshToken);
      jwt = body.Token;
    }

    // UserLogoutFunction + events/user-logout.json → 200; that JWT is then refused by the other bundles
    {
      const { statusCode, body } = await invokeBundle('UserLogoutFunction', 'user-logout', { [JWT_PLACEHOLDER]: jwt });
      expect({ statusCode, body }).toEqual({ statusCode: 200, body: { message: 'Success' } });
      expect((await invokeBundle('AuthHeaderListFunction', 'authheader-list', { [JWT_PLACEHOLDER]: jwt })).statusCode).toBe(401);
    }

    // UserPasswordFunction refuses a common password with its rule: the list is inside the bundle
    {
      const { statusCode, body } = await invokeBundle('UserPasswordFunction', 'user-password', { 'Another-Secure-Pass-456': 'qwertyuiop' });
      expect(statusCode).toBe(400);
      expect(body).toEqual({ message: 'password is too common; choose another' });
    }

    // UserPasswordFunction + events/user-password.json → 200 with a new session
    {
      const { statusCode, body } = await invokeBundle('UserPasswordFunction', 'user-password');
      expect(statusCode).toBe(200);
      expect(body).toMatchObject({ Username: 'john.doe', Token: expect.stringMatching(/^ey/), RefreshToken: expect.stringMatching(/^rt_/) });
    }
  }, 300_000);

  test('only the password-change bundle carries the common-password list', () => {
    const carriesList = (logicalId: string) => {
      const code = readFileSync(bundleOf(logicalId).file, 'utf8');
      return ['iloveyou', 'trustno1', 'qwertyuiop'].every((entry) => code.includes(entry));
    };
    expect(Object.keys(functions).filter(carriesList)).toEqual(['UserPasswordFunction']);
  });

  test('without the session JWT the bundle answers 401 in the contract shape', async () => {
    const { statusCode, body } = await invokeBundle('AuthHeaderListFunction', 'authheader-list');
    expect(statusCode).toBe(401);
    expect(body).toEqual({ message: expect.any(String) });
  });
});
