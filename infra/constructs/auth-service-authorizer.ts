/**
 * The auth service's authorizer for another team's API. An API Gateway authorizer belongs to one
 * API and CDK cannot import one across stacks (aws-cdk #7377, #16238), so the service shares its
 * authorizer *function* (the AuthService stack exports its ARN) and each consuming API creates its
 * own authorizer from it, with this construct in its own stack:
 *
 * ```ts
 * const auth = new AuthServiceAuthorizer(this, 'Auth', { functionArn: Fn.importValue('AuthService-AuthorizerFunctionArn') });
 * api.root.addResource('orders').addMethod('GET', integration, { authorizer: auth.restApiAuthorizer });
 * // HTTP API: httpApi.addRoutes({ path: '/orders', methods: [HttpMethod.GET], integration, authorizer: auth.httpApiAuthorizer });
 * ```
 *
 * The function behind it accepts a session JWT or an auth header in `Authorization` and passes
 * `userId`, `username`, `authMethod` and `authHeaderId` to the integration (see docs/authorizer.md).
 */
import { Duration } from 'aws-cdk-lib';
import { GatewayResponse, IdentitySource, type IRestApi, RequestAuthorizer, type RequestAuthorizerProps, ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { UNAUTHORIZED_BODY, UNAVAILABLE_BODY } from '../../lib/http/errors';

/**
 * The answers the auth service's own API gives when its authorizer refuses or fails, for a
 * consumer's REST API: the contract's 401 (`{"message":"Unauthorized"}`, `WWW-Authenticate:
 * Bearer`), and 503 with `Retry-After` when the authorizer could not decide (its database or key
 * store failing) or could not be run — API Gateway's default there is a 500.
 */
export const AUTHORIZER_GATEWAY_RESPONSES = [
  { id: 'Unauthorized', type: ResponseType.UNAUTHORIZED, statusCode: '401', body: UNAUTHORIZED_BODY, headers: { 'WWW-Authenticate': "'Bearer'" } },
  { id: 'AuthorizerFailure', type: ResponseType.AUTHORIZER_FAILURE, statusCode: '503', body: UNAVAILABLE_BODY, headers: { 'Retry-After': "'1'" } },
  { id: 'AuthorizerConfigurationError', type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR, statusCode: '503', body: UNAVAILABLE_BODY, headers: { 'Retry-After': "'1'" } },
] as const;

/** A REQUEST authorizer that tells its owner which REST API it was attached to (once per API). */
class AttachedRequestAuthorizer extends RequestAuthorizer {
  private attachedTo?: string;

  constructor(scope: Construct, id: string, props: RequestAuthorizerProps, private readonly onAttach: (api: IRestApi) => void) {
    super(scope, id, props);
  }

  override _attachToApi(restApi: IRestApi): void {
    super._attachToApi(restApi);
    if (this.attachedTo === restApi.node.path) return;
    this.attachedTo = restApi.node.path;
    this.onAttach(restApi);
  }
}

export interface AuthServiceAuthorizerProps {
  /**
   * ARN of the auth service's authorizer function: the AuthService stack's `AuthorizerFunctionArn`
   * output (export `<stackName>-AuthorizerFunctionArn`). Same account as the consuming API: the
   * invoke permission is added to the function from here.
   */
  readonly functionArn: string;
  /**
   * How long API Gateway caches an answer per `Authorization` value; `Duration.seconds(0)` disables
   * caching. This is how long a deleted or expired key, or an ended session, still passes: keep it
   * at or below the service's AUTHORIZER_CACHE_SECONDS. At most one hour.
   * @default Duration.seconds(60)
   */
  readonly cacheTtl?: Duration;
  /**
   * The authorizer's name in the API.
   * @default 'AuthServiceAuthorizer'
   */
  readonly authorizerName?: string;
  /**
   * Add the auth service's gateway responses to the REST API the authorizer is attached to: 401
   * with the contract's body and `WWW-Authenticate: Bearer` on a refusal, 503 with `Retry-After: 1`
   * when the authorizer fails (API Gateway's default: 500). Turn off when your API defines its own
   * responses for UNAUTHORIZED, AUTHORIZER_FAILURE or AUTHORIZER_CONFIGURATION_ERROR (one per
   * type per API). HTTP APIs have no gateway responses: see docs/authorizer.md for their statuses.
   * @default true
   */
  readonly gatewayResponses?: boolean;
}

export class AuthServiceAuthorizer extends Construct {
  /** The shared authorizer function (imported by ARN). */
  readonly function: IFunction;
  /** For an HTTP API route (payload 2.0, simple responses). */
  readonly httpApiAuthorizer: HttpLambdaAuthorizer;
  private readonly cacheTtl: Duration;
  private readonly authorizerName: string;
  private readonly gatewayResponses: boolean;
  private restAuthorizer?: RequestAuthorizer;

  constructor(scope: Construct, id: string, props: AuthServiceAuthorizerProps) {
    super(scope, id);
    this.cacheTtl = props.cacheTtl ?? Duration.seconds(60);
    this.authorizerName = props.authorizerName ?? 'AuthServiceAuthorizer';
    this.gatewayResponses = props.gatewayResponses ?? true;
    if (this.cacheTtl.toSeconds() > 3600) throw new Error('AuthServiceAuthorizer: cacheTtl must be at most one hour');
    // sameEnvironment: the function lives in this account, so CDK may add its invoke permission here.
    this.function = LambdaFunction.fromFunctionAttributes(this, 'Function', { functionArn: props.functionArn, sameEnvironment: true });
    this.httpApiAuthorizer = new HttpLambdaAuthorizer(this.authorizerName, this.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: this.cacheTtl,
    });
  }

  /**
   * For the methods of one REST API (REQUEST type, identity source and cache key `Authorization`,
   * plus the permission for API Gateway to invoke the function, and unless `gatewayResponses` is
   * off the service's refusal and failure answers on that API). Created on first use: a REST
   * authorizer must be attached to exactly one API.
   */
  get restApiAuthorizer(): RequestAuthorizer {
    this.restAuthorizer ??= new AttachedRequestAuthorizer(
      this,
      'RestAuthorizer',
      {
        handler: this.function,
        identitySources: [IdentitySource.header('Authorization')],
        resultsCacheTtl: this.cacheTtl,
        authorizerName: this.authorizerName,
      },
      (restApi) => {
        if (!this.gatewayResponses) return;
        for (const response of AUTHORIZER_GATEWAY_RESPONSES) {
          new GatewayResponse(this, `${response.id}Response`, {
            restApi,
            type: response.type,
            statusCode: response.statusCode,
            templates: { 'application/json': response.body },
            responseHeaders: response.headers,
          });
        }
      },
    );
    return this.restAuthorizer;
  }
}
