/**
 * Request body schemas, defined once as JSON Schema (draft-04 subset): the Lambda middleware
 * validates with them, and the CDK stack hands the same objects to API Gateway's request
 * validator, so junk is refused at the edge before it costs an invocation.
 */

export interface StringField {
  readonly type: 'string';
  readonly minLength: number;
  readonly maxLength: number;
}

export interface ObjectSchema {
  readonly title: string;
  readonly type: 'object';
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, StringField>>;
}

/** The body type a schema describes: every required property is a string. */
export type BodyOf<S extends ObjectSchema> = { [K in S['required'][number]]: string };

const str = (minLength: number, maxLength: number): StringField => ({ type: 'string', minLength, maxLength });

export const loginBodySchema = {
  title: 'LoginRequest',
  type: 'object',
  required: ['username', 'password'],
  // Generous upper bounds: long enough for any real credential, short enough that a login with a
  // megabyte "password" is refused before bcrypt (which reads 72 bytes at most anyway).
  properties: { username: str(1, 128), password: str(1, 1024) },
} as const satisfies ObjectSchema;

export const addAuthHeaderBodySchema = {
  title: 'AddAuthHeaderRequest',
  type: 'object',
  required: ['name'],
  properties: { name: str(1, 128) },
} as const satisfies ObjectSchema;

export const deleteAuthHeaderBodySchema = {
  title: 'DeleteAuthHeaderRequest',
  type: 'object',
  required: ['text'],
  properties: { text: str(1, 512) },
} as const satisfies ObjectSchema;

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why `value` does not match `schema`, or undefined. Hand-written for this small subset (object of
 * bounded strings): a general validator such as ajv would add its size and a schema compile to
 * every cold start for four string checks (docs/performance.md).
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
    if (typeof fieldValue !== 'string') return `"${name}" must be a string`;
    // A lone UTF-16 surrogate (JSON "\ud800") is not text: DynamoDB stores strings as UTF-8 and
    // would refuse it with a 500, or store something other than what the client sent.
    if (LONE_SURROGATE.test(fieldValue)) return `"${name}" must be valid Unicode text`;
    const length = [...fieldValue].length;
    if (length < field.minLength) return `"${name}" must not be empty`;
    if (length > field.maxLength) return `"${name}" must be at most ${field.maxLength} characters`;
  }
  return undefined;
}
