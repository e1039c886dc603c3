/**
 * What an operator gets from the first deploy: alarms on one SNS topic (with an email subscription
 * when asked for), a dashboard, and saved Logs Insights queries over the audit events.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { TABLES } from '../../lib/data/table';
import { routes } from '../../lib/routes';
import { DEFAULT_SETTINGS } from '../../infra/settings';
import { METRICS } from '../../lib/metricNames';
import { synthesize, synthesizedTemplate } from '../helpers/synth';
import { referencedId, referencedIds, resourcesOf } from './template';

let template: Template;

beforeAll(() => {
  ({ template } = synthesize({ bundle: false, context: { alarmEmail: 'ops@example.com' } }));
});

const alarms = () => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
const alarmNamed = (pattern: RegExp) => alarms().filter((alarm) => pattern.test(String(alarm.Properties.AlarmName)));
/** The metric (namespace, name, dimension names) an alarm's math or plain metric watches. */
const watched = (alarm: ReturnType<typeof alarms>[number]) => {
  const stats = alarm.Properties.Metrics?.map((metric: { MetricStat?: { Metric: unknown } }) => metric.MetricStat?.Metric).filter(Boolean) ?? [];
  return stats as { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] }[];
};

describe('alarms', () => {
  test('every alarm notifies the one SNS topic, which mails the address given with -c alarmEmail', () => {
    const topics = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    expect(alarms().length).toBeGreaterThan(10);
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions.map(referencedId)).toEqual(topics);
    const subscriptions = Object.values(resourcesOf(template, 'AWS::SNS::Subscription'));
    expect(subscriptions.map((s) => [s.Properties.Protocol, s.Properties.Endpoint, referencedId(s.Properties.TopicArn)])).toEqual([['email', 'ops@example.com', topics[0]]]);
  });

  test('without -c alarmEmail the topic has no subscription (the stack outputs its ARN)', () => {
    const { template: plain } = synthesizedTemplate({ bundle: false });
    plain.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(Object.keys(plain.toJSON().Outputs)).toContain('AlarmTopicArn');
  });

  test("the API's 5XX rate above 1 % over two of three 5-minute periods", () => {
    const [alarm] = alarmNamed(/-Api-Fault-Rate-/);
    expect(alarm?.Properties).toMatchObject({ Threshold: 0.01, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(watched(alarm!)).toEqual([expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' })]);
  });

  test.each(routes.map((r) => [r.id, r.method, r.path] as const))('%s: p99 latency of %s %s above the configured bound', (id, method, path) => {
    const [alarm] = alarmNamed(new RegExp(`-Api-${id}-Latency-P99-`));
    expect(alarm?.Properties.Threshold).toBe(DEFAULT_SETTINGS.latencyAlarmMs);
    const [metric] = watched(alarm!);
    expect(metric?.MetricName).toBe('Latency');
    expect(metric?.Dimensions).toEqual(expect.arrayContaining([{ Name: 'Method', Value: method }, { Name: 'Resource', Value: path }]));
    expect(alarm?.Properties.Metrics.find((m: { MetricStat?: { Stat: string } }) => m.MetricStat)?.MetricStat.Stat).toBe('p99');
  });

  test('-c latencyAlarmMs tunes the latency bound', () => {
    const { template: tuned } = synthesize({ bundle: false, context: { latencyAlarmMs: 750 } });
    const latency = Object.values(resourcesOf(tuned, 'AWS::CloudWatch::Alarm')).filter((alarm) => /Latency-P99/.test(alarm.Properties.AlarmName));
    expect(latency.map((alarm) => alarm.Properties.Threshold)).toEqual(routes.map(() => 750));
  });

  test('every function: any error or throttle alarms', () => {
    const functionIds = Object.keys(resourcesOf(template, 'AWS::Lambda::Function'));
    for (const functionId of functionIds) {
      const mine = alarms().filter((alarm) => referencedIds(alarm.Properties.Metrics).has(functionId));
      expect(mine.flatMap(watched).map((metric) => metric.MetricName).sort()).toEqual(['Errors', 'Throttles']);
      for (const alarm of mine) expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  test('every table: read and write throttles and system errors alarm', () => {
    const tableIds = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'));
    expect(tableIds).toHaveLength(Object.keys(TABLES).length);
    for (const tableId of tableIds) {
      const mine = alarms().filter((alarm) => referencedIds(alarm.Properties.Metrics).has(tableId));
      const names = mine.flatMap(watched).map((metric) => metric.MetricName);
      expect(names).toEqual(expect.arrayContaining(['ReadThrottleEvents', 'WriteThrottleEvents', 'SystemErrors']));
    }
  });

  test('a revoked key alarms on the first period (each is a leak), and so does a throttled revocation', () => {
    for (const [metricName, threshold] of [
      [METRICS.names.authHeaderRevoked, DEFAULT_SETTINGS.revokedKeyAlarmThreshold],
      [METRICS.names.authHeaderRevokeThrottled, DEFAULT_SETTINGS.throttledRevocationAlarmThreshold],
    ] as const) {
      const mine = alarms().filter((alarm) => alarm.Properties.MetricName === metricName || watched(alarm).some((metric: { MetricName?: string }) => metric.MetricName === metricName));
      expect(mine).toHaveLength(1);
      expect(mine[0]?.Properties).toMatchObject({ Threshold: threshold, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    }
    const { template: tuned } = synthesize({ bundle: false, context: { revokedKeyAlarmThreshold: '0' } });
    const tunedAlarm = Object.values(resourcesOf(tuned, 'AWS::CloudWatch::Alarm')).find((alarm) => alarm.Properties.MetricName === METRICS.names.authHeaderRevoked || watched(alarm).some((metric: { MetricName?: string }) => metric.MetricName === METRICS.names.authHeaderRevoked));
    expect(tunedAlarm?.Properties.Threshold).toBe(0);
  });

  test("docs/deploy.md's cost table counts the alarms and their metrics of the default template", () => {
    const { template: defaults } = synthesize({ bundle: false });
    const all = Object.values(resourcesOf(defaults, 'AWS::CloudWatch::Alarm'));
    const metrics = all.reduce((sum, alarm) => sum + (alarm.Properties.Metrics ? alarm.Properties.Metrics.filter((metric: { MetricStat?: unknown }) => metric.MetricStat).length : 1), 0);
    const row = /\| CloudWatch alarms \| (\d+) alarms watching (\d+) metrics [^|]*\|[^|]*\| \$(\d+\.\d\d) \|/.exec(readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8'));
    expect(row?.slice(1, 4)).toEqual([String(all.length), String(metrics), (metrics * 0.1).toFixed(2)]);
  });

  test('WAF: blocked requests above the threshold alarm; no WAF, no alarm', () => {
    const [alarm] = alarmNamed(/-Waf-Blocked-/);
    expect(watched(alarm!)).toEqual([expect.objectContaining({ Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests' })]);
    const { template: without } = synthesize({ bundle: false, context: { waf: 'false' } });
    expect(Object.values(resourcesOf(without, 'AWS::CloudWatch::Alarm')).filter((a) => /-Waf-/.test(a.Properties.AlarmName))).toEqual([]);
  });
});

describe('dashboard and queries', () => {
  test('one dashboard graphs the API, every route, function and table', () => {
    const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const r of routes) expect(body).toContain(`${r.method} ${r.path}`);
    for (const functionId of Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))) expect(body).toContain(functionId);
    expect(body).toContain('5XXError');
  });

  test('saved Logs Insights queries answer the common questions over every function log group', () => {
    const queries = Object.values(resourcesOf(template, 'AWS::Logs::QueryDefinition'));
    const byName = Object.fromEntries(queries.map((q) => [String(q.Properties.Name).split('/').pop(), q.Properties]));
    expect(Object.keys(byName).sort()).toEqual(['auth-headers-created', 'failed-logins-by-address', 'failed-logins-by-user', 'refresh-token-reuse', 'revocations']);
    expect(byName['revocations']?.QueryString).toMatch(/authheader\.revoked[\s\S]*authheader\.revoke_throttled/);
    expect(byName['failed-logins-by-user']?.QueryString).toMatch(/event = "login.failed"[\s\S]*by username/);
    expect(byName['failed-logins-by-address']?.QueryString).toMatch(/by sourceIp/);
    expect(byName['refresh-token-reuse']?.QueryString).toContain('session.reuse_detected');
    const functionLogGroups = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map((fn) => referencedId(fn.Properties.LoggingConfig.LogGroup));
    for (const query of queries) expect(query.Properties.LogGroupNames.map(referencedId).sort()).toEqual(functionLogGroups.sort());
  });
});
