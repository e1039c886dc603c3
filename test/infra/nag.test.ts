/**
 * cdk-nag's AwsSolutions pack over the stack: no finding left unacknowledged, and every
 * acknowledgement says why (cdk-nag v3 records them with CDK's `Validations.of(x).acknowledge`).
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { synthesize } from '../helpers/synth';

interface Acknowledgement {
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    // Recorded as { "Annotation::<rule id>": reason }.
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({ id: key.replace(/^annotation::/i, ''), reason })));
}

describe.each([
  ['default settings', {}],
  ['-c waf=false -c destroyable=true -c corsOrigins=...', { waf: 'false', destroyable: 'true', corsOrigins: 'https://app.example.com' }],
  [
    '-c apiGatewayAccount=true -c domainName=... -c certificateArn=... -c hostedZoneId=... -c hostedZoneName=...',
    {
      apiGatewayAccount: 'true',
      domainName: 'auth.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'example.com',
    },
  ],
])('AwsSolutions checks, %s', (_name, context) => {
  let synthesized: ReturnType<typeof synthesize>;
  // The rules read the template, not the bundles: skip esbuild.
  beforeAll(() => {
    synthesized = synthesize({ bundle: false, context });
  });

  test('report no unacknowledged finding, error or warning', () => {
    const { app, stack } = synthesized;
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every acknowledgement gives a reason', () => {
    const acknowledged = acknowledgements(synthesized.stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});

test('acknowledgements are not blanket: a wildcard grant added to a function is still reported', () => {
  const { app, stack } = synthesize({ bundle: false, stackName: 'NagProbe' });
  stack.functions.Login.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  expect(report.violations.map((violation) => violation.ruleName)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-IAM5/)]));
});
