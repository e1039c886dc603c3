/**
 * The README's "Try it" block, pasted into a shell as a newcomer would, against `npm start` on a
 * fresh database: it runs end to end, and prints exactly the output the README shows (ids,
 * tokens and times aside).
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../lib/tools/local/dynamodb';
import { startService, stopped } from '../helpers/npmStart';

jest.setTimeout(120_000);
const run = promisify(execFile);

const readme = readFileSync('README.md', 'utf8');
const tryIt = readme.slice(readme.indexOf('### Try it'));
const [, block, shown] = /```sh\n(API=[\s\S]*?)```[\s\S]*?```json\n([\s\S]*?)```/.exec(tryIt) ?? [];

/** What differs from run to run (ids, tokens, times) replaced by its kind. */
function normalized(output: string): string {
  return output
    .trim()
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>')
    .replace(/rt_[\w.-]+/g, '<refresh token>')
    .replace(/ahk_[\w-]+/g, '<key>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (time) => (time.includes('.') ? '<time.ms>' : '<time>'));
}

test('the README shows a shell block and its output', () => {
  expect(block).toContain('TOKEN=');
  expect(block).toContain('KEY=');
  expect(shown?.trim().split('\n')).toHaveLength(5);
});

test('pasted into bash against npm start, it prints what the README shows', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'readme-'));
  const port = await freePort();
  const service = await startService({ PORT: String(port), DYNAMODB_PORT: String(await freePort()), DYNAMODB_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: '', TABLE_PREFIX: 'readme' });
  try {
    // The README's port is npm start's default; this test's server is on a free one.
    const script = `set -e\n${(block as string).replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${port}`)}`;
    const { stdout, stderr } = await run('bash', ['-c', script], { timeout: 60_000 });

    expect(stderr).toBe('');
    expect(normalized(stdout)).toBe(normalized(shown as string));
    // And it did what it says: the key worked for /user/me and was deleted at the end.
    expect(stdout).toContain('"AuthMethod":"authheader"');
    expect(stdout.trim().split('\n').at(-1)).toBe('{"message":"Success"}');
  } finally {
    service.child.kill('SIGTERM');
    await stopped(service.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
