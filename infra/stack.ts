/**
 * The service on AWS: the three DynamoDB tables from lib/data/table.ts, the three key secrets, one
 * Lambda per route in lib/routes.ts (each bound to exactly the tables, actions and secrets it uses),
 * and a REST API in front with validation, throttling, access logs, JSON errors and WAF.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  type CorsOptions,
  Cors,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  type JsonSchema,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Model,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type KeyName, SECRET_ID_ENV } from '../lib/auth/keys';
import { TABLES, type TableId } from '../lib/data/table';
import { PROFILE_ATTRIBUTES } from '../lib/data/userRepository';
import { addAuthHeaderBodySchema, deleteAuthHeaderBodySchema, loginBodySchema, type ObjectSchema } from '../lib/http/schemas';
import { routes } from '../lib/routes';
import { ApiFirewall } from './constructs/api-firewall';
import { ApiFunction, type DynamoDbAction } from './constructs/api-function';
import { type StackSettings, settingsFromContext } from './settings';

type RouteId = (typeof routes)[number]['id'];
type KeyId = KeyName;

/** The key secrets (format: lib/auth/keys.ts) and the variable a function finds each one's id in. */
const KEY_SECRETS: Record<KeyId, { envVar: string; description: string; template: Record<string, string> }> = {
  jwt: { envVar: SECRET_ID_ENV.jwt, description: 'Session JWT signing key (HS256): {"kid","k","previous"?}', template: { kid: 'v1' } },
  tokenHmac: { envVar: SECRET_ID_ENV.tokenHmac, description: 'HMAC key turning an auth-header token into its lookup key: {"k"}', template: {} },
  tokenEncryption: { envVar: SECRET_ID_ENV.tokenEncryption, description: 'AES-256-GCM key encrypting stored auth-header tokens: {"k"}', template: {} },
};

/** The attributes login reads from a user: IAM allows no others. */
const LOGIN_USER_ATTRIBUTES = [...PROFILE_ATTRIBUTES];

interface RouteAccess {
  readonly sizing: keyof Pick<StackSettings, 'login' | 'authHeaders'>;
  readonly tables: Partial<Record<TableId, readonly DynamoDbAction[]>>;
  readonly secrets: readonly KeyId[];
  /** Request body schema API Gateway validates before invoking the function. */
  readonly body?: ObjectSchema;
}

/** What each endpoint may touch: the DynamoDB calls in lib/data/ and the keys in lib/auth/. */
export const ROUTE_ACCESS: Record<RouteId, RouteAccess> = {
  Login: {
    sizing: 'login',
    tables: { users: ['dynamodb:GetItem'], loginThrottle: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    secrets: ['jwt'],
    body: loginBodySchema,
  },
  AuthHeaderAdd: {
    sizing: 'authHeaders',
    tables: { authHeaders: ['dynamodb:PutItem'], users: ['dynamodb:ConditionCheckItem'] },
    secrets: ['jwt', 'tokenHmac', 'tokenEncryption'],
    body: addAuthHeaderBodySchema,
  },
  AuthHeaderList: {
    sizing: 'authHeaders',
    tables: { authHeaders: ['dynamodb:Query'], users: ['dynamodb:GetItem'] },
    secrets: ['jwt', 'tokenEncryption'],
  },
  AuthHeaderDelete: {
    sizing: 'authHeaders',
    tables: { authHeaders: ['dynamodb:DeleteItem'], users: ['dynamodb:ConditionCheckItem'] },
    secrets: ['jwt', 'tokenHmac'],
    body: deleteAuthHeaderBodySchema,
  },
};

/** Extra IAM conditions on a (route, table) grant. */
const GRANT_CONDITIONS: Partial<Record<RouteId, Partial<Record<TableId, Record<string, Record<string, unknown>>>>>> = {
  // Login reads profiles with a projection; a request for any other attribute is denied.
  Login: {
    users: {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': LOGIN_USER_ATTRIBUTES },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
  },
};

/** lib/http/schemas.ts objects as API Gateway models (draft-04). */
function toJsonSchema(schema: ObjectSchema): JsonSchema {
  return {
    schema: JsonSchemaVersion.DRAFT4,
    title: schema.title,
    type: JsonSchemaType.OBJECT,
    required: [...schema.required],
    properties: Object.fromEntries(
      Object.entries(schema.properties).map(([name, field]) => [name, { type: JsonSchemaType.STRING, minLength: field.minLength, maxLength: field.maxLength }]),
    ),
  };
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const errorBody = (message: string) => ({ 'application/json': JSON.stringify({ message }) });

export class AuthServiceStack extends Stack {
  readonly settings: StackSettings;
  readonly tables: Record<TableId, Table>;
  readonly functions: Record<RouteId, ApiFunction>;
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: StackProps & { settings?: StackSettings } = {}) {
    super(scope, id, props);
    const settings = (this.settings = props.settings ?? settingsFromContext(this.node));
    const removalPolicy = settings.destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Tables: one definition shared with the local bootstrap.
    this.tables = Object.fromEntries(
      (Object.entries(TABLES) as [TableId, (typeof TABLES)[TableId]][]).map(([tableId, definition]) => [
        tableId,
        new Table(this, `${pascal(tableId)}Table`, {
          partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
          sortKey: 'sortKey' in definition ? { name: definition.sortKey, type: AttributeType.STRING } : undefined,
          timeToLiveAttribute: 'timeToLiveAttribute' in definition ? definition.timeToLiveAttribute : undefined,
          billingMode: BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: !settings.destroyable,
          removalPolicy,
        }),
      ]),
    ) as Record<TableId, Table>;

    // Keys: generated by Secrets Manager at deploy time, never in the template.
    const secrets = Object.fromEntries(
      (Object.entries(KEY_SECRETS) as [KeyId, (typeof KEY_SECRETS)[KeyId]][]).map(([keyId, key]) => [
        keyId,
        new Secret(this, `${pascal(keyId)}Key`, {
          description: key.description,
          removalPolicy,
          generateSecretString: {
            secretStringTemplate: JSON.stringify(key.template),
            generateStringKey: 'k',
            passwordLength: 64,
            excludePunctuation: true,
          },
        }),
      ]),
    ) as Record<KeyId, Secret>;

    // The API: stage throttling (stricter on login), JSON access logs, CORS when origins are given.
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: settings.logRetention, removalPolicy });
    const cors: CorsOptions | undefined =
      settings.corsOrigins.length > 0
        ? { allowOrigins: settings.corsOrigins.includes('*') ? Cors.ALL_ORIGINS : settings.corsOrigins, allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type'] }
        : undefined;
    const loginRoute = routes.find((route) => route.id === 'Login');
    if (!loginRoute) throw new Error('lib/routes.ts has no Login route');
    this.api = new RestApi(this, 'Api', {
      description: 'Authentication service: login and auth headers (API keys)',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution (error) logs need API Gateway's account-level CloudWatch role; kept on delete
      // because it is shared by every REST API in the account and region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      defaultCorsPreflightOptions: cors,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: settings.throttleRate,
        throttlingBurstLimit: settings.throttleBurst,
        methodOptions: {
          [`${loginRoute.path}/${loginRoute.method}`]: { throttlingRateLimit: settings.loginThrottleRate, throttlingBurstLimit: settings.loginThrottleBurst },
        },
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Never log bodies: they hold passwords and tokens.
        dataTraceEnabled: false,
        metricsEnabled: true,
      },
    });
    this.addGatewayResponses(settings);
    // cdk-nag (APIG2) asks for both switches; no route declares parameters, so in effect bodies are checked.
    const validator = this.api.addRequestValidator('RequestValidator', { validateRequestBody: true, validateRequestParameters: true });

    // The endpoints: one function each, bound to exactly what it uses.
    const environment = { CORS_ORIGINS: settings.corsOrigins.join(',') };
    this.functions = {} as Record<RouteId, ApiFunction>;
    for (const route of routes) {
      const access = ROUTE_ACCESS[route.id];
      const fn = new ApiFunction(this, `${route.id}Function`, {
        module: route.module,
        ...settings[access.sizing],
        logRetention: settings.logRetention,
        logRemovalPolicy: removalPolicy,
        environment,
      });
      for (const [tableId, actions] of Object.entries(access.tables) as [TableId, DynamoDbAction[]][]) {
        fn.bindTable(this.tables[tableId], TABLES[tableId], actions, GRANT_CONDITIONS[route.id]?.[tableId]);
      }
      for (const keyId of access.secrets) fn.useSecret(secrets[keyId], KEY_SECRETS[keyId].envVar);
      this.functions[route.id] = fn;

      let model: Model | undefined;
      if (access.body) {
        model = this.api.addModel(`${route.id}Model`, { contentType: 'application/json', modelName: access.body.title, schema: toJsonSchema(access.body) });
      }
      this.api.root.resourceForPath(route.path).addMethod(route.method, new LambdaIntegration(fn.function, { proxy: true, allowTestInvoke: false }), {
        operationName: route.id,
        requestValidator: validator,
        ...(model ? { requestModels: { 'application/json': model } } : {}),
      });
    }

    if (settings.waf) {
      new ApiFirewall(this, 'Firewall', {
        stageArn: this.api.deploymentStage.stageArn,
        loginPath: loginRoute.path,
        loginRateLimit: settings.wafLoginRateLimit,
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (stage included)' });
    for (const tableId of Object.keys(TABLES) as TableId[]) {
      new CfnOutput(this, `${pascal(tableId)}TableName`, { value: this.tables[tableId].tableName });
    }

    this.acknowledgeNagFindings();
  }

  /** API Gateway's own errors in the contract's `{ "message": ... }` shape. */
  private addGatewayResponses(settings: StackSettings): void {
    const [firstOrigin] = settings.corsOrigins;
    // A gateway response can carry one fixed origin only; with several, browsers see no CORS header
    // on these (rare) errors, which they report as a network error.
    const origin = settings.corsOrigins.includes('*') ? '*' : settings.corsOrigins.length === 1 ? firstOrigin : undefined;
    const responseHeaders: Record<string, string> = origin ? { 'Access-Control-Allow-Origin': `'${origin}'` } : {};
    const respond = (id: string, type: ResponseType, templates: Record<string, string>, statusCode?: string, extraHeaders: Record<string, string> = {}) =>
      this.api.addGatewayResponse(id, { type, statusCode, templates, responseHeaders: { ...responseHeaders, ...extraHeaders } });

    respond('Default4xx', ResponseType.DEFAULT_4XX, { 'application/json': '{"message":$context.error.messageString}' });
    respond('Default5xx', ResponseType.DEFAULT_5XX, errorBody('Internal server error'));
    // REST APIs answer an unknown path or method with 403 "Missing Authentication Token".
    respond('UnknownRoute', ResponseType.MISSING_AUTHENTICATION_TOKEN, errorBody('Not found'), '404');
    respond('ResourceNotFound', ResponseType.RESOURCE_NOT_FOUND, errorBody('Not found'), '404');
    respond('InvalidBody', ResponseType.BAD_REQUEST_BODY, errorBody('request body does not match the expected schema'), '400');
    respond('Throttled', ResponseType.THROTTLED, errorBody('Too many requests'), '429', { 'Retry-After': "'1'" });
    respond('TooLarge', ResponseType.REQUEST_TOO_LARGE, errorBody('request body too large'), '413');
    respond('WafFiltered', ResponseType.WAF_FILTERED, errorBody('Forbidden'), '403');
  }

  /** cdk-nag AwsSolutions findings this design accepts, each acknowledged with its reason (cdk-nag v3: CDK's Validations). */
  private acknowledgeNagFindings(): void {
    const apiAcknowledgements = [
      { id: 'AwsSolutions-APIG4', reason: 'The login route is public by design; the auth-header routes verify the session JWT (HS256, exp, kid) inside the function, as the API contract requires, so API Gateway has no authorizer.' },
      { id: 'AwsSolutions-COG4', reason: "Sessions are the service's own JWTs issued by POST /user/login, not Cognito tokens." },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-level CloudWatch role uses the AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy, which exists for exactly this purpose.",
      },
    ];
    if (!this.settings.waf) {
      apiAcknowledgements.push({ id: 'AwsSolutions-APIG3', reason: 'WAF switched off for this deployment with -c waf=false (e.g. a short-lived dev stack); the default deploys it.' });
    }
    Validations.of(this.api).acknowledge(...apiAcknowledgements);
    for (const secret of this.node.findAll().filter((child): child is Secret => child instanceof Secret)) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Keys are rotated by hand (README: new kid, old key into "previous" so issued tokens stay valid); an automatic rotation Lambda would drop the previous JWT key and void live sessions.',
      });
    }
  }
}
