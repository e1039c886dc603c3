/**
 * Structured JSON logs on stdout/stderr. In Lambda with the JSON log format, CloudWatch keeps these
 * as-is and the function's application log level filters them; locally `LOG_LEVEL` does.
 * Never pass request bodies or headers here: they hold passwords and tokens.
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, 'SILENT'>;

const threshold = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as keyof typeof LEVELS] ?? LEVELS.INFO;

function write(level: Level, message: string, fields: Record<string, unknown>): void {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ level, message, ...fields });
  if (LEVELS[level] >= LEVELS.WARN) console.error(line);
  else console.log(line);
}

export const log = {
  debug: (message: string, fields: Record<string, unknown> = {}) => write('DEBUG', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('WARN', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('ERROR', message, fields),
};
