// Prints one plain closing line, "Tests: N passed, N failed, N skipped", that CI reads.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numFailedTestSuites, numRuntimeErrorTestSuites } = results;
    const suiteErrors = numFailedTestSuites > 0 && numFailedTests === 0 ? ` (${numFailedTestSuites} suites failed to run)` : '';
    process.stdout.write(
      `\nTests: ${numPassedTests} passed, ${numFailedTests + (numRuntimeErrorTestSuites || 0)} failed, ${numPendingTests + numTodoTests} skipped${suiteErrors}\n`,
    );
  }
}
module.exports = SummaryReporter;
