// End-to-end stack for the viewer test, run as a child process of jest (plain Node ESM, so jest needs no ESM
// support): chromium present, bundles built, phantom generated, DICOMweb server up with the phantom loaded, OHIF
// served with our plugin. Prints one line `PVPI_STACK_READY {"viewerUrl","dicomwebUrl","studyInstanceUID"}` and
// runs until SIGTERM/SIGINT or until its stdin closes (the parent died); then stops what it started.
// On failure prints `PVPI_STACK_ERROR <one-line message>` and exits 1.
//
// Manual use: `node test/e2e/support/stack.mjs` (Ctrl-C to stop).
// Environment: DICOMWEB_URL (use that server instead of starting Orthanc), PVPI_E2E_STUDY_DIR (a folder of
// DICOM files + phantom.json {studyInstanceUID} to load instead of the generated phantom).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const lib = (name) => import(path.join(repoRoot, 'scripts', 'lib', name));
const log = (m) => process.stderr.write(`[e2e stack] ${m}\n`);
const stops = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  while (stops.length) {
    try {
      await stops.pop()();
    } catch {
      /* already stopped */
    }
  }
  process.exit(code);
}

function needsBuild() {
  const outputs = [
    ['build', 'core', 'cli', 'index.js'],
    ['build', 'core', 'dicomweb', 'index.js'],
    ['build', 'ohif', 'pvpi-extension.js'],
    ['build', 'ohif', 'pvpi-mode.js'],
  ];
  return outputs.some((p) => !existsSync(path.join(repoRoot, ...p)));
}

async function main() {
  const setup = await lib('setup.mjs');
  if (!existsSync('/usr/bin/chromium')) setup.ensureAptPackages(['chromium'], { log });
  // setup.build prints the tools' output: keep our stdout for the READY line.
  if (needsBuild()) {
    log('building (npm run build)…');
    setup.run('npm', ['run', '--silent', 'build'], { what: 'npm run build', quiet: true });
  }

  let study;
  if (process.env.PVPI_E2E_STUDY_DIR) {
    const dir = path.resolve(process.env.PVPI_E2E_STUDY_DIR);
    const meta = JSON.parse(readFileSync(path.join(dir, 'phantom.json'), 'utf8'));
    study = { dir, studyInstanceUID: meta.studyInstanceUID ?? meta.uids?.studyInstanceUID };
  } else {
    const { ensurePhantom } = await lib('phantom.mjs');
    study = ensurePhantom({ log });
  }

  const orthanc = await lib('orthanc.mjs');
  let dicomwebUrl = process.env.DICOMWEB_URL;
  if (dicomwebUrl) {
    await orthanc.checkDicomweb(dicomwebUrl);
  } else {
    await orthanc.ensureOrthancInstalled({ log });
    const { findFreePort } = await lib('net.mjs');
    // Each stack gets its own Orthanc database: e2e files (and engineers) may run stacks side by side, and every
    // test starts from the phantom study alone, so "a new SEG series was stored" means this test stored it.
    const dataDir = path.join(repoRoot, '.data', 'e2e', `orthanc-${process.pid}`);
    const o = await orthanc.startOrthanc({ httpPort: await findFreePort(), dataDir, log });
    stops.push(() => rmSync(dataDir, { recursive: true, force: true }));
    stops.push(() => o.stop());
    dicomwebUrl = o.dicomwebUrl;
  }
  await orthanc.loadStudyIfAbsent(dicomwebUrl, study.dir, { studyInstanceUID: study.studyInstanceUID, log });

  const { ensureOhifDist } = await lib('ohif.mjs');
  const distDir = await ensureOhifDist({ log });
  const { startViewer } = await lib('viewer-server.mjs');
  const viewer = await startViewer({
    port: 0,
    distDir,
    bundleDir: path.join(repoRoot, 'build', 'ohif'),
    appConfigPath: path.join(repoRoot, 'platform-config', 'ohif', 'app-config.js'),
    dicomwebUrl,
    log,
  });
  stops.push(() => viewer.close());
  process.stdout.write(`PVPI_STACK_READY ${JSON.stringify({ viewerUrl: viewer.url, dicomwebUrl, studyInstanceUID: study.studyInstanceUID })}\n`);
}

process.on('SIGTERM', () => stopAll(0));
process.on('SIGINT', () => stopAll(0));
process.stdin.on('end', () => stopAll(0));
process.stdin.resume();
main().catch((e) => {
  process.stdout.write(`PVPI_STACK_ERROR ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
  if (process.env.PVPI_DEBUG && e instanceof Error) log(e.stack ?? '');
  stopAll(1);
});
