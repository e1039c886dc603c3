/** What the logs may say about an error: describeError keeps request text out. */
import { describe, expect, test } from '@jest/globals';
import { InvalidTokenError } from '../../lib/auth/jwt';
import { LoginThrottledError } from '../../lib/errors';
import { describeError, jsonErrorPosition } from '../../lib/log';

const parseError = (text: string) => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error('parsed');
};

describe('describeError', () => {
  test('keeps only the class and position of a JSON parse error: its message and stack quote the input', () => {
    const error = parseError('{"username":"u","password":"Victim-Pass-Kumquat!",}');

    const described = describeError(error);

    expect(error.message).toMatch(/Victim|position/);
    expect(described).toEqual({ name: 'SyntaxError', position: expect.any(Number) });
    expect(JSON.stringify(described)).not.toMatch(/Victim/);
  });

  test('withholds any message that reads like JSON.parse\'s, whatever the error class (and in causes)', () => {
    const transform = new Error(`Unable to transform value using 'json' transform: ${parseError('{"k":secret-key-material}').message}`);
    transform.name = 'TransformParameterError';

    const described = describeError(new Error('key load failed', { cause: transform }));

    expect(described.cause).toEqual({ name: 'TransformParameterError', position: undefined });
    expect(JSON.stringify(described)).not.toMatch(/secret-key/);
  });

  test('keeps message, fields and cause chain of our own errors', () => {
    const expired = Object.assign(new Error('"exp" claim timestamp check failed'), { name: 'JWTExpired', code: 'ERR_JWT_EXPIRED', payload: { sub: 'x' } });

    expect(describeError(new InvalidTokenError('JWT verification failed', { cause: expired }))).toEqual({
      name: 'InvalidTokenError',
      message: 'JWT verification failed',
      refusal: 'invalid_token',
      stack: expect.stringContaining('InvalidTokenError'),
      cause: { name: 'JWTExpired', message: '"exp" claim timestamp check failed', code: 'ERR_JWT_EXPIRED' },
    });
    expect(describeError(new LoginThrottledError(4, 'ip'))).toMatchObject({ name: 'LoginThrottledError', retryAfterSeconds: 4, counter: 'ip' });
  });

  test('names what is not an Error by its type only', () => {
    expect(describeError('password=hunter2')).toEqual({ name: 'string' });
  });
});

describe('jsonErrorPosition', () => {
  test('reads the position V8 gives, and nothing else', () => {
    expect(jsonErrorPosition('Expected \',\' or \'}\' after property value in JSON at position 25 (line 1 column 26)')).toBe(25);
    expect(jsonErrorPosition('Unexpected token \'V\', "{"password":Victim"... is not valid JSON')).toBeUndefined();
    expect(jsonErrorPosition(undefined)).toBeUndefined();
  });
});
