// One cold start, as Lambda's runtime does it: a fresh Node process imports the bundle and invokes
// its handler once. Prints one JSON line: time since process start before the import (Node's own
// boot), the import, the first invocation, and the status. Plain JS so it runs without tsx.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundlePath, eventJson] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const context = {
  awsRequestId: 'cold-start',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  getRemainingTimeInMillis: () => 30_000,
  callbackWaitsForEmptyEventLoop: false,
};

const beforeImport = performance.now();
const module = await import(pathToFileURL(bundlePath).href);
const afterImport = performance.now();
const result = await module.handler(event, context);
const afterInvoke = performance.now();
process.stdout.write(
  `${JSON.stringify({
    bootMs: beforeImport,
    importMs: afterImport - beforeImport,
    invokeMs: afterInvoke - afterImport,
    totalMs: afterInvoke,
    // An authorizer answers a policy, not an HTTP response: an Allow counts as a 200.
    statusCode: result?.statusCode ?? (result?.policyDocument?.Statement?.[0]?.Effect === 'Allow' ? 200 : undefined),
    body: result?.statusCode === 200 || result?.policyDocument ? undefined : (result?.body ?? JSON.stringify(result)),
  })}\n`,
);
// The SDK keeps its connection pool open; Lambda would freeze here, a benchmark just leaves.
process.exit(0);
