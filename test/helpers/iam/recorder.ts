/**
 * Records every DynamoDB and Secrets Manager call the functions make, tagged with the function
 * (route id, or `Authorizer`) whose handler issued it: `as(id, work)` runs work under that tag
 * (AsyncLocalStorage follows it through every await), an SDK middleware on the shared document
 * client records each DynamoDB command as sent (marshalled, after the document client's
 * translation), and the key store's fetcher records each secret read.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { documentClient } from '../../../lib/data/client';
import { type KeyName, SECRET_ID_ENV, setSecretFetcherForTests } from '../../../lib/auth/keys';
import type { LocalKeyFile } from '../../../lib/auth/localKeys';
import type { RecordedCall } from './requests';

const current = new AsyncLocalStorage<string>();
const calls = new Map<string, RecordedCall[]>();

/** Runs `work` as function `id`: what it sends is recorded under that id. */
export function as<T>(id: string, work: () => Promise<T>): Promise<T> {
  return current.run(id, work);
}

/** The calls recorded so far, by function id (calls outside `as`, e.g. test setup, are not kept). */
export function recordedCalls(): ReadonlyMap<string, readonly RecordedCall[]> {
  return calls;
}

function record(command: string, input: Record<string, unknown>): void {
  const id = current.getStore();
  if (!id) return;
  const list = calls.get(id) ?? [];
  list.push({ command, input: structuredClone(input) });
  calls.set(id, list);
}

let installed = false;

/**
 * Installs the recorder. Keys come through the Secrets Manager path: each key's `*_SECRET_ID` is
 * set to `secretIds[name]` and reads are answered from `keys` (the test's local keys) and recorded
 * as GetSecretValue of that id.
 */
export function installRecorder(secretIds: Record<KeyName, string>, keys: LocalKeyFile): void {
  if (installed) return;
  installed = true;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      record(String(context.commandName), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'iamSimulationRecorder' },
  );
  const byId = new Map<string, KeyName>();
  for (const name of Object.keys(SECRET_ID_ENV) as KeyName[]) {
    process.env[SECRET_ID_ENV[name]] = secretIds[name];
    byId.set(secretIds[name], name);
  }
  setSecretFetcherForTests(async (secretId) => {
    record('GetSecretValueCommand', { SecretId: secretId });
    const name = byId.get(secretId);
    if (!name) throw new Error(`unknown secret id ${secretId}`);
    return keys[name];
  });
}
