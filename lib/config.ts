/**
 * Runtime configuration, read from the environment once per cold start and validated up front:
 * a misconfigured function fails on its first invocation with a clear message instead of
 * misbehaving later.
 */
import { TABLES, type TableDefinition, type TableId } from './data/table';

export interface Config {
  /** DynamoDB table names (see lib/data/table.ts). */
  tables: Record<TableId, string>;
  /** Optional DynamoDB endpoint (DynamoDB Local); unset means the AWS regional endpoint. */
  dynamoDbEndpoint: string | undefined;
  /** Lifetime of a JWT issued by /user/login, in seconds. */
  tokenTtlSeconds: number;
  /** Absolute lifetime of a session (its refresh tokens), in seconds; rotation does not extend it. */
  refreshTokenTtlSeconds: number;
  /** A password expires this many days after it was set (unless an explicit date is given). */
  passwordMaxAgeDays: number;
  /** bcrypt cost factor for new password hashes (and for the dummy hash used on unknown users). */
  bcryptCost: number;
  /** JWT `iss` and `aud`. */
  jwtIssuer: string;
  jwtAudience: string;
  /** Largest accepted request body in bytes (413 above). */
  maxBodyBytes: number;
  /** Login throttling: consecutive failures per username before 429, and per source IP. */
  loginMaxFailuresPerUser: number;
  loginMaxFailuresPerIp: number;
  /** Longest back-off a throttled username or IP can be given, in seconds. */
  loginMaxLockoutSeconds: number;
  /** Allowed CORS origins ("*" allows any; empty list sends no CORS headers). */
  corsOrigins: string[];
}

type Env = Record<string, string | undefined>;

/** Each table's name from its variable; locally `<TABLE_PREFIX>-<suffix>` (prefix `auth-service`). */
function tableNames(env: Env): Record<TableId, string> {
  const prefix = env.TABLE_PREFIX?.trim() || 'auth-service';
  const names = {} as Record<TableId, string>;
  for (const [id, table] of Object.entries(TABLES) as [TableId, TableDefinition][]) {
    names[id] = env[table.envVar]?.trim() || `${prefix}-${table.localSuffix}`;
  }
  return names;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function stringFromEnv(env: Env, name: string, fallback?: string): string {
  const value = env[name]?.trim() || fallback;
  if (!value) throw new ConfigError(`${name} is required`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  return {
    tables: tableNames(env),
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT?.trim() || undefined,
    tokenTtlSeconds: intFromEnv(env, 'TOKEN_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
    refreshTokenTtlSeconds: intFromEnv(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 300, 365 * 24 * 3600),
    passwordMaxAgeDays: intFromEnv(env, 'PASSWORD_MAX_AGE_DAYS', 90, 1, 3650),
    // bcrypt below 10 is too cheap for stored passwords; above 15 a login takes seconds. 11 is the
    // highest cost whose compare stays within ~200 ms on one vCPU (npm run bench, README Performance).
    bcryptCost: intFromEnv(env, 'BCRYPT_COST', 11, env.NODE_ENV === 'test' ? 4 : 10, 15),
    jwtIssuer: stringFromEnv(env, 'JWT_ISSUER', 'auth-service'),
    jwtAudience: stringFromEnv(env, 'JWT_AUDIENCE', 'auth-service-api'),
    maxBodyBytes: intFromEnv(env, 'MAX_BODY_BYTES', 16 * 1024, 256, 1024 * 1024),
    loginMaxFailuresPerUser: intFromEnv(env, 'LOGIN_MAX_FAILURES_PER_USER', 5, 1, 100),
    loginMaxFailuresPerIp: intFromEnv(env, 'LOGIN_MAX_FAILURES_PER_IP', 100, 1, 100000),
    loginMaxLockoutSeconds: intFromEnv(env, 'LOGIN_MAX_LOCKOUT_SECONDS', 900, 1, 3600),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}

/** The configuration of this process, validated once at cold start. */
export const config: Config = loadConfig();
