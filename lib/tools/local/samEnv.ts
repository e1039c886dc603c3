/**
 * `npm run sam:env`: writes events/env.json for `sam local invoke/start-api --env-vars`, from the
 * synthesized template and the same local keys `npm start` uses (.data/keys.json, or
 * AUTH_KEYS_FILE), so tokens and auth headers made by either work in the other.
 *
 * Options: `--template <file>` (default cdk.out/AuthService.template.json, written by
 * `npm run synth`), `--endpoint <url>` (default http://host.docker.internal:<DYNAMODB_PORT or
 * 8000>: how SAM's container reaches DynamoDB Local), `--out <file>` (default events/env.json).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLine } from '../commandLine';
import { loadConfig } from '../../config';
import { readOrCreateLocalKeyFile, SECRET_ID_ENV, type LocalKeyFile } from '../../auth/keys';
import { TABLES, type TableId } from '../../data/table';
import { localSettings } from './settings';

interface TemplateResource {
  Type: string;
  Properties?: { Environment?: { Variables?: Record<string, unknown> } };
}

export type SamEnv = Record<string, Record<string, string>>;

/**
 * One entry per Lambda function of the template, overriding only variables the function declares
 * (SAM ignores the rest): DynamoDB Local's endpoint, the local table names, empty secret ids, and
 * the local keys.
 */
export function buildSamEnv(template: { Resources?: Record<string, TemplateResource> }, options: { endpoint: string; tables: Record<TableId, string>; keys: LocalKeyFile }): SamEnv {
  const values: Record<string, string> = {
    DYNAMODB_ENDPOINT: options.endpoint,
    LOCAL_AUTH_KEYS: JSON.stringify(options.keys),
  };
  for (const [id, definition] of Object.entries(TABLES) as [TableId, (typeof TABLES)[TableId]][]) values[definition.envVar] = options.tables[id];
  for (const name of Object.values(SECRET_ID_ENV)) values[name] = '';
  const env: SamEnv = {};
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const declared = Object.keys(resource.Properties?.Environment?.Variables ?? {});
    env[logicalId] = Object.fromEntries(declared.filter((name) => name in values).map((name) => [name, values[name] as string]));
  }
  return env;
}

const USAGE = `Usage: npm run sam:env [-- --template <file>] [--endpoint <url>] [--out <file>]

Writes events/env.json for \`sam local invoke/start-api --env-vars\`: DynamoDB Local's endpoint,
the local table names and the local keys (.data/keys.json, or AUTH_KEYS_FILE).

  --template <file>  the synthesized template (default cdk.out/AuthService.template.json; npm run synth)
  --endpoint <url>   how SAM's container reaches DynamoDB Local (default http://host.docker.internal:8000)
  --out <file>       where to write (default events/env.json)`;

function main(): void {
  const values = commandLine(USAGE, { template: { type: 'string' }, endpoint: { type: 'string' }, out: { type: 'string' } });
  const templatePath = resolve(values.template ?? 'cdk.out/AuthService.template.json');
  if (!existsSync(templatePath)) throw new Error(`${templatePath} does not exist: run \`npm run synth\` first (or pass --template)`);
  const settings = localSettings(process.env);
  const endpoint = values.endpoint ?? `http://host.docker.internal:${settings.dynamoDb.port}`;
  const keysFile = resolve(process.env.AUTH_KEYS_FILE ?? '.data/keys.json');
  const env = buildSamEnv(JSON.parse(readFileSync(templatePath, 'utf8')), { endpoint, tables: loadConfig(process.env).tables, keys: readOrCreateLocalKeyFile(keysFile) });
  if (Object.keys(env).length === 0) throw new Error(`${templatePath} has no Lambda functions`);
  const out = resolve(values.out ?? 'events/env.json');
  // It holds the local keys: readable by this user only, like .data/keys.json.
  writeFileSync(out, `${JSON.stringify(env, null, 2)}\n`, { mode: 0o600 });
  chmodSync(out, 0o600);
  console.log(`wrote ${out} for ${Object.keys(env).join(', ')}: DynamoDB at ${endpoint}, keys from ${keysFile}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  try {
    main();
  } catch (error) {
    console.error(`npm run sam:env failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
