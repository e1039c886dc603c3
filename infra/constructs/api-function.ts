/**
 * One endpoint's Lambda with the project's defaults: Node.js 24 on arm64, an ESM bundle built by the
 * local esbuild (settings shared with the benchmark, AWS SDK bundled in), its own log group with
 * retention, JSON logs, and a role that may write that log group and nothing else until the stack
 * binds tables and secrets to it — each binding sets the env var and grants exactly what is named.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, type CfnFunction, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { KeySecret } from './key-secret';
import type { ServiceTable } from './service-table';
import { bundlingSettings } from '../bundling';
import { REPO_ROOT } from '../paths';

/**
 * The DynamoDB actions a function may be granted: named one by one, never a wildcard. A
 * TransactWriteItems call is authorised action by action (Put, Update, Delete, ConditionCheck).
 */
export type DynamoDbAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** IAM condition block of a grant (e.g. `dynamodb:Attributes` for a projected read). */
export type GrantConditions = Record<string, Record<string, unknown>>;

export interface ApiFunctionProps {
  /** Module under functions/ exporting `handler`. */
  readonly module: string;
  /** MB; Lambda allots CPU in proportion (1769 MB = one full vCPU). */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetention: RetentionDays;
  /** What happens to the log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
  /**
   * Variables besides the table and secret ids that `allow` and `useSecrets` set.
   * @default {}
   */
  readonly environment?: Record<string, string>;
}

export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  /** `id` becomes the function's CloudFormation logical id (`sam local invoke <id>`). */
  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    // Our own role instead of the default one with AWSLambdaBasicExecutionRole (logs:* on every group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} Lambda: its log group plus the tables and secrets bound to it`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Handler', {
      entry: join(REPO_ROOT, 'functions', `${props.module}.ts`),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        ...(bundlingSettings.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        // Empty (unused) when deployed; declared so `sam local --env-vars events/env.json` can point
        // the function at DynamoDB Local and local keys: SAM only overrides variables the template has.
        DYNAMODB_ENDPOINT: '',
        LOCAL_AUTH_KEYS: '',
        ...props.environment,
      },
      bundling: {
        // Never Docker, never the network: the esbuild devDependency builds the bundle.
        forceDockerBundling: false,
        format: bundlingSettings.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        target: bundlingSettings.target,
        minify: bundlingSettings.minify,
        sourceMap: bundlingSettings.sourceMap,
        mainFields: [...bundlingSettings.mainFields],
        banner: bundlingSettings.banner,
        externalModules: [...bundlingSettings.externalModules],
        logLevel: LogLevel.WARNING,
      },
    });
    (this.function.node.defaultChild as CfnFunction).overrideLogicalId(id);
  }

  /**
   * Sets the table's env var and allows exactly `actions` on the table itself (no indexes, no
   * wildcards), under `conditions` when given.
   */
  allow(table: ServiceTable, actions: readonly DynamoDbAction[], conditions?: GrantConditions): this {
    this.function.addEnvironment(table.definition.envVar, table.tableName);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [table.tableArn], conditions }));
    return this;
  }

  /**
   * Sets each secret's id variable and allows GetSecretValue of those secrets only (not grantRead,
   * which adds DescribeSecret: the code never calls it).
   */
  useSecrets(...secrets: KeySecret[]): this {
    for (const secret of secrets) {
      this.function.addEnvironment(secret.envVar, secret.secretArn);
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    }
    return this;
  }
}
