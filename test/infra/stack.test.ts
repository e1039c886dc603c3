/**
 * The synthesized AuthService template: what each endpoint runs on, what it may touch, and how the
 * API in front of it behaves. One real synthesis (esbuild bundles included) for the default
 * settings; context variants synthesize without bundling.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { UserRepository } from '../../lib/data/userRepository';
import { TABLES, type TableId } from '../../lib/data/table';
import { INTERNAL_ERROR_BODY, UNAVAILABLE_BODY } from '../../lib/http/errors';
import { addAuthHeaderBodySchema, changePasswordBodySchema, confirmTotpBodySchema, deleteAuthHeaderBodySchema, disableMfaBodySchema, loginBodySchema, plainTextPattern, refreshBodySchema, revokeAuthHeaderBodySchema, rollAuthHeaderBodySchema } from '../../lib/http/schemas';
import { routes } from '../../lib/routes';
import { buildOpenApiDocument } from '../../lib/tools/openapi/document';
import { DEFAULT_SETTINGS, settingsFromContext } from '../../infra/settings';
import { synthesize, synthesizedTemplate } from '../helpers/synth';
import { type Grant, grantsOf, logicalIdOf, referencedId, referencedIds, resourcePath, resourcesOf } from './template';

let template: Template;

beforeAll(() => {
  ({ template } = synthesizedTemplate());
});

const functionId = (routeId: string) => `${routeId}Function`;
/** Every Lambda of the stack: one per route, and the authorizer. */
const functionIds = [...routes.map((route) => route.id), 'Authorizer'];
const tableId = (table: TableId) => logicalIdOf(template, 'AWS::DynamoDB::Table', `${table.charAt(0).toUpperCase()}${table.slice(1)}Table`);
const secretId = (name: 'Jwt' | 'TokenHmac' | 'TokenEncryption') => logicalIdOf(template, 'AWS::SecretsManager::Secret', `${name}Key`);
const roleOf = (routeId: string) => referencedId(resourcesOf(template, 'AWS::Lambda::Function')[functionId(routeId)]?.Properties.Role) as string;
const grantsTo = (routeId: string) => grantsOf(template, roleOf(routeId));
const onTable = (grants: Grant[], table: TableId) => grants.filter((grant) => grant.resource === tableId(table)).map((grant) => grant.action).sort();

describe('functions', () => {
  test('one per route and the authorizer, with the readable logical id `sam local invoke` uses', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).sort()).toEqual(functionIds.map(functionId).sort());
  });

  test.each(functionIds)('%s: Node.js 24 on arm64, ESM bundle, JSON logs', (routeId) => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId(routeId)];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
    });
    // Its own log group, with retention.
    const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[referencedId(fn?.Properties.LoggingConfig.LogGroup) as string];
    expect(logGroup?.Properties.RetentionInDays).toBe(30);
    expect(logGroup?.DeletionPolicy).toBe('Retain');
    expect(fn?.Metadata?.['aws:asset:path']).toMatch(/^asset\./);
  });

  test('login and the password change get a full vCPU for bcrypt; the others 1024 MB for their cold starts', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    expect(functions.LoginFunction?.Properties).toMatchObject({ MemorySize: 1769, Timeout: 10 });
    expect(functions.UserPasswordFunction?.Properties).toMatchObject({ MemorySize: 1769, Timeout: 10 });
    for (const id of ['AuthHeaderAdd', 'AuthHeaderList', 'AuthHeaderDelete', 'UserMe', 'UserRefresh', 'UserLogout', 'MfaTotpSetup', 'MfaTotpConfirm', 'MfaDisable']) {
      expect(functions[functionId(id)]?.Properties).toMatchObject({ MemorySize: 1024, Timeout: 10 });
    }
    // API Gateway waits for the authorizer on every uncached request: a short timeout.
    expect(functions.AuthorizerFunction?.Properties).toMatchObject({ MemorySize: 1024, Timeout: 5 });
  });

  test('memory and timeouts come from context', () => {
    const { template: sized } = synthesize({ bundle: false, context: { loginMemoryMb: '3008', loginTimeoutSeconds: 15, authHeaderMemoryMb: 512 } });
    const functions = resourcesOf(sized, 'AWS::Lambda::Function');
    expect(functions.LoginFunction?.Properties).toMatchObject({ MemorySize: 3008, Timeout: 15 });
    expect(functions.AuthHeaderListFunction?.Properties).toMatchObject({ MemorySize: 512, Timeout: 10 });
  });
});

describe('tables', () => {
  test.each(Object.keys(TABLES) as TableId[])('%s: keys from lib/data/table.ts, on demand, PITR, deletion protection, retained', (table) => {
    const definition = TABLES[table];
    const resource = resourcesOf(template, 'AWS::DynamoDB::Table')[tableId(table)];
    const keys = [definition.partitionKey, ...('sortKey' in definition ? [definition.sortKey] : [])];
    expect(resource?.Properties.KeySchema).toEqual(keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })));
    expect(resource?.Properties.AttributeDefinitions).toEqual(keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })));
    expect(resource?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(resource?.Properties.TableName).toBeUndefined();
    expect(resource?.DeletionPolicy).toBe('Retain');
    expect(resource?.UpdateReplacePolicy).toBe('Retain');
    if ('timeToLiveAttribute' in definition) {
      expect(resource?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: definition.timeToLiveAttribute, Enabled: true });
    } else {
      expect(resource?.Properties.TimeToLiveSpecification).toBeUndefined();
    }
  });

  test('-c destroyable=true: tables, secrets and logs go with the stack', () => {
    const { template: dev } = synthesize({ bundle: false, context: { destroyable: 'true' } });
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(resourcesOf(dev, type))) expect(resource.DeletionPolicy).toBe('Delete');
    }
    for (const table of Object.values(resourcesOf(dev, 'AWS::DynamoDB::Table'))) expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('least privilege', () => {
  test('login: reads named user attributes, rehashes only passwordHash, keeps throttle counters, starts sessions; nothing else', () => {
    const grants = grantsTo('Login');
    expect(onTable(grants, 'users')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // The success write's one profile Update: the rehash (rehashChange) and the MFA code's proof; nothing returned.
    // A transaction item: no `Null: false` (the guide leaves open whether AWS fills dynamodb:Attributes in there).
    expect(grants.find((grant) => grant.resource === tableId('users') && grant.action === 'dynamodb:UpdateItem')?.condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['username', 'passwordHash', 'totpSecret', 'totpLastStep', 'recoveryCodes'] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
    expect(onTable(grants, 'loginThrottle')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(onTable(grants, 'sessions')).toEqual(['dynamodb:PutItem']);
    expect(onTable(grants, 'authHeaders')).toEqual([]);
    const userRead = grants.find((grant) => grant.resource === tableId('users') && grant.action === 'dynamodb:GetItem');
    expect(userRead?.condition).toEqual({
      // The request must name its attributes: ForAllValues alone holds for a request naming none.
      Null: { 'dynamodb:Attributes': 'false' },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': expect.arrayContaining(['username', 'passwordHash', 'passwordVersion', 'passwordExpiration']) },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  test("login's attribute condition allows exactly what UserRepository.findByUsername projects", async () => {
    // Prepare: capture the GetItem the login path sends.
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const mock = mockClient(client);
    mock.on(GetCommand).resolves({});
    // Act
    await new UserRepository(client, 'users').findByUsername('john.doe');
    // Assess
    const projected = Object.values(mock.commandCalls(GetCommand)[0]?.args[0].input.ExpressionAttributeNames ?? {}).sort();
    const condition = grantsTo('Login').find((grant) => grant.resource === tableId('users') && grant.action === 'dynamodb:GetItem')?.condition as Record<string, Record<string, string[]>>;
    expect(projected.length).toBeGreaterThan(0);
    expect([...(condition['ForAllValues:StringEquals']?.['dynamodb:Attributes'] ?? [])].sort()).toEqual(projected);
  });

  test.each([
    ['AuthHeaderAdd', ['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['dynamodb:ConditionCheckItem'], ['dynamodb:ConditionCheckItem']],
    ['AuthHeaderList', ['dynamodb:Query'], ['dynamodb:BatchGetItem'], ['dynamodb:BatchGetItem']],
    // BatchGetItem: the session check alone, for a text whose checksum is wrong (nothing else is read).
    // GetItem: the owner's item first (USER# only), for its id and a rolled predecessor.
    ['AuthHeaderDelete', ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'], ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem']],
    ['AuthHeaderRoll', ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'], ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem']],
  ])('%s: exactly %j on auth headers, %j on users, %j on sessions, nothing on throttle counters', (routeId, onHeaders, onUsers, onSessions) => {
    const grants = grantsTo(routeId);
    expect(onTable(grants, 'authHeaders')).toEqual(onHeaders);
    expect(onTable(grants, 'users')).toEqual(onUsers);
    expect(onTable(grants, 'sessions')).toEqual(onSessions);
    expect(onTable(grants, 'loginThrottle')).toEqual([]);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(onTable(grants, 'users')).not.toContain(write);
    }
  });

  test("revoke: a projected read of token lookup items, updates of revokedAt only (lookup items and an owner's copy, returning nothing), its address's counter (revoke#) only; nothing of users or sessions", () => {
    const grants = grantsTo('AuthHeaderRevoke');
    expect(onTable(grants, 'users')).toEqual([]);
    expect(onTable(grants, 'sessions')).toEqual([]);
    const onHeaders = grants.filter((grant) => grant.resource === tableId('authHeaders')).map((grant) => [grant.action, grant.condition]);
    const tokens = { Null: { 'dynamodb:LeadingKeys': 'false' }, 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOKEN#*'] } };
    expect(onHeaders).toEqual([
      [
        'dynamodb:GetItem',
        {
          Null: { 'dynamodb:Attributes': 'false', 'dynamodb:LeadingKeys': 'false' },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'userId', 'headerId', 'expiresAt', 'retiresAt', 'revokedAt', 'successorHash', 'previousTokenHash'] },
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOKEN#*'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      ],
      ['dynamodb:UpdateItem', { ...tokens, 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'revokedAt'] }, StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' } }],
      [
        'dynamodb:UpdateItem',
        {
          Null: { 'dynamodb:LeadingKeys': 'false' },
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'revokedAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      ],
    ]);
    const counters = grants.filter((grant) => grant.resource === tableId('loginThrottle'));
    expect(counters.map((grant) => grant.action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    for (const grant of counters) expect(grant.condition).toMatchObject({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['revoke#*'] } });
  });

  test.each(['Login', 'UserPassword', 'MfaDisable'])("%s: the login counters only (pair#, user#, ip#), never revoke's", (routeId) => {
    const counters = grantsTo(routeId).filter((grant) => grant.resource === tableId('loginThrottle'));
    expect(counters.map((grant) => grant.action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    for (const grant of counters) expect(grant.condition).toMatchObject({ Null: { 'dynamodb:LeadingKeys': 'false' }, 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['pair#*', 'user#*', 'ip#*'] } });
  });

  test.each(['AuthHeaderAdd', 'AuthHeaderDelete'])('%s: may update only the header counter of a user partition, whether or not a transaction item carries dynamodb:Attributes', (routeId) => {
    const update = grantsTo(routeId).find((grant) => grant.action === 'dynamodb:UpdateItem');
    expect(update?.resource).toBe(tableId('authHeaders'));
    // No `Null: false` on dynamodb:Attributes: the guide leaves open whether a transaction's items carry it.
    expect(update?.condition).toEqual({
      Null: { 'dynamodb:LeadingKeys': 'false' },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'headerCount'] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
  });

  test('authorizer: GetItem on token lookup items only, UpdateItem of lastUsed only, projected profile and session reads; no writes to users or sessions', () => {
    const grants = grantsTo('Authorizer');
    expect(onTable(grants, 'authHeaders')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(onTable(grants, 'users')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
    expect(onTable(grants, 'sessions')).toEqual(['dynamodb:BatchGetItem']);
    expect(onTable(grants, 'loginThrottle')).toEqual([]);
    for (const read of grants.filter((grant) => grant.action === 'dynamodb:BatchGetItem')) {
      expect(read.condition).toMatchObject({ Null: { 'dynamodb:Attributes': 'false' }, StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } });
    }
    const lookup = grants.find((grant) => grant.action === 'dynamodb:GetItem' && grant.resource === tableId('authHeaders'));
    expect(lookup?.condition).toEqual({ Null: { 'dynamodb:LeadingKeys': 'false' }, 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOKEN#*'] } });
    const lastUsed = grants.find((grant) => grant.action === 'dynamodb:UpdateItem');
    expect(lastUsed?.condition).toMatchObject({
      Null: { 'dynamodb:LeadingKeys': 'false', 'dynamodb:Attributes': 'false' },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'lastUsed'] },
    });
    const profile = grants.find((grant) => grant.resource === tableId('users') && grant.action === 'dynamodb:GetItem');
    expect(profile?.condition).toEqual({
      Null: { 'dynamodb:Attributes': 'false' },
      // The table's key too: DynamoDB counts it as read, and refuses a grant that leaves it out.
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['username', 'id', 'passwordVersion'] },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  test('GET /user/me: reads only the public profile attributes of users; nothing of auth headers', () => {
    const grants = grantsTo('UserMe');
    expect(onTable(grants, 'users')).toEqual(['dynamodb:GetItem']);
    expect(onTable(grants, 'authHeaders')).toEqual([]);
    expect(onTable(grants, 'loginThrottle')).toEqual([]);
    const attributes = (grants.find((grant) => grant.resource === tableId('users'))?.condition as Record<string, Record<string, string[]>>)['ForAllValues:StringEquals']?.['dynamodb:Attributes'];
    expect([...(attributes ?? [])].sort()).toEqual(['displayUsername', 'email', 'firstname', 'id', 'lastname', 'mfaEnabled', 'passwordExpiration', 'username']);
    expect(attributes).not.toContain('passwordHash');
  });

  test.each([
    ['the authorizer', (user: UserRepository) => user.findIdentity('john.doe'), 'Authorizer'],
    ['GET /user/me', (user: UserRepository) => user.findPublicProfile('john.doe'), 'UserMe'],
  ] as const)("%s's attribute condition allows exactly the table's key and what its UserRepository read projects", async (_name, read, routeId) => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const mock = mockClient(client);
    mock.on(GetCommand).resolves({});
    await read(new UserRepository(client, 'users'));
    const projected = Object.values(mock.commandCalls(GetCommand)[0]?.args[0].input.ExpressionAttributeNames ?? {});
    const condition = grantsTo(routeId).find((grant) => grant.resource === tableId('users') && grant.action === 'dynamodb:GetItem')?.condition as Record<string, Record<string, string[]>>;
    expect(projected.length).toBeGreaterThan(0);
    expect([...(condition['ForAllValues:StringEquals']?.['dynamodb:Attributes'] ?? [])].sort()).toEqual([...new Set([TABLES.users.partitionKey, ...projected])].sort());
  });

  test.each(['MfaTotpSetup', 'MfaTotpConfirm', 'MfaDisable'])('%s: reads the MFA state and the session check (projected), updates only MFA attributes, checks the session; nothing of auth headers', (routeId) => {
    const grants = grantsTo(routeId);
    expect(onTable(grants, 'users')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(onTable(grants, 'sessions')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem']);
    expect(onTable(grants, 'loginThrottle')).toEqual(routeId === 'MfaDisable' ? ['dynamodb:GetItem', 'dynamodb:UpdateItem'] : []);
    expect(onTable(grants, 'authHeaders')).toEqual([]);
    const on = (action: string) => grants.find((grant) => grant.resource === tableId('users') && grant.action === action)?.condition as Record<string, Record<string, unknown>>;
    expect(on('dynamodb:GetItem')).toEqual({
      Null: { 'dynamodb:Attributes': 'false' },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['username', 'id', 'totpSecret', 'totpPending'] },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
    // A transaction item beside the session check (itemWrite: no Null, see infra/stack.ts).
    expect(on('dynamodb:UpdateItem')).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:Attributes': ['username', 'id', 'passwordVersion', 'sessionEpoch', 'totpSecret', 'totpPending', 'totpLastStep', 'recoveryCodes', 'mfaEnabled'],
      },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
    expect(on('dynamodb:BatchGetItem')['ForAllValues:StringEquals']).toEqual({ 'dynamodb:Attributes': ['username', 'id', 'passwordVersion', 'sessionEpoch'] });
  });

  test.each([
    ['UserPassword', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['dynamodb:PutItem'], ['dynamodb:GetItem', 'dynamodb:UpdateItem']],
    ['UserRefresh', ['dynamodb:BatchGetItem'], ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'], []],
    ['UserLogout', ['dynamodb:ConditionCheckItem', 'dynamodb:UpdateItem'], ['dynamodb:DeleteItem'], []],
  ])('%s: exactly %j on users, %j on sessions, %j on throttle counters, nothing on auth headers', (routeId, onUsers, onSessions, onThrottle) => {
    const grants = grantsTo(routeId);
    expect(onTable(grants, 'users')).toEqual(onUsers);
    expect(onTable(grants, 'sessions')).toEqual(onSessions);
    expect(onTable(grants, 'loginThrottle')).toEqual(onThrottle);
    expect(onTable(grants, 'authHeaders')).toEqual([]);
  });

  test("the password change reads a user's profile under login's attribute condition", () => {
    const read = grantsTo('UserPassword').find((grant) => grant.resource === tableId('users') && grant.action === 'dynamodb:GetItem');
    const loginRead = grantsTo('Login').find((grant) => grant.resource === tableId('users'));
    expect(read?.condition).toEqual(loginRead?.condition);
  });

  test.each(functionIds)('%s: every grant on the users table limits the attributes, and lists the table key among them', (routeId) => {
    const onUsers = grantsTo(routeId).filter((grant) => grant.resource === tableId('users'));
    for (const grant of onUsers) {
      const attributes = (grant.condition as Record<string, Record<string, string[]>> | undefined)?.['ForAllValues:StringEquals']?.['dynamodb:Attributes'];
      expect({ action: grant.action, attributes }).toEqual({ action: grant.action, attributes: expect.arrayContaining([TABLES.users.partitionKey]) });
      // Only login's credential check and the password change may name the hash.
      if (routeId !== 'Login' && routeId !== 'UserPassword') expect(attributes).not.toContain('passwordHash');
    }
  });

  test.each(functionIds)('%s: no wildcard actions or resources, logs only to its own group', (routeId) => {
    const grants = grantsTo(routeId);
    for (const grant of grants) {
      expect(grant.action).not.toContain('*');
      expect(grant.resource).not.toContain('*');
    }
    const logGroup = referencedId(resourcesOf(template, 'AWS::Lambda::Function')[functionId(routeId)]?.Properties.LoggingConfig.LogGroup);
    expect(grants.filter((grant) => grant.action.startsWith('logs:'))).toEqual([
      { action: 'logs:CreateLogStream', resource: logGroup, condition: undefined },
      { action: 'logs:PutLogEvents', resource: logGroup, condition: undefined },
    ]);
    // No managed policy (AWSLambdaBasicExecutionRole would allow every log group).
    expect(resourcesOf(template, 'AWS::IAM::Role')[roleOf(routeId)]?.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('secrets', () => {
  const uses = {
    Login: ['Jwt', 'TokenHmac', 'TokenEncryption'],
    AuthHeaderAdd: ['Jwt', 'TokenHmac', 'TokenEncryption'],
    AuthHeaderList: ['Jwt', 'TokenEncryption'],
    AuthHeaderDelete: ['Jwt', 'TokenHmac'],
    UserMe: [],
    Authorizer: ['Jwt', 'TokenHmac'],
    UserPassword: ['Jwt', 'TokenHmac', 'TokenEncryption'],
    UserRefresh: ['Jwt', 'TokenHmac'],
    UserLogout: ['Jwt'],
    MfaTotpSetup: ['Jwt', 'TokenEncryption'],
    MfaTotpConfirm: ['Jwt', 'TokenHmac', 'TokenEncryption'],
    MfaDisable: ['Jwt', 'TokenHmac', 'TokenEncryption'],
  } as const;
  const envVar = { Jwt: 'JWT_SECRET_ID', TokenHmac: 'TOKEN_HMAC_SECRET_ID', TokenEncryption: 'TOKEN_ENCRYPTION_SECRET_ID' } as const;

  test('generated by Secrets Manager in the format lib/auth/keys.ts reads', () => {
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(3);
    for (const [name, templateJson] of [['Jwt', '{"kid":"v1"}'], ['TokenHmac', '{}'], ['TokenEncryption', '{}']] as const) {
      const secret = secrets[secretId(name)];
      expect(secret?.Properties.SecretString).toBeUndefined();
      expect(secret?.Properties.GenerateSecretString).toEqual({ SecretStringTemplate: templateJson, GenerateStringKey: 'k', PasswordLength: 64, ExcludePunctuation: true });
      expect(secret?.DeletionPolicy).toBe('Retain');
    }
  });

  test.each(Object.entries(uses))('%s: its env names only the secrets it uses, and its role reads only those', (routeId, names) => {
    const variables = resourcesOf(template, 'AWS::Lambda::Function')[functionId(routeId)]?.Properties.Environment.Variables;
    for (const [name, variable] of Object.entries(envVar)) {
      if ((names as readonly string[]).includes(name)) expect(variables[variable]).toEqual({ Ref: secretId(name as keyof typeof envVar) });
      else expect(variables[variable]).toBeUndefined();
    }
    const read = grantsTo(routeId).filter((grant) => grant.action === 'secretsmanager:GetSecretValue').map((grant) => grant.resource).sort();
    expect(read).toEqual(names.map((name) => secretId(name)).sort());
    // GetSecretValue only: nothing else of Secrets Manager (grantRead would add DescribeSecret, never called).
    expect(grantsTo(routeId).filter((grant) => grant.action.startsWith('secretsmanager:') && grant.action !== 'secretsmanager:GetSecretValue')).toEqual([]);
  });

  test('no key material in the template: secrets are generated, env values are references or plain settings', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/LOCAL-ONLY|"k"\s*:/);
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables.LOCAL_AUTH_KEYS).toBe('');
      expect(variables.DYNAMODB_ENDPOINT).toBe('');
      for (const value of Object.values(variables)) {
        if (typeof value === 'string') expect(value.length).toBeLessThan(32);
      }
    }
  });
});

describe('API', () => {
  // The routes' methods: not CORS preflights, not the document's static route.
  const methods = () =>
    Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter((method) => method.Properties.HttpMethod !== 'OPTIONS' && method.Properties.OperationName !== 'OpenApiDocument');

  test.each(routes.map((route) => [route.method, route.path, route.id] as const))('%s %s → its own function (proxy)', (method, path, routeId) => {
    const matching = methods().filter((m) => m.Properties.HttpMethod === method && resourcePath(template, referencedId(m.Properties.ResourceId) as string) === path);
    expect(matching).toHaveLength(1);
    const integration = matching[0]?.Properties.Integration;
    expect(integration.Type).toBe('AWS_PROXY');
    expect([...referencedIds(integration.Uri)]).toEqual([functionId(routeId)]);
  });

  test('exactly the routes of lib/routes.ts (no CORS preflights unless origins are configured)', () => {
    expect(methods()).toHaveLength(routes.length);
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
    for (const route of routes) expect(resourcesOf(template, 'AWS::Lambda::Function')[functionId(route.id)]?.Properties.Environment.Variables.CORS_ORIGINS).toBe('');
  });

  test.each(routes.map((route) => [route.method, route.path, route.auth] as const))('%s %s (auth %s): behind the Lambda authorizer exactly when lib/routes.ts says so', (method, path, auth) => {
    const found = methods().find((m) => m.Properties.HttpMethod === method && resourcePath(template, referencedId(m.Properties.ResourceId) as string) === path);
    if (auth === 'authorizer') {
      expect(found?.Properties.AuthorizationType).toBe('CUSTOM');
      expect(referencedId(found?.Properties.AuthorizerId)).toBe(logicalIdOf(template, 'AWS::ApiGateway::Authorizer', 'Authorizer'));
    } else {
      expect(found?.Properties.AuthorizationType).toBe('NONE');
    }
  });

  test('the authorizer: REQUEST type keyed on the Authorization header and the client address (so an allowlisted key is never accepted elsewhere through the cache), cached 60 s, invoking the authorizer function, which API Gateway may invoke', () => {
    const authorizers = resourcesOf(template, 'AWS::ApiGateway::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    const authorizer = Object.values(authorizers)[0];
    expect(authorizer?.Properties).toMatchObject({ Type: 'REQUEST', IdentitySource: 'method.request.header.Authorization,context.identity.sourceIp', AuthorizerResultTtlInSeconds: 60 });
    expect([...referencedIds(authorizer?.Properties.AuthorizerUri)]).toEqual(['AuthorizerFunction']);
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter((permission) => referencedIds(permission.Properties.FunctionName).has('AuthorizerFunction'));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toContain('/authorizers/');
    expect(resourcesOf(template, 'AWS::Lambda::Function').AuthorizerFunction?.Properties.Environment.Variables.AUTHORIZER_CACHE_SECONDS).toBe('60');
  });

  test('-c authorizerCacheSeconds=0: no caching at the gateway nor in the function', () => {
    const { template: uncached } = synthesize({ bundle: false, context: { authorizerCacheSeconds: '0' } });
    const authorizer = Object.values(resourcesOf(uncached, 'AWS::ApiGateway::Authorizer'))[0];
    expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBe(0);
    expect(resourcesOf(uncached, 'AWS::Lambda::Function').AuthorizerFunction?.Properties.Environment.Variables.AUTHORIZER_CACHE_SECONDS).toBe('0');
    expect(() => synthesize({ bundle: false, context: { authorizerCacheSeconds: '3601' } })).toThrow(/authorizerCacheSeconds/);
  });

  test.each([
    ['Login', loginBodySchema],
    ['AuthHeaderAdd', addAuthHeaderBodySchema],
    ['AuthHeaderDelete', deleteAuthHeaderBodySchema],
    ['UserPassword', changePasswordBodySchema],
    ['UserRefresh', refreshBodySchema],
    ['AuthHeaderRoll', rollAuthHeaderBodySchema],
    ['AuthHeaderRevoke', revokeAuthHeaderBodySchema],
    ['MfaTotpConfirm', confirmTotpBodySchema],
    ['MfaDisable', disableMfaBodySchema],
  ] as const)('%s: API Gateway validates the body against the schema from lib/http/schemas.ts', (routeId, schema) => {
    const method = methods().find((m) => m.Properties.OperationName === routeId);
    const modelId = referencedId(method?.Properties.RequestModels['application/json']) as string;
    const model = resourcesOf(template, 'AWS::ApiGateway::Model')[modelId];
    expect(model?.Properties.ContentType).toBe('application/json');
    expect(model?.Properties.Schema).toEqual({
      $schema: 'http://json-schema.org/draft-04/schema#',
      title: schema.title,
      type: 'object',
      required: [...schema.required],
      properties: Object.fromEntries(
        Object.entries(schema.properties).map(([name, field]) => [
          name,
          field.type === 'integer'
            ? { type: 'integer', minimum: field.minimum, maximum: field.maximum }
          : 'items' in field
            ? { type: 'array', maxItems: field.maxItems, uniqueItems: true, items: { ...field.items } }
            : { type: 'string', minLength: field.minLength, maxLength: field.maxLength, ...('plainText' in field && field.plainText ? { pattern: plainTextPattern() } : {}) },
        ]),
      ),
    });
    const validator = resourcesOf(template, 'AWS::ApiGateway::RequestValidator')[referencedId(method?.Properties.RequestValidatorId) as string];
    expect(validator?.Properties.ValidateRequestBody).toBe(true);
  });

  test('logout: its optional body is left to the function (API Gateway would refuse an absent one)', () => {
    const method = methods().find((m) => m.Properties.OperationName === 'UserLogout');
    expect(method?.Properties.RequestModels).toBeUndefined();
  });

  test('stage: default throttle, stricter on POST /user/login and POST /user/password, JSON access logs, error logs without bodies', () => {
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    expect(stage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, LoggingLevel: 'ERROR', DataTraceEnabled: false }),
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1user~1login', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1user~1password', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
    );
    // Revoke throttles per address itself: no route-wide limit one sprayer could use up for everyone.
    expect(stage?.Properties.MethodSettings.filter((setting: { ResourcePath: string }) => setting.ResourcePath.includes('revoke'))).toEqual([]);
    const accessLog = stage?.Properties.AccessLogSetting;
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[referencedId(accessLog.DestinationArn) as string]?.Properties.RetentionInDays).toBe(30);
    expect(JSON.parse(accessLog.Format.replace(/\$context\.[A-Za-z.]+/g, 'x'))).toMatchObject({ requestId: 'x', status: 'x', ip: 'x' });
  });

  test('throttle limits come from context', () => {
    const { template: tuned } = synthesize({ bundle: false, context: { throttleRate: 5, throttleBurst: '7', loginThrottleRate: 1, loginThrottleBurst: 2 } });
    tuned.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 }),
        Match.objectLike({ ResourcePath: '/~1user~1login', ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 }),
      ]),
    });
  });

  test.each([
    ['DEFAULT_4XX', undefined, '{"message":$context.error.messageString}'],
    ['DEFAULT_5XX', undefined, INTERNAL_ERROR_BODY],
    ['MISSING_AUTHENTICATION_TOKEN', '404', '{"message":"Not found"}'],
    ['BAD_REQUEST_BODY', '400', '{"message":"request body does not match the expected schema"}'],
    ['THROTTLED', '429', '{"message":"Too many requests"}'],
    ['UNAUTHORIZED', '401', '{"message":"Unauthorized"}'],
    ['ACCESS_DENIED', '403', '{"message":$context.error.messageString}'],
    // The Lambdas' own 503 and 500 texts: a client sees one message per condition, whoever answers.
    ['AUTHORIZER_FAILURE', '503', UNAVAILABLE_BODY],
    ['AUTHORIZER_CONFIGURATION_ERROR', '503', UNAVAILABLE_BODY],
  ])("API Gateway's own %s answers in the contract's JSON shape", (type, status, body) => {
    const responses = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).filter((response) => response.Properties.ResponseType === type);
    expect(responses).toHaveLength(1);
    expect(responses[0]?.Properties.StatusCode).toBe(status);
    expect(responses[0]?.Properties.ResponseTemplates).toEqual({ 'application/json': body });
  });

  test('429s and 503s from API Gateway carry Retry-After', () => {
    for (const type of ['THROTTLED', 'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: type, ResponseParameters: { 'gatewayresponse.header.Retry-After': "'1'" } });
    }
  });

  test("the authorizer's refusals (401, and 403 for a policy that does not cover the call) say WWW-Authenticate: Bearer", () => {
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: type, ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': "'Bearer'" } });
    }
  });

  test('-c corsOrigins: preflights for the allowed origins, and the functions get the same list', () => {
    const { template: withCors } = synthesize({ bundle: false, context: { corsOrigins: 'https://app.example.com,https://admin.example.com' } });
    const preflights = Object.values(resourcesOf(withCors, 'AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThanOrEqual(routes.length);
    expect(JSON.stringify(preflights)).toContain('https://admin.example.com');
    for (const route of routes) {
      expect(resourcesOf(withCors, 'AWS::Lambda::Function')[functionId(route.id)]?.Properties.Environment.Variables.CORS_ORIGINS).toBe('https://app.example.com,https://admin.example.com');
    }
  });

  test('GET /openapi.json answers the generated document from API Gateway itself (a mock integration, no Lambda), and an output names its URL', () => {
    const [method, ...others] = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter((m) => m.Properties.OperationName === 'OpenApiDocument');
    expect(others).toHaveLength(0);
    expect(method?.Properties.HttpMethod).toBe('GET');
    expect(resourcePath(template, referencedId(method?.Properties.ResourceId) as string)).toBe('/openapi.json');
    expect(method?.Properties.Integration.Type).toBe('MOCK');
    const body = method?.Properties.Integration.IntegrationResponses[0].ResponseTemplates['application/json'] as string;
    const encoded = /^\$util\.base64Decode\("([A-Za-z0-9+/=]+)"\)$/.exec(body)?.[1];
    expect(JSON.parse(Buffer.from(encoded as string, 'base64').toString('utf8'))).toEqual(buildOpenApiDocument());
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.OpenApiUrl?.Value)).toContain('openapi.json');
  });

  test("outputs: the API URL, the three table names, and the authorizer function's ARN as an export", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: unknown } }>;
    expect(outputs.AuthorizerFunctionArn?.Value).toEqual({ 'Fn::GetAtt': ['AuthorizerFunction', 'Arn'] });
    expect(outputs.AuthorizerFunctionArn?.Export?.Name).toBe('AuthService-AuthorizerFunctionArn');
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain('execute-api');
    for (const table of Object.keys(TABLES) as TableId[]) {
      const key = `${table.charAt(0).toUpperCase()}${table.slice(1)}TableName`;
      expect(outputs[key]?.Value).toEqual({ Ref: tableId(table) });
    }
  });
});

describe('WAF', () => {
  test('a regional web ACL on the stage rate-limits /user/login and /user/password per IP (not /authheader/revoke: its own throttle must not share their budget)', () => {
    const acls = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const acl = acls[0];
    expect(acl?.Properties.Scope).toBe('REGIONAL');
    const rateRule = acl?.Properties.Rules.find((rule: { Name: string }) => rule.Name === 'LoginRateLimitPerIp');
    expect(rateRule.Action.Block.CustomResponse.ResponseCode).toBe(429);
    expect(rateRule.Statement.RateBasedStatement).toMatchObject({
      Limit: DEFAULT_SETTINGS.wafLoginRateLimit,
      AggregateKeyType: 'IP',
      ScopeDownStatement: {
        OrStatement: {
          Statements: [
            { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { UriPath: {} }, SearchString: '/user/login' }) },
            { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { UriPath: {} }, SearchString: '/user/password' }) },
          ],
        },
      },
    });
    expect(acl?.Properties.Rules.map((rule: { Name: string }) => rule.Name)).toContain('AWSManagedRulesCommonRuleSet');

    const association = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACLAssociation'))[0];
    const stageId = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0] as string;
    expect(referencedId(association?.Properties.WebACLArn)).toBe(Object.keys(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0]);
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain('/stages/');
    expect(referencedIds(association?.Properties.ResourceArn)).toContain(stageId);
  });

  test('every path is rate-limited per IP too, so one address cannot use up the shared stage throttle', () => {
    const acl = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0];
    const rule = acl?.Properties.Rules.find((candidate: { Name: string }) => candidate.Name === 'RateLimitPerIp');
    expect(rule.Statement.RateBasedStatement).toEqual({ Limit: DEFAULT_SETTINGS.wafRateLimit, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    expect(rule.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 429, ResponseHeaders: [{ Name: 'Retry-After', Value: '300' }] });
    // Below what the stage lets all callers together send in the same 5 minutes.
    expect(DEFAULT_SETTINGS.wafRateLimit).toBeLessThan(DEFAULT_SETTINGS.throttleRate * 300);
    const { template: tuned } = synthesize({ bundle: false, context: { wafRateLimit: 900 } });
    tuned.hasResourceProperties('AWS::WAFv2::WebACL', { Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: Match.objectLike({ Limit: 900 }) } })]) });
  });

  test('no sampled request can show an Authorization header: sampling only on the login rule', () => {
    const acl = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0];
    expect(acl?.Properties.VisibilityConfig.SampledRequestsEnabled).toBe(false);
    const sampled = acl?.Properties.Rules.filter((rule: { VisibilityConfig: { SampledRequestsEnabled: boolean } }) => rule.VisibilityConfig.SampledRequestsEnabled);
    expect(sampled.map((rule: { Name: string }) => rule.Name)).toEqual(['LoginRateLimitPerIp']);
    expect(Object.keys(resourcesOf(template, 'AWS::WAFv2::LoggingConfiguration'))).toEqual([]);
  });

  test('-c wafLoginRateLimit tunes the limit; -c waf=false drops the web ACL', () => {
    const { template: tuned } = synthesize({ bundle: false, context: { wafLoginRateLimit: '500' } });
    tuned.hasResourceProperties('AWS::WAFv2::WebACL', { Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 500 }) } })]) });
    const { template: without } = synthesize({ bundle: false, context: { waf: 'false' } });
    without.resourceCountIs('AWS::WAFv2::WebACL', 0);
    without.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe('context validation', () => {
  const lookup = (context: Record<string, unknown>) => ({ tryGetContext: (key: string) => context[key] });

  test.each([
    [{ throttleRate: 'fast' }, /throttleRate/],
    [{ waf: 'yes' }, /waf/],
    [{ corsOrigins: 'app.example.com' }, /not an origin/],
    [{ logRetentionDays: 31 }, /retention/],
    [{ loginMemoryMb: 64 }, /loginMemoryMb/],
    [{ wafRateLimit: 5 }, /wafRateLimit/],
  ])('%j is refused', (context, message) => {
    expect(() => settingsFromContext(lookup(context))).toThrow(message);
  });

  test('dev=true is a synonym for destroyable=true', () => {
    expect(settingsFromContext(lookup({ dev: 'true' })).destroyable).toBe(true);
    expect(settingsFromContext(lookup({})).destroyable).toBe(false);
  });
});
