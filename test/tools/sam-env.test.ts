/** `npm run sam:env`: events/env.json from the template and npm start's own key file. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('writes one entry per function with the local key file, the local tables and DynamoDB Local, readable by the owner only', async () => {
  // Prepare: a template with two functions (one without keys) and a key file as npm start writes it.
  const dir = mkdtempSync(join(tmpdir(), 'sam-env-'));
  const template = {
    Resources: {
      LoginFunction: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { DYNAMODB_ENDPOINT: '', LOCAL_AUTH_KEYS: '', USERS_TABLE: { Ref: 'Users' }, JWT_SECRET_ID: { Ref: 'Jwt' }, TOKEN_TTL_SECONDS: '3600' } } } },
      OtherFunction: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { AUTH_HEADERS_TABLE: { Ref: 'Headers' } } } } },
      Users: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    },
  };
  writeFileSync(join(dir, 'template.json'), JSON.stringify(template));
  const keys = { jwt: { kid: 'local-test', k: 'k'.repeat(40) }, tokenHmac: { k: 'h'.repeat(40) }, tokenEncryption: { k: 'e'.repeat(40) } };
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
  const out = join(dir, 'env.json');

  // Act
  await run(process.execPath, ['--import', 'tsx', 'lib/tools/local/samEnv.ts', '--template', join(dir, 'template.json'), '--out', out], {
    env: { ...process.env, AUTH_KEYS_FILE: join(dir, 'keys.json'), LOCAL_AUTH_KEYS: '', DYNAMODB_PORT: '8123', TABLE_PREFIX: 'auth-service' },
  });

  // Assert
  const env = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Record<string, string>>;
  expect(env).toEqual({
    LoginFunction: {
      DYNAMODB_ENDPOINT: 'http://host.docker.internal:8123',
      LOCAL_AUTH_KEYS: JSON.stringify(keys),
      USERS_TABLE: 'auth-service-users',
      JWT_SECRET_ID: '',
    },
    OtherFunction: { AUTH_HEADERS_TABLE: 'auth-service-auth-headers' },
  });
  expect(statSync(out).mode & 0o077).toBe(0);
}, 30_000);
