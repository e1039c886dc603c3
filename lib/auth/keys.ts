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
import { hkdfSync } from 'node:crypto';
import { resolve } from 'node:path';
import { config } from '../config';
import { KeyStoreUnavailableError } from '../errors';
import { type LocalKeyFile, readOrCreateLocalKeyFile, type SecretValue } from './localKeys';
import { log } from '../log';

export { generateLocalKeys, type LocalKeyFile, readOrCreateLocalKeyFile } from './localKeys';

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



type SecretFetcher = (secretId: string) => Promise<unknown>;

// Secrets Manager answers in tens of milliseconds; these bound a hung or unreachable endpoint to a
// few seconds, so a cold start during an outage answers 503 instead of running into the function
// timeout (the SDK's default would wait on the socket for minutes).
const SECRETS_CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true },
};

let secretsProvider: Promise<{ get(name: string, options: { maxAge: number; transform: 'json' }): Promise<unknown> }> | undefined;

async function fetchFromSecretsManager(secretId: string): Promise<unknown> {
  // Loaded only when deployed, so local runs and tests never pull in the Secrets Manager client.
  secretsProvider ??= import('@aws-lambda-powertools/parameters/secrets').then(({ SecretsProvider }) => new SecretsProvider({ clientConfig: SECRETS_CLIENT_CONFIG }));
  return (await secretsProvider).get(secretId, { maxAge: config.keysCacheSeconds, transform: 'json' });
}

/** Seconds a client is asked to wait when no key could be loaded. */
export const KEY_STORE_RETRY_AFTER_SECONDS = 5;
// With an earlier copy to serve, Secrets Manager is asked again at most this often while it fails,
// so an outage does not add a timed-out fetch to every request.
const STALE_RETRY_MS = 30_000;

const lastGood = new Map<string, { value: unknown; retryAt: number }>();

/**
 * The secret, from the fetcher (which caches for KEYS_CACHE_SECONDS). When the store fails, a copy
 * fetched earlier keeps serving (a rotation is merely picked up late); with none, the request answers
 * 503 and the next one tries again: a failure is never remembered as a result.
 */
async function fetchResilient(secretId: string): Promise<unknown> {
  const previous = lastGood.get(secretId);
  if (previous && previous.retryAt > Date.now()) return previous.value;
  try {
    const value = await fetchSecret(secretId);
    lastGood.set(secretId, { value, retryAt: 0 });
    return value;
  } catch (error) {
    const cause = error instanceof Error ? { name: error.name, message: error.message } : undefined;
    if (previous) {
      previous.retryAt = Date.now() + STALE_RETRY_MS;
      log.warn('key store unavailable; serving the copy fetched earlier', { cause });
      return previous.value;
    }
    throw new KeyStoreUnavailableError(KEY_STORE_RETRY_AFTER_SECONDS, { cause: error });
  }
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
  lastGood.clear();
  secretsProvider = undefined;
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
  const raw = secretId ? await fetchResilient(secretId) : localKeySource(env)[name];
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
    // A repeated kid would let one entry silently replace another (the old key signing new tokens).
    if (byKid.has(kid)) throw new KeyConfigError(`the JWT key set names kid "${kid}" more than once; every key (current and previous) needs its own kid`);
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

/**
 * The HMAC key for the login throttle's counter keys (lib/auth/loginThrottle.ts): the same secret
 * again under its own purpose, so what someone typed as a username is never stored in a form that
 * can be guessed offline without it.
 */
export async function getThrottleKeyHmacKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenHmac')).k, 'login-throttle-key-hmac');
}

export async function getTokenEncryptionKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenEncryption')).k, 'token-encryption');
}

/**
 * The AES-256-GCM key for stored TOTP secrets (active and pending): the auth-header encryption
 * secret under its own HKDF purpose, so one key never encrypts two kinds of data.
 */
export async function getTotpEncryptionKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenEncryption')).k, 'totp-encryption');
}

/** The HMAC key for stored recovery codes: the token HMAC secret under its own HKDF purpose. */
export async function getRecoveryCodeHmacKey(): Promise<Uint8Array> {
  return deriveKey((await loadSecret('tokenHmac')).k, 'recovery-code-hmac');
}
