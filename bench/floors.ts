/**
 * The floors: the DynamoDB work (and for login the bcrypt work) each route cannot avoid, issued
 * directly with the document client in the same shapes as lib/data/userRepository.ts and
 * lib/data/authHeaderRepository.ts. A route's ratio against its floor is what the HTTP server, middy, JWT,
 * crypto and JSON add on top.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { config } from '../lib/config';
import { documentClient } from '../lib/data/client';
import { authHeaderKeys as keys, usernameKey } from '../lib/data/table';
import { PROFILE_ATTRIBUTES } from '../lib/data/userRepository';
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

/**
 * Login's floor: the throttle's charge and the user's GetItem side by side (as the service issues
 * them), then one bcrypt compare at the configured cost. Nothing after bcrypt: a success writes
 * nothing.
 */
export async function loginFloor(user: BenchUser): Promise<void> {
  const [, { Item }] = await Promise.all([
    documentClient.send(throttleCharge()),
    documentClient.send(
      new GetCommand({
        TableName: config.tables.users,
        Key: { username: usernameKey(user.record.username) },
        ConsistentRead: true,
        ProjectionExpression: PROFILE_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(PROFILE_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
      }),
    ),
  ]);
  if (!(await bcrypt.compare(user.password, String(Item?.passwordHash)))) throw new Error('login floor: password did not match');
}

/** List's floor: the profile GetItem and the header Query, in parallel as the repository does. */
export async function listFloor(user: BenchUser): Promise<number> {
  const profile = documentClient.send(
    new GetCommand({
      TableName: config.tables.users,
      Key: { username: usernameKey(user.record.username) },
      ConsistentRead: true,
      ProjectionExpression: 'id, passwordVersion',
    }),
  );
  const query = async () => {
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: config.tables.authHeaders,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.userPartition(user.record.id) },
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
      ConditionExpression: 'id = :userId AND passwordVersion = :passwordVersion',
      ExpressionAttributeValues: { ':userId': user.record.id, ':passwordVersion': user.record.passwordVersion },
    },
  };
}

/** Add's floor: the profile condition, the counter and the two Puts in one transaction; returns the hash. */
export async function addFloor(user: BenchUser): Promise<string> {
  const tokenHash = randomBytes(32).toString('base64url');
  const id = randomUUID();
  // Same size as a real ciphertext: "v1." + 12-byte IV + 47-byte token + 16-byte tag, base64url.
  const tokenCiphertext = ['v1', randomBytes(12), randomBytes(47), randomBytes(16)].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        profileCondition(user),
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

/** Delete's floor: the profile condition, the two conditional Deletes and the counter in one transaction. */
export async function deleteFloor(user: BenchUser, tokenHash: string): Promise<void> {
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        profileCondition(user),
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
