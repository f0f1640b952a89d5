#!/usr/bin/env node
// `pnpm run ci`: every check and test, in the order a reviewer would want them, and the plain
// closing line `N passed, N failed` (from jest's JSON summary) so a run that executed no test is
// visible at once. Exits non-zero when any step fails; later steps still run, so one report shows
// everything that is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = path.join(root, '.jest-results.json');
const failures = [];

function step(name, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s`);
  if (!ok) failures.push(name);
  return ok;
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

step('typecheck', process.execPath, ['tools/ci/typecheck.mjs']);
step('source rules', process.execPath, ['tools/ci/check-sources.mjs']);
step('build and package checks (publint, attw)', 'pnpm', ['run', 'check']);
step('API reports match etc/*.api.md', process.execPath, ['tools/api-report/run.mjs']);
step('packed tarballs and examples (pack-check)', process.execPath, ['tools/pack-check/run.mjs']);
rmSync(results, { force: true });
const durability = path.join(root, '.durability');
rmSync(durability, { recursive: true, force: true });
// R11: branch coverage of the four storage packages, measured in the same run.
const COVERED = ['wal', 'slab', 'btree', 'engine'];
const coverage = path.join(root, '.coverage');
rmSync(coverage, { recursive: true, force: true });
step('tests', bin('jest'), [
  '--ci', '--json', `--outputFile=${results}`,
  '--coverage', '--coverageReporters=json-summary', `--coverageDirectory=${coverage}`,
  `--collectCoverageFrom=packages/{${COVERED.join(',')}}/src/**/*.ts`, '--collectCoverageFrom=!**/*.test.ts',
], { PHOTON_VERIFY: '1', PHOTON_DURABILITY_REPORT: durability });

const summaryFile = path.join(coverage, 'coverage-summary.json');
if (existsSync(summaryFile)) {
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  mkdirSync(durability, { recursive: true });
  for (const pkg of COVERED) {
    let covered = 0;
    let total = 0;
    for (const [file, v] of Object.entries(summary)) {
      if (!file.includes(`/packages/${pkg}/src/`)) continue;
      covered += v.branches.covered;
      total += v.branches.total;
    }
    const pct = total === 0 ? 0 : (100 * covered) / total;
    const figure = { id: 'R11', what: `branch coverage of ${pkg} (target 90%)`, tried: 1, failed: pct >= 90 ? 0 : 1, detail: `${pct.toFixed(1)}% of ${total} branches` };
    writeFileSync(path.join(durability, `R11-${pkg}.json`), JSON.stringify(figure));
  }
}

// The durability figures (../shared/TESTING.md, R1–R11) recorded by the tests, as one table.
if (existsSync(durability)) {
  const figures = readdirSync(durability).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(durability, f), 'utf8')));
  figures.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)) || a.what.localeCompare(b.what));
  console.log('\n=== durability figures (tried / failed)');
  for (const f of figures) console.log(`${f.id.padEnd(4)} ${f.what}: ${f.tried} tried, ${f.failed} failed${f.detail ? ` — ${f.detail}` : ''}`);
}

let passed = 0;
let failed = 0;
if (existsSync(results)) {
  const summary = JSON.parse(readFileSync(results, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
}
if (failures.length) console.log(`\nfailed steps: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failures.length || failed || passed === 0 ? 1 : 0);
