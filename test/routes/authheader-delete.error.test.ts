/** POST /authheader/delete: the contract's 404 and 400 (session failures: common-jwt.security.test.ts). */
import { describe, expect, test } from '@jest/globals';
import { handler } from '../../functions/authheader-delete';
import { deleteHeader, loggedInUser } from '../helpers/api';
import { useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const remove = (jwt: string, options: { body?: unknown; rawBody?: string }) => invoke(handler, { method: 'POST', path: '/authheader/delete', token: jwt, ...options });

describe('POST /authheader/delete', () => {
  test('answers the same 404 for an unknown token and for a text that is not even token-shaped', async () => {
    const user = await loggedInUser();

    const unknown = await deleteHeader(user.jwt, `ahk_${'A'.repeat(43)}`);
    const garbage = await deleteHeader(user.jwt, 'not-a-token');

    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toEqual({ message: 'Auth header not found' });
    expect(garbage.statusCode).toBe(404);
    expect(unknown.rawBody).toBe(garbage.rawBody);
  });

  test.each([
    ['no body', undefined],
    ['a missing text', {}],
    ['an empty text', { text: '' }],
    ['a numeric text', { text: 7 }],
    ['an oversized text', { text: 't'.repeat(513) }],
    ['an array', [{ text: 'x' }]],
  ])('answers 400 for %s', async (_case, body) => {
    const user = await loggedInUser();

    const response = await remove(user.jwt, { body });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });

  test('refuses a lone UTF-16 surrogate with a 400 (DynamoDB stores UTF-8)', async () => {
    const user = await loggedInUser();

    const response = await remove(user.jwt, { rawBody: '{"text":"ahk_\\ud83d"}' });

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringMatching(/valid Unicode/) });
  });
});
