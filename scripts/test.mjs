// `npm test`: everything, in order: type-check, unit, integration (real Orthanc), end-to-end (real OHIF in Chromium).
// Every stage runs even when an earlier one failed, so one run shows all failures; the exit code is non-zero if any did.
// The last line is the summary "N passed, N failed" (tests counted by jest; the type-check counts as one test).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, ensureNodeModules, ensureAptPackages, exitWithError } from './lib/setup.mjs';

const started = Date.now();
const resultsDir = path.join(repoRoot, 'test-results');
mkdirSync(resultsDir, { recursive: true });

try {
  ensureNodeModules();
  // Orthanc + its DICOMweb plugin (integration), dicom3tools (dciodvfy on every object we write), chromium (e2e).
  ensureAptPackages(['orthanc', 'orthanc-dicomweb', 'dicom3tools', 'chromium']);
} catch (e) {
  exitWithError('npm test: setup', e);
}

let passed = 0;
let failed = 0;
const stages = [];

function stage(name, fn) {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const ok = fn();
  stages.push({ name, ok, seconds: (Date.now() - t0) / 1000 });
}

function npmRun(script) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: repoRoot, stdio: 'inherit' });
  return r.status === 0;
}

function jest(project) {
  const out = path.join(resultsDir, `jest-${project}.json`);
  const args = ['jest', '--selectProjects', project, '--json', `--outputFile=${out}`];
  if (project !== 'unit') args.push('--runInBand');
  const r = spawnSync('npx', args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  if (existsSync(out)) {
    const res = JSON.parse(readFileSync(out, 'utf8'));
    passed += res.numPassedTests;
    failed += res.numFailedTests;
    if (res.numTotalTests === 0) {
      console.error(`npm test: the ${project} project ran no test`);
      failed += 1;
      return false;
    }
    // A suite that failed to load counts as a failure even if no single test did.
    if (res.numFailedTestSuites > 0 && res.numFailedTests === 0) failed += res.numFailedTestSuites;
  } else {
    failed += 1;
  }
  return r.status === 0;
}

stage('type-check (tsc --noEmit, strict)', () => {
  const ok = npmRun('typecheck');
  ok ? passed++ : failed++;
  return ok;
});
stage('build (core + OHIF bundles)', () => {
  const ok = npmRun('build');
  ok ? passed++ : failed++;
  return ok;
});
stage('unit tests', () => jest('unit'));
stage('integration tests (Orthanc over DICOMweb)', () => jest('integration'));
stage('end-to-end tests (OHIF in headless Chromium)', () => jest('e2e'));

console.log('\n=== summary ===');
for (const s of stages) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds.toFixed(1)} s)`);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && stages.every((s) => s.ok) ? 0 : 1);
