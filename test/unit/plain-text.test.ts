/**
 * The naming rule (at least one visible character; none of Cc, Cf, Zl, Zp, Co, Cn, Cs) in both
 * places: the function's check, and the draft-04 `pattern` API Gateway's model gets, which must be
 * ECMA-262 without `\p{...}`.
 */
import { describe, expect, test } from '@jest/globals';
import { addAuthHeaderBodySchema, plainTextPattern, schemaViolation } from '../../lib/http/schemas';
import { parseAuthorization } from '../../lib/auth/credentials';

// As a JSON Schema validator compiles it: no `u` flag.
const gatewayPattern = new RegExp(plainTextPattern());
const REFUSED = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]$/u;
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]$/u;
const functionAccepts = (name: string) => schemaViolation(addAuthHeaderBodySchema, { name }) === undefined;

describe('the gateway model pattern', () => {
  test('refuses every Cc, Cf, Zl, Zp, Co, Cn and Cs code point of the BMP (per the running Node.js Unicode data) and no other', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      const refusedByGateway = !gatewayPattern.test(`a${char}b`);
      if (refusedByGateway !== REFUSED.test(char)) wrong.push(code.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  test('agrees with the function on every one-character name of the BMP (blank, invisible or refused)', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      if (gatewayPattern.test(char) !== functionAccepts(char)) wrong.push(code.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  test.each([['key\u0000'], ['a\r\nb'], ['x\u202Ey'], ['x\u200By'], ['   '], ['\t'], ['a\u2028b'], ['a\u2029b'], ['\u3164'], ['\u2800\u2800'], ['\u115F'], ['\u3164 \u115F'], ['key\uE000'], ['key\uFFFF'], ['key\u0378'], ['key\uD800'], ['a\uDC00b'], ['key\u{F0000}'], ['key\u{10FFFD}']])(
    'refuses %j, as the function does',
    (name) => {
      expect(gatewayPattern.test(name)).toBe(false);
      expect(functionAccepts(name)).toBe(false);
    },
  );

  test.each([['production-api-key'], ['Clé ✓'], ['emoji 🔑'], [' padded '], ['\u3164x'], ['ㅤ키'], ['⠁']])('accepts %j, as the function does', (name) => {
    expect(gatewayPattern.test(name)).toBe(true);
    expect(functionAccepts(name)).toBe(true);
  });

  test('uses no syntax beyond ECMA-262 without flags (no \\p, no lookbehind, no named groups)', () => {
    expect(plainTextPattern()).not.toMatch(/\\p\{|\(\?<|\\u\{/);
  });
});

describe('the function’s check (in and beyond the BMP)', () => {
  test.each([['key\u{E0041}'], ['\u{1D173}x'], ['a\u0085b'], ['\u00AD'], ['a\u2028b'], ['a\u2029b'], ['key\uE000'], ['key\u{F0000}'], ['key\u{10FFFF}'], ['key\uFDD0'], ['key\u{E0080}']])(
    'refuses %j',
    (name) => {
      expect(schemaViolation(addAuthHeaderBodySchema, { name })).toMatch(/control or format characters, line or paragraph separators, private-use or unassigned/);
    },
  );

  test.each([[' \u3000 '], ['\u3164'], ['\u2800'], ['\u115F'], ['\u115F\u1160\u3164'], ['\uFFA0 \u2800'], ['\u034F'], ['\u{E0100}']])('refuses %j as blank: no visible character', (name) => {
    expect(schemaViolation(addAuthHeaderBodySchema, { name })).toBe('"name" must not be blank');
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
