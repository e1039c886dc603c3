/**
 * test/helpers/iam/requests.ts: a recorded DynamoDB call → the IAM requests AWS authorizes, with the
 * condition keys of the DynamoDB guide (the model the IAM simulation evaluates).
 */
import { describe, expect, test } from '@jest/globals';
import type { TableId } from '../../lib/data/table';
import { expressionAttributes, iamRequestsOf, type TableNaming } from '../helpers/iam/requests';

const naming: TableNaming = {
  tableIdOf: (name) => ({ u: 'users', h: 'authHeaders', s: 'sessions', t: 'loginThrottle' })[name] as TableId | undefined,
  tableArn: (table) => `arn:aws:dynamodb:us-east-1:123456789012:table/${table}`,
  secretArn: (id) => id,
};

describe('expressionAttributes', () => {
  test('top-level names: #aliases resolved, bare names kept, functions, keywords and values left out', () => {
    expect(expressionAttributes('SET #a = :x, b.c = if_not_exists(b, :y) ADD d :one REMOVE e[0]', { '#a': 'alpha' }).sort()).toEqual(['alpha', 'b', 'd', 'e']);
    expect(expressionAttributes('attribute_not_exists(pk) OR (size(#l) < #r AND begins_with(sk, :p))', { '#l': 'live', '#r': 'room' }).sort()).toEqual(['live', 'pk', 'room', 'sk']);
    expect(() => expressionAttributes('#missing = :x', {})).toThrow(/ExpressionAttributeNames/);
  });
});

describe('iamRequestsOf', () => {
  test('a projected GetItem: its attributes and the table key, SPECIFIC_ATTRIBUTES, the partition key value', () => {
    const [request, ...rest] = iamRequestsOf({ command: 'GetItemCommand', input: { TableName: 'u', Key: { username: { S: 'ada' } }, ProjectionExpression: '#a0, #a1', ExpressionAttributeNames: { '#a0': 'id', '#a1': 'passwordVersion' } } }, naming);
    expect(rest).toEqual([]);
    expect(request).toMatchObject({
      action: 'dynamodb:GetItem',
      resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/users',
      context: { 'dynamodb:LeadingKeys': ['ada'], 'dynamodb:Attributes': ['username', 'id', 'passwordVersion'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  test('a GetItem without projection names no attributes and selects ALL_ATTRIBUTES', () => {
    const [request] = iamRequestsOf({ command: 'GetItemCommand', input: { TableName: 't', Key: { key: { S: 'k1' } } } }, naming);
    expect(request?.context['dynamodb:Attributes']).toBeUndefined();
    expect(request?.context['dynamodb:Select']).toBe('ALL_ATTRIBUTES');
  });

  test("TransactWriteItems: one request per item with its own action, and each item both with and without dynamodb:Attributes", () => {
    const requests = iamRequestsOf(
      {
        command: 'TransactWriteItemsCommand',
        input: {
          TransactItems: [
            { ConditionCheck: { TableName: 'u', Key: { username: { S: 'ada' } }, ConditionExpression: 'id = :id' } },
            { Update: { TableName: 'h', Key: { pk: { S: 'USER#1' }, sk: { S: 'COUNTER' } }, UpdateExpression: 'ADD headerCount :one' } },
          ],
        },
      },
      naming,
    );
    const actions = requests.map((request) => request.action);
    expect(new Set(actions)).toEqual(new Set(['dynamodb:ConditionCheckItem', 'dynamodb:UpdateItem']));
    const updates = requests.filter((request) => request.action === 'dynamodb:UpdateItem');
    expect(updates.map((request) => request.context['dynamodb:Attributes'])).toContainEqual(['pk', 'sk', 'headerCount']);
    expect(updates.some((request) => request.context['dynamodb:Attributes'] === undefined)).toBe(true);
    expect(updates.every((request) => request.context['dynamodb:EnclosingOperation'] === 'TransactWriteItems')).toBe(true);
    expect(updates.every((request) => JSON.stringify(request.context['dynamodb:LeadingKeys']) === '["USER#1"]')).toBe(true);
  });

  test('BatchGetItem: one request per table; Query: the partition key from the key condition, and the index ARN', () => {
    const batch = iamRequestsOf({ command: 'BatchGetItemCommand', input: { RequestItems: { u: { Keys: [{ username: { S: 'ada' } }] }, s: { Keys: [{ sid: { S: 's1' } }] } } } }, naming);
    expect(batch.map((request) => request.resource.split('/').at(-1)).sort()).toEqual(['sessions', 'users']);
    const [query] = iamRequestsOf({ command: 'QueryCommand', input: { TableName: 'h', IndexName: 'byUser', KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)', ExpressionAttributeValues: { ':pk': { S: 'USER#9' }, ':h': { S: 'HEADER#' } } } }, naming);
    expect(query?.resource).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/authHeaders/index/byUser');
    expect(query?.context['dynamodb:LeadingKeys']).toEqual(['USER#9']);
  });

  test('an operation the model does not know fails loudly', () => {
    expect(() => iamRequestsOf({ command: 'ScanCommand', input: { TableName: 'u' } }, naming)).toThrow(/does not know ScanCommand/);
  });
});
