'use strict';
/**
 * Jest reporter: writes the run's counts to test-artifacts/jest-summary.json, from which
 * .ci/run prints its final "N passed, N failed" line for CI tools.
 */
const fs = require('node:fs');
const path = require('node:path');

const SUMMARY_FILE = path.resolve(__dirname, '../../test-artifacts/jest-summary.json');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    fs.mkdirSync(path.dirname(SUMMARY_FILE), { recursive: true });
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      failedSuites: results.numFailedTestSuites,
      runtimeErrorSuites: results.numRuntimeErrorTestSuites,
      success: results.success,
    };
    fs.writeFileSync(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
  }
}

module.exports = SummaryReporter;
module.exports.SUMMARY_FILE = SUMMARY_FILE;
