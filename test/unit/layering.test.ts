/**
 * The layering rule, read from the source: the domain (lib/auth, lib/data, lib/services) knows
 * nothing of HTTP, tools or the stack. lib/http maps domain errors to statuses; nothing below it may
 * reach back up (a cycle auth -> http -> auth is how it went wrong before).
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const DOMAIN = ['lib/auth', 'lib/data', 'lib/services'];
const FORBIDDEN = ['lib/http', 'lib/tools', 'functions', 'infra'];

// `import ... from 'x'`, `export ... from 'x'`, `import 'x'`, `import('x')`; type-only imports too
// (a type import still couples the layers).
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Repository-relative targets of a file's relative imports (packages are not layers). */
function localImports(file: string, source: string): string[] {
  return [...source.matchAll(SPECIFIERS)]
    .map((match) => match[1] as string)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)));
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

describe('layering', () => {
  const files = DOMAIN.flatMap(sourceFiles);
  const imports = files.map((file) => ({ file, targets: localImports(file, readFileSync(join(ROOT, file), 'utf8')) }));

  test('reads the domain sources and their imports (so the rule below is not vacuous)', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/services/authHeaderService.ts', 'lib/data/userRepository.ts', 'lib/auth/jwt.ts']));
    expect(imports.flatMap(({ targets }) => targets)).toEqual(expect.arrayContaining(['lib/errors', 'lib/data/repositories', 'lib/config']));
  });

  test('recognises every import form', () => {
    const source = `import a from '../http/a';\nimport type { B } from "../http/b";\nexport { c } from '../http/c';\nimport '../http/d';\nconst e = await import('../http/e');`;
    expect(localImports('lib/services/x.ts', source)).toEqual(['lib/http/a', 'lib/http/b', 'lib/http/c', 'lib/http/d', 'lib/http/e']);
  });

  test.each(DOMAIN)('nothing in %s imports from lib/http, lib/tools, functions or infra', (dir) => {
    const violations = imports
      .filter(({ file }) => inside(file, dir))
      .flatMap(({ file, targets }) => targets.filter((target) => FORBIDDEN.some((layer) => inside(target, layer))).map((target) => `${file} -> ${target}`));
    expect(violations).toEqual([]);
  });
});
