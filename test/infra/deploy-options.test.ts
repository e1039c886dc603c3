/**
 * What a deploy touches beyond its own resources, and the deployer's options: API Gateway's
 * account-wide CloudWatch setting only when asked, a custom domain from context, named outputs.
 */
import { describe, expect, test } from '@jest/globals';
import { synthesize } from '../helpers/synth';
import { referencedId, resourcesOf } from './template';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('API Gateway account settings', () => {
  const { template } = synthesize({ bundle: false });

  test('the default template leaves them alone: no AWS::ApiGateway::Account, no CloudWatch role for it', () => {
    expect(resourcesOf(template, 'AWS::ApiGateway::Account')).toEqual({});
    const roles = Object.values(resourcesOf(template, 'AWS::IAM::Role'));
    expect(roles.filter((role) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'))).toEqual([]);
  });

  test('-c apiGatewayAccount=true sets the CloudWatch role, kept when the stack is deleted', () => {
    const opted = synthesize({ bundle: false, context: { apiGatewayAccount: 'true' } }).template;
    const accounts = Object.values(resourcesOf(opted, 'AWS::ApiGateway::Account'));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.DeletionPolicy).toBe('Retain');
    const role = resourcesOf(opted, 'AWS::IAM::Role')[referencedId(accounts[0]?.Properties.CloudWatchRoleArn) as string];
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('apigateway.amazonaws.com');
  });

  test('every output has the name docs/deploy.md gives it (no unnamed ApiEndpoint… output)', () => {
    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs.filter((name) => name.startsWith('ApiEndpoint'))).toEqual([]);
    expect(outputs).toContain('ApiUrl');
  });
});

describe('custom domain', () => {
  test('domainName + certificateArn: a regional TLS 1.2 domain mapped to the v1 stage, and its URL as an output', () => {
    const { template } = synthesize({ bundle: false, context: { domainName: 'auth.example.com', certificateArn: CERTIFICATE } });

    const domains = Object.values(resourcesOf(template, 'AWS::ApiGateway::DomainName'));
    expect(domains).toHaveLength(1);
    expect(domains[0]?.Properties).toMatchObject({
      DomainName: 'auth.example.com',
      RegionalCertificateArn: CERTIFICATE,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    const mappings = Object.values(resourcesOf(template, 'AWS::ApiGateway::BasePathMapping'));
    expect(mappings).toHaveLength(1);
    expect(referencedId(mappings[0]?.Properties.RestApiId)).toMatch(/^Api[0-9A-F]{8}$/);
    expect(referencedId(mappings[0]?.Properties.Stage)).toMatch(/^ApiDeploymentStagev1/);
    expect(resourcesOf(template, 'AWS::Route53::RecordSet')).toEqual({});
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.CustomDomainUrl?.Value).toBe('https://auth.example.com/');
    expect(outputs.CustomDomainTarget).toBeDefined();
  });

  test('with hostedZoneId + hostedZoneName: an alias A record in that zone', () => {
    const { template } = synthesize({
      bundle: false,
      context: { domainName: 'auth.example.com', certificateArn: CERTIFICATE, hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' },
    });

    const records = Object.values(resourcesOf(template, 'AWS::Route53::RecordSet'));
    expect(records).toHaveLength(1);
    expect(records[0]?.Properties).toMatchObject({ Name: 'auth.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(records[0]?.Properties.AliasTarget).toBeDefined();
  });

  test('none by default', () => {
    const { template } = synthesize({ bundle: false });
    expect(resourcesOf(template, 'AWS::ApiGateway::DomainName')).toEqual({});
  });

  test.each([
    [{ domainName: 'auth.example.com' }, /"domainName" and "certificateArn" go together/],
    [{ certificateArn: CERTIFICATE }, /"domainName" and "certificateArn" go together/],
    [{ domainName: 'not a domain', certificateArn: CERTIFICATE }, /must be a domain name/],
    [{ domainName: 'auth.example.com', certificateArn: 'arn:aws:iam::123456789012:role/x' }, /must be an ACM certificate ARN/],
    [{ domainName: 'auth.example.com', certificateArn: CERTIFICATE, hostedZoneId: 'Z1' }, /"hostedZoneId" and "hostedZoneName" go together/],
    [{ domainName: 'auth.example.com', certificateArn: CERTIFICATE, hostedZoneId: 'Z1', hostedZoneName: 'other.org' }, /not in the hosted zone other.org/],
  ])('refuses %j at synth', (context, message) => {
    expect(() => synthesize({ bundle: false, context })).toThrow(message);
  });
});
