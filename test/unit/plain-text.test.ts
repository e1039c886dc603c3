/**
 * The naming rule (no Cc/Cf, not blank) in both places: the function's check, and the draft-04
 * `pattern` API Gateway's model gets, which must be ECMA-262 without `\p{...}`.
 */
import { describe, expect, test } from '@jest/globals';
import { addAuthHeaderBodySchema, PLAIN_TEXT_PATTERN, schemaViolation } from '../../lib/http/schemas';
import { parseAuthorization } from '../../lib/auth/credentials';

// As a JSON Schema validator compiles it: no `u` flag.
const gatewayPattern = new RegExp(PLAIN_TEXT_PATTERN);
const CONTROL_OR_FORMAT = /^[\p{Cc}\p{Cf}]$/u;

describe('PLAIN_TEXT_PATTERN (the gateway model)', () => {
  test('refuses every Cc and Cf code point of the BMP (per the running Node.js Unicode data) and no other', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      const refusedByGateway = !gatewayPattern.test(`a${char}b`);
      if (refusedByGateway !== CONTROL_OR_FORMAT.test(char)) wrong.push(code.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  test.each([['key\u0000'], ['a\r\nb'], ['x\u202Ey'], ['x\u200By'], ['   '], ['\t']])('refuses %j', (name) => {
    expect(gatewayPattern.test(name)).toBe(false);
  });

  test.each([['production-api-key'], ['Clé ✓'], ['emoji 🔑'], [' padded ']])('accepts %j', (name) => {
    expect(gatewayPattern.test(name)).toBe(true);
  });

  test('uses no syntax beyond ECMA-262 without flags (no \\p, no lookbehind, no named groups)', () => {
    expect(PLAIN_TEXT_PATTERN).not.toMatch(/\\p\{|\(\?<|\\u\{/);
  });
});

describe('the function’s check (all Cc/Cf, in and beyond the BMP)', () => {
  test.each([['key\u{E0041}'], ['\u{1D173}x'], ['a\u0085b'], ['\u00AD']])('refuses %j', (name) => {
    expect(schemaViolation(addAuthHeaderBodySchema, { name })).toMatch(/control or format/);
  });

  test('refuses blank names with its own message', () => {
    expect(schemaViolation(addAuthHeaderBodySchema, { name: ' \u3000 ' })).toBe('"name" must not be blank');
  });

  test('expiresAt is optional and must be a string when present', () => {
    expect(schemaViolation(addAuthHeaderBodySchema, { name: 'k' })).toBeUndefined();
    expect(schemaViolation(addAuthHeaderBodySchema, { name: 'k', expiresAt: 1 })).toBe('"expiresAt" must be a string');
  });
});

describe('parseAuthorization', () => {
  const token = `ahk_${'A'.repeat(43)}`;
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

  test.each([
    [`Bearer ${token}`, { kind: 'authheader', token }],
    [token, { kind: 'authheader', token }],
    [`bearer   ${jwt}`, { kind: 'jwt', token: jwt }],
    [`Bearer\t${jwt}`, undefined],
    [`Bearer\t${token}`, undefined],
    ['Bearer', undefined],
    [`Bearer ${jwt}, Bearer ${jwt}`, undefined],
    [jwt, { kind: 'jwt', token: jwt }],
    [undefined, undefined],
    ['', undefined],
    [`Basic ${token}`, undefined],
    [`Bearer ${token} extra`, undefined],
    [`Token ${jwt}`, undefined],
    ['a.b', undefined],
    [`ahk_${'A'.repeat(42)}`, undefined],
    [`Bearer ${'a'.repeat(5000)}.b.c`, undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected);
  });
});
