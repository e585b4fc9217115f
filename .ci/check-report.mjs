// Reads vitest's JSON report: prints the plain closing line and fails on any failed or skipped test.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (skipped > 0) {
  for (const file of report.testResults) {
    for (const t of file.assertionResults) {
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') console.error(`skipped: ${file.name} > ${t.fullName}`);
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (report.numTotalTests === 0) {
  console.error('ci: no test ran');
  process.exit(1);
}
if (!report.success && failed === 0 && skipped === 0) console.error('ci: vitest reported errors outside the tests (e.g. unhandled rejections): see above');
if (failed > 0 || skipped > 0 || !report.success) process.exit(1);
