/**
 * Runs before each test file's modules load (lib/config.ts reads the environment at import):
 * a table of its own, fresh in-memory keys, and a cheap bcrypt cost.
 */
import { randomBytes } from 'node:crypto';
import { generateLocalKeys } from '../../lib/auth/localKeys';

process.env.TABLE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
process.env.BCRYPT_COST ??= '4';
process.env.LOCAL_AUTH_KEYS = JSON.stringify(generateLocalKeys());
process.env.AWS_REGION ??= 'us-east-1';
process.env.LOG_LEVEL ??= 'SILENT';
// EMF lines on stdout for every invocation would bury the test output; test/ops enables them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// The authorizer's own cache off, so a deleted key is refused at once (the cache has its own tests).
process.env.AUTHORIZER_CACHE_SECONDS ??= '0';
