/**
 * Checks a response against openapi.json (the committed document, the one clients see): its status
 * is declared for the operation, its JSON body matches the declared schema (Ajv, JSON Schema
 * 2020-12), and the declared required headers are there and match. test/helpers/invoke.ts and the
 * HTTP helpers call it for every response, so every test checks the document as a side effect.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;
interface ResponseObject {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, { schema: { $ref: string } }>;
}
interface HeaderObject {
  required?: boolean;
  schema: Json;
}

export const openApiDocument = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, ResponseObject | { $ref: string }> }>>;
  components: { schemas: Record<string, Json>; responses: Record<string, ResponseObject>; headers: Record<string, HeaderObject> };
};

const BASE = 'https://openapi.invalid/';
// The document's refs are local to it; each component schema becomes its own Ajv resource.
const absolute = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${BASE}components/`)) as Json;

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
for (const [name, schema] of Object.entries(openApiDocument.components.schemas)) ajv.addSchema(absolute(schema), `${BASE}components/schemas/${name}`);

const validators = new Map<string, ValidateFunction>();
/** The Ajv validator for a schema of the document (`#/components/schemas/...`). */
export function validatorFor(ref: string): ValidateFunction {
  const id = ref.replace('#/components/', `${BASE}components/`);
  let validate = validators.get(id);
  if (!validate) {
    validate = ajv.getSchema(id) ?? ajv.compile(absolute({ $ref: ref }));
    validators.set(id, validate);
  }
  return validate;
}

function resolve<T>(value: T | { $ref: string }): T {
  if (typeof value === 'object' && value !== null && '$ref' in value) {
    const [, , kind, name] = (value as { $ref: string }).$ref.split('/');
    return (openApiDocument.components as unknown as Record<string, Record<string, T>>)[kind as string]?.[name as string] as T;
  }
  return value as T;
}

export interface ObservedResponse {
  method: string;
  /** The request path (a query string is ignored). */
  path: string;
  status: number;
  headers: Record<string, string | number | boolean | undefined> | Headers;
  /** The body as received: parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
}

/** The document's operation for this method and path, if it describes one. */
export function documentedOperation(method: string, path: string) {
  const pathname = path.split('?')[0] ?? path;
  return openApiDocument.paths[pathname]?.[method.toLowerCase()];
}

function headerValue(headers: ObservedResponse['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found?.[1] === undefined ? undefined : String(found[1]);
}

/**
 * What is wrong with this response according to the document; empty when it conforms, or when the
 * document describes no such operation (a test handler, an unknown route).
 */
export function responseProblems(response: ObservedResponse): string[] {
  const operation = documentedOperation(response.method, response.path);
  if (!operation) return [];
  const where = `${response.method.toUpperCase()} ${response.path} → ${response.status}`;
  const declared = operation.responses[String(response.status)];
  if (!declared) return [`${where}: status not declared in openapi.json (declared: ${Object.keys(operation.responses).join(', ')})`];
  const described = resolve<ResponseObject>(declared);
  const problems: string[] = [];
  for (const [name, ref] of Object.entries(described.headers ?? {})) {
    const header = resolve<HeaderObject>(ref);
    const value = headerValue(response.headers, name);
    if (value === undefined) {
      if (header.required) problems.push(`${where}: required header ${name} is missing`);
      continue;
    }
    const typed = header.schema.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
    const validate = ajv.compile(header.schema);
    if (!validate(typed)) problems.push(`${where}: header ${name}: ${value} ${ajv.errorsText(validate.errors)}`);
  }
  const media = described.content?.['application/json'];
  if (media) {
    const validate = validatorFor(media.schema.$ref);
    if (!validate(response.body)) problems.push(`${where}: body ${JSON.stringify(response.body)?.slice(0, 300)} does not match ${media.schema.$ref}: ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}

/** Throws with every problem when the response does not match the document. */
export function assertMatchesDocument(response: ObservedResponse): void {
  const problems = responseProblems(response);
  if (problems.length > 0) throw new Error(`response does not match openapi.json:\n  ${problems.join('\n  ')}`);
}
