// Prints the closing line CI reads, `N passed, N failed, N skipped`, and also writes it to
// $IDS_TEST_SUMMARY_FILE so `make test` can repeat it after the local stack has stopped.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    if (process.env.IDS_TEST_SUMMARY_FILE) writeFileSync(process.env.IDS_TEST_SUMMARY_FILE, line + '\n');
  }
}
module.exports = SummaryReporter;
