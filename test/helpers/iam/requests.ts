/**
 * A DynamoDB or Secrets Manager call as IAM sees it: the action(s) AWS authorizes, the resource ARN
 * (index included) and the condition keys the DynamoDB guide ("Using IAM policy conditions for
 * fine-grained access control") says it fills in:
 *
 * - `dynamodb:LeadingKeys`: the partition key value(s) the request names;
 * - `dynamodb:Attributes`: the top-level attribute names the request names (projection, item,
 *   update and condition expressions), and always the table's key attributes (the guide: a policy
 *   must list them "otherwise, DynamoDB can't use these key attributes");
 * - `dynamodb:Select`: SPECIFIC_ATTRIBUTES for a projected read, ALL_ATTRIBUTES without one;
 * - `dynamodb:ReturnValues`: as sent;
 * - `dynamodb:EnclosingOperation`: TransactWriteItems / TransactGetItems for a transaction's items.
 *
 * Where the guide leaves a key's presence open — `dynamodb:Attributes` on a transaction's items,
 * `dynamodb:ReturnValues` when the request omits it — both cases are returned as variants, and a
 * caller requires every variant to be allowed.
 */
import { TABLES, type TableId } from '../../../lib/data/table';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** Readable origin, for failure messages (`TransactWriteItems[1].Update on users`). */
  origin: string;
}

/** One recorded call: the low-level command name and its marshalled input. */
export interface RecordedCall {
  command: string;
  input: Record<string, any>;
}

export interface TableNaming {
  /** Table id of a table name the code used (config.tables), undefined for a table we do not own. */
  tableIdOf(tableName: string): TableId | undefined;
  /** The ARN the synthesized template's policies resolve the table to. */
  tableArn(table: TableId): string;
  /** The secret ARN for the secret id the code fetched. */
  secretArn(secretId: string): string;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'between', 'in', 'set', 'add', 'remove', 'delete', 'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size', 'if_not_exists', 'list_append']);

/** Top-level attribute names an expression names: `#alias` resolved, bare names as written. */
export function expressionAttributes(expression: string | undefined, names: Record<string, string> = {}): string[] {
  if (!expression) return [];
  const found = new Set<string>();
  // Strip value placeholders, then read each path's first element (a.b[0] → a).
  for (const match of expression.replace(/:[A-Za-z0-9_]+/g, ' ').matchAll(/(#?[A-Za-z_][A-Za-z0-9_]*)((?:\.[#A-Za-z0-9_]+|\[\d+\])*)/g)) {
    const token = match[1] as string;
    const before = expression.slice(0, match.index).trimEnd();
    if (before.endsWith('.')) continue;
    if (token.startsWith('#')) {
      const name = names[token];
      if (!name) throw new Error(`expression names ${token} without an ExpressionAttributeNames entry`);
      found.add(name);
    } else if (!KEYWORDS.has(token.toLowerCase())) {
      found.add(token);
    }
  }
  return [...found];
}

const scalar = (value: unknown): string => {
  const [typed] = Object.values(value as Record<string, unknown>);
  return String(typed);
};

function keyAttributes(table: TableId): string[] {
  const definition = TABLES[table];
  return [definition.partitionKey, ...('sortKey' in definition ? [definition.sortKey as string] : [])];
}

interface ItemAccess {
  action: string;
  table: TableId;
  index?: string;
  leadingKeys: string[];
  /** Attribute names, or undefined when the request names none (a whole-item read). */
  attributes?: string[];
  select?: string;
  returnValues?: string;
  enclosing?: 'TransactWriteItems' | 'TransactGetItems';
  origin: string;
}

function unionWithKeys(table: TableId, ...lists: (string[] | undefined)[]): string[] {
  return [...new Set([...keyAttributes(table), ...lists.flatMap((list) => list ?? [])])];
}

/** The requests (one per variant) AWS would authorize for one item access. */
function variants(access: ItemAccess, naming: TableNaming): IamRequest[] {
  const resource = naming.tableArn(access.table) + (access.index ? `/index/${access.index}` : '');
  const base: Record<string, string | string[]> = { 'dynamodb:LeadingKeys': access.leadingKeys };
  if (access.select) base['dynamodb:Select'] = access.select;
  if (access.enclosing) base['dynamodb:EnclosingOperation'] = access.enclosing;
  const attributeCases: (string[] | undefined)[] = access.attributes === undefined ? [undefined] : access.enclosing ? [access.attributes, undefined] : [access.attributes];
  const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'].includes(access.action);
  const returnCases: (string | undefined)[] = access.returnValues ? [access.returnValues] : writes ? ['NONE', undefined] : [undefined];
  const out: IamRequest[] = [];
  for (const attributes of attributeCases) {
    for (const returnValues of returnCases) {
      const context = { ...base };
      if (attributes) context['dynamodb:Attributes'] = attributes;
      if (returnValues) context['dynamodb:ReturnValues'] = returnValues;
      const variant = `${attributes ? 'Attributes given' : 'no Attributes'}${returnValues ? `, ReturnValues ${returnValues}` : ''}`;
      out.push({ action: access.action, resource, context, origin: `${access.origin} (${variant})` });
    }
  }
  return out;
}

/** The item accesses of one single-item write or check (also a transaction's item). */
function writeAccess(kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck', item: Record<string, any>, naming: TableNaming, origin: string, enclosing?: 'TransactWriteItems'): ItemAccess | undefined {
  const table = naming.tableIdOf(item.TableName);
  if (!table) return undefined;
  const key = kind === 'Put' ? item.Item : item.Key;
  const names = item.ExpressionAttributeNames as Record<string, string> | undefined;
  const attributes = unionWithKeys(
    table,
    kind === 'Put' ? Object.keys(item.Item ?? {}) : undefined,
    expressionAttributes(item.UpdateExpression, names),
    expressionAttributes(item.ConditionExpression, names),
  );
  const action = { Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem' }[kind];
  return {
    action,
    table,
    leadingKeys: [scalar(key[TABLES[table].partitionKey])],
    attributes,
    returnValues: item.ReturnValues ?? item.ReturnValuesOnConditionCheckFailure,
    enclosing,
    origin: `${origin} on ${table}`,
  };
}

function readAccess(action: string, table: TableId, keys: Record<string, any>[], item: Record<string, any>, origin: string, enclosing?: 'TransactGetItems'): ItemAccess {
  const projected = expressionAttributes(item.ProjectionExpression, item.ExpressionAttributeNames);
  const named = projected.length > 0;
  return {
    action,
    table,
    leadingKeys: [...new Set(keys.map((key) => scalar(key[TABLES[table].partitionKey])))],
    attributes: named ? unionWithKeys(table, projected) : undefined,
    select: item.Select ?? (named ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES'),
    enclosing,
    origin: `${origin} on ${table}`,
  };
}

/** The IAM requests of one recorded call; throws for an operation this model does not know. */
export function iamRequestsOf(call: RecordedCall, naming: TableNaming): IamRequest[] {
  const { command, input } = call;
  const accesses: ItemAccess[] = [];
  switch (command) {
    case 'GetSecretValueCommand':
      return [{ action: 'secretsmanager:GetSecretValue', resource: naming.secretArn(input.SecretId), context: {}, origin: 'GetSecretValue' }];
    case 'GetItemCommand': {
      const table = naming.tableIdOf(input.TableName);
      if (table) accesses.push(readAccess('dynamodb:GetItem', table, [input.Key], input, 'GetItem'));
      break;
    }
    case 'BatchGetItemCommand':
      for (const [tableName, request] of Object.entries(input.RequestItems as Record<string, any>)) {
        const table = naming.tableIdOf(tableName);
        if (table) accesses.push(readAccess('dynamodb:BatchGetItem', table, request.Keys, request, 'BatchGetItem'));
      }
      break;
    case 'TransactGetItemsCommand':
      (input.TransactItems as any[]).forEach(({ Get }, i) => {
        const table = naming.tableIdOf(Get.TableName);
        if (table) accesses.push(readAccess('dynamodb:GetItem', table, [Get.Key], Get, `TransactGetItems[${i}].Get`, 'TransactGetItems'));
      });
      break;
    case 'QueryCommand': {
      const table = naming.tableIdOf(input.TableName);
      if (!table) break;
      // The partition key's value: the `pk = :v` (or `#pk = :v`) term of the key condition.
      const partitionKey = TABLES[table].partitionKey;
      const names = input.ExpressionAttributeNames ?? {};
      const alias = Object.entries(names).find(([, name]) => name === partitionKey)?.[0];
      const term = new RegExp(`(?:^|\\W)(?:${partitionKey}${alias ? `|${alias}` : ''})\\s*=\\s*(:[A-Za-z0-9_]+)`).exec(input.KeyConditionExpression);
      if (!term) throw new Error(`cannot find the partition key in KeyConditionExpression ${input.KeyConditionExpression}`);
      const access = readAccess('dynamodb:Query', table, [{ [partitionKey]: input.ExpressionAttributeValues[term[1] as string] }], input, 'Query');
      accesses.push({ ...access, index: input.IndexName });
      break;
    }
    case 'PutItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand': {
      const kind = command.replace('ItemCommand', '') as 'Put' | 'Update' | 'Delete';
      const access = writeAccess(kind, input, naming, `${kind}Item`);
      if (access) accesses.push(access);
      break;
    }
    case 'TransactWriteItemsCommand':
      (input.TransactItems as Record<string, any>[]).forEach((item, i) => {
        const [kind, body] = Object.entries(item)[0] as ['Put' | 'Update' | 'Delete' | 'ConditionCheck', Record<string, any>];
        const access = writeAccess(kind, body, naming, `TransactWriteItems[${i}].${kind}`, 'TransactWriteItems');
        if (access) accesses.push(access);
      });
      break;
    default:
      throw new Error(`the IAM model does not know ${command}: add it to test/helpers/iam/requests.ts`);
  }
  return accesses.flatMap((access) => variants(access, naming));
}
