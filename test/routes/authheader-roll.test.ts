/**
 * POST /authheader/roll: a new token for the same key in one transaction; during the grace both
 * tokens verify with the same authHeaderId; after it the old one is refused everywhere, also by
 * the authorizer's own cache. Unknown, rolled-away, malformed or another user's token → 404.
 */
import { describe, expect, test } from '@jest/globals';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/data/client';
import { handler as addHandler } from '../../functions/authheader-add';
import { handler as rollHandler } from '../../functions/authheader-roll';
import { hasValidChecksum, generateToken } from '../../lib/auth/tokens';
import { AnswerCache, authenticate } from '../../lib/services/authorizerService';
import { InvalidSessionError } from '../../lib/errors';
import { deleteHeader, listHeaders, loggedInUser } from '../helpers/api';
import { authorize, bearer, restAuthorizerEvent } from '../helpers/authorizer';
import { scanTable, useTestTables } from '../helpers/db';
import { invoke } from '../helpers/invoke';

useTestTables();

const roll = (jwt: string, body: Record<string, unknown>) => invoke(rollHandler, { method: 'POST', path: '/authheader/roll', token: jwt, body });
type Key = { id: string; name: string; token: string; created: string; scopes?: string[]; allowedCidrs?: string[]; expiresAt?: string };

async function userAndKey(extra: Record<string, unknown> = {}) {
  const user = await loggedInUser();
  const added = await invoke(addHandler, { method: 'POST', path: '/authheader/add', token: user.jwt, body: { name: 'rolled', ...extra } });
  return { user, key: added.body as Key };
}

const authHeaderIdOf = async (token: string) => (await authorize(restAuthorizerEvent(bearer(token)))).allowed?.context.authHeaderId;

describe('POST /authheader/roll', () => {
  test('answers the key with a new token (same id, name, scopes, addresses, expiry); both tokens verify with the same id during the grace', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { user, key } = await userAndKey({ scopes: ['orders:read'], allowedCidrs: ['203.0.113.0/24'], expiresAt });

    const response = await roll(user.jwt, { text: key.token });

    expect(response.statusCode).toBe(200);
    const rolled = response.body as Key;
    expect(rolled).toEqual({ ...key, token: expect.any(String) });
    expect(rolled.token).not.toBe(key.token);
    expect(hasValidChecksum(rolled.token)).toBe(true);
    expect(await authHeaderIdOf(key.token)).toBe(key.id);
    expect(await authHeaderIdOf(rolled.token)).toBe(key.id);
    // One key, listed with its new token; the counter did not move.
    // (lastUsed appears: the two verifications above used the key.)
    expect((await listHeaders(user.jwt)).body).toEqual([{ ...rolled, lastUsed: expect.any(String) }]);
    const counter = (await scanTable('authHeaders')).find((item) => item.pk === `USER#${user.id}` && item.sk === 'COUNTER');
    expect(counter?.headerCount).toBe(1);
  });

  test("the old token's lookup item expires by the table's TTL (purgeAt = its retiresAt), so rolled-away tokens do not pile up", async () => {
    const { user, key } = await userAndKey();
    const before = Math.floor(Date.now() / 1000);

    await roll(user.jwt, { text: key.token, graceSeconds: 600 });

    const retired = (await scanTable('authHeaders')).filter((item) => item.userId === user.id && typeof item.retiresAt === 'string');
    expect(retired).toHaveLength(1);
    expect(retired[0]?.purgeAt).toBe(Date.parse(String(retired[0]?.retiresAt)) / 1000);
    expect(retired[0]?.purgeAt).toBeGreaterThanOrEqual(before + 600);
    expect(retired[0]?.purgeAt).toBeLessThanOrEqual(before + 601);
    const { TimeToLiveDescription } = await documentClient.send(new DescribeTimeToLiveCommand({ TableName: config.tables.authHeaders }));
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'purgeAt', TimeToLiveStatus: 'ENABLED' });
  });

  test('after the grace the old token is refused, also through the authorizer’s own cache', async () => {
    const { user, key } = await userAndKey();
    const rolled = (await roll(user.jwt, { text: key.token, graceSeconds: 2 })).body as Key;
    const cache = new AnswerCache(60);

    expect((await authenticate(bearer(key.token), new Date(), cache)).authHeaderId).toBe(key.id);
    const afterGrace = new Date(Date.now() + 3000);
    await expect(authenticate(bearer(key.token), afterGrace, cache)).rejects.toThrow(InvalidSessionError);
    expect((await authenticate(bearer(rolled.token), afterGrace, cache)).authHeaderId).toBe(key.id);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await authorize(restAuthorizerEvent(bearer(key.token)))).error?.message).toBe('Unauthorized');
    expect(await authHeaderIdOf(rolled.token)).toBe(key.id);
  });

  test('graceSeconds 0 ends the old token at once', async () => {
    const { user, key } = await userAndKey();

    const rolled = (await roll(user.jwt, { text: key.token, graceSeconds: 0 })).body as Key;

    expect((await authorize(restAuthorizerEvent(bearer(key.token)))).error?.message).toBe('Unauthorized');
    expect(await authHeaderIdOf(rolled.token)).toBe(key.id);
  });

  test('a second roll ends the first one’s grace; deleting the key during a grace refuses both tokens', async () => {
    const { user, key } = await userAndKey();
    const first = (await roll(user.jwt, { text: key.token })).body as Key;
    const second = (await roll(user.jwt, { text: first.token })).body as Key;

    expect((await authorize(restAuthorizerEvent(bearer(key.token)))).error?.message).toBe('Unauthorized');
    expect(await authHeaderIdOf(first.token)).toBe(key.id);

    expect((await deleteHeader(user.jwt, second.token)).statusCode).toBe(200);
    for (const token of [first.token, second.token]) expect((await authorize(restAuthorizerEvent(bearer(token)))).error?.message).toBe('Unauthorized');
    // Nothing of the key is left behind.
    expect((await scanTable('authHeaders')).filter((item) => item.userId === user.id)).toEqual([]);
  });

  test.each([
    ['a token already rolled away', async (key: Key, jwt: string) => (await roll(jwt, { text: key.token })).statusCode === 200 && key.token],
    ['an unknown token', async () => generateToken()],
    ['a token with a wrong checksum', async (key: Key) => `${key.token.slice(0, -1)}${key.token.endsWith('x') ? 'y' : 'x'}`],
    ['the key id', async (key: Key) => key.id],
  ])('404 for %s, changing nothing', async (_what, textOf) => {
    const { user, key } = await userAndKey();
    const text = (await textOf(key, user.jwt)) as string;
    const before = (await listHeaders(user.jwt)).body;

    const response = await roll(user.jwt, { text });

    expect(response.statusCode).toBe(404);
    expect((await listHeaders(user.jwt)).body).toEqual(before);
  });

  test.each([[-1], [604_801], [1.5], ['10'], [null]])('400 for graceSeconds %j', async (graceSeconds) => {
    const { user, key } = await userAndKey();

    const response = await roll(user.jwt, { text: key.token, graceSeconds });

    expect(response.statusCode).toBe(400);
    expect(await authHeaderIdOf(key.token)).toBe(key.id);
  });
});
