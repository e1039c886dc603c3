/** POST /authheader/add: the contract's 400 and 413 (session failures: common-jwt.security.test.ts). */
import { describe, expect, test } from '@jest/globals';
import { handler } from '../../functions/authheader-add';
import { loggedInUser } from '../helpers/api';
import { useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const add = (jwt: string, options: { body?: unknown; rawBody?: string }) => invoke(handler, { method: 'POST', path: '/authheader/add', token: jwt, ...options });

describe('POST /authheader/add', () => {
  test.each([
    ['no body', undefined],
    ['a missing name', {}],
    ['an empty name', { name: '' }],
    ['a numeric name', { name: 7 }],
    ['an oversized name', { name: 'n'.repeat(129) }],
    ['an array', [{ name: 'x' }]],
  ])('answers 400 for %s', async (_case, body) => {
    const user = await loggedInUser();

    const response = await add(user.jwt, { body });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });

  test('refuses a lone UTF-16 surrogate with a 400 (DynamoDB stores UTF-8)', async () => {
    const user = await loggedInUser();

    const response = await add(user.jwt, { rawBody: '{"name":"key-\\udfff"}' });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringMatching(/valid Unicode/) });
  });

  test('answers 413 for a body over the limit', async () => {
    const user = await loggedInUser();

    const response = await add(user.jwt, { rawBody: JSON.stringify({ name: 'x'.repeat(20_000) }) });

    expect(response.statusCode).toBe(413);
    expect(response.body).toEqual({ message: expect.stringMatching(/at most/) });
  });
});
