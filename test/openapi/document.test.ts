/**
 * openapi.json is generated from the code (lib/routes.ts, lib/http/schemas.ts, lib/tools/openapi/responses.ts)
 * and committed: these tests keep the committed file, the code and the responses checker honest.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { schemaViolation } from '../../lib/http/schemas';
import { type RouteDoc, routeDocs } from '../../lib/tools/openapi/responses';
import { type Route, routes } from '../../lib/routes';
import { buildOpenApiDocument, renderOpenApiDocument } from '../../lib/tools/openapi/document';
import { CLIENT_TYPES_FILE, DOCUMENT_FILE, renderClientTypes } from '../../lib/tools/openapi/generate';
import { invoke } from '../helpers/invoke';
import { plannedAdditions } from './additions';
import { openApiDocument, responseProblems, validatorFor } from '../helpers/openapi';

const fresh = buildOpenApiDocument();

describe('the committed document', () => {
  test('is what `npm run openapi` generates from the code now', () => {
    // If this fails: run `npm run openapi` and commit openapi.json.
    expect(readFileSync(DOCUMENT_FILE, 'utf8')).toBe(renderOpenApiDocument(fresh));
  });

  test('has committed client types generated from it', async () => {
    // If this fails: run `npm run openapi` and commit test/helpers/api-schema.ts.
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await renderClientTypes(fresh));
  });

  test('is OpenAPI 3.1 with each credential in both Authorization forms: Bearer <token> and the bare token', () => {
    expect(openApiDocument).toMatchObject({ openapi: '3.1.0' });
    expect(fresh.components.securitySchemes).toEqual({
      sessionJwt: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      sessionJwtBare: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }),
      authHeader: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      authHeaderBare: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }),
    });
  });

  test.each(routes.filter((route) => route.auth !== 'none').map((route) => [route.id, route] as const))('%s accepts either form of each credential it takes', (_id, route) => {
    const { security } = fresh.paths[route.path]?.[route.method.toLowerCase()] as unknown as { security: Record<string, string[]>[] };
    const schemes = security.map((requirement) => Object.keys(requirement).join('+'));
    expect(schemes).toEqual(route.auth === 'jwt' ? ['sessionJwt', 'sessionJwtBare'] : ['sessionJwt', 'sessionJwtBare', 'authHeader', 'authHeaderBare']);
  });

  test('says what the service does with Content-Type: 415 for a declared non-JSON body, a missing one read as JSON', () => {
    expect(fresh.info.description).toContain('answers 415; a body sent without `Content-Type` is read as JSON');
    for (const route of routes.filter((candidate) => 'body' in candidate)) {
      const responses = (fresh.paths[route.path]?.[route.method.toLowerCase()] as { responses: Record<string, unknown> }).responses;
      expect({ route: route.id, response: responses['415'] }).toEqual({ route: route.id, response: { $ref: '#/components/responses/UnsupportedMediaType' } });
    }
  });
});

describe('generation from lib/routes.ts', () => {
  test.each(routes.map((route) => [route.method, route.path, route] as const))('describes %s %s with its id, security and body schema', (method, path, route: Route) => {
    const operation = fresh.paths[path]?.[method.toLowerCase()];

    expect(operation?.operationId).toBe(route.id);
    expect(operation?.security).toEqual(
      { none: [], jwt: [{ sessionJwt: [] }, { sessionJwtBare: [] }], authorizer: [{ sessionJwt: [] }, { sessionJwtBare: [] }, { authHeader: [] }, { authHeaderBare: [] }] }[route.auth],
    );
    if (route.body) {
      const { title, optional, ...schema } = route.body;
      expect(operation?.requestBody).toMatchObject({ required: !optional, content: { 'application/json': { schema: { $ref: `#/components/schemas/${title}` } } } });
      expect(Object.keys(fresh.components.schemas?.[title] as object).sort()).toEqual(Object.keys(schema).sort());
      expect((fresh.components.schemas?.[title] as { required: unknown }).required).toEqual(schema.required);
    } else {
      expect(operation?.requestBody).toBeUndefined();
    }
  });

  test('lists exactly the routes of lib/routes.ts: descriptions of routes not listed there stay out', () => {
    const operations = Object.entries(fresh.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));

    expect(operations.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  test('fails for a route without a response description, naming it', () => {
    const undescribed: Route = { id: 'UserDelete', method: 'POST', path: '/user/delete', module: 'user-delete', auth: 'jwt' };

    expect(() => buildOpenApiDocument([...routes, undescribed])).toThrow(/routes without a response description .*UserDelete/);
  });

  test('fails for a route with a body whose description gives no request', () => {
    const docs: Record<string, RouteDoc> = { ...routeDocs, Login: { ...routeDocs.Login, request: undefined } };

    expect(() => buildOpenApiDocument(routes, docs)).toThrow(/"Login" takes a body/);
  });

  test('fails for a route whose description has no success response', () => {
    const { 200: _success, ...errorsOnly } = routeDocs.AuthHeaderList.responses;
    const docs: Record<string, RouteDoc> = { ...routeDocs, AuthHeaderList: { ...routeDocs.AuthHeaderList, responses: errorsOnly } };

    expect(() => buildOpenApiDocument(routes, docs)).toThrow(/"AuthHeaderList" has no success response/);
  });

  test('describes the additions once their routes are listed (GET /user/me behind the authorizer, the session routes)', () => {

    const document = buildOpenApiDocument([...routes, ...plannedAdditions]);

    expect(document.paths['/user/me']?.get).toMatchObject({ operationId: 'UserMe', security: [{ sessionJwt: [] }, { sessionJwtBare: [] }, { authHeader: [] }, { authHeaderBare: [] }] });
    expect(document.paths['/user/me']?.get?.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/MeResponse' } } } });
    expect(document.paths['/user/password']?.post?.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/LoginResponse' } } } });
    expect(document.paths['/user/refresh']?.post?.responses['403']).toEqual({ $ref: '#/components/responses/PasswordExpired' });
    expect(document.paths['/user/logout']?.post?.requestBody).toMatchObject({ required: false });
    expect(document.components.schemas?.MeResponse).toBeDefined();
  });
});

describe('examples', () => {
  const withBody = (routes as readonly Route[]).filter((route) => route.body);

  test.each(withBody.map((route) => [route.id, route] as const))('%s: the request example passes the functions\' own validator', (id, route) => {
    const example = (routeDocs as Record<string, RouteDoc>)[id]?.request?.example;

    expect(example).toBeDefined();
    expect(schemaViolation(route.body as NonNullable<Route['body']>, example)).toBeUndefined();
  });

  test('every response example matches its schema', () => {
    const media = [
      ...Object.values(fresh.paths).flatMap((methods) => Object.values(methods).flatMap((operation) => Object.values(operation.responses))),
      ...Object.values(fresh.components.responses ?? {}),
    ].flatMap((response) => Object.values((response as { content?: Record<string, { schema: { $ref: string }; example?: unknown }> }).content ?? {}));

    expect(media.length).toBeGreaterThan(8);
    for (const { schema, example } of media) {
      const validate = validatorFor(schema.$ref);
      expect({ example, valid: validate(example), errors: validate.errors }).toEqual({ example, valid: true, errors: null });
    }
  });
});

describe('the responses checker (test/helpers/openapi.ts)', () => {
  const loginOk = { Id: '12345678-1234-4234-8234-123456789abc', Created: '2023-01-15T10:30:42Z', Username: 'john.doe', Email: 'john.doe@example.com', Firstname: 'John', Lastname: 'Doe', Token: 'x.y.z', PasswordExpiration: '2024-06-15T18:30:00Z' };

  test('accepts a conforming answer', () => {
    expect(responseProblems({ method: 'POST', path: '/user/login', status: 200, headers: {}, body: loginOk })).toEqual([]);
  });

  test.each([
    ['an undeclared status', { status: 418, headers: {}, body: { message: 'teapot' } }, /status not declared/],
    ['a missing required field', { status: 200, headers: {}, body: { ...loginOk, Token: undefined } }, /must have required property 'Token'/],
    ['an extra field', { status: 200, headers: {}, body: { ...loginOk, passwordHash: 'x' } }, /must NOT have additional properties/],
    ['a date that is not a date-time', { status: 200, headers: {}, body: { ...loginOk, Created: 'yesterday' } }, /must match format "date-time"/],
    ['an error that is not { message }', { status: 400, headers: {}, body: { error: 'no' } }, /does not match #\/components\/schemas\/Error/],
    ['a 429 without Retry-After', { status: 429, headers: {}, body: { message: 'slow down' } }, /required header Retry-After is missing/],
    ['a non-JSON body', { status: 500, headers: {}, body: 'Internal Server Error' }, /must be object/],
  ])('rejects %s', (_case, response, problem) => {
    expect(responseProblems({ method: 'POST', path: '/user/login', ...response }).join('\n')).toMatch(problem);
  });

  test('requires WWW-Authenticate on a JWT route\'s 401', () => {
    const unauthorized = { method: 'GET', path: '/authheader/list', status: 401, body: { message: 'no' } };

    expect(responseProblems({ ...unauthorized, headers: {} }).join()).toMatch(/WWW-Authenticate is missing/);
    expect(responseProblems({ ...unauthorized, headers: { 'www-authenticate': 'Bearer' } })).toEqual([]);
  });

  test('is applied by invoke() to every response of a documented route', async () => {
    const teapot = async () => ({ statusCode: 418, headers: {}, body: JSON.stringify({ message: 'teapot' }) });

    await expect(invoke(teapot, { method: 'POST', path: '/user/login' })).rejects.toThrow(/POST \/user\/login → 418: status not declared/);
    // A handler invoked outside the documented routes (middleware unit tests) is not checked.
    await expect(invoke(teapot, { method: 'POST', path: '/test' })).resolves.toMatchObject({ statusCode: 418 });
  });
});
