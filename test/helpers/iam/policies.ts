/**
 * Each function's IAM policy as the synthesized template grants it (CloudFormation references
 * resolved to ARNs in one made-up account), and IAM requests evaluated against it with a real IAM
 * policy engine (@cloud-copilot/iam-simulate).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';
import { config } from '../../../lib/config';
import { TABLES, type TableId } from '../../../lib/data/table';
import type { KeyName } from '../../../lib/auth/keys';
import { ACCOUNT, REGION, type IamRequest, type TableNaming } from './requests';
import { referencedId, resourcesOf } from '../../infra/template';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

const SECRET_LOGICAL_PREFIX: Record<KeyName, string> = { jwt: 'JwtKey', tokenHmac: 'TokenHmacKey', tokenEncryption: 'TokenEncryptionKey' };
const TABLE_LOGICAL_PREFIX: Record<TableId, string> = { users: 'UsersTable', authHeaders: 'AuthHeadersTable', loginThrottle: 'LoginThrottleTable', sessions: 'SessionsTable' };

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

export class StackPolicies implements TableNaming {
  private readonly resources: Record<string, { Type: string; Properties: Record<string, any> }>;

  constructor(template: Template) {
    this.resources = resourcesOf(template);
  }

  private logicalId(type: string, prefix: string): string {
    const ids = Object.entries(this.resources).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix)).map(([id]) => id);
    if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
    return ids[0] as string;
  }

  /** The ARN a reference to this logical id resolves to. */
  private arnOf(id: string): string {
    const type = this.resources[id]?.Type;
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${id}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`;
      default:
        throw new Error(`no ARN model for ${id} (${type})`);
    }
  }

  private resolve(value: unknown): unknown {
    if (typeof value === 'string' || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') {
      const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
      return pseudo[object.Ref] ?? this.arnOf(object.Ref);
    }
    if (object['Fn::GetAtt']) return this.arnOf(referencedId(object) as string);
    if (object['Fn::Join']) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => this.resolve(part)).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, this.resolve(inner)]));
  }

  /** Every Lambda's id (`Login`, ..., `Authorizer`): its logical id without the `Function` suffix. */
  functionIds(): string[] {
    return Object.entries(this.resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id]) => id.replace(/Function$/, ''));
  }

  /** The identity policy of a function's role: every statement of every policy attached to it. */
  policyOf(functionId: string): PolicyDocument {
    const fn = this.resources[`${functionId}Function`];
    if (!fn) throw new Error(`no function ${functionId}Function in the template`);
    const roleId = referencedId(fn.Properties.Role);
    const statements = Object.values(this.resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy' && resource.Properties.Roles.some((role: unknown) => referencedId(role) === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    return { Version: '2012-10-17', Statement: this.resolve(statements) as Record<string, unknown>[] };
  }

  tableArn(table: TableId): string {
    return this.arnOf(this.logicalId('AWS::DynamoDB::Table', TABLE_LOGICAL_PREFIX[table]));
  }

  tableIdOf(tableName: string): TableId | undefined {
    return (Object.keys(TABLES) as TableId[]).find((table) => config.tables[table] === tableName);
  }

  secretArnOf(name: KeyName): string {
    return this.arnOf(this.logicalId('AWS::SecretsManager::Secret', SECRET_LOGICAL_PREFIX[name]));
  }

  /** Secret ids the recorder hands the code are the secrets' ARNs already. */
  secretArn(secretId: string): string {
    return secretId;
  }
}

/** IAM's decision on `request` for a principal holding `policy` (same account, no other policies). */
export async function decide(policy: PolicyDocument, request: IamRequest): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: 'role-policy', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: `arn:aws:iam::${ACCOUNT}:role/simulated-function-role`,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: request.context,
      },
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`simulation error for ${request.action} ${request.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}
