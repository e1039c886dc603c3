/** How much each section measures (`--quick` shrinks everything for a smoke run). */
export interface BenchOptions {
  loginSamples: number;
  routeSamples: number;
  middlewareSamples: number;
  /** The no-op stack has no I/O: many more, cheap samples. */
  noopMiddlewareSamples: number;
  scalingSamples: number;
  throughputSeconds: number;
  /** Load before the measured window (not counted): long enough for in-flight logins to settle. */
  throughputRampSeconds: number;
  throughputConcurrency: number;
  coldStartProcesses: number;
  warmup: number;
}

export const FULL: BenchOptions = {
  loginSamples: 200,
  routeSamples: 200,
  middlewareSamples: 400,
  noopMiddlewareSamples: 3000,
  scalingSamples: 100,
  throughputSeconds: 10,
  throughputRampSeconds: 3,
  throughputConcurrency: 50,
  coldStartProcesses: 15,
  warmup: 20,
};

export const QUICK: BenchOptions = {
  loginSamples: 20,
  routeSamples: 30,
  middlewareSamples: 50,
  noopMiddlewareSamples: 300,
  scalingSamples: 15,
  throughputSeconds: 2,
  throughputRampSeconds: 3,
  // Fewer connections than a full run: 50 concurrent bcrypt logins outlast a 2 s window (0 req/s).
  throughputConcurrency: 10,
  coldStartProcesses: 3,
  warmup: 3,
};
