/**
 * Business and fault metrics as CloudWatch embedded metric format (Powertools Metrics): JSON lines
 * on stdout that CloudWatch turns into metrics, with no API call and no added latency. The names
 * (lib/metricNames.ts) are the contract with the dashboard and the alarms, which infra/ builds from
 * the same constant.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { config } from './config';
import { log } from './log';

import { METRICS } from './metricNames';

export { METRICS };

export type MetricName = Exclude<(typeof METRICS.names)[keyof typeof METRICS.names], 'ColdStart'>;

const NO_METRICS_WARNING = 'No application metrics to publish';

export const metrics = new Metrics({
  namespace: config.metricsNamespace,
  serviceName: config.serviceName,
  // Powertools warns on every invocation that recorded nothing (most list calls): not worth a line.
  logger: {
    debug: (message: string) => log.debug(message),
    info: (message: string) => log.info(message),
    warn: (message: string) => (message.startsWith(NO_METRICS_WARNING) ? undefined : log.warn(message)),
    error: (message: string) => log.error(message),
  },
});

/** Adds one to a counter, published when the invocation ends. */
export function count(name: MetricName): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}

/** Publishes the invocation's metrics after it (success or error), with the cold-start metric. */
export function metricsMiddleware(): MiddlewareObj {
  return logMetrics(metrics, { captureColdStartMetric: true }) as MiddlewareObj;
}
