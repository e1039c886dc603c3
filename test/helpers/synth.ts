/**
 * Synthesizes the stack for the tests (real esbuild bundles, into a temp dir). `synthesize` builds
 * a fresh App (for a test that needs the construct tree or its own context); `synthesizedTemplate`
 * is the one synth every test file in a jest worker shares: the first call writes the template and
 * the bundles, later ones (in any file of that worker) read them back.
 */
import { createHash } from 'node:crypto';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/paths';
import { AuthServiceStack } from '../../infra/stack';

/** The feature flags `cdk synth` gets from cdk.json, so the tests see the template the CLI makes. */
const cdkJsonContext = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

export interface Synthesized {
  app: App;
  stack: AuthServiceStack;
  template: Template;
  outdir: string;
}

export interface SynthOptions {
  /** As with `cdk synth -c key=value`. */
  context?: Record<string, unknown>;
  stackName?: string;
  /** Run esbuild (default). Without, assets are placeholders: fast, for tests of the template only. */
  bundle?: boolean;
}

export function synthesize({ context = {}, stackName = 'AuthService', bundle = true }: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'auth-service-cdk-'));
  const app = new App({
    outdir,
    context: {
      // Asset metadata is what `sam local` (and the bundle test) find each function's code by; the
      // CLI turns it on by default, a bare App does not.
      ...cdkJsonContext,
      'aws:cdk:enable-asset-metadata': true,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  const { stack, template } = withoutBundlingLines(() => {
    const built = new AuthServiceStack(app, stackName);
    return { stack: built, template: Template.fromStack(built) };
  });
  return { app, stack, template, outdir };
}

/**
 * The template (and the cloud assembly's folder, with the bundles) for these options, synthesized
 * once per jest worker: jest gives each test file its own module registry, so the memo is on disk,
 * under the worker's own process id (and its parent's: one jest run).
 */
export function synthesizedTemplate(options: SynthOptions = {}): Pick<Synthesized, 'template' | 'outdir'> & { stackName: string } {
  const stackName = options.stackName ?? 'AuthService';
  const key = createHash('sha256').update(JSON.stringify({ ...options, stackName })).digest('hex').slice(0, 16);
  const memo = join(tmpdir(), `auth-service-synth-${process.ppid}-${process.pid}`);
  const pointer = join(memo, `${key}.outdir`);
  if (existsSync(pointer)) {
    const outdir = readFileSync(pointer, 'utf8');
    return { outdir, stackName, template: Template.fromJSON(JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8')) as Record<string, unknown>) };
  }
  const { app, template, outdir } = synthesize(options);
  app.synth();
  mkdirSync(memo, { recursive: true });
  writeFileSync(pointer, outdir);
  return { outdir, stackName, template };
}

/**
 * Runs a synth without CDK's "Bundling asset ..." progress lines (written straight to stderr, once
 * per function and test); they are printed after all if the synth throws.
 */
function withoutBundlingLines<T>(synth: () => T): T {
  const write = process.stderr.write;
  const held: string[] = [];
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (/^Bundling asset .*\.\.\.\s*$/.test(text)) {
      held.push(text);
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return synth();
  } catch (error) {
    for (const line of held) write.call(process.stderr, line);
    throw error;
  } finally {
    process.stderr.write = write;
  }
}
