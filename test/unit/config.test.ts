import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../lib/config';

describe('config', () => {
  test('has the documented defaults', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      tables: { users: 'auth-service-users', authHeaders: 'auth-service-auth-headers', loginThrottle: 'auth-service-login-throttle', sessions: 'auth-service-sessions' },
      dynamoDbEndpoint: undefined,
      tokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
      sessionIdleTimeoutSeconds: 7 * 24 * 3600,
      passwordMaxAgeDays: 90,
      bcryptCost: 11,
      loginMaxFailuresPerUser: 5,
      loginMaxFailuresPerUserAllIps: 50,
      loginMaxFailuresPerIp: 100,
      corsOrigins: [],
      logLevel: 'INFO',
      serviceName: 'auth-service',
    });
  });

  test('keeps the idle timeout within the absolute session lifetime by default', () => {
    expect(loadConfig({ REFRESH_TOKEN_TTL_SECONDS: '3600' }).sessionIdleTimeoutSeconds).toBe(3600);
    expect(loadConfig({ PASSWORD_MAX_AGE_DAYS: '0' }).passwordMaxAgeDays).toBe(0);
  });

  test('takes the log level from Lambda\'s log controls first, then LOG_LEVEL', () => {
    expect(loadConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('SILENT');
    expect(loadConfig({ AWS_LAMBDA_LOG_LEVEL: 'WARN', LOG_LEVEL: 'DEBUG' }).logLevel).toBe('WARN');
    expect(loadConfig({ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }).logLevel).toBe('CRITICAL');
    expect(loadConfig({ POWERTOOLS_SERVICE_NAME: 'auth-eu' }).serviceName).toBe('auth-eu');
  });

  test('takes table names from their variables, else from TABLE_PREFIX', () => {
    const config = loadConfig({ USERS_TABLE: 'prod-users', TABLE_PREFIX: 'dev' });

    expect(config.tables).toEqual({ users: 'prod-users', authHeaders: 'dev-auth-headers', loginThrottle: 'dev-login-throttle', sessions: 'dev-sessions' });
  });

  test.each([
    [{ TOKEN_TTL_SECONDS: 'soon' }, /TOKEN_TTL_SECONDS must be a whole number/],
    [{ TOKEN_TTL_SECONDS: '-5' }, /whole number/],
    [{ TOKEN_TTL_SECONDS: '10' }, /between 60 and/],
    [{ REFRESH_TOKEN_TTL_SECONDS: '299' }, /REFRESH_TOKEN_TTL_SECONDS must be between 300 and 31536000/],
    [{ REFRESH_TOKEN_TTL_SECONDS: String(366 * 24 * 3600) }, /REFRESH_TOKEN_TTL_SECONDS must be between/],
    [{ REFRESH_TOKEN_TTL_SECONDS: '30d' }, /REFRESH_TOKEN_TTL_SECONDS must be a whole number/],
    [{ BCRYPT_COST: '4' }, /BCRYPT_COST must be between 10 and 15/],
    [{ BCRYPT_COST: '31' }, /between 10 and 15/],
    [{ PASSWORD_MAX_AGE_DAYS: '3651' }, /PASSWORD_MAX_AGE_DAYS must be between 0 and 3650/],
    [{ SESSION_IDLE_TIMEOUT_SECONDS: '59' }, /SESSION_IDLE_TIMEOUT_SECONDS must be between 60 and 2592000/],
    [{ REFRESH_TOKEN_TTL_SECONDS: '3600', SESSION_IDLE_TIMEOUT_SECONDS: '3601' }, /SESSION_IDLE_TIMEOUT_SECONDS must be between 60 and 3600/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT/],
    [{ LOGIN_MAX_FAILURES_PER_USER_ALL_IPS: '0' }, /LOGIN_MAX_FAILURES_PER_USER_ALL_IPS must be between 1 and 10000/],
    [{ LOGIN_MAX_FAILURES_PER_USER_ALL_IPS: 'many' }, /whole number/],
    [{ KEYS_CACHE_SECONDS: 'five minutes' }, /KEYS_CACHE_SECONDS must be a whole number/],
  ])('fails fast on %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('allows cheap bcrypt only under NODE_ENV=test', () => {
    expect(loadConfig({ BCRYPT_COST: '4', NODE_ENV: 'test' }).bcryptCost).toBe(4);
  });

  test('splits CORS_ORIGINS', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example,' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  test('bounds DynamoDB calls tighter against the service than against DynamoDB Local', () => {
    expect(loadConfig({}).dynamoDb).toEqual({ connectTimeoutMs: 1000, requestTimeoutMs: 1000, maxAttempts: 3 });
    expect(loadConfig({ DYNAMODB_ENDPOINT: 'http://localhost:8000' }).dynamoDb.requestTimeoutMs).toBe(5000);
    expect(() => loadConfig({ DYNAMODB_MAX_ATTEMPTS: '0' })).toThrow(/DYNAMODB_MAX_ATTEMPTS must be between 1 and 5/);
  });

  test('names the metrics namespace and service, and refuses names CloudWatch would not take', () => {
    expect(loadConfig({})).toMatchObject({ metricsNamespace: 'AuthService', serviceName: 'auth-service' });
    expect(loadConfig({ POWERTOOLS_METRICS_NAMESPACE: 'Acme/Auth', POWERTOOLS_SERVICE_NAME: 'auth-prod' })).toMatchObject({ metricsNamespace: 'Acme/Auth', serviceName: 'auth-prod' });
    expect(() => loadConfig({ POWERTOOLS_METRICS_NAMESPACE: 'has spaces' })).toThrow(ConfigError);
  });

  test('MAX_AUTH_HEADER_LIFETIME_DAYS: 0 (no cap) by default, 0-3650 days, refused at load otherwise', () => {
    expect(loadConfig({}).maxAuthHeaderLifetimeDays).toBe(0);
    expect(loadConfig({ MAX_AUTH_HEADER_LIFETIME_DAYS: '366' }).maxAuthHeaderLifetimeDays).toBe(366);
    expect(() => loadConfig({ MAX_AUTH_HEADER_LIFETIME_DAYS: '3651' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_AUTH_HEADER_LIFETIME_DAYS: '-1' })).toThrow(/MAX_AUTH_HEADER_LIFETIME_DAYS/);
    expect(() => loadConfig({ MAX_AUTH_HEADER_LIFETIME_DAYS: 'a year' })).toThrow(/MAX_AUTH_HEADER_LIFETIME_DAYS/);
  });
});
