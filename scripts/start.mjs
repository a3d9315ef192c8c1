// `npm start`: set up what is missing, build, generate the phantom once, start Orthanc (or use DICOMWEB_URL),
// load the phantom study, serve the OHIF viewer with our mode and print the URL. Ctrl-C stops what it started.
//
// Environment: ORTHANC_PORT (default 8142), VIEWER_PORT (default 3000), DICOMWEB_URL (use an existing DICOMweb
// server instead of starting Orthanc), PVPI_SKIP_BUILD=1 (reuse the last build), PVPI_DEBUG=1 (stack traces).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { repoRoot, ensureNodeModules, build, exitWithError } from './lib/setup.mjs';
import { ensurePhantom } from './lib/phantom.mjs';

const log = (m) => console.log(m);
const stops = [];

async function shutdown(code) {
  while (stops.length) {
    const stop = stops.pop();
    try {
      await stop();
    } catch {
      /* already gone */
    }
  }
  process.exit(code);
}

async function main() {
  ensureNodeModules({ log });
  const orthanc = await import('./lib/orthanc.mjs');
  const ohif = await import('./lib/ohif.mjs');
  const server = await import('./lib/viewer-server.mjs');

  const external = process.env.DICOMWEB_URL;
  if (!external) await orthanc.ensureOrthancInstalled({ log });
  const distDir = await ohif.ensureOhifDist({ log });
  if (!process.env.PVPI_SKIP_BUILD || !existsSync(path.join(repoRoot, 'build', 'ohif'))) build({ log });
  const phantom = ensurePhantom({ log });

  let dicomwebUrl = external;
  if (external) {
    await orthanc.checkDicomweb(external);
    log(`Using the DICOMweb server at ${external}`);
  } else {
    const httpPort = Number(process.env.ORTHANC_PORT ?? 8142);
    const o = await orthanc.startOrthanc({ httpPort, dataDir: path.join(repoRoot, '.data', 'orthanc'), log });
    stops.push(() => o.stop());
    dicomwebUrl = o.dicomwebUrl;
    log(`Orthanc (DICOMweb) running at ${o.url}`);
  }
  await orthanc.loadStudyIfAbsent(dicomwebUrl, phantom.dir, { studyInstanceUID: phantom.studyInstanceUID, log });

  const port = Number(process.env.VIEWER_PORT ?? 3000);
  const viewer = await server.startViewer({
    port,
    distDir,
    bundleDir: path.join(repoRoot, 'build', 'ohif'),
    appConfigPath: path.join(repoRoot, 'platform-config', 'ohif', 'app-config.js'),
    dicomwebUrl,
    log,
  });
  stops.push(() => viewer.close());

  log('');
  log('PVPI Planner is ready. Open the phantom study in our mode:');
  log(`  ${viewer.url}/pvpi?StudyInstanceUIDs=${phantom.studyInstanceUID}`);
  log(`Study list: ${viewer.url}/`);
  log('Press Ctrl-C to stop.');
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
main().catch(async (e) => {
  console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.PVPI_DEBUG && e instanceof Error) console.error(e.stack);
  await shutdown(1);
});
