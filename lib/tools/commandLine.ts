/**
 * The command line of every npm script (start, dynamodb, demo, sam:env, admin, bench, openapi):
 * node:util's parseArgs plus `--help`/`-h`. `--help` prints the usage and exits 0; a wrong option,
 * a missing value or a stray argument prints the error and the usage on stderr and exits 2 —
 * never a stack trace.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A mistake on the command line: the script prints it with its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const USAGE_EXIT_CODE = 2;

type Values<O extends ParseArgsOptionsConfig> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? (O[K]['multiple'] extends true ? string[] : string) : O[K]['multiple'] extends true ? boolean[] : boolean;
};

/** Whether an error came from parseArgs (unknown option, missing value, stray argument, ...). */
function isParseArgsError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

/**
 * Parses `argv` (default: this process's arguments) against `options`; answers `--help` and
 * mistakes itself (see above). `check` may throw UsageError for what parseArgs cannot see.
 */
export function commandLine<O extends ParseArgsOptionsConfig>(
  usage: string,
  options: O,
  check: (values: Values<O>) => void = () => undefined,
  argv: string[] = process.argv.slice(2),
): Values<O> {
  let values: Values<O> & { help?: boolean };
  try {
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as Values<O> & { help?: boolean };
    if (!values.help) check(values);
  } catch (error) {
    if (!(error instanceof UsageError) && !isParseArgsError(error)) throw error;
    process.stderr.write(`error: ${(error as Error).message}\n\n${usage}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
