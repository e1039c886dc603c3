import { describe, expect, test } from '@jest/globals';
import { addAuthHeaderBodySchema, deleteAuthHeaderBodySchema, loginBodySchema, schemaViolation } from '../../lib/http/schemas';

describe('request body schemas', () => {
  test.each([
    [{ username: 'john.doe', password: 'SecurePass123!' }, undefined],
    [{ username: 'john.doe', password: 'x', extra: 1 }, undefined],
    [null, 'request body must be a JSON object'],
    [[], 'request body must be a JSON object'],
    ['text', 'request body must be a JSON object'],
    [42, 'request body must be a JSON object'],
    [{ password: 'x' }, '"username" is required'],
    [{ username: null, password: 'x' }, '"username" is required'],
    [{ username: 'a', password: 1 }, '"password" must be a string'],
    [{ username: ['a'], password: 'x' }, '"username" must be a string'],
    [{ username: '', password: 'x' }, '"username" must not be empty'],
    [{ username: 'u'.repeat(129), password: 'x' }, '"username" must be at most 128 characters'],
  ])('login body %j -> %s', (body, expected) => {
    expect(schemaViolation(loginBodySchema, body)).toBe(expected);
  });

  test('counts characters, not UTF-16 units or bytes', () => {
    expect(schemaViolation(addAuthHeaderBodySchema, { name: '🔑'.repeat(128) })).toBeUndefined();
    expect(schemaViolation(addAuthHeaderBodySchema, { name: '🔑'.repeat(129) })).toMatch(/at most 128/);
  });

  test('refuses strings that are not well-formed Unicode (lone surrogates)', () => {
    expect(schemaViolation(addAuthHeaderBodySchema, { name: 'key-\ud800' })).toBe('"name" must be valid Unicode text');
    expect(schemaViolation(addAuthHeaderBodySchema, { name: 'key-\udfff-x' })).toBe('"name" must be valid Unicode text');
    expect(schemaViolation(addAuthHeaderBodySchema, { name: 'key-\ud83d\udd11' })).toBeUndefined();
  });

  test('does not see inherited properties as fields', () => {
    const body = Object.create({ text: 'inherited' }) as object;

    expect(schemaViolation(deleteAuthHeaderBodySchema, body)).toBe('"text" is required');
  });

  test('are valid JSON Schema (draft-04) objects API Gateway can take as models', () => {
    for (const schema of [loginBodySchema, addAuthHeaderBodySchema, deleteAuthHeaderBodySchema]) {
      expect(schema.type).toBe('object');
      expect(schema.required.every((name) => name in schema.properties)).toBe(true);
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    }
  });
});
