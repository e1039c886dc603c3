/**
 * Secrets Manager failing, through the real Powertools provider with the SDK client mocked
 * (aws-sdk-client-mock): a cold start answers 503 and the next request tries again; keys already
 * fetched keep serving while the store is down.
 */
import { GetSecretValueCommand, InternalServiceError, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { KeyStoreUnavailableError } from '../../lib/errors';
import { apiEvent, lambdaContext } from '../helpers/invoke';

// Read once, when lib/config.ts loads: set before the modules under test import it. Powertools'
// own cache is off, so every fetch reaches the (mocked) store and only keys.ts decides what is served.
process.env.KEYS_CACHE_SECONDS = '0';
const { getJwtKeys, getTokenHmacKey, resetKeyCacheForTests } = await import('../../lib/auth/keys');

const secretsManager = mockClient(SecretsManagerClient);
const saved = { ...process.env };
const JWT_SECRET = JSON.stringify({ kid: 'v1', k: 'j'.repeat(64) });

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const outage = () => new InternalServiceError({ message: 'internal failure', $metadata: { httpStatusCode: 500 } });

beforeEach(() => {
  secretsManager.reset();
  resetKeyCacheForTests();
  process.env.JWT_SECRET_ID = 'arn:jwt';
  process.env.TOKEN_HMAC_SECRET_ID = 'arn:hmac';
});

afterAll(() => {
  process.env = { ...saved };
  resetKeyCacheForTests();
  secretsManager.restore();
});

describe('keys from Secrets Manager', () => {
  test.each([
    ['throttles', throttled],
    ['fails', outage],
  ])('when the store %s at cold start: KeyStoreUnavailableError, and the next call tries again', async (_case, failure) => {
    secretsManager.on(GetSecretValueCommand).rejectsOnce(failure()).resolves({ SecretString: JWT_SECRET });

    await expect(getJwtKeys()).rejects.toBeInstanceOf(KeyStoreUnavailableError);
    const keys = await getJwtKeys();

    expect(keys.current.kid).toBe('v1');
    expect(secretsManager.commandCalls(GetSecretValueCommand).length).toBe(2);
  });

  test('keeps serving a key fetched earlier while the store is down, without asking it on every call', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'arn:hmac' }).resolvesOnce({ SecretString: JSON.stringify({ k: 'h'.repeat(64) }) }).rejects(outage());
    const before = await getTokenHmacKey();

    const during = await getTokenHmacKey();
    const callsAfterFirstFailure = secretsManager.commandCalls(GetSecretValueCommand).length;
    const later = await getTokenHmacKey();

    expect(Buffer.from(during).equals(Buffer.from(before))).toBe(true);
    expect(Buffer.from(later).equals(Buffer.from(before))).toBe(true);
    // One success, one failed refresh; the next call within the back-off serves the copy directly.
    expect(callsAfterFirstFailure).toBe(2);
    expect(secretsManager.commandCalls(GetSecretValueCommand).length).toBe(2);
  });

  test('a route answers 503 with Retry-After when its key cannot be loaded', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(outage());
    const { handler } = await import('../../functions/authheader-list');

    const result = await handler(apiEvent({ method: 'GET', path: '/authheader/list', token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }), lambdaContext);

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(JSON.parse(result.body)).toEqual({ message: expect.any(String) });
    expect(result.body).not.toMatch(/internal failure|secret/i);
  });
});
