// Generates the bundled synthetic spine CT phantom (under .data/phantom) with the `pvpi phantom` CLI, once per
// version of the generator: a fingerprint of the compiled generator and DICOM writer is kept beside the files.
import path from 'node:path';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { repoRoot, run, SetupError } from './setup.mjs';

export const phantomDir = path.join(repoRoot, '.data', 'phantom');
const FINGERPRINT = '.generator-fingerprint';

/** Hash of the compiled code that decides the phantom's bytes (contents, not mtimes: every build re-emits files). */
function generatorFingerprint() {
  const hash = createHash('sha256');
  for (const sub of ['phantom', 'dicom']) {
    const d = path.join(repoRoot, 'build', 'core', sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((n) => n.endsWith('.js')).sort()) hash.update(f).update(readFileSync(path.join(d, f)));
  }
  return hash.digest('hex');
}

/** Returns { dir, studyInstanceUID, parameters } of the phantom, generating it first when absent or outdated. */
export function ensurePhantom({ log = console.log, dir = phantomDir } = {}) {
  const json = path.join(dir, 'phantom.json');
  const fingerprint = generatorFingerprint();
  const stamp = path.join(dir, FINGERPRINT);
  if (!existsSync(json) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== fingerprint) {
    log(`Generating the synthetic spine CT phantom in ${path.relative(repoRoot, dir)}…`);
    // Written next to the target and swapped in, so a reader never sees a half-written series.
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    run(process.execPath, [path.join(repoRoot, 'bin', 'pvpi.js'), 'phantom', '--out', tmp], { what: 'pvpi phantom', quiet: true });
    writeFileSync(path.join(tmp, FINGERPRINT), fingerprint);
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  }
  const parameters = JSON.parse(readFileSync(json, 'utf8'));
  const studyInstanceUID = parameters.studyInstanceUID ?? parameters.uids?.studyInstanceUID;
  if (!studyInstanceUID) throw new SetupError(`${json} has no studyInstanceUID`);
  return { dir, studyInstanceUID, parameters };
}
