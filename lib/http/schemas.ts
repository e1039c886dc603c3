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
   * Text a person names something with: not blank, no control or format characters (Unicode Cc, Cf:
   * NUL, CR/LF, bidi overrides, zero-width characters). The function checks all of them; the gateway
   * model gets `PLAIN_TEXT_PATTERN`, which covers those of the Basic Multilingual Plane.
   */
  readonly plainText?: true;
}

export interface BooleanField {
  readonly type: 'boolean';
}

export type Field = StringField | BooleanField;

export interface ObjectSchema {
  readonly title: string;
  readonly type: 'object';
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, Field>>;
  /** The whole body may be left out (it then counts as `{}`). */
  readonly optional?: boolean;
}

type FieldValue<F> = F extends BooleanField ? boolean : string;

/** The body type a schema describes: required properties present, the others optional. */
export type BodyOf<S extends ObjectSchema> = { [K in keyof S['properties'] & S['required'][number]]: FieldValue<S['properties'][K]> } & {
  [K in Exclude<keyof S['properties'], S['required'][number]>]?: FieldValue<S['properties'][K]>;
};

const str = (minLength: number, maxLength: number): StringField => ({ type: 'string', minLength, maxLength });
const bool = (): BooleanField => ({ type: 'boolean' });
const plainText = (minLength: number, maxLength: number): StringField => ({ ...str(minLength, maxLength), plainText: true });

/**
 * `plainText` as a draft-04 `pattern` (ECMA-262 without the `u` flag, which is what API Gateway's
 * validator understands): not only whitespace, and none of the Cc/Cf code points of the BMP, listed
 * as ranges because `\p{...}` is not available there. test/unit/schemas.test.ts checks the list
 * against the Unicode data of the running Node.js; the few Cf characters outside the BMP are refused
 * by the function only.
 */
export const PLAIN_TEXT_PATTERN =
  '^(?!\\s*$)[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890-\\u0891\\u08E2\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB]*$';

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
  // expiresAt: an RFC 3339 date-time, checked (format, future, at most 10 years) by the service.
  properties: { name: plainText(1, 128), expiresAt: str(1, 64) },
} as const satisfies ObjectSchema;

export const deleteAuthHeaderBodySchema = {
  title: 'DeleteAuthHeaderRequest',
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
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

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
    if (typeof fieldValue !== 'string') return `"${name}" must be a string`;
    // A lone UTF-16 surrogate (JSON "\ud800") is not text: DynamoDB stores strings as UTF-8 and
    // would refuse it with a 500, or store something other than what the client sent.
    if (LONE_SURROGATE.test(fieldValue)) return `"${name}" must be valid Unicode text`;
    const length = [...fieldValue].length;
    if (length < field.minLength) return `"${name}" must not be empty`;
    if (length > field.maxLength) return `"${name}" must be at most ${field.maxLength} characters`;
    if (field.plainText) {
      if (fieldValue.trim() === '') return `"${name}" must not be blank`;
      if (CONTROL_OR_FORMAT.test(fieldValue)) return `"${name}" must not contain control or format characters`;
    }
  }
  return undefined;
}
