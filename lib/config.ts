/**
 * Runtime configuration, read from the environment once per cold start and validated up front:
 * a misconfigured function fails while it initialises (and `npm start` refuses to start), with a
 * message naming the variable, instead of misbehaving later.
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
  /** A password expires this many days after it was set (unless an explicit date is given); 0: never. */
  passwordMaxAgeDays: number;
  /** A session whose refresh token has not been used (nor the session started) for this long ends, seconds. */
  sessionIdleTimeoutSeconds: number;
  /** bcrypt cost factor for new password hashes (and for the dummy hash used on unknown users). */
  bcryptCost: number;
  /** JWT `iss` and `aud`. */
  jwtIssuer: string;
  jwtAudience: string;
  /** Largest accepted request body in bytes (413 above). */
  maxBodyBytes: number;
  /**
   * Login throttling (lib/data/loginThrottleRepository.ts): failures per username *and* source
   * address together before the back-off; per username across all addresses; per address across
   * all usernames.
   */
  loginMaxFailuresPerUser: number;
  loginMaxFailuresPerUserAllIps: number;
  loginMaxFailuresPerIp: number;
  /** Longest back-off a throttled username or IP can be given (logins and revocations), in seconds. */
  loginMaxLockoutSeconds: number;
  /**
   * POST /authheader/revoke: revocations per source address that revoked no live key (unknown,
   * already revoked, or not a token at all) before the back-off.
   */
  revokeMaxFailuresPerIp: number;
  /** Allowed CORS origins ("*" allows any; empty list sends no CORS headers). */
  corsOrigins: string[];
  /** Lowest level logged: Lambda's application log level when set, else LOG_LEVEL (SILENT logs nothing). */
  logLevel: LogLevel;
  /** The `service` of every log line. */
  /**
   * How long one DynamoDB call may take, retries included, before the request answers 503: each
   * attempt's connect and request timeouts, and the attempts (see docs/operations.md, Faults).
   */
  dynamoDb: { connectTimeoutMs: number; requestTimeoutMs: number; maxAttempts: number };
  /** CloudWatch metrics namespace and the `service` dimension (Powertools Metrics). */
  metricsNamespace: string;
  serviceName: string;
  /**
   * How long an authorizer answer may be reused (the gateway's cache and the authorizer's own), in
   * seconds; 0 disables caching. It bounds how long a deleted key or an ended session still works.
   */
  authorizerCacheSeconds: number;
  /** Most auth headers one user may hold (409 beyond). */
  maxAuthHeadersPerUser: number;
  /** Longest lifetime of an auth header in days (a key added without expiresAt gets it); 0 = no cap. */
  maxAuthHeaderLifetimeDays: number;
  /** How long a key read from Secrets Manager is reused before it is read again, in seconds. */
  keysCacheSeconds: number;
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

/**
 * AWS_LAMBDA_LOG_LEVEL is Lambda's advanced logging control (the function's application log level;
 * it spells CRITICAL as FATAL) and wins, as Powertools Logger would make it win anyway.
 */
function logLevelFromEnv(env: Env): LogLevel {
  const lambdaLevel = env.AWS_LAMBDA_LOG_LEVEL?.trim();
  const [name, raw] = lambdaLevel ? ['AWS_LAMBDA_LOG_LEVEL', lambdaLevel] : ['LOG_LEVEL', env.LOG_LEVEL?.trim()];
  if (!raw) return 'INFO';
  const level = raw.toUpperCase() === 'FATAL' ? 'CRITICAL' : raw.toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level as LogLevel;
}

// CloudWatch accepts up to 255 characters in namespaces and dimension values; these stay simple.
const METRIC_NAME = /^[A-Za-z0-9._\/#:-]{1,255}$/;

function nameFromEnv(env: Env, name: string, fallback: string): string {
  const value = stringFromEnv(env, name, fallback);
  if (!METRIC_NAME.test(value)) throw new ConfigError(`${name} must be 1-255 letters, digits or . _ - / # :, got "${value}"`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const refreshTokenTtlSeconds = intFromEnv(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 300, 365 * 24 * 3600);
  return {
    tables: tableNames(env),
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT?.trim() || undefined,
    tokenTtlSeconds: intFromEnv(env, 'TOKEN_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
    refreshTokenTtlSeconds,
    // The idle bound lies within the absolute one (a longer idle timeout could never apply).
    sessionIdleTimeoutSeconds: intFromEnv(env, 'SESSION_IDLE_TIMEOUT_SECONDS', Math.min(7 * 24 * 3600, refreshTokenTtlSeconds), 60, refreshTokenTtlSeconds),
    // 0: passwords never expire (NIST SP 800-63B-4 forbids forced periodic changes).
    passwordMaxAgeDays: intFromEnv(env, 'PASSWORD_MAX_AGE_DAYS', 90, 0, 3650),
    // bcrypt below 10 is too cheap for stored passwords; above 15 a login takes seconds. The default
    // is the highest cost whose compare fits the login budget on one vCPU (docs/performance.md).
    bcryptCost: intFromEnv(env, 'BCRYPT_COST', 11, env.NODE_ENV === 'test' ? 4 : 10, 15),
    jwtIssuer: stringFromEnv(env, 'JWT_ISSUER', 'auth-service'),
    jwtAudience: stringFromEnv(env, 'JWT_AUDIENCE', 'auth-service-api'),
    maxBodyBytes: intFromEnv(env, 'MAX_BODY_BYTES', 16 * 1024, 256, 1024 * 1024),
    loginMaxFailuresPerUser: intFromEnv(env, 'LOGIN_MAX_FAILURES_PER_USER', 5, 1, 100),
    loginMaxFailuresPerUserAllIps: intFromEnv(env, 'LOGIN_MAX_FAILURES_PER_USER_ALL_IPS', 50, 1, 10000),
    loginMaxFailuresPerIp: intFromEnv(env, 'LOGIN_MAX_FAILURES_PER_IP', 100, 1, 100000),
    loginMaxLockoutSeconds: intFromEnv(env, 'LOGIN_MAX_LOCKOUT_SECONDS', 900, 1, 3600),
    revokeMaxFailuresPerIp: intFromEnv(env, 'REVOKE_MAX_FAILURES_PER_IP', 100, 1, 100000),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: logLevelFromEnv(env),
    dynamoDb: {
      connectTimeoutMs: intFromEnv(env, 'DYNAMODB_CONNECT_TIMEOUT_MS', 1000, 100, 5000),
      // DynamoDB Local (a JVM sharing a laptop with everything else) can take seconds where the
      // service takes milliseconds; a timed-out write is retried, so too tight a bound there turns
      // a slow success into a false conflict.
      requestTimeoutMs: intFromEnv(env, 'DYNAMODB_REQUEST_TIMEOUT_MS', env.DYNAMODB_ENDPOINT?.trim() ? 5000 : 1000, 100, 10000),
      maxAttempts: intFromEnv(env, 'DYNAMODB_MAX_ATTEMPTS', 3, 1, 5),
    },
    // Powertools reads these same two variables itself; reading them here validates them once.
    metricsNamespace: nameFromEnv(env, 'POWERTOOLS_METRICS_NAMESPACE', 'AuthService'),
    serviceName: nameFromEnv(env, 'POWERTOOLS_SERVICE_NAME', 'auth-service'),
    // API Gateway caches authorizer answers for at most an hour.
    authorizerCacheSeconds: intFromEnv(env, 'AUTHORIZER_CACHE_SECONDS', 60, 0, 3600),
    maxAuthHeadersPerUser: intFromEnv(env, 'MAX_AUTH_HEADERS_PER_USER', 100, 1, 10_000),
    // Ten years, the longest expiresAt add accepts anyway.
    maxAuthHeaderLifetimeDays: intFromEnv(env, 'MAX_AUTH_HEADER_LIFETIME_DAYS', 0, 0, 3650),
    keysCacheSeconds: intFromEnv(env, 'KEYS_CACHE_SECONDS', 300, 0, 86_400),
  };
}

/** The configuration of this process, validated once at cold start. */
export const config: Config = loadConfig();
