/**
 * Jest's default reporter, minus the console output of test files that passed: diagnostics such
 * as the fuzz tests' status counts are printed only when a test in that file fails.
 */
import { DefaultReporter } from '@jest/reporters';

export default class QuietReporter extends DefaultReporter {
  onTestResult(test, result, aggregatedResults) {
    const passed = result.numFailingTests === 0 && !result.testExecError && !result.failureMessage;
    super.onTestResult(test, passed ? { ...result, console: undefined } : result, aggregatedResults);
  }
}
