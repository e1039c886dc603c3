/**
 * infra/constructs/auth-service-authorizer.ts as another team uses it: a consumer stack in the same
 * app imports the AuthService stack's exported authorizer ARN and protects its own REST and HTTP
 * API routes with it.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AuthServiceAuthorizer } from '../../infra/constructs/auth-service-authorizer';
import { AuthServiceStack } from '../../infra/stack';
import { resourcesOf } from './template';
import { UNAVAILABLE_BODY } from '../../lib/http/errors';

const EXPORT = 'AuthService-AuthorizerFunctionArn';
let service: Template;
let consumer: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const serviceStack = new AuthServiceStack(app, 'AuthService');

  // What a team writes in its own stack.
  const stack = new Stack(app, 'Orders');
  const backend = new LambdaFunction(stack, 'OrdersFunction', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" })') });
  const auth = new AuthServiceAuthorizer(stack, 'Auth', { functionArn: Fn.importValue(EXPORT), cacheTtl: Duration.seconds(30) });
  const rest = new RestApi(stack, 'OrdersApi');
  rest.root.addResource('orders').addMethod('GET', new LambdaIntegration(backend), { authorizer: auth.restApiAuthorizer });
  const http = new HttpApi(stack, 'OrdersHttpApi');
  http.addRoutes({ path: '/orders', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', backend), authorizer: auth.httpApiAuthorizer });
  service = Template.fromStack(serviceStack);
  consumer = Template.fromStack(stack);
});

describe('a consumer stack protecting its own routes with the shared authorizer', () => {
  test('the service exports the function ARN under the name the consumer imports', () => {
    const outputs = service.toJSON().Outputs as Record<string, { Export?: { Name: string } }>;
    expect(outputs.AuthorizerFunctionArn?.Export?.Name).toBe(EXPORT);
  });

  test('REST: a REQUEST authorizer on the Authorization header with the given TTL, invoking the imported function, on the route', () => {
    const authorizers = Object.values(resourcesOf(consumer, 'AWS::ApiGateway::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({ Type: 'REQUEST', IdentitySource: 'method.request.header.Authorization', AuthorizerResultTtlInSeconds: 30, Name: 'AuthServiceAuthorizer' });
    expect(JSON.stringify(authorizers[0]?.Properties.AuthorizerUri)).toContain(`"Fn::ImportValue":"${EXPORT}"`);
    const method = Object.values(resourcesOf(consumer, 'AWS::ApiGateway::Method')).find((m) => m.Properties.HttpMethod === 'GET');
    expect(method?.Properties.AuthorizationType).toBe('CUSTOM');
  });

  test('HTTP API: a Lambda authorizer with simple responses (payload 2.0) on the Authorization header with the given TTL', () => {
    const authorizers = Object.values(resourcesOf(consumer, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 30,
    });
    expect(JSON.stringify(authorizers[0]?.Properties.AuthorizerUri)).toContain(EXPORT);
    const route = Object.values(resourcesOf(consumer, 'AWS::ApiGatewayV2::Route'))[0];
    expect(route?.Properties.AuthorizationType).toBe('CUSTOM');
  });

  test('each API may invoke the shared function, and only from its own authorizer', () => {
    const permissions = Object.values(resourcesOf(consumer, 'AWS::Lambda::Permission')).filter((permission) => JSON.stringify(permission.Properties.FunctionName).includes(EXPORT));
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain('/authorizers/');
    }
  });

  test("REST: the service's answers on the consumer's API: 401 with the contract's body on a refusal, 503 with Retry-After when the authorizer fails", () => {
    const responses = Object.values(resourcesOf(consumer, 'AWS::ApiGateway::GatewayResponse')).map((response) => response.Properties);
    const byType = Object.fromEntries(responses.map((response) => [response.ResponseType, response]));
    expect(Object.keys(byType).sort()).toEqual(['AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE', 'UNAUTHORIZED']);
    expect(byType.UNAUTHORIZED).toMatchObject({ StatusCode: '401', ResponseTemplates: { 'application/json': '{"message":"Unauthorized"}' }, ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': "'Bearer'" } });
    for (const type of ['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']) {
      expect(byType[type]).toMatchObject({ StatusCode: '503', ResponseTemplates: { 'application/json': UNAVAILABLE_BODY }, ResponseParameters: { 'gatewayresponse.header.Retry-After': "'1'" } });
    }
    // On the consumer's REST API (HTTP APIs have no gateway responses).
    for (const response of responses) expect(JSON.stringify(response.RestApiId)).toContain('OrdersApi');
    // The same answers as the service's own API.
    const own = Object.values(resourcesOf(service, 'AWS::ApiGateway::GatewayResponse')).map((response) => response.Properties);
    for (const type of Object.keys(byType)) {
      const mine = own.find((response) => response.ResponseType === type);
      expect({ status: byType[type]?.StatusCode, body: byType[type]?.ResponseTemplates }).toEqual({ status: mine?.StatusCode, body: mine?.ResponseTemplates });
    }
  });

  test('gatewayResponses: false leaves the API its own responses; several methods on one API add them once', () => {
    const stack = new Stack(new App(), 'OptOut');
    const auth = new AuthServiceAuthorizer(stack, 'Auth', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:authorizer', gatewayResponses: false });
    new RestApi(stack, 'Api').root.addMethod('GET', undefined, { authorizer: auth.restApiAuthorizer });
    expect(Object.keys(resourcesOf(Template.fromStack(stack), 'AWS::ApiGateway::GatewayResponse'))).toHaveLength(0);

    const twice = new Stack(new App(), 'Twice');
    const withDefaults = new AuthServiceAuthorizer(twice, 'Auth', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:authorizer' });
    const api = new RestApi(twice, 'Api');
    api.root.addMethod('GET', undefined, { authorizer: withDefaults.restApiAuthorizer });
    api.root.addResource('more').addMethod('GET', undefined, { authorizer: withDefaults.restApiAuthorizer });
    expect(Object.keys(resourcesOf(Template.fromStack(twice), 'AWS::ApiGateway::GatewayResponse'))).toHaveLength(3);
  });

  test('defaults: 60 s cache; a TTL over an hour is refused', () => {
    const stack = new Stack(new App(), 'Defaults');
    const auth = new AuthServiceAuthorizer(stack, 'Auth', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:authorizer' });
    new RestApi(stack, 'Api').root.addMethod('GET', undefined, { authorizer: auth.restApiAuthorizer });
    expect(Object.values(resourcesOf(Template.fromStack(stack), 'AWS::ApiGateway::Authorizer'))[0]?.Properties.AuthorizerResultTtlInSeconds).toBe(60);
    expect(() => new AuthServiceAuthorizer(new Stack(new App(), 'TooLong'), 'Auth', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:x', cacheTtl: Duration.hours(2) })).toThrow(/one hour/);
  });
});
