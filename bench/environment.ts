/**
 * The environment the benchmark runs the service in, set before anything imports lib/config.ts
 * (which reads it at import). The DynamoDB endpoint is added once its database is up.
 */
import { randomBytes } from 'node:crypto';
import { generateLocalKeys } from '../lib/auth/localKeys';

export function prepareBenchEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  env.TABLE_PREFIX = `bench-${randomBytes(4).toString('hex')}`;
  for (const name of ['USERS_TABLE', 'AUTH_HEADERS_TABLE', 'LOGIN_THROTTLE_TABLE', 'SESSIONS_TABLE', 'CORS_ORIGINS']) delete env[name];
  env.LOCAL_AUTH_KEYS = JSON.stringify(generateLocalKeys());
  // Every authorizer figure is a cache miss (the worst case); the scaling section holds 200 keys.
  env.AUTHORIZER_CACHE_SECONDS = '0';
  env.MAX_AUTH_HEADERS_PER_USER = '1000';
  env.AWS_REGION ??= 'us-east-1';
  // Failures are counted and reported by the sections; a log line per failed request would bury the table.
  env.LOG_LEVEL ??= 'SILENT';
  // Metrics are CloudWatch EMF lines on stdout, one per request: they would bury the table, as in
  // npm start (POWERTOOLS_METRICS_DISABLED=false shows them).
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}
