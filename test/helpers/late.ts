/**
 * For a test file that sets environment variables lib/config.ts (and lib/log.ts, lib/metrics.ts)
 * read at import: this module imports nothing of lib/ itself, so the file can import it first, set
 * its variables, and only then load the service through these functions.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

export type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

/** Creates this test file's tables (what useTestTables does for files that load lib/ at once). */
export async function ensureTestTables(): Promise<void> {
  const { ensureTables } = await import('../../lib/data/bootstrap');
  const { documentClient } = await import('../../lib/data/client');
  const { config } = await import('../../lib/config');
  await ensureTables(documentClient, config.tables);
}

/** The `handler` of a module under functions/. */
export async function loadHandler(module: string): Promise<Handler> {
  return ((await import(`../../functions/${module}`)) as { handler: Handler }).handler;
}
