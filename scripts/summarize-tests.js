// Adds up jest --json reports into the one closing line CI reads: "tests: N passed, N failed".
const fs = require('node:fs');
let passed = 0;
let failed = 0;
let suitesFailed = 0;
for (const file of process.argv.slice(2)) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`summarize-tests: cannot read ${file}: ${err.message}`);
    suitesFailed++;
    continue;
  }
  console.log(
    `  ${require('node:path').basename(file, '.json')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ` +
      `${r.numPendingTests} skipped`
  );
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  suitesFailed += r.numFailedTestSuites;
}
if (suitesFailed > 0) console.log(`(${suitesFailed} test suite(s) failed to run or failed)`);
console.log(`tests: ${passed} passed, ${failed + (suitesFailed > 0 && failed === 0 ? suitesFailed : 0)} failed`);
process.exit(failed > 0 || suitesFailed > 0 || passed === 0 ? 1 : 0);
