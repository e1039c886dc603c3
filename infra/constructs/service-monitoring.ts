/**
 * Alarms, one dashboard and saved Logs Insights queries for the service, built with cdklabs'
 * cdk-monitoring-constructs (the CDK team's library: one facade, alarms named and deduplicated
 * consistently, the dashboard built from the same metrics the alarms watch). Every alarm notifies
 * one SNS topic; an email subscription is added when an address is given.
 *
 * Failed logins and failed key verifications alarm on static thresholds rather than anomaly
 * detection: a new deployment has no history to train a band on (CloudWatch wants two weeks), and a
 * low-traffic service's band is so narrow that ordinary typos would page; a fixed count per five
 * minutes, well above what the per-account throttle lets one client produce, is predictable and
 * testable. Operators tune it with context values.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnQueryDefinition, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { ServiceTable } from './service-table';

/** A function to watch, with the name its alarms and graphs carry. */
export interface MonitoredFunction {
  readonly name: string;
  readonly function: IFunction;
  readonly logGroup: ILogGroup;
}

/** An API route to watch: its method and resource path as API Gateway's metrics name them. */
export interface MonitoredRoute {
  readonly name: string;
  readonly method: string;
  readonly path: string;
}

/** One of the service's own metrics (Powertools Metrics, EMF) with its alarm threshold per 5 minutes. */
export interface ServiceMetricAlarm {
  /** Metric name as the functions emit it. */
  readonly metricName: string;
  /** Dimensions as the functions emit them (Powertools adds `service`). */
  readonly dimensions: Record<string, string>;
  /** Human name on the dashboard and in the alarm. */
  readonly title: string;
  /** Alarm when the 5-minute sum exceeds this. */
  readonly threshold: number;
  /** What the alarm means and what to do (the alarm's description); a generic one when absent. */
  readonly meaning?: string;
  /**
   * Alarm on the first 5-minute period above the threshold instead of two of three: for events where
   * one period already says something (a revoked key is a leak).
   * @default false
   */
  readonly firstPeriod?: boolean;
}

export interface ServiceMonitoringProps {
  /** The REST API (its stage's detailed metrics must be on). */
  readonly api: RestApi;
  /** Routes whose p99 latency is alarmed and graphed. */
  readonly routes: readonly MonitoredRoute[];
  /** Every function of the service, the authorizer included (its failures reach clients as errors). */
  readonly functions: readonly MonitoredFunction[];
  readonly tables: readonly ServiceTable[];
  /**
   * The WAF web ACL in front of the API, for the blocked-requests alarm.
   * @default - no WAF monitoring
   */
  readonly webAcl?: CfnWebACL;
  /** CloudWatch namespace of the service's own metrics. */
  readonly metricsNamespace: string;
  /**
   * The service's own metrics to graph and alarm on (failed logins, failed key verifications...).
   * @default []
   */
  readonly serviceMetrics?: readonly ServiceMetricAlarm[];
  /**
   * Address subscribed to the alarm topic.
   * @default - no subscription (subscribe to the topic yourself)
   */
  readonly alarmEmail?: string;
  /**
   * Alarm when a route's p99 latency over 5 minutes exceeds this.
   * @default 2000
   */
  readonly latencyP99Ms?: number;
  /**
   * Alarm when the API's 5XX rate over 5 minutes exceeds this fraction (0.01 = 1 %).
   * @default 0.01
   */
  readonly maxFaultRate?: number;
  /**
   * Alarm when WAF blocks more requests than this in 5 minutes.
   * @default 1000
   */
  readonly maxWafBlockedRequests?: number;
  /**
   * Prefix of alarm names and the dashboard's name.
   * @default the construct's id
   */
  readonly alarmNamePrefix?: string;
}

/** Saved Logs Insights queries over the audit events (schema: docs/operations.md). */
const SAVED_QUERIES: Record<string, string> = {
  'failed-logins-by-user': [
    'fields @timestamp, username, sourceIp, reason',
    'filter event = "login.failed"',
    'stats count(*) as failures by username',
    'sort failures desc',
    'limit 50',
  ].join('\n| '),
  'failed-logins-by-address': [
    'fields @timestamp, sourceIp',
    'filter event = "login.failed" or event = "login.throttled"',
    'stats count(*) as failures by sourceIp',
    'sort failures desc',
    'limit 50',
  ].join('\n| '),
  'auth-headers-created': ['fields @timestamp, userId, username, authHeaderId, sourceIp', 'filter event = "authheader.created"', 'sort @timestamp desc', 'limit 200'].join('\n| '),
  'refresh-token-reuse': ['fields @timestamp, userId, username, sourceIp, reason', 'filter event = "session.reuse_detected"', 'sort @timestamp desc', 'limit 200'].join('\n| '),
  // The "Revoked keys" and "Throttled revocations" alarms: which keys leaked, and who sprays revoke.
  'revocations': ['fields @timestamp, event, userId, authHeaderId, sourceIp, retryAfterSeconds', 'filter event in ["authheader.revoked", "authheader.revoke_throttled"]', 'sort @timestamp desc', 'limit 200'].join('\n| '),
};

export class ServiceMonitoring extends Construct {
  readonly topic: Topic;
  readonly facade: MonitoringFacade;
  readonly queries: CfnQueryDefinition[];

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const prefix = props.alarmNamePrefix ?? id;
    this.topic = new Topic(this, 'AlarmTopic', { displayName: `${prefix} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: prefix,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.topic }),
        // Two of three 5-minute periods: one bad period (a deploy, a cold-start wave) does not page.
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      },
    });
    const latency = Duration.millis(props.latencyP99Ms ?? 2000);

    this.facade.addLargeHeader(`${prefix}: authentication service`);
    this.facade.monitorApiGateway({
      api: props.api,
      apiStage: props.api.deploymentStage.stageName,
      humanReadableName: 'API (all routes)',
      alarmFriendlyName: 'Api',
      add5XXFaultRateAlarm: { Critical: { maxErrorRate: props.maxFaultRate ?? 0.01 } },
    });
    for (const route of props.routes) {
      this.facade.monitorApiGateway({
        api: props.api,
        apiStage: props.api.deploymentStage.stageName,
        apiMethod: route.method,
        apiResource: route.path,
        humanReadableName: `${route.method} ${route.path}`,
        alarmFriendlyName: `Api-${route.name}`,
        addLatencyP99Alarm: { Warning: { maxLatency: latency } },
      });
    }

    const namespace = props.metricsNamespace;
    if (props.serviceMetrics && props.serviceMetrics.length > 0) {
      this.facade.monitorCustom({
        humanReadableName: 'Logins, key verifications and revocations',
        alarmFriendlyName: 'Security',
        metricGroups: [
          {
            title: 'Per 5 minutes',
            metrics: props.serviceMetrics.map((metric) => ({
              metric: new Metric({ namespace, metricName: metric.metricName, dimensionsMap: metric.dimensions, statistic: 'Sum', period: Duration.minutes(5) }),
              alarmFriendlyName: metric.title.replace(/[^A-Za-z0-9]+/g, ''),
              addAlarm: {
                Warning: {
                  threshold: metric.threshold,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  additionalDescription: `${metric.title} above ${metric.threshold} in 5 minutes: ${metric.meaning ?? 'a credential-stuffing or key-guessing wave, or a client with a broken credential'}. See the saved Logs Insights queries.`,
                  ...(metric.firstPeriod ? { evaluationPeriods: 1, datapointsToAlarm: 1 } : {}),
                },
              },
            })),
          },
        ],
      });
    }

    for (const { name, function: fn } of props.functions) {
      this.facade.monitorLambdaFunction({
        lambdaFunction: fn,
        humanReadableName: name,
        alarmFriendlyName: name,
        addFaultCountAlarm: { Critical: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Critical: { maxErrorCount: 0 } },
      });
    }
    for (const table of props.tables) {
      this.facade.monitorDynamoTable({
        table,
        humanReadableName: table.definition.localSuffix,
        alarmFriendlyName: table.definition.localSuffix,
        addReadThrottledEventsCountAlarm: { Critical: { maxThrottledEventsThreshold: 0 } },
        addWriteThrottledEventsCountAlarm: { Critical: { maxThrottledEventsThreshold: 0 } },
        addSystemErrorCountAlarm: { Critical: { maxErrorCount: 0 } },
      });
    }
    if (props.webAcl) {
      this.facade.monitorWebApplicationFirewallAclV2({
        acl: props.webAcl,
        region: Stack.of(this).region,
        humanReadableName: 'WAF',
        alarmFriendlyName: 'Waf',
        addBlockedRequestsCountAlarm: { Warning: { maxErrorCount: props.maxWafBlockedRequests ?? 1000 } },
      });
    }

    const logGroupNames = props.functions.map(({ logGroup }) => logGroup.logGroupName);
    this.queries = Object.entries(SAVED_QUERIES).map(
      ([name, queryString]) => new CfnQueryDefinition(this, `Query-${name}`, { name: `${prefix}/${name}`, queryString, logGroupNames }),
    );
  }
}
