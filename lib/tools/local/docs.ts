/**
 * The local server's API reference: `/openapi.json` (built from the code, as `npm run openapi`
 * builds it) and `/docs`, Swagger UI served from the swagger-ui-dist package in node_modules, so
 * the page works offline and loads nothing from a CDN.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/document';

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

// Only these files, by name: nothing else under node_modules is reachable.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Authentication service API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The document, with this server first in its server list so "Try it out" calls it. */
function documentFor(req: IncomingMessage, document: OpenApiDocument): OpenApiDocument {
  const host = req.headers.host;
  if (!host || !HOST.test(host)) return document;
  return { ...document, servers: [{ url: `http://${host}`, description: 'This server (npm start)' }, ...document.servers] };
}

function send(res: ServerResponse, contentType: string, body: string | Buffer): void {
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

/** Serves the request if it is for the docs page or the document; false to let the API route it. */
export function docsHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  let document: OpenApiDocument | undefined;
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/openapi.json') {
      document ??= buildOpenApiDocument();
      send(res, 'application/json', JSON.stringify(documentFor(req, document), null, 2));
      return true;
    }
    if (path === '/docs' || path === '/docs/') {
      send(res, 'text/html; charset=utf-8', PAGE);
      return true;
    }
    if (path === '/docs/init.js') {
      send(res, 'text/javascript; charset=utf-8', INIT);
      return true;
    }
    const asset = path.startsWith('/docs/') ? path.slice('/docs/'.length) : undefined;
    const contentType = asset !== undefined ? ASSETS[asset] : undefined;
    if (asset === undefined || contentType === undefined) return false;
    send(res, contentType, await readFile(join(SWAGGER_UI_DIR, asset)));
    return true;
  };
}
