/**
 * `npm run openapi`: writes openapi.json (the API described) and the TypeScript types the typed test
 * client is built on. A test fails while either differs from a fresh generation.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { commandLine } from '../commandLine';
import { buildOpenApiDocument, type OpenApiDocument, renderOpenApiDocument } from './document';

export const DOCUMENT_FILE = fileURLToPath(new URL('../../../openapi.json', import.meta.url));
export const CLIENT_TYPES_FILE = fileURLToPath(new URL('../../../test/helpers/api-schema.ts', import.meta.url));

/** openapi-typescript's rendering of the document: `paths`, `components` and `operations` types. */
export async function renderClientTypes(document: OpenApiDocument = buildOpenApiDocument()): Promise<string> {
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]);
  return `/* Generated from openapi.json by \`npm run openapi\` (openapi-typescript). Do not edit. */\n\n${astToString(ast)}`;
}

const USAGE = `Usage: npm run openapi [-- --help]

Writes openapi.json (from lib/routes.ts and lib/http/schemas.ts) and test/helpers/api-schema.ts
(the typed test client's types). It takes no options.`;

async function main(): Promise<void> {
  commandLine(USAGE, {});
  const document = buildOpenApiDocument();
  writeFileSync(DOCUMENT_FILE, renderOpenApiDocument(document));
  writeFileSync(CLIENT_TYPES_FILE, await renderClientTypes(document));
  console.log(`wrote ${DOCUMENT_FILE} and ${CLIENT_TYPES_FILE}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(`npm run openapi failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
