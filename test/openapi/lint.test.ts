/** `redocly lint` with its strictest built-in ruleset (redocly.yaml) on the committed document. */
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routes } from '../../lib/routes';
import { buildOpenApiDocument, renderOpenApiDocument } from '../../lib/tools/openapi/document';
import { plannedAdditions } from './additions';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function lint(file: string) {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'stylish'], {
    cwd: ROOT,
    // No usage reporting and no update check: tests make no calls out.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('openapi.json passes redocly lint (recommended-strict)', () => {
  const { status, output } = lint('openapi.json');

  expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('Your API description is valid') });
}, 60_000);

test('the document still passes once the additions (GET /user/me, the session routes) are listed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'with-additions.json');
    writeFileSync(file, renderOpenApiDocument(buildOpenApiDocument([...routes, ...plannedAdditions])));

    // No ignore file applies here: the auth-header scheme is in use.
    const { status, output } = lint(file);

    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('Your API description is valid') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
