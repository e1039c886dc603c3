/**
 * Builds the OpenAPI 3.1 document from the code's own definitions: the routes (lib/routes.ts), their
 * request schemas (lib/http/schemas.ts, the ones the functions validate with) and what each answers
 * (lib/tools/openapi/responses.ts). A build and test tool: `npm run openapi` writes openapi.json with it, the
 * local server serves it, the stack publishes it; no Lambda imports it.
 */
import { readFileSync } from 'node:fs';
import { type ObjectSchema, plainTextPattern } from '../../http/schemas';
import {
  errorResponses,
  type JsonSchema,
  type ResponseDoc,
  responseHeaders,
  responseSchemas,
  type RouteDoc,
  routeDocs,
} from './responses';
import { type Route, routes as serviceRoutes } from '../../routes';

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: { url: string; description: string; variables?: Record<string, unknown> }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
} & Record<string, unknown>;

export interface OpenApiOperation {
  operationId: string;
  responses: Record<string, { $ref: string } | Record<string, unknown>>;
  [key: string]: unknown;
}

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; license: string };

// Each credential in both forms the service accepts: `Authorization: Bearer <token>` (an HTTP
// bearer scheme) and the bare `Authorization: <token>` (an apiKey scheme on the same header), so
// validators such as Stoplight Prism accept what the service accepts, and Swagger UI's "Authorize"
// offers both (fill in one).
const AUTH_HEADER_USE = 'Accepted by the Lambda authorizer: on routes behind it, and on any other API the authorizer is attached to. Never by the auth-header routes themselves.';
const SECURITY_SCHEMES = {
  sessionJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The session JWT from `POST /user/login`, as `Authorization: Bearer <jwt>`. The bare form is `sessionJwtBare`.',
  },
  sessionJwtBare: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'The session JWT from `POST /user/login` as the whole `Authorization` value, without `Bearer ` (`Authorization: <jwt>`).',
  },
  authHeader: {
    type: 'http',
    scheme: 'bearer',
    description: `An auth header token (API key) from \`POST /authheader/add\`, as \`Authorization: Bearer <token>\`. ${AUTH_HEADER_USE}`,
  },
  authHeaderBare: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: `An auth header token (API key) from \`POST /authheader/add\` as the whole \`Authorization\` value (\`Authorization: <token>\`). ${AUTH_HEADER_USE}`,
  },
} as const;

const SECURITY: Record<Route['auth'], Record<string, string[]>[]> = {
  none: [],
  jwt: [{ sessionJwt: [] }, { sessionJwtBare: [] }],
  authorizer: [{ sessionJwt: [] }, { sessionJwtBare: [] }, { authHeader: [] }, { authHeaderBare: [] }],
};

const TAGS = [
  { name: 'User', description: 'Logging in, and the session.' },
  { name: 'Auth headers', description: 'API keys a logged-in user creates, lists and deletes for machine clients.' },
];

const DESCRIPTION = [
  'Login with a session JWT, and self-managed auth headers (API keys), on AWS serverless.',
  '',
  'Every error answer is `{ "message": string }`. Field names keep the reference\'s casing: PascalCase for the login answer, lowercase for auth headers.',
  'Behind the deployed stack\'s firewall (WAF), a request it blocks answers 403 `{ "message": "Forbidden" }` on any route.',
  'Request bodies are JSON: a body declared with another `Content-Type` (`text/plain`, a form) answers 415; a body sent without `Content-Type` is read as JSON.',
  'Credentials go in `Authorization`, as `Bearer <token>` or as the bare token: each security scheme comes in both forms.',
].join('\n');

/** A body schema of lib/http/schemas.ts as JSON Schema 2020-12 (its `title` names the component). */
function requestSchema(body: ObjectSchema): JsonSchema {
  const { title: _title, optional: _optional, ...schema } = structuredClone(body) as ObjectSchema & Record<string, unknown>;
  // The validator's own marks become JSON Schema: `plainText` is the gateway model's pattern (the
  // function checks all of Unicode; the pattern is exact on the BMP), `optional` the body's `required`.
  const properties = Object.fromEntries(
    Object.entries(body.properties).map(([name, field]) => {
      if (field.type !== 'string' || !field.plainText) return [name, field];
      const { plainText: _plainText, ...plain } = field;
      return [name, { ...plain, pattern: plainTextPattern() }];
    }),
  );
  return { ...schema, properties };
}

function responseObject(doc: ResponseDoc): Record<string, unknown> {
  return {
    description: doc.description,
    ...(doc.headers ? { headers: Object.fromEntries(doc.headers.map((name) => [headerName(name), { $ref: `#/components/headers/${name}` }])) } : {}),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${doc.schema}` }, ...(doc.example !== undefined ? { example: doc.example } : {}) } },
  };
}

const headerName = (name: keyof typeof responseHeaders) => ({ RetryAfter: 'Retry-After', WwwAuthenticate: 'WWW-Authenticate' })[name];

function operation(route: Route, doc: RouteDoc, requestSchemas: Record<string, JsonSchema>): OpenApiOperation {
  let requestBody: Record<string, unknown> | undefined;
  if (route.body) {
    if (!doc.request) throw new Error(`route "${route.id}" takes a body but lib/tools/openapi/responses.ts gives it no request description`);
    requestSchemas[route.body.title] = requestSchema(route.body);
  }
  if (doc.request) {
    if (!route.body) throw new Error(`route "${route.id}": its request is described but it has no body schema in lib/routes.ts`);
    const schema = { $ref: `#/components/schemas/${route.body.title}` };
    requestBody = { description: doc.request.description, required: !route.body.optional, content: { 'application/json': { schema, example: doc.request.example } } };
  }
  const statuses = Object.keys(doc.responses).sort();
  if (!statuses.some((status) => status.startsWith('2'))) throw new Error(`route "${route.id}" has no success response in lib/tools/openapi/responses.ts`);
  const responses: OpenApiOperation['responses'] = {};
  for (const status of statuses) {
    const answer = doc.responses[Number(status)] as ResponseDoc | keyof typeof errorResponses;
    responses[status] = typeof answer === 'string' ? { $ref: `#/components/responses/${answer}` } : responseObject(answer);
  }
  return {
    operationId: route.id,
    tags: [doc.tag],
    summary: doc.summary,
    description: doc.description,
    security: SECURITY[route.auth],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

type Components = Record<'schemas' | 'responses' | 'headers', Readonly<Record<string, unknown>>>;

/** The components the paths refer to, directly or through other components: no orphans. */
function usedComponents(paths: OpenApiDocument['paths'], all: Components): Components {
  const used = new Set<string>();
  let text = JSON.stringify(paths);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [kind, entries] of Object.entries(all)) {
      for (const [name, value] of Object.entries(entries)) {
        const pointer = `#/components/${kind}/${name}`;
        if (used.has(pointer) || !text.includes(`"${pointer}"`)) continue;
        used.add(pointer);
        text += JSON.stringify(value);
        grew = true;
      }
    }
  }
  const keep = (kind: keyof Components) => Object.fromEntries(Object.entries(all[kind]).filter(([name]) => used.has(`#/components/${kind}/${name}`)));
  return { schemas: keep('schemas'), responses: keep('responses'), headers: keep('headers') };
}

/**
 * The document for `routes` (default: lib/routes.ts) described by `docs` (default: lib/tools/openapi/responses.ts).
 * Throws when a route has no description: a route is never silently left out.
 */
export function buildOpenApiDocument(routes: readonly Route[] = serviceRoutes, docs: Readonly<Record<string, RouteDoc>> = routeDocs): OpenApiDocument {
  const undescribed = routes.filter((route) => !Object.hasOwn(docs, route.id)).map((route) => route.id);
  if (undescribed.length > 0) throw new Error(`routes without a response description in lib/tools/openapi/responses.ts (routeDocs): ${undescribed.join(', ')}`);

  const requestSchemas: Record<string, JsonSchema> = {};
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const methods = (paths[route.path] ??= {});
    methods[route.method.toLowerCase()] = operation(route, docs[route.id] as RouteDoc, requestSchemas);
  }

  const components = usedComponents(paths, {
    schemas: { ...requestSchemas, ...responseSchemas },
    responses: Object.fromEntries(Object.entries(errorResponses).map(([name, doc]) => [name, responseObject(doc)])),
    headers: responseHeaders,
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'Authentication service',
      version: packageJson.version,
      description: DESCRIPTION,
      license: { name: packageJson.license, identifier: packageJson.license },
    },
    // The local server lists itself first when it serves the document (lib/tools/local/docs.ts).
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/v1',
        description: 'A deployed stack (its ApiUrl output)',
        variables: { apiId: { default: 'abcdef1234', description: 'The REST API id' }, region: { default: 'us-east-1', description: 'The AWS region' } },
      },
    ],
    tags: TAGS.filter((tag) => Object.values(paths).some((methods) => Object.values(methods).some((op) => (op.tags as string[]).includes(tag.name)))),
    paths,
    // Both schemes always: the authorizer takes auth headers for the product's other APIs even
    // while no route of this service sits behind it.
    components: { ...components, securitySchemes: SECURITY_SCHEMES },
  };
}

/** The document as committed: two-space JSON with a final newline. */
export function renderOpenApiDocument(document: OpenApiDocument = buildOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
