/**
 * The local key file's format and its generation: random keys for `npm start`, tests and SAM, kept
 * in `.data/keys.json` (mode 0600, git-ignored) or passed as `LOCAL_AUTH_KEYS`. Free of the rest of
 * lib/ (no config, no logger), so test setup can make keys before any configuration is read.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One key's secret value (the Secrets Manager format, lib/auth/keys.ts). */
export interface SecretValue {
  k: string;
  kid?: string;
  previous?: { kid: string; k: string }[];
}

export interface LocalKeyFile {
  jwt: SecretValue;
  tokenHmac: SecretValue;
  tokenEncryption: SecretValue;
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
