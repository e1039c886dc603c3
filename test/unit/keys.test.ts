import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyConfigError, generateLocalKeys, getJwtKeys, getTokenEncryptionKey, getTokenHmacKey, readOrCreateLocalKeyFile, resetKeyCacheForTests, setSecretFetcherForTests } from '../../lib/auth/keys';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetKeyCacheForTests();
});

describe('server keys', () => {
  test('generate the local key file once, private to its owner, and reuse it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'nested', 'keys.json');

    const first = readOrCreateLocalKeyFile(path);
    const second = readOrCreateLocalKeyFile(path);

    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(second).toEqual(first);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first);
    expect(first.jwt.kid).toMatch(/^local-[0-9a-f]{8}$/);
  });

  test('derive distinct 32-byte keys per purpose', async () => {
    process.env.LOCAL_AUTH_KEYS = JSON.stringify(generateLocalKeys());

    const [jwt, hmac, encryption] = [(await getJwtKeys()).current.key, await getTokenHmacKey(), await getTokenEncryptionKey()];

    expect(jwt).toHaveLength(32);
    expect(hmac).toHaveLength(32);
    expect(encryption).toHaveLength(32);
    expect(Buffer.from(hmac).equals(Buffer.from(encryption))).toBe(false);
  });

  test('read each key from its own secret when deployed, keeping previous JWT keys for verification', async () => {
    const secrets: Record<string, unknown> = {
      'arn:jwt': { kid: 'v2', k: 'n'.repeat(64), previous: [{ kid: 'v1', k: 'o'.repeat(64) }] },
      'arn:hmac': { k: 'h'.repeat(64) },
      'arn:enc': JSON.stringify({ k: 'e'.repeat(64) }),
    };
    const asked: string[] = [];
    setSecretFetcherForTests(async (id) => {
      asked.push(id);
      return secrets[id];
    });
    Object.assign(process.env, { JWT_SECRET_ID: 'arn:jwt', TOKEN_HMAC_SECRET_ID: 'arn:hmac', TOKEN_ENCRYPTION_SECRET_ID: 'arn:enc' });

    const jwt = await getJwtKeys();
    await getTokenHmacKey();
    await getTokenEncryptionKey();

    expect(jwt.current.kid).toBe('v2');
    expect([...jwt.byKid.keys()]).toEqual(['v2', 'v1']);
    expect(asked).toEqual(['arn:jwt', 'arn:hmac', 'arn:enc']);
  });

  test.each([
    [{ kid: 'v1', k: 'short' }, /at least 32 characters/],
    [{ kid: '../../etc/passwd', k: 'x'.repeat(40) }, /kid/],
    [{ notK: 'x' }, /string "k"/],
  ])('refuse a bad JWT secret %j', async (secret, message) => {
    setSecretFetcherForTests(async () => secret);
    process.env.JWT_SECRET_ID = 'arn:jwt';

    await expect(getJwtKeys()).rejects.toThrow(message);
  });

  test.each([
    ['previous repeats the current kid', { kid: 'v2', k: 'n'.repeat(64), previous: [{ kid: 'v2', k: 'o'.repeat(64) }] }],
    ['previous names one kid twice', { kid: 'v3', k: 'n'.repeat(64), previous: [{ kid: 'v2', k: 'o'.repeat(64) }, { kid: 'v2', k: 'p'.repeat(64) }] }],
    ['the same key under the same kid', { kid: 'v1', k: 'n'.repeat(64), previous: [{ kid: 'v1', k: 'n'.repeat(64) }] }],
  ])('refuse a JWT key set where %s, naming the kid', async (_, secret) => {
    setSecretFetcherForTests(async () => secret);
    process.env.JWT_SECRET_ID = 'arn:jwt';

    const loading = getJwtKeys();

    await expect(loading).rejects.toBeInstanceOf(KeyConfigError);
    await expect(loading).rejects.toThrow(/kid "v[12]" more than once/);
  });

  test('never invent keys inside a deployed Lambda without secret ids', async () => {
    delete process.env.LOCAL_AUTH_KEYS;
    delete process.env.AUTH_KEYS_FILE;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'AuthService-Login';

    await expect(getTokenHmacKey()).rejects.toThrow(/no key source configured/);
  });
});
