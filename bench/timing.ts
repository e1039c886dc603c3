/**
 * Measurement loops. The machine is shared, so a measured operation and its floor are sampled
 * alternately (ABAB..., order flipped every round) after a warm-up: background load then hits both
 * series alike and the ratio of their medians stays meaningful.
 */
import { performance } from 'node:perf_hooks';

export type AsyncOperation = () => Promise<unknown>;

export async function timeOnce(operation: AsyncOperation): Promise<number> {
  const start = performance.now();
  await operation();
  return performance.now() - start;
}

/**
 * Runs every operation `warmup` times unmeasured, then `samples` measured rounds in which each
 * operation runs once, in an order rotated each round. Returns the samples per operation name.
 */
export async function interleaved<K extends string>(operations: Record<K, AsyncOperation>, samples: number, warmup: number): Promise<Record<K, number[]>> {
  const names = Object.keys(operations) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < warmup; i++) {
    for (const name of names) await operations[name]();
  }
  for (let round = 0; round < samples; round++) {
    const offset = round % names.length;
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + offset) % names.length] as K;
      results[name].push(await timeOnce(operations[name]));
    }
  }
  return results;
}

export interface LoadResult {
  completed: number;
  errors: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latenciesMs: number[];
  /** First few distinct error descriptions, for the report. */
  errorSamples: string[];
}

/**
 * `concurrency` workers call `request(worker)` back to back. The first `rampMs` bring the system to
 * a steady state (with 50 logins in flight, each one takes seconds) and are not counted; the rate is
 * the completions inside the following `durationMs` window. Requests still in flight at the end are
 * awaited but not counted.
 */
export async function closedLoopLoad(request: (worker: number) => Promise<void>, concurrency: number, durationMs: number, rampMs: number): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const errorSamples = new Set<string>();
  let completed = 0;
  let errors = 0;
  const windowStart = performance.now() + rampMs;
  const deadline = windowStart + durationMs;
  const worker = async (_: unknown, index: number) => {
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        await request(index);
        const ended = performance.now();
        if (ended >= windowStart && ended <= deadline) {
          completed += 1;
          latenciesMs.push(ended - began);
        }
      } catch (error) {
        errors += 1;
        if (errorSamples.size < 5) errorSamples.add(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationSeconds = durationMs / 1000;
  return { completed, errors, durationSeconds, requestsPerSecond: completed / durationSeconds, latenciesMs, errorSamples: [...errorSamples] };
}
