/**
 * POST /authheader/revoke: no credential; the same 200 whatever the token; the key refused from
 * then on (both tokens within a roll's grace); the same DynamoDB work for an unknown well-formed
 * token as for a real one; the audit line names the key, never the token.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { handler as revokeHandler } from '../../functions/authheader-revoke';
import { handler as rollHandler } from '../../functions/authheader-roll';
import { generateToken } from '../../lib/auth/tokens';
import { documentClient } from '../../lib/data/client';
import { listHeaders, userWithKey } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';
import { useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();
afterEach(() => {
  jest.restoreAllMocks();
});

const revoke = (text: unknown, options: { token?: string } = {}) => invoke(revokeHandler, { method: 'POST', path: '/authheader/revoke', body: { text }, ...options });
const refused = async (token: string) => (await authorize(restAuthorizerEvent(bearer(token)))).error?.message === 'Unauthorized';

describe('POST /authheader/revoke', () => {
  test('needs no credential: 200 { message: "Success" }, and the key is refused from then on', async () => {
    const { jwt, key } = await userWithKey();
    expect(await refused(key.token)).toBe(false);

    const response = await revoke(key.token);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ message: 'Success' });
    expect(await refused(key.token)).toBe(true);
    // Still listed for its owner, who can delete it.
    expect(((await listHeaders(jwt)).body as { id: string }[]).map((header) => header.id)).toEqual([key.id]);
  });

  test.each([
    ['an unknown well-formed token', () => generateToken()],
    ['a token with a wrong checksum', () => `${generateToken().slice(0, -1)}0`],
    ['junk', () => 'not a token at all'],
    ['an already revoked token', () => 'again'],
  ])('answers %s exactly the same', async (_what, textOf) => {
    const { key } = await userWithKey();
    const text = textOf() === 'again' ? key.token : textOf();
    if (text === key.token) await revoke(key.token);

    const response = await revoke(text);

    expect(response.statusCode).toBe(200);
    expect(response.rawBody).toBe('{"message":"Success"}');
  });

  test('an unknown well-formed token costs the same DynamoDB work as a real one: one UpdateItem', async () => {
    const { key } = await userWithKey();
    const spy = jest.spyOn(documentClient, 'send');

    await revoke(generateToken());
    const unknownCalls = spy.mock.calls.map(([command]) => command.constructor.name);
    spy.mockClear();
    await revoke(key.token);
    const realCalls = spy.mock.calls.map(([command]) => command.constructor.name);

    expect(unknownCalls).toEqual(['UpdateCommand']);
    expect(realCalls).toEqual(unknownCalls);
  });

  test('within a roll’s grace, revoking either token refuses both', async () => {
    for (const which of ['old', 'new'] as const) {
      const { jwt, key } = await userWithKey();
      const rolled = (await invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body: { text: key.token } })).body as { token: string };

      await revoke(which === 'old' ? key.token : rolled.token);

      expect({ which, old: await refused(key.token), new: await refused(rolled.token) }).toEqual({ which, old: true, new: true });
    }
  });

  test('400 for a body without a string text (the only thing it checks)', async () => {
    expect((await revoke(42)).statusCode).toBe(400);
  });
});
