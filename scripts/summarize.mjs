#!/usr/bin/env node
// Summarize vitest JSON results written by scripts/test.sh.
//
//   node scripts/summarize.mjs [--passes parallel,serial,faults] [--dir .test-results]
//
// For each selected pass, reads <dir>/<pass>.runs (written by test.sh; one line per
// vitest/turbo invocation: "<label>\t<exit code>\t<json files, comma-separated>") and
// the JSON reports it names. Prints failed tests grouped by file, then a last line
// exactly "N passed, N failed". Exits 1 if any test failed, a report is missing, a run
// exited non-zero, or no test ran at all. Runs that failed without a failing test in
// their report (crash, unhandled error, missing report) count as one failure each.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.resolve(opt('--dir', process.env.ZOOKIT_RESULTS_DIR || path.join(root, '.test-results')));
const passes = opt('--passes', 'parallel,serial,faults').split(',').filter(Boolean);

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
const failures = new Map(); // file -> [test names]

const rel = (f) => path.relative(root, f) || f;

for (const pass of passes) {
  const runsFile = path.join(dir, `${pass}.runs`);
  if (!existsSync(runsFile)) {
    problems.push(`pass "${pass}" did not run (no ${rel(runsFile)})`);
    failed++;
    continue;
  }
  const lines = readFileSync(runsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) {
    const [label = '?', codeText = '1', jsonList = ''] = line.split('\t');
    const code = Number(codeText);
    let runFailures = 0;
    for (const json of jsonList.split(',').filter(Boolean)) {
      if (!existsSync(json)) {
        problems.push(`${label}: missing result file ${rel(json)}`);
        runFailures++;
        failed++;
        continue;
      }
      let report;
      try {
        report = JSON.parse(readFileSync(json, 'utf8'));
      } catch (err) {
        problems.push(`${label}: unreadable result file ${rel(json)}: ${err.message}`);
        runFailures++;
        failed++;
        continue;
      }
      for (const file of report.testResults ?? []) {
        let fileFailed = 0;
        for (const t of file.assertionResults ?? []) {
          if (t.status === 'passed') passed++;
          else if (t.status === 'failed') {
            failed++;
            fileFailed++;
            runFailures++;
            const list = failures.get(file.name) ?? [];
            const msg = (t.failureMessages?.[0] ?? '').split('\n')[0];
            list.push(`${t.fullName}${msg ? ` — ${msg}` : ''}`);
            failures.set(file.name, list);
          } else skipped++;
        }
        // A file that failed to load or errored outside tests has no failing assertion.
        if (file.status === 'failed' && fileFailed === 0) {
          failed++;
          runFailures++;
          const list = failures.get(file.name) ?? [];
          list.push(`(file failed) ${(file.message ?? '').split('\n')[0]}`);
          failures.set(file.name, list);
        }
      }
    }
    if (code !== 0 && runFailures === 0) {
      problems.push(`${label}: exited with code ${code} (see its output above)`);
      failed++;
    }
  }
}

if (failures.size > 0) {
  console.log('\nFailed tests:');
  for (const [file, tests] of failures) {
    console.log(`  ${rel(file)}`);
    for (const t of tests) console.log(`    ✗ ${t}`);
  }
}
if (problems.length > 0) {
  console.log('\nProblems:');
  for (const p of problems) console.log(`  ! ${p}`);
}
if (passed + failed === 0) {
  console.log('\n  ! no tests ran');
  failed = 1;
}
console.log(`\npasses: ${passes.join(', ')}; ${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
