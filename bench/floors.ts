/**
 * The floors: the DynamoDB work (and for login the bcrypt work) each route cannot avoid, issued
 * directly with the document client in the same shapes as lib/data/userRepository.ts and
 * lib/data/authHeaderRepository.ts. A route's ratio against its floor is what the HTTP server, middy, JWT,
 * crypto and JSON add on top.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { config } from '../lib/config';
import { documentClient } from '../lib/data/client';
import { projection } from '../lib/data/dynamo';
import { authHeaderKeys as keys, usernameKey } from '../lib/data/table';
import type { BenchUser } from './fixtures';

/**
 * The throttle's charge: one transaction adding an in-flight element to three counters (username
 * with address, username, address), shaped as lib/data/loginThrottleRepository.ts does. Fresh keys
 * each time, since these charges are never settled and would fill their counters.
 */
function throttleCharge(): TransactWriteCommand {
  const nowMs = Date.now();
  const element = `${nowMs}:${randomBytes(6).toString('base64url')}`;
  const update = (limit: number) => ({
    Update: {
      TableName: config.tables.loginThrottle,
      Key: { key: `floor#${randomBytes(32).toString('base64url')}` },
      UpdateExpression: 'SET #room = if_not_exists(#room, :limit), #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #inflight :element, #v :one',
      ConditionExpression:
        'attribute_not_exists(#key) OR (#expiresAt > :nowS AND (attribute_not_exists(#lockedUntil) OR #lockedUntil <= :nowMs) AND ((attribute_not_exists(#inflight) AND #room > :zero) OR size(#inflight) < #room))',
      ExpressionAttributeNames: { '#key': 'key', '#room': 'room', '#inflight': 'inflight', '#lockedUntil': 'lockedUntil', '#expiresAt': 'expiresAt', '#v': 'v' },
      ExpressionAttributeValues: {
        ':limit': limit,
        ':expiresAt': Math.floor(nowMs / 1000) + 3600,
        ':element': new Set([element]),
        ':one': 1,
        ':zero': 0,
        ':nowS': Math.floor(nowMs / 1000),
        ':nowMs': nowMs,
      },
    },
  });
  return new TransactWriteCommand({ TransactItems: [update(config.loginMaxFailuresPerUser), update(config.loginMaxFailuresPerUserAllIps), update(config.loginMaxFailuresPerIp)] });
}

const PROFILE_ATTRIBUTES = ['id', 'username', 'email', 'firstname', 'lastname', 'created', 'passwordHash', 'passwordVersion', 'passwordExpiration', 'sessionEpoch'];

/** The profile + session read every JWT route's session check makes (one BatchGetItem). */
export function sessionCheck(user: BenchUser, sid: string, profileProjection = 'id, passwordVersion, sessionEpoch') {
  return documentClient.send(
    new BatchGetCommand({
      RequestItems: {
        [config.tables.users]: { Keys: [{ username: usernameKey(user.record.username) }], ConsistentRead: true, ProjectionExpression: profileProjection },
        [config.tables.sessions]: { Keys: [{ sid }], ConsistentRead: true },
      },
    }),
  );
}

/**
 * The throttle's charge and the user's consistent, projected GetItem side by side (as the service
 * issues them), then one bcrypt compare at the configured cost: the part every login floor shares.
 */
async function chargeReadAndCompare(user: BenchUser, attributes: readonly string[], floor: string): Promise<Record<string, unknown> | undefined> {
  const [, { Item }] = await Promise.all([
    documentClient.send(throttleCharge()),
    documentClient.send(new GetCommand({ TableName: config.tables.users, Key: { username: usernameKey(user.record.username) }, ConsistentRead: true, ...projection(attributes) })),
  ]);
  if (!(await bcrypt.compare(user.password, String(Item?.passwordHash)))) throw new Error(`${floor} floor: password did not match`);
  return Item;
}

/**
 * Login's floor: the charge, read and compare above, then the new session's PutItem. (The route's
 * success write also settles the throttle's counters in the same transaction; the floor leaves
 * those parts out, so the ratio includes them.)
 */
export async function loginFloor(user: BenchUser): Promise<void> {
  await chargeReadAndCompare(user, PROFILE_ATTRIBUTES, 'login');
  await putFloorSession(user);
}

const MFA_PROFILE_ATTRIBUTES = [...PROFILE_ATTRIBUTES, 'totpSecret'];
let floorStep = 1_000_000_000;

/**
 * Login-with-a-code's floor: login's, with the sealed TOTP secret in the same GetItem, and the
 * session's Put and the code's step (conditioned on being newer) in one TransactWriteItems instead of
 * the PutItem. The code's own checking (AES-GCM open, HMAC-SHA1) is left to the route: microseconds.
 * The floor's step is a counter of its own, so it never uses up a code the route needs.
 */
export async function loginWithCodeFloor(user: BenchUser): Promise<void> {
  const Item = await chargeReadAndCompare(user, MFA_PROFILE_ATTRIBUTES, 'login-with-code');
  floorStep += 1;
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: config.tables.sessions, Item: { ...floorSessionItem(user), amr: ['pwd', 'otp'] }, ConditionExpression: 'attribute_not_exists(sid)' } },
        {
          Update: {
            TableName: config.tables.users,
            Key: { username: usernameKey(user.record.username) },
            UpdateExpression: 'SET totpLastStep = :step',
            ConditionExpression: 'totpSecret = :secret AND (attribute_not_exists(totpLastStep) OR totpLastStep < :step)',
            ExpressionAttributeValues: { ':step': floorStep, ':secret': Item?.totpSecret },
          },
        },
      ],
    }),
  );
}

/** List's floor: the profile + session BatchGetItem and the header Query, in parallel as the repository does. */
export async function listFloor(user: BenchUser): Promise<number> {
  const profile = sessionCheck(user, user.session.sid, 'id, passwordVersion, sessionEpoch');
  const query = async () => {
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: config.tables.authHeaders,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :header)',
          ExpressionAttributeValues: { ':pk': keys.userPartition(user.record.id), ':header': keys.headerPrefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      count += page.Items?.length ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  };
  const [, count] = await Promise.all([profile, query()]);
  return count;
}

function profileCondition(user: BenchUser) {
  return {
    ConditionCheck: {
      TableName: config.tables.users,
      Key: { username: usernameKey(user.record.username) },
      ConditionExpression: 'id = :userId AND passwordVersion = :passwordVersion AND (attribute_not_exists(sessionEpoch) OR sessionEpoch = :epoch)',
      ExpressionAttributeValues: { ':userId': user.record.id, ':passwordVersion': user.record.passwordVersion, ':epoch': 0 },
    },
  };
}

function sessionCondition(user: BenchUser) {
  return {
    ConditionCheck: {
      TableName: config.tables.sessions,
      Key: { sid: user.session.sid },
      ConditionExpression: 'userId = :userId AND expiresAt > :now',
      ExpressionAttributeValues: { ':userId': user.record.id, ':now': Math.floor(Date.now() / 1000) },
    },
  };
}

/** Add's floor: the profile and session conditions, the counter and the two Puts in one transaction; returns the hash. */
export async function addFloor(user: BenchUser): Promise<string> {
  const tokenHash = randomBytes(32).toString('base64url');
  const id = randomUUID();
  // Same size as a real ciphertext: "v1." + 12-byte IV + 47-byte token + 16-byte tag, base64url.
  const tokenCiphertext = ['v1', randomBytes(12), randomBytes(47), randomBytes(16)].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        profileCondition(user),
        sessionCondition(user),
        {
          Update: {
            TableName: config.tables.authHeaders,
            Key: keys.counter(user.record.id),
            UpdateExpression: 'ADD headerCount :one',
            ConditionExpression: 'attribute_not_exists(headerCount) OR headerCount < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': config.maxAuthHeadersPerUser },
          },
        },
        {
          Put: {
            TableName: config.tables.authHeaders,
            Item: { ...keys.header(user.record.id, tokenHash), id, name: 'bench-floor', created: new Date().toISOString(), tokenCiphertext, userId: user.record.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: config.tables.authHeaders,
            Item: { ...keys.token(tokenHash), userId: user.record.id, username: user.record.username, headerId: id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
  return tokenHash;
}

/** Delete's floor: the profile and session conditions, the two conditional Deletes and the counter in one transaction. */
export async function deleteFloor(user: BenchUser, tokenHash: string): Promise<void> {
  // The owner's item first, as the route reads it (since roll: a predecessor in its grace goes with it).
  await documentClient.send(new GetCommand({ TableName: config.tables.authHeaders, Key: keys.header(user.record.id, tokenHash), ConsistentRead: true }));
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        profileCondition(user),
        sessionCondition(user),
        {
          Delete: {
            TableName: config.tables.authHeaders,
            Key: keys.token(tokenHash),
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': user.record.id },
          },
        },
        {
          Delete: {
            TableName: config.tables.authHeaders,
            Key: keys.header(user.record.id, tokenHash),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        { Update: { TableName: config.tables.authHeaders, Key: keys.counter(user.record.id), UpdateExpression: 'ADD headerCount :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } } },
      ],
    }),
  );
}

/** A bare session item for the session floors (same shape and size as a real one). */
export async function putFloorSession(user: BenchUser): Promise<string> {
  const item = floorSessionItem(user);
  await documentClient.send(new PutCommand({ TableName: config.tables.sessions, Item: item }));
  return item.sid;
}

function floorSessionItem(user: BenchUser) {
  return {
    sid: randomBytes(16).toString('base64url'),
    userId: user.record.id,
    username: user.record.username,
    passwordVersion: user.record.passwordVersion,
    sessionEpoch: 0,
    created: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    live: [randomBytes(32).toString('base64url')],
    used: [],
    graceSpent: false,
    rev: 0,
    amr: ['pwd'],
  };
}

/** Refresh's floor: the session + profile BatchGetItem, then the conditional rotation UpdateItem. */
export async function refreshFloor(user: BenchUser, sid: string): Promise<void> {
  const { Responses } = await sessionCheck(user, sid, 'id, username, email, firstname, lastname, created, passwordVersion, sessionEpoch, passwordExpiration');
  const session = Responses?.[config.tables.sessions]?.[0];
  const rev = Number(session?.rev ?? 0);
  await documentClient.send(
    new UpdateCommand({
      TableName: config.tables.sessions,
      Key: { sid },
      UpdateExpression: 'SET live = :live, used = :used, lastUsedAt = :now, graceSpent = :false, rev = :next',
      ConditionExpression: 'rev = :rev',
      ExpressionAttributeValues: {
        ':live': [randomBytes(32).toString('base64url')],
        ':used': [...((session?.used as string[]) ?? []), ...((session?.live as string[]) ?? [])].slice(-20),
        ':now': Date.now(),
        ':false': false,
        ':rev': rev,
        ':next': rev + 1,
      },
    }),
  );
}

/** Logout's floor: the profile condition and the session's conditional Delete in one transaction. */
export async function logoutFloor(user: BenchUser, sid: string): Promise<void> {
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        profileCondition(user),
        {
          Delete: {
            TableName: config.tables.sessions,
            Key: { sid },
            ConditionExpression: 'userId = :userId AND expiresAt > :now',
            ExpressionAttributeValues: { ':userId': user.record.id, ':now': Math.floor(Date.now() / 1000) },
          },
        },
      ],
    }),
  );
}

/**
 * Password change's floor: what it cannot avoid — the profile GetItem, bcrypt verify, bcrypt hash
 * at the configured cost, and the transaction writing the new hash and the new session. Applied to
 * `user` (a user of its own: its version moves on each time). Returns the password now set.
 */
export async function passwordChangeFloor(user: BenchUser, current: string, next: string): Promise<string> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.tables.users, Key: { username: usernameKey(user.record.username) }, ConsistentRead: true }),
  );
  if (!(await bcrypt.compare(current, String(Item?.passwordHash)))) throw new Error('password floor: password did not match');
  const hash = await bcrypt.hash(next, config.bcryptCost);
  const version = Number(Item?.passwordVersion);
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: config.tables.users,
            Key: { username: usernameKey(user.record.username) },
            UpdateExpression: 'SET passwordHash = :hash, passwordVersion = :next',
            ConditionExpression: 'passwordVersion = :from',
            ExpressionAttributeValues: { ':hash': hash, ':from': version, ':next': version + 1 },
          },
        },
        {
          Put: {
            TableName: config.tables.sessions,
            Item: { sid: randomBytes(16).toString('base64url'), userId: user.record.id, username: user.record.username, passwordVersion: version + 1, sessionEpoch: 0, live: [hash.slice(0, 43)], used: [], rev: 0 },
          },
        },
      ],
    }),
  );
  return next;
}
