/**
 * The configuration table (docs/configuration.md) and the code agree: every environment variable lib/ and
 * functions/ read has a row, and every row is a variable something reads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SECRET_ID_ENV } from '../../lib/auth/keys';
import { TABLES } from '../../lib/data/table';
import { REPO_ROOT } from '../../infra/paths';

/** Set by Lambda, SAM, the AWS SDK's conventions or the test runner, not by whoever configures the service. */
const PLATFORM = new Set(['AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_LOG_LEVEL', 'AWS_SAM_LOCAL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'NODE_ENV']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Variable name → files reading it: `env.X`, `process.env.X`, `env['X']`, `…FromEnv(env, 'X'`. */
function variablesReadByCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (name: string, file: string) => found.set(name, [...(found.get(name) ?? []), file]);
  const patterns = [/\benv\??\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g, /[a-z]FromEnv\(\s*\w+,\s*['"]([A-Z][A-Z0-9_]*)['"]/g];
  for (const file of [...sourceFiles(join(REPO_ROOT, 'lib')), ...sourceFiles(join(REPO_ROOT, 'functions'))]) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) add(match[1] as string, relative(REPO_ROOT, file));
  }
  // Read through a name held in data: each table's variable (lib/config.ts) and each secret id (lib/auth/keys.ts).
  for (const table of Object.values(TABLES)) add(table.envVar, 'lib/data/table.ts');
  for (const name of Object.values(SECRET_ID_ENV)) add(name, 'lib/auth/keys.ts');
  return found;
}

/** Every `NAME` in the first column of docs/configuration.md's table. */
function variablesInTable(): Set<string> {
  const page = readFileSync(join(REPO_ROOT, 'docs/configuration.md'), 'utf8');
  const names = new Set<string>();
  for (const line of page.split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(match[1] as string);
  }
  return names;
}

describe('the configuration table (docs/configuration.md)', () => {
  const code = variablesReadByCode();
  const table = variablesInTable();

  test('has a row for every variable the code reads', () => {
    const missing = [...code.keys()].filter((name) => !PLATFORM.has(name) && !table.has(name)).map((name) => `${name} (read in ${[...new Set(code.get(name))].join(', ')})`);
    expect(missing).toEqual([]);
  });

  test('has no row for a variable nothing reads', () => {
    expect([...table].filter((name) => !code.has(name))).toEqual([]);
  });

  test('finds the variables it is meant to find (the scan itself works)', () => {
    for (const name of ['LOGIN_MAX_FAILURES_PER_USER', 'KEYS_CACHE_SECONDS', 'LOG_LEVEL', 'DYNAMODB_PORT', 'USERS_TABLE', 'JWT_SECRET_ID', 'HOST']) expect(code.has(name)).toBe(true);
  });
});
