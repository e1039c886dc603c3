/**
 * The service on AWS: the DynamoDB tables of lib/data/table.ts, the key secrets, and one Lambda per
 * route of lib/routes.ts behind a REST API with validation, throttling, access logs, JSON errors and
 * WAF. Below, one block per endpoint says what it runs and exactly what it may touch.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
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
  MockIntegration,
  type MethodDeploymentOptions,
  MethodLoggingLevel,
  type RequestValidator,
  ResponseType,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SECRET_ID_ENV } from '../lib/auth/keys';
import { TABLES, type TableDefinition, type TableId } from '../lib/data/table';
import { COUNTER_KEY_PREFIXES, type CounterKind } from '../lib/auth/loginThrottle';
import { THROTTLE_ATTRIBUTES } from '../lib/data/loginThrottleRepository';
import { METRICS } from '../lib/metricNames';
import { MFA_PROOF_ATTRIBUTES, MFA_READ_ATTRIBUTES, MFA_WRITE_ATTRIBUTES } from '../lib/data/mfaRepository';
import { PROFILE_FOR_SESSION, SESSION_CHECK_ATTRIBUTES } from '../lib/data/sessionRepository';
import { IDENTITY_ATTRIBUTES, PROFILE_ATTRIBUTES, PUBLIC_PROFILE_ATTRIBUTES } from '../lib/data/userRepository';
import { REVOCATION_READ } from '../lib/data/authHeaderRepository';
import { INTERNAL_ERROR_BODY, UNAUTHORIZED_BODY, UNAVAILABLE_BODY } from '../lib/http/errors';
import { type ObjectSchema, plainTextPattern } from '../lib/http/schemas';
import { type Route, type RouteId, route, routes } from '../lib/routes';
import { buildOpenApiDocument } from '../lib/tools/openapi/document';
import { ApiFirewall } from './constructs/api-firewall';
import { AuthServiceAuthorizer } from './constructs/auth-service-authorizer';
import { ApiFunction, type GrantConditions } from './constructs/api-function';
import { KeySecret } from './constructs/key-secret';
import { ServiceMonitoring } from './constructs/service-monitoring';
import { ServiceTable } from './constructs/service-table';
import { type CustomDomain, type FunctionSizing, type StackSettings, settingsFromContext } from './settings';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';

/** A table's key attributes: every attribute-limited grant lists them (the DynamoDB guide, `dynamodb:Attributes`). */
const keyAttributes = (table: TableId): string[] => {
  const definition: TableDefinition = TABLES[table];
  return [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
};
/** These attributes and the table's keys, each once. */
const withKeys = (table: TableId, attributes: readonly string[]): string[] => [...new Set([...keyAttributes(table), ...attributes])];

/**
 * A read of exactly these attributes (and the keys, which DynamoDB counts as read). `ForAllValues`
 * alone holds vacuously for a request that names no attributes (a GetItem without projection
 * returns the whole item), so `Null: false` also requires the request to name its attributes:
 * together they guarantee the role can read only these attributes, whatever its code sends.
 */
const projectedRead = (table: TableId, attributes: readonly string[]): GrantConditions => ({
  Null: { 'dynamodb:Attributes': 'false' },
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': withKeys(table, attributes) },
  StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
});

/**
 * A write or condition check that may name no attribute but the keys and these, and return
 * nothing. For an item of a TransactWriteItems the guide leaves open whether `dynamodb:Attributes`
 * is filled in, so this grant holds either way (no `Null: false`): when AWS fills it in, it limits
 * the attributes; the other keys (the partition, ReturnValues) limit in both cases.
 */
const itemWrite = (table: TableId, attributes: readonly string[], leading?: GrantConditions): GrantConditions => ({
  ...leading,
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': withKeys(table, attributes) },
  StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
});

/** Every condition of each grant (an operator both name, e.g. `Null`, holds all their keys). */
const allOf = (...grants: GrantConditions[]): GrantConditions => {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const grant of grants) for (const [operator, keys] of Object.entries(grant)) merged[operator] = { ...merged[operator], ...(keys as Record<string, unknown>) };
  return merged as GrantConditions;
};

/** A write sent on its own (never in a transaction): DynamoDB always names its attributes, so they are required. */
const directItemWrite = (table: TableId, attributes: readonly string[], leading?: GrantConditions): GrantConditions =>
  allOf(itemWrite(table, attributes, leading), { Null: { 'dynamodb:Attributes': 'false' } });

/** Login reads the profile with its hash (UserRepository.findByUsername). */
const LOGIN_USER_READ = projectedRead('users', PROFILE_ATTRIBUTES);
/** The session check's conditions on the profile (SessionRepository's profile condition), as a transaction item. */
const PROFILE_CHECK = itemWrite('users', SESSION_CHECK_ATTRIBUTES.profile);
/** The session check's conditions on the session item, as a transaction item. */
const SESSION_CHECK = itemWrite('sessions', SESSION_CHECK_ATTRIBUTES.session);
/** Items whose partition key starts with one of these prefixes (`dynamodb:LeadingKeys`, which must be present). */
const keysStartingWith = (...prefixes: string[]): GrantConditions => ({
  Null: { 'dynamodb:LeadingKeys': 'false' },
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) },
});

/** Counters of the throttle table whose key starts with one of these kinds' prefixes (lib/auth/loginThrottle.ts). */
const counters = (...kinds: CounterKind[]): GrantConditions => keysStartingWith(...kinds.map((kind) => COUNTER_KEY_PREFIXES[kind]));
/** The login counters (login, the password change, MFA's disable): never revoke's. */
const LOGIN_COUNTERS = counters('pair', 'user', 'ip');
/** Login's and the password change's counter updates (also in transactions). */
const THROTTLE_UPDATE = itemWrite('loginThrottle', THROTTLE_ATTRIBUTES, LOGIN_COUNTERS);
/** Revoke's per-address counter: its own items only, so revocations can neither reset nor spend a login counter. */
const REVOKE_COUNTER = counters('revoke');
const REVOKE_COUNTER_UPDATE = itemWrite('loginThrottle', THROTTLE_ATTRIBUTES, REVOKE_COUNTER);

/** The password change's update of the profile (UserRepository.setPassword). */
const PASSWORD_ATTRIBUTES = ['passwordHash', 'passwordExpiration', 'passwordVersion'];
/** A refresh token's rotation (SessionRepository's conditional UpdateItem of the session). */
const ROTATION_ATTRIBUTES = ['live', 'used', 'lastUsedAt', 'graceSpent', 'rev'];

/**
 * Login's success write changes the profile in ONE Update inside its transaction (UserRepository
 * changePart): the rehash (rehashChange: `passwordHash`) and, with MFA on, the code's proof (the
 * TOTP step, or the recovery code taken out; lib/data/mfaRepository.ts MFA_PROOF_ATTRIBUTES).
 */
const LOGIN_PROFILE_UPDATE = itemWrite('users', ['passwordHash', ...MFA_PROOF_ATTRIBUTES]);
/** The password change's Update of the profile, the code's proof folded in (UserRepository.setPassword). */
const PASSWORD_PROFILE_UPDATE = itemWrite('users', [...PASSWORD_ATTRIBUTES, ...MFA_PROOF_ATTRIBUTES]);

/** The MFA routes read only the MFA state (MfaRepository.read), never the hash. */
const MFA_READ = projectedRead('users', MFA_READ_ATTRIBUTES);
/** The MFA routes' profile Update (a transaction item beside the session check): the MFA attributes only. */
const MFA_UPDATE = itemWrite('users', MFA_WRITE_ATTRIBUTES);
/** A JWT's session check as one projected BatchGetItem (SessionRepository.isActive). */
const SESSION_CHECK_READ = {
  users: projectedRead('users', SESSION_CHECK_ATTRIBUTES.profile),
  sessions: projectedRead('sessions', SESSION_CHECK_ATTRIBUTES.session),
};

/** Items of the auth-headers table whose partition key starts so (`TOKEN#` lookups, `USER#` owners' items). */
const partitionPrefix = (prefix: 'TOKEN#' | 'USER#'): GrantConditions => keysStartingWith(prefix);

/** The header counter, moved inside add's and delete's transactions: only `headerCount` of an owner's item. */
const COUNTER_UPDATE = itemWrite('authHeaders', ['headerCount'], partitionPrefix('USER#'));
/** The authorizer's `lastUsed`, a single UpdateItem: only that attribute of an owner's item. */
const LAST_USED_UPDATE = directItemWrite('authHeaders', ['lastUsed'], partitionPrefix('USER#'));

/** Revoke's flag on the owner's copy of a revoked key, inside its transaction: `revokedAt` only. */
const OWNER_REVOKED_UPDATE = itemWrite('authHeaders', ['revokedAt'], partitionPrefix('USER#'));
/** Revoke's read of a token's lookup item: what it needs to know whether and what to revoke. */
const REVOCATION_LOOKUP_READ = allOf(projectedRead('authHeaders', REVOCATION_READ), partitionPrefix('TOKEN#'));
/** Revoke's mark on the key's lookup items, inside its transaction: `revokedAt` only. */
const TOKEN_REVOKED_UPDATE = itemWrite('authHeaders', ['revokedAt'], partitionPrefix('TOKEN#'));

/** Roll's retirement of the old lookup item, inside its transaction: only the grace's attributes, its TTL (and `userId`, its condition). */
const RETIRE_UPDATE = itemWrite('authHeaders', ['retiresAt', 'successorHash', 'purgeAt', 'previousTokenHash', 'userId'], partitionPrefix('TOKEN#'));

/** lib/http/schemas.ts objects as API Gateway models (draft-04). */
export function toJsonSchema(schema: ObjectSchema): JsonSchema {
  return {
    schema: JsonSchemaVersion.DRAFT4,
    title: schema.title,
    type: JsonSchemaType.OBJECT,
    required: [...schema.required],
    properties: Object.fromEntries(
      Object.entries(schema.properties).map(([name, field]) => [
        name,
        field.type === 'boolean'
          ? { type: JsonSchemaType.BOOLEAN }
          : field.type === 'integer'
            ? { type: JsonSchemaType.INTEGER, minimum: field.minimum, maximum: field.maximum }
          : field.type === 'array'
            ? { type: JsonSchemaType.ARRAY, maxItems: field.maxItems, uniqueItems: true, items: { type: JsonSchemaType.STRING, minLength: field.items.minLength, maxLength: field.items.maxLength, ...(field.items.pattern ? { pattern: field.items.pattern } : {}) } }
            : { type: JsonSchemaType.STRING, minLength: field.minLength, maxLength: field.maxLength, ...(field.plainText ? { pattern: plainTextPattern() } : {}) },
      ]),
    ),
  };
}

/** The stage's method-settings key for a route (`/user/login/POST`). */
const methodKey = (r: Route) => `${r.path}/${r.method}`;
const errorBody = (message: string) => ({ 'application/json': JSON.stringify({ message }) });

export class AuthServiceStack extends Stack {
  readonly settings: StackSettings;
  readonly tables: Record<TableId, ServiceTable>;
  /** Every route's function, by route id (checkEveryRouteWired makes sure none is missing). */
  readonly functions = {} as Record<RouteId, ApiFunction>;
  readonly api: RestApi;
  readonly monitoring: ServiceMonitoring;
  /** The Lambda authorizer: in front of GET /user/me here, and shared with other APIs by its exported ARN. */
  readonly authorizerFunction: ApiFunction;
  private readonly authorizer: AuthServiceAuthorizer;
  private readonly validator: RequestValidator;
  private readonly logRemovalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: StackProps & { settings?: StackSettings } = {}) {
    super(scope, id, props);
    const settings = (this.settings = props.settings ?? settingsFromContext(this.node));
    const { destroyable } = settings;
    this.logRemovalPolicy = destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Tables: one definition shared with the local bootstrap.
    const users = new ServiceTable(this, 'UsersTable', { definition: TABLES.users, destroyable });
    const authHeaders = new ServiceTable(this, 'AuthHeadersTable', { definition: TABLES.authHeaders, destroyable });
    const loginThrottle = new ServiceTable(this, 'LoginThrottleTable', { definition: TABLES.loginThrottle, destroyable });
    const sessions = new ServiceTable(this, 'SessionsTable', { definition: TABLES.sessions, destroyable });
    this.tables = { users, authHeaders, loginThrottle, sessions };

    // Keys: generated by Secrets Manager at deploy time, never in the template (format: lib/auth/keys.ts).
    const jwt = new KeySecret(this, 'JwtKey', { envVar: SECRET_ID_ENV.jwt, description: 'Session JWT signing key (HS256): {"kid","k","previous"?}', template: { kid: 'v1' }, destroyable });
    // Also the refresh-token HMAC key, derived from it under its own purpose (lib/auth/keys.ts).
    const tokenHmac = new KeySecret(this, 'TokenHmacKey', { envVar: SECRET_ID_ENV.tokenHmac, description: 'HMAC key turning an auth-header token into its lookup key: {"k"}', destroyable });
    const tokenEncryption = new KeySecret(this, 'TokenEncryptionKey', { envVar: SECRET_ID_ENV.tokenEncryption, description: 'AES-256-GCM key encrypting stored auth-header tokens: {"k"}', destroyable });

    // The two routes that run bcrypt on a public request get login's stricter stage throttle.
    const bcryptThrottle = { throttlingRateLimit: settings.loginThrottleRate, throttlingBurstLimit: settings.loginThrottleBurst };
    // Not revoke: it runs no bcrypt and throttles each address itself (its failures, in-function), so
    // a sprayer must not use up a route-wide limit that a responder revoking leaked keys shares.
    this.api = this.createApi(settings, { [methodKey(route('Login'))]: bcryptThrottle, [methodKey(route('UserPassword'))]: bcryptThrottle });
    // cdk-nag (APIG2) asks for both switches; no route declares parameters, so in effect bodies are checked.
    this.validator = this.api.addRequestValidator('RequestValidator', { validateRequestBody: true, validateRequestParameters: true });

    // The authorizer (not a route): JWT or auth header → the caller's identity. Reads token lookup
    // items and a profile's identity (its key, `id`, `passwordVersion`), writes only `lastUsed` on
    // the owner's header item.
    this.authorizerFunction = new ApiFunction(this, 'AuthorizerFunction', {
      module: 'authorizer',
      ...settings.authorizer,
      logRetention: settings.logRetention,
      logRemovalPolicy: this.logRemovalPolicy,
      environment: { AUTHORIZER_CACHE_SECONDS: String(settings.authorizerCacheSeconds) },
    })
      .allow(authHeaders, ['GetItem'], partitionPrefix('TOKEN#'))
      .allow(authHeaders, ['UpdateItem'], LAST_USED_UPDATE)
      .allow(users, ['GetItem'], projectedRead('users', IDENTITY_ATTRIBUTES))
      // A JWT's session check: profile and session in one BatchGetItem, projected.
      .allow(users, ['BatchGetItem'], projectedRead('users', SESSION_CHECK_ATTRIBUTES.profile))
      .allow(sessions, ['BatchGetItem'], projectedRead('sessions', SESSION_CHECK_ATTRIBUTES.session))
      .useSecrets(jwt, tokenHmac);
    this.authorizer = new AuthServiceAuthorizer(this, 'Authorizer', {
      functionArn: this.authorizerFunction.function.functionArn,
      cacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
      // This API has its own (addGatewayResponses, with the CORS header).
      gatewayResponses: false,
    });

    // The endpoints.

    // POST /user/login — public: reads named profile attributes, keeps throttle counters, starts a
    // session (JWT + refresh token, stored as its HMAC) in one success write that also settles the
    // throttle, may rehash the password at the configured bcrypt cost and, with MFA on, records the
    // code's proof (the TOTP step, or the recovery code taken out): one Update of the profile.
    this.endpoint('Login', settings.login)
      .allow(users, ['GetItem'], LOGIN_USER_READ)
      .allow(users, ['UpdateItem'], LOGIN_PROFILE_UPDATE)
      .allow(loginThrottle, ['GetItem'], LOGIN_COUNTERS)
      .allow(loginThrottle, ['UpdateItem'], THROTTLE_UPDATE)
      .allow(sessions, ['PutItem'])
      .useSecrets(jwt, tokenHmac, tokenEncryption);

    // POST /authheader/add — JWT: writes a header and its lookup item and counts it, conditioned on
    // the session and the cap.
    this.endpoint('AuthHeaderAdd', settings.authHeaders)
      .allow(authHeaders, ['PutItem'])
      .allow(authHeaders, ['UpdateItem'], COUNTER_UPDATE)
      .allow(users, ['ConditionCheckItem'], PROFILE_CHECK)
      .allow(sessions, ['ConditionCheckItem'], SESSION_CHECK)
      .useSecrets(jwt, tokenHmac, tokenEncryption);

    // GET /authheader/list — JWT: one Query, with the profile + session read that re-checks the session.
    this.endpoint('AuthHeaderList', settings.authHeaders)
      .allow(authHeaders, ['Query'], partitionPrefix('USER#'))
      .allow(users, ['BatchGetItem'], projectedRead('users', SESSION_CHECK_ATTRIBUTES.profile))
      .allow(sessions, ['BatchGetItem'], projectedRead('sessions', SESSION_CHECK_ATTRIBUTES.session))
      .useSecrets(jwt, tokenEncryption);

    // POST /authheader/delete — JWT: removes a header and its lookup item and uncounts it,
    // conditioned on the session; a text that cannot be a token (bad checksum) only has its
    // session checked (the projected BatchGetItem), the auth-header table is not read.
    this.endpoint('AuthHeaderDelete', settings.authHeaders)
      .allow(authHeaders, ['DeleteItem'])
      .allow(authHeaders, ['UpdateItem'], COUNTER_UPDATE)
      .allow(users, ['ConditionCheckItem'], PROFILE_CHECK)
      .allow(sessions, ['ConditionCheckItem'], SESSION_CHECK)
      .allow(users, ['BatchGetItem'], projectedRead('users', SESSION_CHECK_ATTRIBUTES.profile))
      .allow(sessions, ['BatchGetItem'], projectedRead('sessions', SESSION_CHECK_ATTRIBUTES.session))
      // The owner's item first (its id for the audit, the token a roll replaced, deleted with it).
      .allow(authHeaders, ['GetItem'], partitionPrefix('USER#'))
      .useSecrets(jwt, tokenHmac);

    // POST /authheader/roll — JWT: reads the owner's item, then in one transaction conditioned on
    // the session moves it to the new token's hash, writes the new lookup item and retires (or
    // deletes) the old one; an earlier predecessor's lookup item is deleted.
    this.endpoint('AuthHeaderRoll', settings.authHeaders)
      .allow(authHeaders, ['GetItem'], partitionPrefix('USER#'))
      .allow(authHeaders, ['PutItem', 'DeleteItem'])
      .allow(authHeaders, ['UpdateItem'], RETIRE_UPDATE)
      .allow(users, ['ConditionCheckItem'], PROFILE_CHECK)
      .allow(sessions, ['ConditionCheckItem'], SESSION_CHECK)
      .allow(users, ['BatchGetItem'], projectedRead('users', SESSION_CHECK_ATTRIBUTES.profile))
      .allow(sessions, ['BatchGetItem'], projectedRead('sessions', SESSION_CHECK_ATTRIBUTES.session))
      .useSecrets(jwt, tokenHmac, tokenEncryption);

    // POST /authheader/revoke — public: charges its address's revoke counter, reads the token's
    // lookup item (projected), then either counts the failure or marks the key's tokens and flags
    // the owner's copy (`revokedAt` only, nothing returned) in one transaction and frees the charge.
    this.endpoint('AuthHeaderRevoke', settings.authHeaders)
      .allow(loginThrottle, ['GetItem'], REVOKE_COUNTER)
      .allow(loginThrottle, ['UpdateItem'], REVOKE_COUNTER_UPDATE)
      .allow(authHeaders, ['GetItem'], REVOCATION_LOOKUP_READ)
      .allow(authHeaders, ['UpdateItem'], TOKEN_REVOKED_UPDATE)
      .allow(authHeaders, ['UpdateItem'], OWNER_REVOKED_UPDATE)
      .useSecrets(tokenHmac);

    // GET /user/me — behind the authorizer: reads the caller's public profile, nothing else.
    this.endpoint('UserMe', settings.userMe).allow(users, ['GetItem'], projectedRead('users', PUBLIC_PROFILE_ATTRIBUTES));

    // POST /user/password — public: login's credential check, then the new hash and version (which
    // ends every session) and the new session in one transaction. bcrypt twice: login's sizing.
    this.endpoint('UserPassword', settings.login)
      .allow(users, ['GetItem'], LOGIN_USER_READ)
      .allow(users, ['UpdateItem'], PASSWORD_PROFILE_UPDATE)
      .allow(loginThrottle, ['GetItem'], LOGIN_COUNTERS)
      .allow(loginThrottle, ['UpdateItem'], THROTTLE_UPDATE)
      .allow(sessions, ['PutItem'])
      .useSecrets(jwt, tokenHmac, tokenEncryption);

    // POST /user/refresh — public: one BatchGetItem (session + profile), one conditional UpdateItem
    // (rotation) or a DeleteItem (reuse ends the session).
    this.endpoint('UserRefresh', settings.authHeaders)
      .allow(users, ['BatchGetItem'], projectedRead('users', PROFILE_FOR_SESSION))
      .allow(sessions, ['BatchGetItem'])
      .allow(sessions, ['UpdateItem'], directItemWrite('sessions', ROTATION_ATTRIBUTES))
      .allow(sessions, ['DeleteItem'], itemWrite('sessions', []))
      .useSecrets(jwt, tokenHmac);

    // POST /user/logout — JWT: deletes the session item, conditioned on the profile (with "all",
    // moves the profile's session epoch on).
    this.endpoint('UserLogout', settings.authHeaders)
      .allow(users, ['ConditionCheckItem', 'UpdateItem'], PROFILE_CHECK)
      .allow(sessions, ['DeleteItem'], SESSION_CHECK)
      .useSecrets(jwt);

    // POST /user/mfa/totp/setup — JWT: reads the caller's MFA state beside the session check, stores
    // a sealed pending secret (the profile's MFA attributes only), conditioned on the session.
    this.endpoint('MfaTotpSetup', settings.authHeaders)
      .allow(users, ['GetItem'], MFA_READ)
      .allow(users, ['BatchGetItem'], SESSION_CHECK_READ.users)
      .allow(sessions, ['BatchGetItem'], SESSION_CHECK_READ.sessions)
      .allow(users, ['UpdateItem'], MFA_UPDATE)
      .allow(sessions, ['ConditionCheckItem'], SESSION_CHECK)
      .useSecrets(jwt, tokenEncryption);

    // POST /user/mfa/totp/confirm — JWT: as setup, and writes the active secret, the code's step and
    // the recovery codes' HMACs.
    this.endpoint('MfaTotpConfirm', settings.authHeaders)
      .allow(users, ['GetItem'], MFA_READ)
      .allow(users, ['BatchGetItem'], SESSION_CHECK_READ.users)
      .allow(sessions, ['BatchGetItem'], SESSION_CHECK_READ.sessions)
      .allow(users, ['UpdateItem'], MFA_UPDATE)
      .allow(sessions, ['ConditionCheckItem'], SESSION_CHECK)
      .useSecrets(jwt, tokenHmac, tokenEncryption);

    // POST /user/mfa/disable — JWT: as confirm, removing the MFA attributes; attempts go through
    // login's throttle counters (a stolen JWT must not guess codes freely).
    this.endpoint('MfaDisable', settings.authHeaders)
      .allow(users, ['GetItem'], MFA_READ)
      .allow(users, ['BatchGetItem'], SESSION_CHECK_READ.users)
      .allow(sessions, ['BatchGetItem'], SESSION_CHECK_READ.sessions)
      .allow(users, ['UpdateItem'], MFA_UPDATE)
      .allow(sessions, ['ConditionCheckItem'], SESSION_CHECK)
      .allow(loginThrottle, ['GetItem'], LOGIN_COUNTERS)
      .allow(loginThrottle, ['UpdateItem'], THROTTLE_UPDATE)
      .useSecrets(jwt, tokenHmac, tokenEncryption);

    this.checkEveryRouteWired();

    // GET /openapi.json — the API described (lib/tools/openapi), answered by API Gateway itself.
    this.publishApiDocument();

    const firewall = settings.waf
      ? new ApiFirewall(this, 'Firewall', {
        stageArn: this.api.deploymentStage.stageArn,
        // Both routes that run bcrypt on what the caller sends (revoke is under the all-paths rule and its own per-address throttle).
        passwordPaths: [route('Login').path, route('UserPassword').path],
        loginRateLimit: settings.wafLoginRateLimit,
        rateLimit: settings.wafRateLimit,
      })
      : undefined;

    // Alarms (one SNS topic), the dashboard and saved Logs Insights queries.
    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      api: this.api,
      routes: routes.map((r) => ({ name: r.id, method: r.method, path: r.path })),
      functions: [...Object.entries(this.functions), ['Authorizer', this.authorizerFunction] as const].map(([name, fn]) => ({ name, function: fn.function, logGroup: fn.logGroup })),
      tables: [users, authHeaders, loginThrottle, sessions],
      webAcl: firewall?.webAcl,
      metricsNamespace: METRICS.namespaceDefault,
      serviceMetrics: [
        { metricName: METRICS.names.loginFailed, dimensions: { service: METRICS.serviceDefault }, title: 'Failed logins', threshold: settings.failedLoginAlarmThreshold },
        { metricName: METRICS.names.keyVerificationDenied, dimensions: { service: METRICS.serviceDefault }, title: 'Failed key verifications', threshold: settings.failedVerificationAlarmThreshold },
        {
          metricName: METRICS.names.authHeaderRevoked,
          dimensions: { service: METRICS.serviceDefault },
          title: 'Revoked keys',
          threshold: settings.revokedKeyAlarmThreshold,
          meaning: 'whoever held these keys\' tokens revoked them (POST /authheader/revoke): a leaked batch of tokens, or a dump being used up. The audit lines (authheader.revoked) name each key and its owner, who should roll or delete it',
          firstPeriod: true,
        },
        {
          metricName: METRICS.names.authHeaderRevokeThrottled,
          dimensions: { service: METRICS.serviceDefault },
          title: 'Throttled revocations',
          threshold: settings.throttledRevocationAlarmThreshold,
          meaning: 'an address spent REVOKE_MAX_FAILURES_PER_IP revocations that revoked nothing (authheader.revoke_throttled lines name it): someone is spraying the public revoke endpoint with guessed or stale tokens',
          firstPeriod: true,
        },
      ],
      alarmEmail: settings.alarmEmail,
      latencyP99Ms: settings.latencyAlarmMs,
      alarmNamePrefix: this.stackName,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic every alarm notifies' });

    new CfnOutput(this, 'AuthorizerFunctionArn', {
      value: this.authorizerFunction.function.functionArn,
      description: 'The Lambda authorizer other APIs use with infra/constructs/auth-service-authorizer.ts (docs/authorizer.md)',
      exportName: `${this.stackName}-AuthorizerFunctionArn`,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (stage included)' });
    new CfnOutput(this, 'UsersTableName', { value: users.tableName });
    new CfnOutput(this, 'AuthHeadersTableName', { value: authHeaders.tableName });
    new CfnOutput(this, 'LoginThrottleTableName', { value: loginThrottle.tableName });
    new CfnOutput(this, 'OpenApiUrl', { value: `${this.api.url}openapi.json`, description: 'The OpenAPI 3.1 document of this API' });
    new CfnOutput(this, 'SessionsTableName', { value: sessions.tableName });

    this.acknowledgeNagFindings();
  }

  /**
   * The route's Lambda (logical id `<RouteId>Function`, which `sam local invoke` uses) behind its
   * method, with the route's body model, and behind the authorizer when the route's auth says so;
   * the caller binds what the function may touch.
   */
  private endpoint(id: RouteId, sizing: FunctionSizing): ApiFunction {
    const { module, method, path, body, auth } = route(id);
    const fn = new ApiFunction(this, `${id}Function`, {
      module,
      ...sizing,
      logRetention: this.settings.logRetention,
      logRemovalPolicy: this.logRemovalPolicy,
      environment: { CORS_ORIGINS: this.settings.corsOrigins.join(',') },
    });
    // An optional body (logout's) is checked by the function only: API Gateway would validate an
    // absent body against the model too.
    const model = body && !body.optional && this.api.addModel(`${id}Model`, { contentType: 'application/json', modelName: body.title, schema: toJsonSchema(body) });
    this.api.root.resourceForPath(path).addMethod(method, new LambdaIntegration(fn.function, { proxy: true, allowTestInvoke: false }), {
      operationName: id,
      requestValidator: this.validator,
      ...(model ? { requestModels: { 'application/json': model } } : {}),
      ...(auth === 'authorizer' ? { authorizer: this.authorizer.restApiAuthorizer } : {}),
    });
    this.functions[id] = fn;
    return fn;
  }

  /**
   * The document generated at synth from the same code as openapi.json, served by a mock
   * integration: no Lambda, no bucket. A CloudFormation output could not hold it (outputs are
   * short strings). Base64 in the template because the document's `$ref` and `#` would otherwise
   * be read as Velocity.
   */
  private publishApiDocument(): void {
    const document = Buffer.from(JSON.stringify(buildOpenApiDocument())).toString('base64');
    const integration = new MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: [
        {
          statusCode: '200',
          responseTemplates: { 'application/json': `$util.base64Decode("${document}")` },
          responseParameters: { 'method.response.header.Cache-Control': "'public, max-age=300'" },
        },
      ],
    });
    this.api.root.addResource('openapi.json').addMethod('GET', integration, {
      operationName: 'OpenApiDocument',
      methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.Cache-Control': true } }],
    });
  }

  /** A route listed in lib/routes.ts without its block above fails the synth, not the first request. */
  private checkEveryRouteWired(): void {
    const missing = routes.filter((r) => !(r.id in this.functions)).map((r) => r.id);
    if (missing.length > 0) throw new Error(`routes without an endpoint in infra/stack.ts: ${missing.join(', ')}`);
  }

  /** The REST API: stage throttling (with per-method overrides), JSON access logs, CORS when origins are given. */
  private createApi(settings: StackSettings, methodOptions: Record<string, MethodDeploymentOptions>): RestApi {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: settings.logRetention, removalPolicy: this.logRemovalPolicy });
    const cors: CorsOptions | undefined =
      settings.corsOrigins.length > 0
        ? { allowOrigins: settings.corsOrigins.includes('*') ? Cors.ALL_ORIGINS : settings.corsOrigins, allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type'] }
        : undefined;
    const api = new RestApi(this, 'Api', {
      description: 'Authentication service: login and auth headers (API keys)',
      endpointTypes: [EndpointType.REGIONAL],
      // Access and execution logs need API Gateway's CloudWatch role in the account settings, one
      // per account and region for every REST API there: this stack sets it only when asked
      // (-c apiGatewayAccount=true, docs/deploy.md), and keeps it on delete.
      cloudWatchRole: settings.apiGatewayAccount,
      cloudWatchRoleRemovalPolicy: settings.apiGatewayAccount ? RemovalPolicy.RETAIN : undefined,
      defaultCorsPreflightOptions: cors,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: settings.throttleRate,
        throttlingBurstLimit: settings.throttleBurst,
        methodOptions,
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
    this.addGatewayResponses(api, settings);
    // RestApi's own unnamed "ApiEndpoint…" output repeats ApiUrl: one name for one URL.
    api.node.tryRemoveChild('Endpoint');
    if (settings.customDomain) this.addCustomDomain(api, settings.customDomain);
    return api;
  }

  /** The API on its own domain (TLS 1.2, regional, the v1 stage at the root), with its alias record when the zone is given. */
  private addCustomDomain(api: RestApi, custom: CustomDomain): void {
    const domain = api.addDomainName('CustomDomain', {
      domainName: custom.domainName,
      certificate: Certificate.fromCertificateArn(this, 'CustomDomainCertificate', custom.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    if (custom.hostedZone) {
      const zone = HostedZone.fromHostedZoneAttributes(this, 'CustomDomainZone', { hostedZoneId: custom.hostedZone.id, zoneName: custom.hostedZone.name });
      new ARecord(this, 'CustomDomainAlias', { zone, recordName: custom.domainName, target: RecordTarget.fromAlias(new ApiGatewayDomain(domain)) });
    }
    new CfnOutput(this, 'CustomDomainUrl', { value: `https://${custom.domainName}/`, description: 'The API on its custom domain (the v1 stage at the root)' });
    new CfnOutput(this, 'CustomDomainTarget', {
      value: domain.domainNameAliasDomainName,
      description: custom.hostedZone ? 'Where the alias record points' : 'Point a CNAME (or alias) record for the custom domain here',
    });
  }

  /** API Gateway's own errors in the contract's `{ "message": ... }` shape. */
  private addGatewayResponses(api: RestApi, settings: StackSettings): void {
    const [firstOrigin] = settings.corsOrigins;
    // A gateway response can carry one fixed origin only; with several, browsers see no CORS header
    // on these (rare) errors, which they report as a network error.
    const origin = settings.corsOrigins.includes('*') ? '*' : settings.corsOrigins.length === 1 ? firstOrigin : undefined;
    const responseHeaders: Record<string, string> = origin ? { 'Access-Control-Allow-Origin': `'${origin}'` } : {};
    const respond = (id: string, type: ResponseType, templates: Record<string, string>, statusCode?: string, extraHeaders: Record<string, string> = {}) =>
      api.addGatewayResponse(id, { type, statusCode, templates, responseHeaders: { ...responseHeaders, ...extraHeaders } });

    respond('Default4xx', ResponseType.DEFAULT_4XX, { 'application/json': '{"message":$context.error.messageString}' });
    respond('Default5xx', ResponseType.DEFAULT_5XX, { 'application/json': INTERNAL_ERROR_BODY });
    // REST APIs answer an unknown path or method with 403 "Missing Authentication Token".
    respond('UnknownRoute', ResponseType.MISSING_AUTHENTICATION_TOKEN, errorBody('Not found'), '404');
    respond('ResourceNotFound', ResponseType.RESOURCE_NOT_FOUND, errorBody('Not found'), '404');
    respond('InvalidBody', ResponseType.BAD_REQUEST_BODY, errorBody('request body does not match the expected schema'), '400');
    respond('Throttled', ResponseType.THROTTLED, errorBody('Too many requests'), '429', { 'Retry-After': "'1'" });
    respond('TooLarge', ResponseType.REQUEST_TOO_LARGE, errorBody('request body too large'), '413');
    respond('WafFiltered', ResponseType.WAF_FILTERED, errorBody('Forbidden'), '403');
    // The authorizer refused (or no Authorization header): the contract's 401, whatever the reason.
    respond('Unauthorized', ResponseType.UNAUTHORIZED, { 'application/json': UNAUTHORIZED_BODY }, '401', { 'WWW-Authenticate': "'Bearer'" });
    respond('AccessDenied', ResponseType.ACCESS_DENIED, { 'application/json': '{"message":$context.error.messageString}' }, '403', { 'WWW-Authenticate': "'Bearer'" });
    // The authorizer could not decide (its database or key store failing, or it could not be run):
    // the caller is not refused, the service is unavailable for a moment.
    for (const [name, type] of [['AuthorizerFailure', ResponseType.AUTHORIZER_FAILURE], ['AuthorizerConfigurationError', ResponseType.AUTHORIZER_CONFIGURATION_ERROR]] as const) {
      respond(name, type, { 'application/json': UNAVAILABLE_BODY }, '503', { 'Retry-After': "'1'" });
    }
  }

  /** cdk-nag AwsSolutions findings this design accepts, each acknowledged with its reason (cdk-nag v3: CDK's Validations). */
  private acknowledgeNagFindings(): void {
    const apiAcknowledgements = [
      {
        id: 'AwsSolutions-APIG4',
        reason: 'The login route is public by design; the auth-header routes verify the session JWT (HS256, exp, kid) inside the function, as the API contract requires (they take the JWT only, never an auth header). GET /user/me is behind the Lambda authorizer.',
      },
      { id: 'AwsSolutions-COG4', reason: "Sessions are the service's own JWTs issued by POST /user/login, not Cognito tokens." },
    ];
    if (this.settings.apiGatewayAccount) {
      apiAcknowledgements.push({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-level CloudWatch role (-c apiGatewayAccount=true) uses the AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy, which exists for exactly this purpose.",
      });
    }
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
