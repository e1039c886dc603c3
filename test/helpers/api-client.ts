/**
 * The typed client a consumer would generate from openapi.json (openapi-typescript types in
 * api-schema.ts, openapi-fetch calls), with every response checked against the document.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-schema';
import { assertMatchesDocument } from './openapi';

const checkedAgainstDocument: Middleware = {
  async onResponse({ request, response }) {
    const text = await response.clone().text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: checked as the raw text, which no JSON answer of the document matches.
    }
    assertMatchesDocument({ method: request.method, path: new URL(request.url).pathname, status: response.status, headers: response.headers, body });
    return undefined;
  },
};

export function apiClient(baseUrl: string) {
  const client = createClient<paths>({ baseUrl });
  client.use(checkedAgainstDocument);
  return client;
}
