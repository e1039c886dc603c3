/**
 * IAM, simulated: every function's handler is driven through its paths against DynamoDB Local
 * with a recorder on (test/helpers/iam/recorder.ts); each DynamoDB and Secrets Manager call it made
 * becomes the IAM request(s) AWS would authorize (test/helpers/iam/requests.ts) and is evaluated by
 * a real IAM policy engine against that function's role policy in the synthesized template. Every
 * call the code really makes must be Allowed — where the DynamoDB guide leaves a condition key's
 * presence open, in both cases. Then a deny matrix: what each function must not be able to do.
 *
 * A new route is covered by being driven here: the run fails for a function (route of
 * lib/routes.ts, or the authorizer) that recorded no call, and for one without a deny-matrix row.
 */
import { beforeAll, describe, expect, test, jest } from '@jest/globals';
import { handler as revokeHandler } from '../../functions/authheader-revoke';
import { handler as rollHandler } from '../../functions/authheader-roll';
import { handler as meHandler } from '../../functions/user-me';
import { generateToken } from '../../lib/auth/tokens';
import bcrypt from 'bcryptjs';
import { handler as disableHandler } from '../../functions/mfa-disable';
import { handler as confirmHandler } from '../../functions/mfa-totp-confirm';
import { handler as setupHandler } from '../../functions/mfa-totp-setup';
import { handler as loginHandler } from '../../functions/login';
import { totpCode, totpStep } from '../../lib/auth/totp';
import type { KeyName } from '../../lib/auth/keys';
import type { LocalKeyFile } from '../../lib/auth/localKeys';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashPassword } from '../../lib/auth/passwords';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/data/client';
import { TABLES, usernameKey, type TableId } from '../../lib/data/table';
import { routes } from '../../lib/routes';
import { handler as addHandler } from '../../functions/authheader-add';
import { addHeader, callLogin, freshIp, deleteHeader, givenAuthHeader, listHeaders, loginAs, type AuthHeader } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';
import { givenUser, useTestTables } from '../helpers/db';
import { apiEvent, invoke, lambdaContext } from '../helpers/invoke';
import { decide, StackPolicies, type PolicyDocument } from '../helpers/iam/policies';
import { as, installRecorder, recordedCalls } from '../helpers/iam/recorder';
import { iamRequestsOf, type IamRequest } from '../helpers/iam/requests';
import { changePassword, logout, ok, refresh } from '../routes/session-helpers';
import { synthesizedTemplate } from '../helpers/synth';

useTestTables();

// One synthesis, without bundles: the grants do not depend on the code's bundle.
const policies = new StackPolicies(synthesizedTemplate({ bundle: false }).template);
const KEY_NAMES: KeyName[] = ['jwt', 'tokenHmac', 'tokenEncryption'];
installRecorder(
  Object.fromEntries(KEY_NAMES.map((name) => [name, policies.secretArnOf(name)])) as Record<KeyName, string>,
  JSON.parse(process.env.LOCAL_AUTH_KEYS as string) as LocalKeyFile,
);

/** Moves Date only (DynamoDB's I/O and timers run normally). */
function clockAt(ms: number) {
  jest.useFakeTimers({ now: ms, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'hrtime', 'performance'] });
}

/** GET /user/me as API Gateway runs it: the authorizer (as `Authorizer`), then the route (as `UserMe`). */
async function me(authorization: string) {
  const outcome = await as('Authorizer', () => authorize(restAuthorizerEvent(authorization)));
  if (!outcome.allowed) throw outcome.error;
  const answer = outcome.allowed as { principalId: string; context: Record<string, unknown> };
  const event = apiEvent({ method: 'GET', path: '/user/me', headers: { Authorization: authorization } });
  (event.requestContext as unknown as Record<string, unknown>).authorizer = { ...answer.context, principalId: answer.principalId };
  const result = await as('UserMe', () => meHandler(event, lambdaContext));
  expect(result.statusCode).toBe(200);
}

const invokeAdd = (jwt: string, body: Record<string, unknown>) => invoke(addHandler, { method: 'POST', path: '/authheader/add', token: jwt, body });
const roll = (jwt: string, text: string, graceSeconds?: number) =>
  invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body: { text, ...(graceSeconds === undefined ? {} : { graceSeconds }) } });
const revoke = (text: string, sourceIp?: string) => invoke(revokeHandler, { method: 'POST', path: '/authheader/revoke', body: { text }, sourceIp });
/** The same token with its last checksum character changed: refused before any lookup. */
const badChecksum = (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
async function rolled(jwt: string, text: string, graceSeconds?: number): Promise<AuthHeader> {
  const response = await roll(jwt, text, graceSeconds);
  if (response.statusCode !== 200) throw new Error(`roll: expected 200, got ${response.statusCode} ${response.rawBody}`);
  return response.body as AuthHeader;
}

const expectStatus = async (status: number, response: Promise<{ statusCode: number; rawBody: string }>) => {
  const { statusCode, rawBody } = await response;
  expect(`${statusCode} ${rawBody}`).toMatch(new RegExp(`^${status} `));
};

/** The code an authenticator app shows in TOTP time step `step`. */
const codeAt = (secret: string, step: number) => totpCode(secret, new Date(step * 30_000));

const mfaLogin = (user: { username: string; password: string }, code?: string) =>
  invoke(loginHandler, { method: 'POST', path: '/user/login', body: { username: user.username, password: user.password, ...(code === undefined ? {} : { code }) }, sourceIp: freshIp() });

/**
 * MFA: setup, a wrong then a right confirming code, login without a code (MfaRequired), with a
 * wrong code, with a TOTP code (stored at another bcrypt cost: the rehash and the TOTP step in one
 * profile Update) and with a recovery code; a password change with a recovery code; disable.
 */
async function driveMfa(): Promise<void> {
  const user = await givenUser();
  const jwt = await as('Login', () => loginAs(user));
  const setup = await as('MfaTotpSetup', () => invoke(setupHandler, { method: 'POST', path: '/user/mfa/totp/setup', token: jwt, rawBody: null }));
  expect(setup.statusCode).toBe(200);
  const secret = (setup.body as { secret: string }).secret;
  const step = totpStep(new Date());
  const confirm = (code: string) => invoke(confirmHandler, { method: 'POST', path: '/user/mfa/totp/confirm', token: jwt, body: { code } });
  await as('MfaTotpConfirm', () => expectStatus(400, confirm(codeAt(secret, step + 7))));
  const confirmed = await as('MfaTotpConfirm', () => confirm(codeAt(secret, step)));
  expect(confirmed.statusCode).toBe(200);
  const [recovery, another, third, fourth] = (confirmed.body as { recoveryCodes: string[] }).recoveryCodes as [string, string, string, string];

  await as('Login', () => expectStatus(401, mfaLogin(user)));
  await as('Login', () => expectStatus(401, mfaLogin(user, codeAt(secret, step + 7))));
  // A hash at another cost: this login's success write rehashes it and records the step, one Update.
  const otherCost = bcrypt.hashSync(user.password, config.bcryptCost === 4 ? 5 : 4);
  await documentClient.send(new UpdateCommand({ TableName: config.tables.users, Key: { username: usernameKey(user.username) }, UpdateExpression: 'SET passwordHash = :hash', ExpressionAttributeValues: { ':hash': otherCost } }));
  await as('Login', () => expectStatus(200, mfaLogin(user, codeAt(secret, step + 1))));
  await as('Login', () => expectStatus(200, mfaLogin(user, recovery)));

  // The password change with a recovery code (its DELETE folds into the password's own Update).
  await as('UserPassword', () => ok(changePassword({ username: user.username, password: user.password, newPassword: 'Another-Horse-Battery-7', code: another })));

  // Disable: a wrong code (counted in login's throttle), then a recovery code.
  const session = await as('Login', () => ok(mfaLogin({ username: user.username, password: 'Another-Horse-Battery-7' }, third)));
  const disable = (code: string) => invoke(disableHandler, { method: 'POST', path: '/user/mfa/disable', token: session.Token, body: { code }, sourceIp: freshIp() });
  await as('MfaDisable', () => expectStatus(400, disable('000000')));
  await as('MfaDisable', () => expectStatus(200, disable(fourth)));
}

/** Every path of every function that touches a table or a key, once. */
async function driveEveryFunction(): Promise<void> {
  const user = await givenUser();
  // Login: a failure (throttle counters), then successes.
  await as('Login', () => expectStatus(401, callLogin(user.username, 'Wrong-Password-0000')));
  const jwt = await as('Login', () => loginAs(user));
  // A hash stored at another bcrypt cost: the success write rehashes it (UserRepository.rehashChange).
  await documentClient.send(new UpdateCommand({ TableName: config.tables.users, Key: { username: usernameKey(user.username) }, UpdateExpression: 'SET passwordHash = :hash', ExpressionAttributeValues: { ':hash': await hashPassword(user.password, config.bcryptCost + 1) } }));
  await as('Login', () => loginAs(user));

  // Add several keys, list them, delete one (and one that does not exist).
  const keys: AuthHeader[] = [];
  for (let i = 0; i < 5; i++) keys.push(await as('AuthHeaderAdd', () => givenAuthHeader(jwt, `key-${i}`)));
  await as('AuthHeaderList', () => expectStatus(200, listHeaders(jwt)));
  await as('AuthHeaderDelete', () => expectStatus(200, deleteHeader(jwt, (keys.pop() as AuthHeader).token)));
  await as('AuthHeaderDelete', () => expectStatus(404, deleteHeader(jwt, `ahk_${'Z'.repeat(43)}`)));
  await as('AuthHeaderAdd', () => expectStatus(401, addHeader('not-a-jwt')));
  await as('AuthHeaderAdd', () => expectStatus(200, invokeAdd(jwt, { name: 'scoped', scopes: ['orders:read'], allowedCidrs: ['127.0.0.0/8'] })));

  // Roll: with a grace (the old lookup item retires), again within it (the predecessor's lookup
  // item is deleted), without a grace (the old lookup item is deleted); a bad checksum (the session
  // check only) and a token already rolled away (404).
  const [first, second, third] = keys as [AuthHeader, AuthHeader, AuthHeader, AuthHeader];
  const once = await as('AuthHeaderRoll', () => rolled(jwt, first.token));
  const twice = await as('AuthHeaderRoll', () => rolled(jwt, once.token));
  const noGrace = await as('AuthHeaderRoll', () => rolled(jwt, twice.token, 0));
  await as('AuthHeaderRoll', () => expectStatus(404, roll(jwt, badChecksum(noGrace.token))));
  await as('AuthHeaderRoll', () => expectStatus(404, roll(jwt, once.token)));

  // Delete of a key within a roll's grace (its predecessor's lookup item goes with it), and of a
  // text with a bad checksum (the session check only, no auth-header read).
  const inGrace = await as('AuthHeaderRoll', () => rolled(jwt, second.token));
  await as('AuthHeaderDelete', () => expectStatus(200, deleteHeader(jwt, inGrace.token)));
  await as('AuthHeaderDelete', () => expectStatus(404, deleteHeader(jwt, badChecksum(noGrace.token))));

  // The authorizer's key path (with its lastUsed write), a rolled-away token in its grace, a bad
  // checksum (refused without a call), and the JWT path, in front of GET /user/me.
  await me(noGrace.token);
  const successor = await as('AuthHeaderRoll', () => rolled(jwt, third.token));
  await me(third.token);
  await me(successor.token);
  expect((await as('Authorizer', () => authorize(restAuthorizerEvent(badChecksum(successor.token))))).error?.message).toBe('Unauthorized');
  await me(bearer(jwt));

  // Revoke: a key within a roll's grace (the lookup read; both tokens' marks and the owner's flag
  // in one transaction; the charge freed), an unknown well-formed token (the same read; its failure
  // counted), a bad checksum (no token read; a failure), then an address that has spent its
  // failures (unrecorded) is refused after reading its counter.
  await as('AuthHeaderRevoke', () => expectStatus(200, revoke(third.token)));
  await as('AuthHeaderRevoke', () => expectStatus(200, revoke(generateToken())));
  await as('AuthHeaderRevoke', () => expectStatus(200, revoke(badChecksum(noGrace.token))));
  const sprayer = freshIp();
  for (let i = 0; i < config.revokeMaxFailuresPerIp; i++) await expectStatus(200, revoke('junk', sprayer));
  await as('AuthHeaderRevoke', () => expectStatus(429, revoke('junk', sprayer)));

  // Refresh: a rotation, then the used token again after the grace (reuse ends the session).
  const session = await as('Login', () => ok(callLogin(user.username, user.password)));
  const rotated = await as('UserRefresh', () => ok(refresh(session.RefreshToken)));
  clockAt(Date.now() + 10_500);
  await as('UserRefresh', () => expectStatus(401, refresh(session.RefreshToken)));
  jest.useRealTimers();
  await as('UserRefresh', () => expectStatus(401, refresh(rotated.RefreshToken)));

  // Logout: this session, then every session.
  await as('UserLogout', () => expectStatus(200, logout(jwt)));
  const again = await as('Login', () => loginAs(user));
  await as('UserLogout', () => expectStatus(200, logout(again, { all: true })));

  // Password change: a wrong password, then the change (hash, version and new session in one transaction).
  await as('UserPassword', () => expectStatus(401, changePassword({ username: user.username, password: 'Wrong-Password-0000', newPassword: 'Another-Horse-Battery-7' })));
  await as('UserPassword', () => ok(changePassword({ username: user.username, password: user.password, newPassword: 'Another-Horse-Battery-7' })));

  await driveMfa();
}

const functionIds = [...routes.map((route) => route.id), 'Authorizer'];
const requests = new Map<string, IamRequest[]>();

beforeAll(async () => {
  await driveEveryFunction();
  for (const [id, calls] of recordedCalls()) requests.set(id, calls.flatMap((call) => iamRequestsOf(call, policies)));
}, 120_000);

describe('the simulation covers', () => {
  test('every function of the template: each route of lib/routes.ts and the authorizer', () => {
    expect(policies.functionIds().sort()).toEqual([...functionIds].sort());
  });

  test.each(functionIds)('%s: its calls were recorded', (id) => {
    expect(requests.get(id)?.length ?? 0).toBeGreaterThan(0);
  });
});

describe('every request the code makes is allowed by its function role', () => {
  test.each(functionIds)('%s', async (id) => {
    const policy = policies.policyOf(id);
    const refused: string[] = [];
    for (const request of requests.get(id) ?? []) {
      const decision = await decide(policy, request);
      if (decision !== 'Allowed') refused.push(`${decision}: ${request.action} ${request.origin} ${JSON.stringify(request.context)}`);
    }
    expect(refused).toEqual([]);
  });
});

/**
 * What each function may write and read, beyond which everything is denied. One row per function:
 * a function without a row fails the run.
 */
interface Allowance {
  /** Reads `passwordHash` (login's credential check). */
  readsPasswordHash?: true;
  /** Writes `passwordHash` (the password change). */
  writesPasswordHash?: true;
  /** Reads the session's refresh-token hashes (`live`, `used`). */
  readsRefreshHashes?: true;
  /** Tables it writes, with the attributes an UpdateItem may name ('items': new items it puts or deletes whole). */
  writes: Partial<Record<TableId, readonly string[] | 'items'>>;
  secrets: readonly KeyName[];
  /** Further requests it must be refused: [what, action, table, attributes named, leading key, other condition keys]. */
  denied?: readonly (readonly [string, string, TableId, readonly string[] | undefined, string, Record<string, string>?])[];
}

const LEADING_KEYS: Record<TableId, string> = { users: 'john.doe', authHeaders: 'USER#1234', loginThrottle: 'user#abc', sessions: 'sid-1' };
/** The login counters' functions never touch revoke's per-address counters. */
const NO_REVOKE_COUNTER = [
  ["UpdateItem of revoke's counter", 'UpdateItem', 'loginThrottle', ['key', 'room'], 'revoke#x'],
  ["GetItem of revoke's counter", 'GetItem', 'loginThrottle', undefined, 'revoke#x'],
] as const;

const THROTTLE_ATTRIBUTES = ['key', 'room', 'inflight', 'lockedUntil', 'expiresAt', 'v'];
/** A code's proof on the profile (login, password change): the TOTP step, or a recovery code taken out. */
const MFA_PROOF = ['totpSecret', 'totpLastStep', 'recoveryCodes'];
/** What the MFA routes' profile Update may name: the MFA attributes, the session check's. */
const MFA_ROUTE_WRITES = ['username', 'id', 'passwordVersion', 'sessionEpoch', 'totpSecret', 'totpPending', 'totpLastStep', 'recoveryCodes', 'mfaEnabled'];

const ALLOWANCES: Record<string, Allowance> = {
  // One profile Update in the success write: the rehash and the MFA code's proof, nothing else.
  Login: {
    readsPasswordHash: true,
    writesPasswordHash: true,
    writes: { users: ['username', 'passwordHash', ...MFA_PROOF], loginThrottle: THROTTLE_ATTRIBUTES, sessions: 'items' },
    secrets: ['jwt', 'tokenHmac', 'tokenEncryption'],
    denied: NO_REVOKE_COUNTER,
  },
  AuthHeaderAdd: { writes: { authHeaders: ['pk', 'sk', 'headerCount'] }, secrets: ['jwt', 'tokenHmac', 'tokenEncryption'] },
  AuthHeaderList: { writes: {}, secrets: ['jwt', 'tokenEncryption'] },
  AuthHeaderDelete: { writes: { authHeaders: ['pk', 'sk', 'headerCount'] }, secrets: ['jwt', 'tokenHmac'] },
  // Roll puts and deletes whole auth-header items; its one UpdateItem names only the grace's attributes.
  // (Its UpdateItem is a transaction item: like the counter's, its grant holds whether or not AWS
  // fills in dynamodb:Attributes, so a request naming none is not probed here.)
  AuthHeaderRoll: {
    writes: { authHeaders: 'items' },
    secrets: ['jwt', 'tokenHmac', 'tokenEncryption'],
    denied: [
      ['UpdateItem of a lookup item beyond the grace (revokedAt)', 'UpdateItem', 'authHeaders', ['retiresAt', 'revokedAt'], 'TOKEN#abc'],
      ["UpdateItem of an owner's item (the counter does not move)", 'UpdateItem', 'authHeaders', ['headerCount'], 'USER#1234'],
      ['GetItem of a lookup item', 'GetItem', 'authHeaders', undefined, 'TOKEN#abc'],
      ['Query of the auth headers', 'Query', 'authHeaders', undefined, 'USER#1234'],
    ],
  },
  // Revoke reads a lookup item's revocation attributes (projected), sets only revokedAt (lookup
  // items and an owner's copy, returning nothing) and keeps only its own revoke# counters.
  AuthHeaderRevoke: {
    writes: { authHeaders: ['pk', 'sk', 'revokedAt'], loginThrottle: THROTTLE_ATTRIBUTES },
    secrets: ['tokenHmac'],
    denied: [
      ["UpdateItem of an owner's item beyond revokedAt", 'UpdateItem', 'authHeaders', ['pk', 'sk', 'lastUsed'], 'USER#1234'],
      ["UpdateItem of an owner's item, returning it", 'UpdateItem', 'authHeaders', ['pk', 'sk', 'revokedAt'], 'USER#1234', { 'dynamodb:ReturnValues': 'ALL_OLD' }],
      ...(['pair#x', 'user#x', 'ip#x'] as const).flatMap((key) => [
        [`UpdateItem of login's counter ${key}`, 'UpdateItem', 'loginThrottle', ['key', 'room'], key] as const,
        [`GetItem of login's counter ${key}`, 'GetItem', 'loginThrottle', undefined, key] as const,
      ]),
      ['DeleteItem of its own counter', 'DeleteItem', 'loginThrottle', undefined, 'revoke#x'],
      ['PutItem of a lookup item', 'PutItem', 'authHeaders', undefined, 'TOKEN#abc'],
      ['DeleteItem of a lookup item', 'DeleteItem', 'authHeaders', undefined, 'TOKEN#abc'],
      ['GetItem of a whole lookup item', 'GetItem', 'authHeaders', undefined, 'TOKEN#abc'],
      ["GetItem of an owner's item (its encrypted token)", 'GetItem', 'authHeaders', ['pk', 'sk', 'tokenCiphertext'], 'USER#1234', { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }],
      ['UpdateItem of a lookup item beyond revokedAt', 'UpdateItem', 'authHeaders', ['pk', 'sk', 'userId'], 'TOKEN#abc'],
      ["UpdateItem of a lookup item's expiry", 'UpdateItem', 'authHeaders', ['pk', 'sk', 'expiresAt'], 'TOKEN#abc'],
      ['UpdateItem of a lookup item, returning it', 'UpdateItem', 'authHeaders', ['pk', 'sk', 'revokedAt'], 'TOKEN#abc', { 'dynamodb:ReturnValues': 'ALL_OLD' }],
      ...(['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem'] as const).flatMap((action) =>
        (['users', 'sessions', 'loginThrottle'] as const).map((table) => [`${action} of ${table}`, action, table, undefined, LEADING_KEYS[table]] as const),
      ),
    ],
  },
  UserMe: { writes: {}, secrets: [] },
  UserPassword: {
    readsPasswordHash: true,
    writesPasswordHash: true,
    writes: { users: ['username', 'passwordHash', 'passwordExpiration', 'passwordVersion', ...MFA_PROOF], loginThrottle: THROTTLE_ATTRIBUTES, sessions: 'items' },
    secrets: ['jwt', 'tokenHmac', 'tokenEncryption'],
    denied: NO_REVOKE_COUNTER,
  },
  UserRefresh: { readsRefreshHashes: true, writes: { sessions: ['sid', 'live', 'used', 'lastUsedAt', 'graceSpent', 'rev'] }, secrets: ['jwt', 'tokenHmac'] },
  UserLogout: { writes: { users: ['username', 'id', 'passwordVersion', 'sessionEpoch'], sessions: 'items' }, secrets: ['jwt'] },
  Authorizer: { writes: { authHeaders: ['pk', 'sk', 'lastUsed'] }, secrets: ['jwt', 'tokenHmac'] },
  // The MFA routes: never the hash, only the profile's MFA attributes (with the session check's),
  // no auth header; only disable goes through login's throttle.
  MfaTotpSetup: { writes: { users: MFA_ROUTE_WRITES }, secrets: ['jwt', 'tokenEncryption'] },
  MfaTotpConfirm: { writes: { users: MFA_ROUTE_WRITES }, secrets: ['jwt', 'tokenHmac', 'tokenEncryption'] },
  MfaDisable: { writes: { users: MFA_ROUTE_WRITES, loginThrottle: THROTTLE_ATTRIBUTES }, secrets: ['jwt', 'tokenHmac', 'tokenEncryption'], denied: NO_REVOKE_COUNTER },
};

const keysOf = (table: TableId) => {
  const definition = TABLES[table];
  return [definition.partitionKey, ...('sortKey' in definition ? [definition.sortKey as string] : [])];
};
const LEADING: Record<TableId, string> = LEADING_KEYS;

interface Probe {
  what: string;
  request: IamRequest;
}

function probe(what: string, action: string, table: TableId, attributes: readonly string[] | undefined, extra: Record<string, string> = {}, leading = LEADING[table]): Probe {
  const context: Record<string, string | string[]> = { 'dynamodb:LeadingKeys': [leading], ...extra };
  if (attributes) context['dynamodb:Attributes'] = [...new Set([...keysOf(table), ...attributes])];
  return { what, request: { action: `dynamodb:${action}`, resource: policies.tableArn(table), context, origin: what } };
}

/** The requests a function with this allowance must be refused. */
function forbidden(allowance: Allowance): Probe[] {
  const probes: Probe[] = [];
  const reads = ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem'];
  for (const table of Object.keys(TABLES) as TableId[]) {
    // Whole-item reads (naming no attribute) of users: never; of sessions: only by the refresh.
    if (table === 'users' || (table === 'sessions' && !allowance.readsRefreshHashes)) {
      for (const action of ['GetItem', 'BatchGetItem', 'Query']) probes.push(probe(`${action} of whole ${table} items`, action, table, undefined, { 'dynamodb:Select': 'ALL_ATTRIBUTES' }));
    }
    const written = allowance.writes[table];
    if (!written) {
      for (const action of ['PutItem', 'UpdateItem', 'DeleteItem']) {
        probes.push(probe(`${action} on ${table} (read only)`, action, table, []));
        probes.push(probe(`${action} on ${table} (read only), naming no attribute`, action, table, undefined));
      }
    } else if (written !== 'items') {
      probes.push(probe(`UpdateItem of ${table} beyond ${written.join(', ')}`, 'UpdateItem', table, [...written.filter((name) => !keysOf(table).includes(name)), 'isAdmin']));
    }
  }
  if (!allowance.readsPasswordHash) {
    for (const action of reads) probes.push(probe(`${action} reading passwordHash`, action, 'users', ['passwordHash'], action === 'ConditionCheckItem' ? {} : { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }));
  }
  if (!allowance.writesPasswordHash) {
    for (const action of ['PutItem', 'UpdateItem']) probes.push(probe(`${action} writing passwordHash`, action, 'users', ['passwordHash']));
  }
  if (!allowance.readsRefreshHashes) {
    for (const action of ['GetItem', 'BatchGetItem']) probes.push(probe(`${action} reading refresh-token hashes`, action, 'sessions', ['live', 'used'], { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }));
  }
  for (const [what, action, table, attributes, leading, extra] of allowance.denied ?? []) probes.push(probe(what, action, table, attributes, extra, leading));
  for (const name of KEY_NAMES) {
    const resource = policies.secretArnOf(name);
    if (!allowance.secrets.includes(name)) probes.push({ what: `GetSecretValue of ${name}`, request: { action: 'secretsmanager:GetSecretValue', resource, context: {}, origin: name } });
    probes.push({ what: `DescribeSecret of ${name}`, request: { action: 'secretsmanager:DescribeSecret', resource, context: {}, origin: name } });
  }
  return probes;
}

describe('deny matrix: what each function must not be able to do is ImplicitlyDenied', () => {
  test('every function has a row', () => {
    expect(Object.keys(ALLOWANCES).sort()).toEqual([...functionIds].sort());
  });

  test.each(functionIds)('%s', async (id) => {
    const allowance = ALLOWANCES[id];
    if (!allowance) throw new Error(`no deny-matrix row for ${id}`);
    const policy: PolicyDocument = policies.policyOf(id);
    const probes = forbidden(allowance);
    expect(probes.length).toBeGreaterThan(5);
    const allowed: string[] = [];
    for (const { what, request } of probes) {
      const decision = await decide(policy, request);
      if (decision !== 'ImplicitlyDenied') allowed.push(`${decision}: ${what}`);
    }
    expect(allowed).toEqual([]);
  });
});
