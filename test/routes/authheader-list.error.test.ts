/**
 * GET /authheader/list when DynamoDB fails (a mock: DynamoDB Local cannot be made to fail), a
 * generic 500 that names nothing internal. Session failures: common-jwt.security.test.ts.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { documentClient } from '../../lib/data/client';
import { listHeaders, loggedInUser } from '../helpers/api';
import { useTestTables } from '../helpers/db';

useTestTables();

describe('GET /authheader/list', () => {
  test('answers a generic 500 that names no internal or AWS error', async () => {
    const user = await loggedInUser();
    const failure = Object.assign(new Error('ProvisionedThroughputExceededException: table auth-headers'), { name: 'ProvisionedThroughputExceededException' });
    const send = jest.spyOn(documentClient, 'send').mockRejectedValue(failure as never);

    const response = await listHeaders(user.jwt).finally(() => send.mockRestore());

    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ message: 'Internal server error' });
    expect(response.rawBody).not.toMatch(/Provisioned|Exception|auth-headers|stack/i);
  });
});
