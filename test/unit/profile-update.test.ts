/** A second factor's proof as a transaction item of its own, or merged into a password change's profile Update. */
import { profileUpdateItem, usedValues, withProfilePart } from '../../lib/data/profileUpdate';

const step = { set: ['totpLastStep = :mfaStep'], condition: 'totpSecret = :mfaSecretAsRead AND totpLastStep < :mfaStep', values: { ':mfaStep': 7, ':mfaSecretAsRead': 'sealed' } };
const recovery = { delete: ['recoveryCodes :mfaCodeSet'], condition: 'contains(recoveryCodes, :mfaCode)', values: { ':mfaCode': 'h', ':mfaCodeSet': new Set(['h']) } };

test('alone: its own Update with its actions, condition and values', () => {
  expect(profileUpdateItem('users', { username: 'ann' }, recovery)).toEqual({
    Update: { TableName: 'users', Key: { username: 'ann' }, UpdateExpression: 'DELETE recoveryCodes :mfaCodeSet', ConditionExpression: 'contains(recoveryCodes, :mfaCode)', ExpressionAttributeValues: recovery.values },
  });
});

test('merged: both SETs, both conditions, all values; a DELETE clause after the SET', () => {
  const host = { UpdateExpression: 'SET passwordHash = :hash', ConditionExpression: 'passwordVersion = :from', ExpressionAttributeValues: { ':hash': 'x', ':from': 1 } };

  expect(withProfilePart(host, step)).toEqual({
    UpdateExpression: 'SET passwordHash = :hash, totpLastStep = :mfaStep',
    ConditionExpression: '(passwordVersion = :from) AND (totpSecret = :mfaSecretAsRead AND totpLastStep < :mfaStep)',
    ExpressionAttributeValues: { ':hash': 'x', ':from': 1, ':mfaStep': 7, ':mfaSecretAsRead': 'sealed' },
  });
  expect(withProfilePart(host, recovery).UpdateExpression).toBe('SET passwordHash = :hash DELETE recoveryCodes :mfaCodeSet');
  expect(withProfilePart(host, undefined)).toBe(host);
  expect(() => withProfilePart({ UpdateExpression: 'SET a = :a REMOVE b' }, step)).toThrow(/SET-only/);
});

test('only the values the expressions name (DynamoDB refuses unused ones), a prefix not mistaken for a longer name', () => {
  expect(usedValues(recovery.values, 'contains(recoveryCodes, :mfaCode)')).toEqual({ ':mfaCode': 'h' });
  expect(usedValues(recovery.values, 'DELETE recoveryCodes :mfaCodeSet')).toEqual({ ':mfaCodeSet': recovery.values[':mfaCodeSet'] });
});
