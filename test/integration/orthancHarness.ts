/**
 * Integration-test harness: a real Orthanc (Debian orthanc + orthanc-dicomweb) on a free loopback port
 * with a temporary data directory, driven through scripts/lib/orthanc.mjs in a child process
 * (jest runs tests as CommonJS; the scripts are ESM).
 *
 * Set PVPI_TEST_DICOMWEB_URL to run the tests against an already running DICOMweb server instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RUNNER = path.join(__dirname, 'orthancRunner.mjs');

/** A running DICOMweb server for tests. */
export interface TestServer {
  readonly dicomwebUrl: string;
  /** Orthanc REST root (undefined for an external server). */
  readonly url?: string;
  readonly pid?: number;
  readonly httpPort?: number;
  readonly dataDir?: string;
  /** Stop Orthanc and remove its data (no-op for an external server). */
  stop(): Promise<void>;
}

/** Make sure build/core/dicomweb exists (the scripts use the compiled client). */
export function ensureCoreBuilt(): void {
  const built = path.join(REPO_ROOT, 'build', 'core', 'dicomweb', 'index.js');
  if (fs.existsSync(built)) return;
  // Other modules' type errors must not block us: tsc still emits.
  spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  if (!fs.existsSync(built)) throw new Error(`${built} missing after "npm run build:core"`);
}

/** Start our own Orthanc (through startOrthanc) in `dataDir`, or a fresh temp dir. */
export async function startTestOrthanc(options: { dataDir?: string; keepData?: boolean } = {}): Promise<TestServer> {
  const external = process.env['PVPI_TEST_DICOMWEB_URL'];
  if (external !== undefined && external !== '' && options.dataDir === undefined) {
    return { dicomwebUrl: external.replace(/\/+$/, ''), stop: async () => undefined };
  }
  ensureCoreBuilt();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pvpi-orthanc-'));
  const child = spawn(process.execPath, [RUNNER, 'start', dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<{ url: string; dicomwebUrl: string; pid: number; httpPort: number }>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (nl !== -1) resolve(JSON.parse(stdout.slice(0, nl)) as { url: string; dicomwebUrl: string; pid: number; httpPort: number });
    });
    child.once('exit', (code) => reject(new Error(`Orthanc runner exited (${code}): ${stderr.trim()}`)));
  });
  return {
    ...info,
    dataDir,
    stop: async () => {
      await stopChild(child);
      if (options.keepData !== true) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Outcome of calling an exported function of scripts/lib/orthanc.mjs in a child process. */
export type ScriptCallOutcome<T> = { result: T; error?: undefined } | { error: string; name: string; userFacing: boolean; result?: undefined };

/** Call `fn(...args)` of scripts/lib/orthanc.mjs in a fresh Node process (as npm start would). */
export async function callOrthancScript<T>(
  fn: string,
  args: readonly unknown[],
  options: { env?: Record<string, string>; uid?: number; gid?: number } = {},
): Promise<ScriptCallOutcome<T>> {
  const child = spawn(process.execPath, [RUNNER, 'call', fn, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ScriptCallOutcome<T>;
  } catch {
    throw new Error(`orthancRunner call ${fn} printed no JSON; stderr: ${stderr.trim()}`);
  }
}

/** Run the runner's `start` command expecting failure; returns exit code and stderr. */
export async function startExpectingFailure(dataDir: string, port: number): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [RUNNER, 'start', dataDir, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin?.end(); // should it start anyway, the runner stops when stdin closes
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr, stdout };
}

/** Whether a process id is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
