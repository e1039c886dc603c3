/**
 * Request body schemas, defined once as JSON Schema (draft-04 subset): the Lambda middleware
 * validates with them, and the CDK stack hands the same objects to API Gateway's request
 * validator, so junk is refused at the edge before it costs an invocation.
 */

export interface StringField {
  readonly type: 'string';
  readonly minLength: number;
  readonly maxLength: number;
  /**
   * Text a person names something with: at least one visible character, none of Unicode's Cc, Cf,
   * Zl, Zp, Co, Cn, Cs (see REFUSED_IN_NAMES). The function checks all of them; the gateway model
   * gets `plainTextPattern()`, exact on the Basic Multilingual Plane.
   */
  readonly plainText?: true;
}

export interface BooleanField {
  readonly type: 'boolean';
}

/** A list of distinct strings, each matching `items` (scopes, allowed addresses). */
export interface StringListField {
  readonly type: 'array';
  readonly maxItems: number;
  readonly uniqueItems: true;
  readonly items: { readonly type: 'string'; readonly minLength: number; readonly maxLength: number; readonly pattern?: string };
}

/** A whole number within bounds. */
export interface IntegerField {
  readonly type: 'integer';
  readonly minimum: number;
  readonly maximum: number;
}

export type Field = StringField | BooleanField | StringListField | IntegerField;

export interface ObjectSchema {
  readonly title: string;
  readonly type: 'object';
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, Field>>;
  /** The whole body may be left out (it then counts as `{}`). */
  readonly optional?: boolean;
}

type FieldValue<F> = F extends BooleanField ? boolean : F extends StringListField ? string[] : F extends IntegerField ? number : string;

/** The body type a schema describes: required properties present, the others optional. */
export type BodyOf<S extends ObjectSchema> = { [K in keyof S['properties'] & S['required'][number]]: FieldValue<S['properties'][K]> } & {
  [K in Exclude<keyof S['properties'], S['required'][number]>]?: FieldValue<S['properties'][K]>;
};

const str = (minLength: number, maxLength: number): StringField => ({ type: 'string', minLength, maxLength });
const bool = (): BooleanField => ({ type: 'boolean' });
const plainText = (minLength: number, maxLength: number): StringField => ({ ...str(minLength, maxLength), plainText: true });
const int = (minimum: number, maximum: number): IntegerField => ({ type: 'integer', minimum, maximum });
const list = (maxItems: number, items: StringListField['items']): StringListField => ({ type: 'array', maxItems, uniqueItems: true, items });

/** A scope: lower-case letters and digits first, then also `:`, `.`, `_`, `-`; at most 64 characters. */
export const SCOPE_PATTERN = '^[a-z0-9][a-z0-9:._-]{0,63}$';
const patterns = new Map<string, RegExp>();
const compiled = (pattern: string) => patterns.get(pattern) ?? patterns.set(pattern, new RegExp(pattern)).get(pattern)!;

/** What a name may not contain: Unicode's Cc, Cf, Zl, Zp, Co, Cn and Cs (CR/LF, NUL, bidi overrides, zero-width and line/paragraph separators, private use, noncharacters and unassigned code points, lone surrogates). */
const REFUSED_IN_NAMES = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/u;
/**
 * A character that shows: not white space, not default-ignorable (which covers the Hangul fillers
 * U+115F, U+1160, U+3164, U+FFA0 and the variation selectors) and not the blank Braille pattern
 * U+2800, all of which render as nothing.
 */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]/u;
const VISIBLE = new RegExp(`[^${INVISIBLE.source.slice(1, -1)}]`, 'u');

/** `[a-b...]` ranges of the BMP code units `matches` holds for. */
function bmpRanges(matches: RegExp): string {
  const hex = (code: number) => `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const ranges: string[] = [];
  let start = -1;
  for (let code = 0; code <= 0x10000; code++) {
    const hit = code <= 0xffff && matches.test(String.fromCharCode(code));
    if (hit && start < 0) start = code;
    if (!hit && start >= 0) {
      ranges.push(start === code - 1 ? hex(start) : `${hex(start)}-${hex(code - 1)}`);
      start = -1;
    }
  }
  return ranges.join('');
}

let plainTextPatternMemo: string | undefined;

/**
 * `plainText` as a draft-04 `pattern` (ECMA-262 without the `u` flag, which is what API Gateway's
 * validator understands, so no `\p{...}`): at least one visible character, and none that
 * REFUSED_IN_NAMES refuses, as ranges of the Basic Multilingual Plane drawn from the Unicode data of
 * the Node.js that builds the stack or the OpenAPI document (so the gateway stays in step with the
 * function). Beyond the BMP, surrogate pairs pass except those of planes 15-16 (private use); the
 * few Cf, unassigned and invisible characters up there are refused by the function only.
 * Built on demand (it scans the BMP): only the stack and the document generator need it, never a
 * Lambda's cold start.
 */
export function plainTextPattern(): string {
  plainTextPatternMemo ??= (() => {
    const pair = '[\\uD800-\\uDB7F][\\uDC00-\\uDFFF]';
    // A surrogate pair counts as visible (the supplementary invisible ones are Cf or beyond the BMP's check).
    const visible = `(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^${bmpRanges(INVISIBLE)}\\uD800-\\uDFFF])`;
    return `^(?=[\\s\\S]*?${visible})(?:${pair}|[^${bmpRanges(REFUSED_IN_NAMES)}])*$`;
  })();
  return plainTextPatternMemo;
}

export const loginBodySchema = {
  title: 'LoginRequest',
  type: 'object',
  required: ['username', 'password'],
  // Generous upper bounds: long enough for any real credential, short enough that a login with a
  // megabyte "password" is refused before bcrypt (which reads 72 bytes at most anyway).
  // code: a TOTP code or a recovery code, needed once the user has MFA on (docs/mfa.md).
  properties: { username: str(1, 128), password: str(1, 1024), code: str(1, 64) },
} as const satisfies ObjectSchema;

export const addAuthHeaderBodySchema = {
  title: 'AddAuthHeaderRequest',
  type: 'object',
  required: ['name'],
  // expiresAt: an RFC 3339 date-time, checked (format, future, at most 10 years or the configured
  // cap) by the service; allowedCidrs: IPv4/IPv6 CIDRs, parsed and normalized by the service.
  properties: {
    name: plainText(1, 128),
    expiresAt: str(1, 64),
    scopes: list(20, { type: 'string', minLength: 1, maxLength: 64, pattern: SCOPE_PATTERN }),
    allowedCidrs: list(20, { type: 'string', minLength: 1, maxLength: 64 }),
  },
} as const satisfies ObjectSchema;

export const deleteAuthHeaderBodySchema = {
  title: 'DeleteAuthHeaderRequest',
  type: 'object',
  required: ['text'],
  properties: { text: str(1, 512) },
} as const satisfies ObjectSchema;

export const rollAuthHeaderBodySchema = {
  title: 'RollAuthHeaderRequest',
  type: 'object',
  required: ['text'],
  // graceSeconds: how long the old token keeps working (default 3600; at most 7 days).
  properties: { text: str(1, 512), graceSeconds: int(0, 604_800) },
} as const satisfies ObjectSchema;

export const revokeAuthHeaderBodySchema = {
  title: 'RevokeAuthHeaderRequest',
  type: 'object',
  required: ['text'],
  properties: { text: str(1, 512) },
} as const satisfies ObjectSchema;

export const changePasswordBodySchema = {
  title: 'ChangePasswordRequest',
  type: 'object',
  required: ['username', 'password', 'newPassword'],
  // The new password's own rules (8 characters, 72 bytes, ...) are the policy's, with its messages.
  properties: { username: str(1, 128), password: str(1, 1024), newPassword: str(1, 1024), code: str(1, 64) },
} as const satisfies ObjectSchema;

export const refreshBodySchema = {
  title: 'RefreshRequest',
  type: 'object',
  required: ['refreshToken'],
  properties: { refreshToken: str(1, 512) },
} as const satisfies ObjectSchema;

export const logoutBodySchema = {
  title: 'LogoutRequest',
  type: 'object',
  required: [],
  properties: { all: bool() },
  optional: true,
} as const satisfies ObjectSchema;

/** A current TOTP code from the pending secret: confirms enrolment. */
export const confirmTotpBodySchema = {
  title: 'ConfirmTotpRequest',
  type: 'object',
  required: ['code'],
  properties: { code: str(1, 64) },
} as const satisfies ObjectSchema;

/** A TOTP code or a recovery code: turns MFA off. (Its own title: one API Gateway model per name.) */
export const disableMfaBodySchema = {
  title: 'DisableMfaRequest',
  type: 'object',
  required: ['code'],
  properties: { code: str(1, 64) },
} as const satisfies ObjectSchema;

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why `value` does not match `schema`, or undefined. Hand-written for this small subset (object of
 * bounded strings, optional booleans): a general validator such as ajv would add its size and a schema compile to
 * every cold start for a handful of checks (docs/performance.md).
 */
export function schemaViolation(schema: ObjectSchema, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'request body must be a JSON object';
  }
  const body = value as Record<string, unknown>;
  for (const name of schema.required) {
    if (!Object.hasOwn(body, name) || body[name] === undefined || body[name] === null) return `"${name}" is required`;
  }
  for (const [name, field] of Object.entries(schema.properties)) {
    if (!Object.hasOwn(body, name)) continue;
    const fieldValue = body[name];
    if (field.type === 'boolean') {
      if (typeof fieldValue !== 'boolean') return `"${name}" must be true or false`;
      continue;
    }
    if (field.type === 'integer') {
      if (typeof fieldValue !== 'number' || !Number.isInteger(fieldValue) || fieldValue < field.minimum || fieldValue > field.maximum) {
        return `"${name}" must be a whole number from ${field.minimum} to ${field.maximum}`;
      }
      continue;
    }
    if (field.type === 'array') {
      const violation = listViolation(name, field, fieldValue);
      if (violation) return violation;
      continue;
    }
    if (typeof fieldValue !== 'string') return `"${name}" must be a string`;
    // A lone UTF-16 surrogate (JSON "\ud800") is not text: DynamoDB stores strings as UTF-8 and
    // would refuse it with a 500, or store something other than what the client sent.
    if (LONE_SURROGATE.test(fieldValue)) return `"${name}" must be valid Unicode text`;
    const length = [...fieldValue].length;
    if (length < field.minLength) return `"${name}" must not be empty`;
    if (length > field.maxLength) return `"${name}" must be at most ${field.maxLength} characters`;
    if (field.plainText) {
      if (REFUSED_IN_NAMES.test(fieldValue)) return `"${name}" must not contain control or format characters, line or paragraph separators, private-use or unassigned characters`;
      if (!VISIBLE.test(fieldValue)) return `"${name}" must not be blank`;
    }
  }
  return undefined;
}

function listViolation(name: string, field: StringListField, value: unknown): string | undefined {
  if (!Array.isArray(value)) return `"${name}" must be an array of strings`;
  if (value.length > field.maxItems) return `"${name}" must have at most ${field.maxItems} items`;
  if (!value.every((item): item is string => typeof item === 'string')) return `"${name}" must be an array of strings`;
  if (new Set(value).size !== value.length) return `"${name}" must not repeat an item`;
  for (const item of value) {
    if (LONE_SURROGATE.test(item) || item.length < field.items.minLength || [...item].length > field.items.maxLength) {
      return `each of "${name}" must be ${field.items.minLength}-${field.items.maxLength} characters`;
    }
    if (field.items.pattern !== undefined && !compiled(field.items.pattern).test(item)) return `each of "${name}" must match ${field.items.pattern}`;
  }
  return undefined;
}
