// Machine setup shared by `npm start` and `npm test`: npm dependencies, Debian packages, builds.
// Plain Node ESM without dependencies, so it runs before `npm ci` has.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An error whose message is the whole story: callers print it as one line, without a stack trace. */
export class SetupError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SetupError';
  }
}

/** Runs a command with inherited output; throws SetupError with `what` when it fails. */
export function run(cmd, args, { what, cwd = repoRoot, env, quiet = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.error) throw new SetupError(`${what ?? cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = quiet ? ` (${(r.stderr || r.stdout || '').trim().split('\n').slice(-1)[0] ?? ''})` : '';
    throw new SetupError(`${what ?? `${cmd} ${args.join(' ')}`} failed with exit code ${r.status}${tail}`);
  }
  return r;
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules({ log = console.log } = {}) {
  const marker = path.join(repoRoot, 'node_modules', '.package-lock.json');
  const lock = path.join(repoRoot, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('Installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund'], { what: 'npm ci' });
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Installs the Debian packages that are missing (needs root and apt). */
export function ensureAptPackages(pkgs, { log = console.log } = {}) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new SetupError(`missing Debian packages ${missing.join(' ')}; install them as root: apt-get install -y ${missing.join(' ')}`);
  }
  log(`Installing Debian packages: ${missing.join(' ')} (apt-get)…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { what: 'apt-get update', env, quiet: true });
  // A package's post-install may try to start a system service and fail without systemd; judge by dpkg afterwards.
  spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const still = missing.filter((p) => !dpkgInstalled(p));
  if (still.length > 0) throw new SetupError(`could not install Debian packages ${still.join(' ')}; try: apt-get install -y ${still.join(' ')}`);
}

/** Builds the planning core and the OHIF bundles. */
export function build({ log = console.log } = {}) {
  log('Building the planning core and the OHIF extension/mode bundles…');
  run('npm', ['run', '--silent', 'build:core'], { what: 'build of the planning core (tsc)' });
  run('npm', ['run', '--silent', 'build:ohif'], { what: 'build of the OHIF bundles (webpack)' });
}

/** Prints a SetupError (or any error) as one line and exits. */
export function exitWithError(prefix, err) {
  const msg = err instanceof Error ? err.message : String(err);
  console.error(`${prefix}: ${msg}`);
  if (process.env.PVPI_DEBUG && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
}
