/** Capturing what the code under test writes to the console and to stdout/stderr. */

/** Everything the console received while `action` ran, as one string. */
export async function captureConsole<T>(action: () => Promise<T>): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    };
  }
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const result = await action();
    return { result, output: lines.join('\n') };
  } finally {
    methods.forEach((name, i) => {
      console[name] = originals[i] as (typeof console)[typeof name];
    });
    process.stdout.write = originalWrite;
    process.stderr.write = originalErrWrite;
  }
}
