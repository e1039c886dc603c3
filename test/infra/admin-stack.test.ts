import { beforeEach, expect, test } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { StackLookupError, tablesFromStack } from '../../lib/tools/admin/stackOutputs';

const cloudFormation = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

const output = (OutputKey: string, OutputValue: string) => ({ OutputKey, OutputValue });

beforeEach(() => {
  cloudFormation.reset();
});

test('reads every table name from the stack outputs', async () => {
  // Prepare
  cloudFormation.on(DescribeStacksCommand, { StackName: 'AuthService' }).resolves({
    Stacks: [
      {
        StackName: 'AuthService',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [
          output('ApiUrl', 'https://example.execute-api.eu-west-1.amazonaws.com/v1/'),
          output('UsersTableName', 'AuthService-UsersTable-1'),
          output('AuthHeadersTableName', 'AuthService-AuthHeadersTable-2'),
          output('LoginThrottleTableName', 'AuthService-LoginThrottleTable-3'),
          output('SessionsTableName', 'AuthService-SessionsTable-4'),
        ],
      },
    ],
  });
  // Act
  const tables = await tablesFromStack('AuthService', 'eu-west-1', client);
  // Assess
  expect(tables).toEqual({ users: 'AuthService-UsersTable-1', authHeaders: 'AuthService-AuthHeadersTable-2', loginThrottle: 'AuthService-LoginThrottleTable-3', sessions: 'AuthService-SessionsTable-4' });
});

test('an unknown stack is a clear error', async () => {
  cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
  const failure = tablesFromStack('Nope', 'eu-west-1', client);
  await expect(failure).rejects.toBeInstanceOf(StackLookupError);
  await expect(failure).rejects.toThrow('stack "Nope" not found in eu-west-1');
});

test('a missing output names the output', async () => {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'Other', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [output('UsersTableName', 'u')] }],
  });
  await expect(tablesFromStack('Other', undefined, client)).rejects.toThrow(/no "AuthHeadersTableName" output/);
});

test('other failures (e.g. no credentials) are reported with the stack name', async () => {
  cloudFormation.on(DescribeStacksCommand).rejects(new Error('Could not load credentials from any providers'));
  await expect(tablesFromStack('AuthService', undefined, client)).rejects.toThrow('could not read stack "AuthService": Could not load credentials from any providers');
});
