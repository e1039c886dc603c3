/**
 * Structured JSON logs with Powertools Logger: `log.info(message, fields)` and friends. The shared
 * middleware adds the Lambda context (request id, function, cold start) to every line. Level and
 * service name come from lib/config.ts (AWS_LAMBDA_LOG_LEVEL or LOG_LEVEL; POWERTOOLS_SERVICE_NAME).
 *
 * Never pass request bodies, headers, tokens or raw errors here: bodies hold passwords, headers hold
 * tokens, and some error messages quote the text that caused them. Log errors through
 * `describeError`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';
import { DomainError } from './errors';

export const log = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });

// V8's JSON.parse messages quote the text around the failure ("... \"password\":Victim-Pas\" is
// not valid JSON"), and libraries pass them on in their own errors (a secret that fails its JSON
// transform, say); some also give the position, the one part worth keeping.
const JSON_POSITION = /\bat position (\d+)/;
const JSON_PARSE_MESSAGE = /not valid JSON|in JSON at position|Unexpected token|Unexpected end of JSON|Unexpected non-whitespace|Bad control character|Unterminated string/;

/** The position a JSON.parse error message names, if any (never the text it quotes). */
export function jsonErrorPosition(message: unknown): number | undefined {
  const match = typeof message === 'string' ? JSON_POSITION.exec(message) : null;
  return match ? Number(match[1]) : undefined;
}

type Described = { name: string; message?: string; position?: number; stack?: string; cause?: Described } & Record<string, unknown>;

/**
 * What may be logged of an error: its class always; of a SyntaxError, or any error whose message
 * reads like JSON.parse's, only the position (the message and the stack quote the input); otherwise
 * message and stack, the primitive fields of our own errors (e.g. a throttle's `counter`;
 * lib/errors.ts keeps request text out of them) or the `code` of others; the same for its cause, a
 * few levels deep.
 */
export function describeError(error: unknown, depth = 0): Described {
  if (!(error instanceof Error)) return { name: typeof error };
  const name = error.name || error.constructor.name;
  if (error instanceof SyntaxError || JSON_PARSE_MESSAGE.test(error.message)) return { name, position: jsonErrorPosition(error.message) };
  const described: Described = { name, message: error.message };
  const fields = error instanceof DomainError ? Object.entries(error) : [['code', (error as { code?: unknown }).code]];
  for (const [key, value] of fields) {
    if (key !== 'name' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) described[key as string] = value;
  }
  if (depth === 0 && error.stack) described.stack = error.stack;
  if (error.cause !== undefined && depth < 3) described.cause = describeError(error.cause, depth + 1);
  return described;
}
