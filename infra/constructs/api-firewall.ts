/**
 * A regional WAF web ACL for the API stage: a per-IP rate limit on every path (so one address cannot
 * use up the stage's shared throttle and turn every other caller away), a stricter one on the routes
 * that check a password (AWS's "rate-limit a login page" pattern: a rate-based rule scoped down to
 * the URI paths) in front of the service's own per-username/per-address throttle, plus AWS's common
 * rule set.
 *
 * Sampled requests keep the request's headers, and most routes carry a JWT or an auth header in
 * `Authorization`: sampling is on only for the password rule (login and password change carry no
 * credential header; bodies are never sampled) and off everywhere else. The ACL has no WAF logging;
 * whoever adds it must redact `authorization` (`redactedFields`).
 */
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /**
   * Paths of the routes that check a password (login, password change): each matched anywhere in
   * the URI, so the stage prefix does not matter.
   */
  readonly passwordPaths: readonly string[];
  /** Requests to those paths together one IP may send per 5-minute window. */
  readonly loginRateLimit: number;
  /** Requests to any path one IP may send per 5-minute window. */
  readonly rateLimit: number;
}

const visibility = (metricName: string, sampledRequestsEnabled = false): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled,
  metricName,
});

const pathMatch = (path: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'CONTAINS',
    searchString: path,
    textTransformations: [
      { priority: 0, type: 'URL_DECODE' },
      { priority: 1, type: 'LOWERCASE' },
    ],
  },
});

/** A request to any of these paths (WAF's OR needs two statements or more). */
function anyPath(paths: readonly string[]): CfnWebACL.StatementProperty {
  const [first, ...others] = paths;
  if (first === undefined) throw new Error('ApiFirewall needs at least one password path');
  return others.length === 0 ? pathMatch(first) : { orStatement: { statements: paths.map(pathMatch) } };
}

const tooManyRequests = (retryAfterSeconds: number): CfnWebACL.RuleActionProperty => ({
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: 'TooManyRequests',
      responseHeaders: [{ name: 'Retry-After', value: String(retryAfterSeconds) }],
    },
  },
});

export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly association: CfnWebACLAssociation;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('AuthServiceApi'),
      // The contract's error shape, also for requests WAF answers itself.
      customResponseBodies: {
        TooManyRequests: { contentType: 'APPLICATION_JSON', content: JSON.stringify({ message: 'Too many requests' }) },
      },
      rules: [
        {
          name: 'LoginRateLimitPerIp',
          priority: 0,
          action: tooManyRequests(300),
          statement: {
            rateBasedStatement: {
              limit: props.loginRateLimit,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: anyPath(props.passwordPaths),
            },
          },
          visibilityConfig: visibility('LoginRateLimitPerIp', true),
        },
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: tooManyRequests(300),
          statement: { rateBasedStatement: { limit: props.rateLimit, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // Bodies above 8 KB are the service's to refuse (413 per the contract), not WAF's 403.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('AWSManagedRulesCommonRuleSet'),
        },
      ],
    });
    this.association = new CfnWebACLAssociation(this, 'StageAssociation', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
