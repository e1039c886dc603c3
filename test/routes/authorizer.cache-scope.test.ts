/**
 * The authorizer's own cache never lets a refused key pass for longer than AUTHORIZER_CACHE_SECONDS
 * overall: it is keyed as the gateway's cache is (per API and stage, on the credential and the
 * client's address), so it only ever answers for an (API, credential, address) whose gateway cache
 * holds the same answer. Keyed on the credential alone, an answer cached for one address or one API
 * would seed another gateway cache for a whole TTL more, up to twice the bound after a revocation.
 */
import { beforeAll, expect, test } from '@jest/globals';
import { ensureTestTables, loadHandler } from '../helpers/late';

// Read at import by lib/config.ts: the in-function cache on, as deployed (tests turn it off).
process.env.AUTHORIZER_CACHE_SECONDS = '60';

type Outcome = import('../helpers/authorizer').Outcome;
let helpers: typeof import('../helpers/authorizer');
let api: typeof import('../helpers/api');
let revoke: (text: string) => Promise<unknown>;

beforeAll(async () => {
  await ensureTestTables();
  helpers = await import('../helpers/authorizer');
  api = await import('../helpers/api');
  const handler = await loadHandler('authheader-revoke');
  const { invoke } = await import('../helpers/invoke');
  revoke = (text) => invoke(handler, { method: 'POST', path: '/authheader/revoke', body: { text } });
});

test("after a revocation, only the (API, address) that cached the key's answer still gets it; another address or API sharing the function is refused at once", async () => {
  const { key } = await api.userWithKey();
  const from = (sourceIp: string, apiId = helpers.API_ID): Promise<Outcome> => {
    const event = helpers.restAuthorizerEvent(helpers.bearer(key.token));
    event.requestContext.identity.sourceIp = sourceIp;
    event.methodArn = event.methodArn.replace(helpers.API_ID, apiId);
    return helpers.authorize(event);
  };
  expect((await from('203.0.113.20')).allowed).toBeDefined();

  await revoke(key.token);

  // The same API and address: what that API's gateway has cached anyway, for at most its TTL.
  expect((await from('203.0.113.20')).allowed).toBeDefined();
  // Another address, or another API: its gateway would cache this answer for a whole TTL more.
  expect((await from('203.0.113.21')).error?.message).toBe('Unauthorized');
  expect((await from('203.0.113.20', 'otherapi99')).error?.message).toBe('Unauthorized');
});
