/**
 * `npm run bench` prints a table, not CloudWatch metrics: in the environment it runs the service
 * in, a request emits no EMF line (`{"_aws": ...}`) on stdout, as in `npm start`. Checked in a
 * child process (Powertools reads the setting when the handler module loads), with a login that
 * counts a metric (its database is unreachable: 503, DatabaseUnavailable), against the same with
 * metrics switched back on, which must emit it (so the check can fail).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SCRIPT = `
import { prepareBenchEnvironment } from './bench/environment.ts';
prepareBenchEnvironment(process.env);
process.env.LOG_LEVEL = 'SILENT';
const { handler } = await import('./functions/login.ts');
const { apiEvent, lambdaContext } = await import('./test/helpers/invoke.ts');
const result = await handler(apiEvent({ method: 'POST', path: '/user/login', body: { username: 'bench', password: 'any' } }), lambdaContext);
console.log('status ' + result.statusCode);
`;

async function stdoutOfOneRequest(metricsDisabled: string | undefined): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };
  delete env.POWERTOOLS_METRICS_DISABLED;
  if (metricsDisabled !== undefined) env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { env, timeout: 60_000 });
  return stdout;
}

test('a request in the bench environment prints no EMF metric line', async () => {
  const stdout = await stdoutOfOneRequest(undefined);

  expect(stdout).toContain('status 503');
  expect(stdout).not.toContain('"_aws"');
}, 90_000);

test('the same request with POWERTOOLS_METRICS_DISABLED=false does print them (the check above can fail)', async () => {
  const stdout = await stdoutOfOneRequest('false');

  expect(stdout).toContain('status 503');
  expect(stdout).toContain('"_aws"');
}, 90_000);
