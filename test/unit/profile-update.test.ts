/** A second factor's proof as a transaction item of its own (MFA routes), or merged into a success write's one profile Update. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { profileUpdateItem, usedValues } from '../../lib/data/profileUpdate';
import { rehashChange, UserRepository } from '../../lib/data/userRepository';

const step = { set: ['totpLastStep = :mfaStep'], condition: 'totpSecret = :mfaSecretAsRead AND totpLastStep < :mfaStep', values: { ':mfaStep': 7, ':mfaSecretAsRead': 'sealed' } };
const recovery = { delete: ['recoveryCodes :mfaCodeSet'], condition: 'contains(recoveryCodes, :mfaCode)', values: { ':mfaCode': 'h', ':mfaCodeSet': new Set(['h']) } };

test('alone: its own Update with its actions, condition and values', () => {
  expect(profileUpdateItem('users', { username: 'ann' }, recovery)).toEqual({
    Update: { TableName: 'users', Key: { username: 'ann' }, UpdateExpression: 'DELETE recoveryCodes :mfaCodeSet', ConditionExpression: 'contains(recoveryCodes, :mfaCode)', ExpressionAttributeValues: recovery.values },
  });
});

test('in a login\'s success write: the proof merges with the rehash into ONE Update of the profile (SET and DELETE clauses, conditions ANDed, the first change\'s error)', () => {
  const repository = new UserRepository(undefined as unknown as DynamoDBDocumentClient, 'users');
  const usedMeanwhile = new Error('code used meanwhile');
  const proof = { name: 'mfa.step', delete: 'recoveryCodes :mfaCodeSet', condition: recovery.condition, values: recovery.values, onConditionFailed: () => usedMeanwhile };
  const part = repository.changePart('Ann', [proof, rehashChange('$2b$10$old', '$2b$11$new')]);

  expect(part.name).toBe('mfa.step+rehash');
  expect(part.item).toEqual({
    Update: {
      TableName: 'users',
      Key: { username: 'ann' },
      UpdateExpression: 'SET passwordHash = :rehashNew DELETE recoveryCodes :mfaCodeSet',
      ConditionExpression: '(contains(recoveryCodes, :mfaCode)) AND (passwordHash = :rehashChecked)',
      ExpressionAttributeValues: { ...recovery.values, ':rehashNew': '$2b$11$new', ':rehashChecked': '$2b$10$old' },
    },
  });
  expect(part.onConditionFailed?.()).toBe(usedMeanwhile);
  const totp = { name: 'mfa.step', set: step.set.join(', '), condition: step.condition, values: step.values, onConditionFailed: () => usedMeanwhile };
  expect((repository.changePart('ann', [totp]).item.Update as { UpdateExpression: string }).UpdateExpression).toBe('SET totpLastStep = :mfaStep');
});

test('only the values the expressions name (DynamoDB refuses unused ones), a prefix not mistaken for a longer name', () => {
  expect(usedValues(recovery.values, 'contains(recoveryCodes, :mfaCode)')).toEqual({ ':mfaCode': 'h' });
  expect(usedValues(recovery.values, 'DELETE recoveryCodes :mfaCodeSet')).toEqual({ ':mfaCodeSet': recovery.values[':mfaCodeSet'] });
});
