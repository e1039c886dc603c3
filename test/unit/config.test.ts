import { ConfigError, loadConfig } from '../../lib/config';

describe('config', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      tables: { users: 'auth-service-users', authHeaders: 'auth-service-auth-headers', loginThrottle: 'auth-service-login-throttle', sessions: 'auth-service-sessions' },
      dynamoDbEndpoint: undefined,
      tokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
      passwordMaxAgeDays: 90,
      bcryptCost: 11,
      corsOrigins: [],
    });
  });

  it('takes table names from their variables, else from TABLE_PREFIX', () => {
    const config = loadConfig({ USERS_TABLE: 'prod-users', TABLE_PREFIX: 'dev' });

    expect(config.tables).toEqual({ users: 'prod-users', authHeaders: 'dev-auth-headers', loginThrottle: 'dev-login-throttle', sessions: 'dev-sessions' });
  });

  it.each([
    [{ TOKEN_TTL_SECONDS: 'soon' }, /TOKEN_TTL_SECONDS must be a whole number/],
    [{ TOKEN_TTL_SECONDS: '-5' }, /whole number/],
    [{ TOKEN_TTL_SECONDS: '10' }, /between 60 and/],
    [{ REFRESH_TOKEN_TTL_SECONDS: '299' }, /REFRESH_TOKEN_TTL_SECONDS must be between 300 and 31536000/],
    [{ REFRESH_TOKEN_TTL_SECONDS: String(366 * 24 * 3600) }, /REFRESH_TOKEN_TTL_SECONDS must be between/],
    [{ REFRESH_TOKEN_TTL_SECONDS: '30d' }, /REFRESH_TOKEN_TTL_SECONDS must be a whole number/],
    [{ BCRYPT_COST: '4' }, /BCRYPT_COST must be between 10 and 15/],
    [{ BCRYPT_COST: '31' }, /between 10 and 15/],
    [{ PASSWORD_MAX_AGE_DAYS: '0' }, /PASSWORD_MAX_AGE_DAYS/],
  ])('fails fast on %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('allows cheap bcrypt only under NODE_ENV=test', () => {
    expect(loadConfig({ BCRYPT_COST: '4', NODE_ENV: 'test' }).bcryptCost).toBe(4);
  });

  it('splits CORS_ORIGINS', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example,' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});
