/**
 * The local tools' own settings (npm start, npm run dynamodb, the admin CLI's default target, npm
 * run demo), read and checked in one place. The functions' settings are lib/config.ts; these never
 * reach a Lambda.
 */
import { isIP } from 'node:net';

export interface LocalSettings {
  /** The local API server's port and bind address. */
  port: number;
  host: string;
  dynamoDb: {
    /** DYNAMODB_ENDPOINT: a database someone else runs; the embedded one is not started. */
    endpoint: string | undefined;
    /** The embedded DynamoDB Local's port, and whether DYNAMODB_PORT chose it. */
    port: number;
    portWasSet: boolean;
    /** Its bind address. */
    host: string;
    dataDir: string;
  };
}

export class LocalSettingsError extends Error {
  override name = 'LocalSettingsError';
}

type Env = Record<string, string | undefined>;

function portFromEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new LocalSettingsError(`${name} must be a TCP port (1-65535), got "${raw}"`);
  return port;
}

function addressFromEnv(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw !== 'localhost' && isIP(raw) === 0) throw new LocalSettingsError(`${name} must be an IP address (e.g. 127.0.0.1 or 0.0.0.0), got "${raw}"`);
  return raw === 'localhost' ? '127.0.0.1' : raw;
}

/** Whether only this machine can connect to an address. */
export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\./.test(host);
}

export function localSettings(env: Env = process.env): LocalSettings {
  const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) throw new LocalSettingsError(`DYNAMODB_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  return {
    port: portFromEnv(env, 'PORT', 3000),
    host: addressFromEnv(env, 'HOST', '127.0.0.1'),
    dynamoDb: {
      endpoint,
      port: portFromEnv(env, 'DYNAMODB_PORT', 8000),
      portWasSet: Boolean(env.DYNAMODB_PORT?.trim()),
      host: addressFromEnv(env, 'DYNAMODB_HOST', '127.0.0.1'),
      dataDir: env.DYNAMODB_DATA_DIR?.trim() || '.data/dynamodb',
    },
  };
}

/** The database the admin CLI and the demo talk to by default: DYNAMODB_ENDPOINT, else the embedded one's usual place. */
export function localDynamoDbEndpoint(settings: LocalSettings = localSettings()): string {
  return settings.dynamoDb.endpoint ?? `http://127.0.0.1:${settings.dynamoDb.port}`;
}
