/** Synthesizes the stack for the infra tests (real esbuild bundles, into a temp dir). */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
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
