/**
 * Every npm script answers `--help` with its usage (exit 0) and a wrong option with the error and
 * its usage (exit 2), never a stack trace. The scripts are read from package.json, so a new one is
 * covered (or this test fails) without editing it.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
jest.setTimeout(120_000);

const scripts = Object.entries(JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>)
  .map(([name, command]) => [name, /^exec node --import tsx (\S+\.ts)$/.exec(command)?.[1]] as const)
  .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);

async function invoke(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', file, ...args], { timeout: 60_000, env: { ...process.env, DYNAMODB_ENDPOINT: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('the tools scripts are all here (start, dynamodb, demo, sam:env, admin, bench, openapi)', () => {
  expect(scripts.map(([name]) => name)).toEqual(expect.arrayContaining(['start', 'dynamodb', 'demo', 'sam:env', 'admin', 'bench', 'openapi']));
});

describe.each(scripts)('npm run %s', (name, file) => {
  test('--help prints the usage and exits 0', async () => {
    const result = await invoke(file, ['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: npm (run )?${name === 'start' ? 'start' : name}`));
  });

  test('a wrong option prints the error and the usage, exits 2, with no stack trace', async () => {
    const result = await invoke(file, ['--no-such-option']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*--no-such-option/);
    expect(result.stderr).toContain('Usage: npm');
    expect(result.stderr).not.toMatch(/\n\s+at |ERR_PARSE_ARGS/);
  });
});

test('bench refuses an unknown --only section by name (exit 2) before starting anything', async () => {
  const result = await invoke('bench/run.ts', ['--quick', '--only', 'login,nope']);

  expect(result.code).toBe(2);
  expect(result.stderr).toContain('unknown section(s) for --only: nope');
});
