/**
 * The server keys: the JWT signing key(s), the HMAC key that turns an auth-header token into its
 * lookup key, and the AES-256-GCM key that encrypts stored tokens. This is the one module that
 * knows where they come from:
 *
 * - deployed: AWS Secrets Manager, one secret per key, named by `JWT_SECRET_ID`,
 *   `TOKEN_HMAC_SECRET_ID` and `TOKEN_ENCRYPTION_SECRET_ID` (a function is given only the ones it
 *   uses). Each value is cached for `KEYS_CACHE_SECONDS` (default 300) so a rotation is picked up
 *   without a redeploy.
 * - local runs: one JSON file, `.data/keys.json` (or `AUTH_KEYS_FILE`), generated with random keys
 *   the first time and git-ignored; or `LOCAL_AUTH_KEYS` holding the same JSON (for `sam local`,
 *   whose container cannot see `.data/`).
 *
 * Secret format (JSON): `{ "k": "<at least 32 characters>" }`; the JWT secret also carries
 * `"kid"` and optionally `"previous": [{ "kid", "k" }]` — keys that still verify tokens they signed
 * before a rotation. Key bytes are derived from `k` with HKDF-SHA256, so any random printable string
 * of sufficient length (what Secrets Manager generates) is a valid key.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

export interface JwtKeys {
  /** Signs new tokens. */
  current: SigningKey;
  /** Verifies tokens: the current key and any previous ones, by `kid`. */
  byKid: ReadonlyMap<string, Uint8Array>;
}

interface SecretValue {
  k: string;
  kid?: string;
  previous?: { kid: string; k: string }[];
}

export interface LocalKeyFile {
  jwt: SecretValue;
  tokenHmac: SecretValue;
  tokenEncryption: SecretValue;
}

export type KeyName = keyof LocalKeyFile;

/** The variable holding each key's Secrets Manager id (the CDK stack sets these). */
export const SECRET_ID_ENV: Record<KeyName, string> = {
  jwt: 'JWT_SECRET_ID',
  tokenHmac: 'TOKEN_HMAC_SECRET_ID',
  tokenEncryption: 'TOKEN_ENCRYPTION_SECRET_ID',
};

const MIN_SECRET_CHARS = 32;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class KeyConfigError extends Error {
  override name = 'KeyConfigError';
}

const derived = new Map<string, Uint8Array>();

/** HKDF per (purpose, secret), memoised: warm invocations reuse the derived bytes. */
function deriveKey(secret: string, purpose: string): Uint8Array {
  const cacheKey = `${purpose}\0${secret}`;
  const cached = derived.get(cacheKey);
  if (cached) return cached;
  if (secret.length < MIN_SECRET_CHARS) {
    throw new KeyConfigError(`the ${purpose} secret must be at least ${MIN_SECRET_CHARS} characters`);
  }
  const key = new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `auth-service/${purpose}`, 32));
  derived.set(cacheKey, key);
  return key;
}

function parseSecret(raw: unknown, name: KeyName): SecretValue {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!value || typeof value !== 'object' || typeof (value as SecretValue).k !== 'string') {
    throw new KeyConfigError(`the ${name} secret must be a JSON object with a string "k"`);
  }
  return value as SecretValue;
}

export function generateLocalKeys(): LocalKeyFile {
  const random = () => randomBytes(32).toString('base64url');
  return {
    jwt: { kid: `local-${randomBytes(4).toString('hex')}`, k: random() },
    tokenHmac: { k: random() },
    tokenEncryption: { k: random() },
  };
}

/** Reads the local key file, creating it (mode 0600) with fresh random keys if it is missing. */
export function readOrCreateLocalKeyFile(path: string): LocalKeyFile {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(generateLocalKeys(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as LocalKeyFile;
}

type SecretFetcher = (secretId: string) => Promise<unknown>;

async function fetchFromSecretsManager(secretId: string): Promise<unknown> {
  // Loaded only when deployed, so local runs and tests never pull in the Secrets Manager client.
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const maxAge = Number(process.env.KEYS_CACHE_SECONDS ?? 300);
  return getSecret(secretId, { maxAge, transform: 'json' });
}

let fetchSecret: SecretFetcher = fetchFromSecretsManager;
let localKeys: LocalKeyFile | undefined;

/** Test seam: replaces the Secrets Manager fetcher. */
export function setSecretFetcherForTests(fetcher: SecretFetcher): void {
  fetchSecret = fetcher;
}

/** Forgets cached local keys (tests that switch key files). */
export function resetKeyCacheForTests(): void {
  localKeys = undefined;
}

function localKeySource(env: Record<string, string | undefined>): LocalKeyFile {
  if (localKeys) return localKeys;
  if (env.LOCAL_AUTH_KEYS) {
    localKeys = JSON.parse(env.LOCAL_AUTH_KEYS) as LocalKeyFile;
  } else if (env.AWS_LAMBDA_FUNCTION_NAME && !env.AUTH_KEYS_FILE && !env.AWS_SAM_LOCAL) {
    // A deployed function without secret ids is a wiring mistake: never invent keys in the cloud.
    throw new KeyConfigError('no key source configured: set the *_SECRET_ID variables');
  } else {
    localKeys = readOrCreateLocalKeyFile(resolve(env.AUTH_KEYS_FILE ?? '.data/keys.json'));
  }
  return localKeys;
}

async function loadSecret(name: KeyName, env = process.env): Promise<SecretValue> {
  const secretId = env[SECRET_ID_ENV[name]];
  const raw = secretId ? await fetchSecret(secretId) : localKeySource(env)[name];
  return parseSecret(raw, name);
}

export async function getJwtKeys(): Promise<JwtKeys> {
  const secret = await loadSecret('jwt');
  const entries = [{ kid: secret.kid, k: secret.k }, ...(secret.previous ?? [])];
  const byKid = new Map<string, Uint8Array>();
  for (const { kid, k } of entries) {
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
      throw new KeyConfigError('every JWT key needs a "kid" of letters, digits, "_" or "-"');
    }
    byKid.set(kid, deriveKey(k, 'jwt'));
  }
  const currentKid = secret.kid as string;
  return { current: { kid: currentKid, key: byKid.get(currentKid) as Uint8Array }, byKid };
}

export async function getTokenHmacKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenHmac')).k, 'token-hmac');
}

/**
 * The HMAC key for refresh tokens: derived from the same secret as the auth-header HMAC key under
 * its own HKDF purpose, so a refresh-token hash can never equal an auth-header lookup key.
 */
export async function getRefreshTokenHmacKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenHmac')).k, 'refresh-token-hmac');
}

export async function getTokenEncryptionKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenEncryption')).k, 'token-encryption');
}
