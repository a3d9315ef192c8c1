// The prebuilt OHIF viewer: `npm pack @ohif/app@<pinned>` once into .cache/, integrity-checked, dist/ extracted.
// `npm install @ohif/app` does not work (it depends on unpublished @ohif/* versions), so we only fetch the tarball.
// Plain Node ESM without dependencies (runs before `npm ci`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An error whose message is one line for the user (no stack trace needed). */
export class OhifSetupError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OhifSetupError';
  }
}

/** The pinned viewer: `{ package, version, integrity }` from ohif-app.lock.json at the repository root. */
export function ohifPin() {
  const file = path.join(repoRoot, 'ohif-app.lock.json');
  const pin = JSON.parse(readFileSync(file, 'utf8'));
  if (!pin.package || !pin.version || !/^sha512-/.test(pin.integrity ?? '')) {
    throw new OhifSetupError(`${file} must give package, version and a sha512 integrity`);
  }
  return pin;
}

/** Directory the viewer of `version` is extracted to (its dist/ is served). */
export function ohifCacheDir(version = ohifPin().version) {
  return path.join(repoRoot, '.cache', `ohif-app-${version}`);
}

async function sha512Base64(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('base64');
}

function lastLine(text) {
  return (text ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}

/**
 * Ensures the pinned prebuilt OHIF viewer is extracted under `.cache/ohif-app-<version>/dist` and returns that
 * directory. Downloads with `npm pack` (tarball only, no dependencies), checks the sha512 integrity pinned in
 * ohif-app.lock.json, extracts `package/dist` with `tar`. Throws OhifSetupError with a one-line message on failure.
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {Promise<string>} absolute path of the dist directory
 */
export async function ensureOhifDist({ log = console.log } = {}) {
  const pin = ohifPin();
  const dir = ohifCacheDir(pin.version);
  const distDir = path.join(dir, 'dist');
  if (existsSync(path.join(distDir, 'index.html'))) return distDir;

  const spec = `${pin.package}@${pin.version}`;
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`Downloading the prebuilt OHIF viewer (${spec}, ~50 MB, once)…`);
  const pack = spawnSync('npm', ['pack', spec, '--json', '--pack-destination', tmp], { cwd: tmp, encoding: 'utf8' });
  if (pack.error) throw new OhifSetupError(`npm pack ${spec}: ${pack.error.message}`);
  if (pack.status !== 0) throw new OhifSetupError(`npm pack ${spec} failed: ${lastLine(pack.stderr) || `exit code ${pack.status}`}`);
  let filename;
  try {
    filename = JSON.parse(pack.stdout)[0].filename;
  } catch {
    filename = `${pin.package.replace(/^@/, '').replace('/', '-')}-${pin.version}.tgz`;
  }
  const tarball = path.join(tmp, path.basename(filename));
  if (!existsSync(tarball)) throw new OhifSetupError(`npm pack ${spec} did not produce ${tarball}`);

  const actual = `sha512-${await sha512Base64(tarball)}`;
  if (actual !== pin.integrity) {
    rmSync(tmp, { recursive: true, force: true });
    throw new OhifSetupError(`${spec} tarball integrity mismatch: expected ${pin.integrity}, got ${actual}`);
  }

  const untar = spawnSync('tar', ['-xzf', tarball, '-C', tmp, 'package/dist'], { encoding: 'utf8' });
  if (untar.error) throw new OhifSetupError(`tar: ${untar.error.message}`);
  if (untar.status !== 0) throw new OhifSetupError(`extracting ${tarball} failed: ${lastLine(untar.stderr)}`);
  if (!existsSync(path.join(tmp, 'package', 'dist', 'index.html'))) throw new OhifSetupError(`${spec} has no dist/index.html`);

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  renameSync(path.join(tmp, 'package', 'dist'), distDir);
  rmSync(tmp, { recursive: true, force: true });
  log(`OHIF viewer ${pin.version} ready in ${path.relative(repoRoot, distDir)}`);
  return distDir;
}
