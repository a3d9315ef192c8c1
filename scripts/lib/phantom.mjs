// Generates the bundled synthetic spine CT phantom once (under .data/phantom) with the `pvpi phantom` CLI.
import path from 'node:path';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { repoRoot, run, SetupError } from './setup.mjs';

export const phantomDir = path.join(repoRoot, '.data', 'phantom');

/** True when the compiled phantom generator or DICOM writer changed after the phantom was written. */
function olderThanGenerator(file) {
  const written = statSync(file).mtimeMs;
  for (const sub of ['phantom', 'dicom']) {
    const d = path.join(repoRoot, 'build', 'core', sub);
    if (!existsSync(d)) continue;
    if (readdirSync(d).some((f) => f.endsWith('.js') && statSync(path.join(d, f)).mtimeMs > written)) return true;
  }
  return false;
}

/** Returns { dir, studyInstanceUID, parameters } of the phantom, generating it first when absent. */
export function ensurePhantom({ log = console.log, dir = phantomDir } = {}) {
  const json = path.join(dir, 'phantom.json');
  if (!existsSync(json) || olderThanGenerator(json)) {
    log(`Generating the synthetic spine CT phantom in ${path.relative(repoRoot, dir)}…`);
    run(process.execPath, [path.join(repoRoot, 'bin', 'pvpi.js'), 'phantom', '--out', dir], { what: 'pvpi phantom', quiet: true });
  }
  const parameters = JSON.parse(readFileSync(json, 'utf8'));
  const studyInstanceUID = parameters.studyInstanceUID ?? parameters.uids?.studyInstanceUID;
  if (!studyInstanceUID) throw new SetupError(`${json} has no studyInstanceUID`);
  return { dir, studyInstanceUID, parameters };
}
