// Orthanc (Debian packages orthanc + orthanc-dicomweb) as a child process on loopback, for `npm start`
// and the integration tests; plus loading a study over STOW-RS and checking an external DICOMweb server.
// Plain Node ESM, no npm dependencies except the compiled DICOMweb client in build/core (npm run build:core)
// and dcmjs (project dependency, used only to read the Study Instance UID of files to load).
//
// Every function throws an Error whose `message` is ONE line meant for the user (no stack needed);
// such errors carry `userFacing = true`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isPortFree } from './net.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where Debian puts the server and the DICOMweb plugin (`dpkg -L orthanc orthanc-dicomweb`). */
export const ORTHANC_BIN = process.env.ORTHANC_BIN || '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = process.env.ORTHANC_DICOMWEB_PLUGIN || '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
/** The config template shipped for PACS admins; runtime values are overridden by startOrthanc. */
export const CONFIG_TEMPLATE = path.join(ROOT, 'platform-config', 'orthanc', 'orthanc.json');

const noop = () => {};

/** An Error meant to be printed as one line (`err.message`), without a stack trace. */
export function setupError(message, cause) {
  const err = new Error(String(message).replace(/\s*[\r\n]+\s*/g, ' '), cause === undefined ? undefined : { cause });
  err.name = 'OrthancSetupError';
  err.userFacing = true;
  return err;
}

function lastLines(text, n) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-n);
}

function runApt(args, log) {
  const res = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) return { ok: false, detail: res.error.message };
  const out = `${res.stdout ?? ''}\n${res.stderr ?? ''}`;
  log(`  apt-get ${args.join(' ')}: exit ${res.status}`);
  const errLine = lastLines(out, 50).filter((l) => /^E:|error/i.test(l)).pop() ?? lastLines(out, 1)[0] ?? '';
  return { ok: res.status === 0, status: res.status, detail: errLine };
}

/**
 * Make sure the Orthanc server and its DICOMweb plugin are installed; installs the Debian packages
 * `orthanc orthanc-dicomweb` with apt-get when missing (needs root). The packages' post-install may try
 * to start a system service (fails harmlessly without systemd; if it does start one on port 8042 it
 * is left alone: we run our own instance on our own port).
 *
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{ orthancBin: string, dicomwebPlugin: string, installed: boolean }>}
 *   `installed` is true when this call installed the packages.
 * @throws one-line Error when missing and not installable.
 */
export async function ensureOrthancInstalled({ log = noop } = {}) {
  const present = () => fs.existsSync(ORTHANC_BIN) && fs.existsSync(DICOMWEB_PLUGIN);
  if (present()) return { orthancBin: ORTHANC_BIN, dicomwebPlugin: DICOMWEB_PLUGIN, installed: false };
  const missing = [!fs.existsSync(ORTHANC_BIN) && ORTHANC_BIN, !fs.existsSync(DICOMWEB_PLUGIN) && DICOMWEB_PLUGIN]
    .filter(Boolean)
    .join(' and ');
  const advice = 'install the Debian packages "orthanc orthanc-dicomweb", or set DICOMWEB_URL to an existing DICOMweb server';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw setupError(`Orthanc is not installed (${missing} missing) and cannot be installed automatically without root: ${advice}`);
  }
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw setupError(`Orthanc is not installed (${missing} missing) and apt-get is not available: ${advice}`);
  }
  log('Installing Orthanc (apt-get install -y orthanc orthanc-dicomweb); this happens once…');
  const pkgs = ['install', '-y', '--no-install-recommends', 'orthanc', 'orthanc-dicomweb'];
  let res = runApt(pkgs, log);
  if (!present()) {
    // Package lists may be missing or stale on a fresh machine.
    const upd = runApt(['update'], log);
    if (!upd.ok) log(`  apt-get update failed: ${upd.detail}`);
    res = runApt(pkgs, log);
  }
  if (!present()) {
    throw setupError(`Could not install Orthanc with apt-get (exit ${res.status ?? '?'}: ${res.detail || 'unknown error'}): ${advice}`);
  }
  // A non-zero exit here usually means only that the service could not be started (no systemd): harmless.
  if (!res.ok) log('  (apt-get reported an error, most likely the orthanc service start without systemd; ignored)');
  return { orthancBin: ORTHANC_BIN, dicomwebPlugin: DICOMWEB_PLUGIN, installed: true };
}

/** GET a URL with a time limit; resolves to { status, text } or undefined when nothing answers. */
async function probe(url, timeoutMs) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  } catch {
    return undefined;
  }
}

/** Describe who holds a port, for the "port taken" message. */
async function describePortHolder(port) {
  const res = await probe(`http://127.0.0.1:${port}/system`, 1000);
  if (res && res.status === 200) {
    try {
      const sys = JSON.parse(res.text);
      if (sys && typeof sys.Version === 'string') return ` by another Orthanc (${sys.Version}, name "${sys.Name}")`;
    } catch {
      /* not Orthanc */
    }
  }
  return '';
}

/** Read the Orthanc config template (valid JSON) and override the runtime keys. */
function buildConfig({ httpPort, storageDir, pluginPath, templatePath }) {
  let config;
  try {
    config = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  } catch (err) {
    throw setupError(`Cannot read the Orthanc config template ${templatePath}: ${err.message}`);
  }
  return {
    ...config,
    HttpPort: httpPort,
    StorageDirectory: storageDir,
    IndexDirectory: storageDir,
    Plugins: [pluginPath],
    // Safety: never expose our instance beyond loopback, whatever the template says.
    RemoteAccessAllowed: false,
    DicomServerEnabled: false,
  };
}

function readTail(file, n) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return lastLines(text, n);
  } catch {
    return [];
  }
}

/** Orthanc log lines that explain a failure (errors first), shortened to fit in one message. */
function explainFromLog(logFile) {
  const tail = readTail(logFile, 40);
  const errors = tail.filter((l) => /^E\d{4}|error|exception|cannot|unable/i.test(l));
  const pick = (errors.length > 0 ? errors.slice(-3) : tail.slice(-3)).map((l) => l.replace(/^[EWI]\d{4} [\d:.]+ +/, ''));
  return pick.length === 0 ? '(no log output)' : pick.join(' | ').slice(0, 600);
}

/**
 * Start Orthanc with the DICOMweb plugin as a child process, HTTP on `httpPort` (loopback clients only,
 * RemoteAccessAllowed false; DICOM protocol server disabled), storage under `dataDir/db`.
 * Writes `dataDir/orthanc.json` (from platform-config/orthanc/orthanc.json) and `dataDir/orthanc.log`.
 * Resolves once `/system` and `/dicom-web/studies` answer. The child is also terminated when this
 * process exits, and on SIGINT/SIGTERM/SIGHUP if nobody else handles those signals.
 *
 * @param {{ httpPort?: number, dataDir: string, log?: (line: string) => void, readyTimeoutMs?: number,
 *   orthancBin?: string, dicomwebPlugin?: string, configTemplate?: string }} options
 *   `httpPort` defaults to env ORTHANC_PORT, else 8042.
 * @returns {Promise<{ url: string, dicomwebUrl: string, pid: number, httpPort: number, dataDir: string,
 *   logFile: string, configFile: string, stop: () => Promise<void> }>}
 * @throws one-line Error: port taken, binary missing, Orthanc exited or not ready in time (with its log tail).
 */
export async function startOrthanc({
  httpPort = Number(process.env.ORTHANC_PORT) || 8042,
  dataDir,
  log = noop,
  readyTimeoutMs = 30_000,
  orthancBin = ORTHANC_BIN,
  dicomwebPlugin = DICOMWEB_PLUGIN,
  configTemplate = CONFIG_TEMPLATE,
} = {}) {
  if (!dataDir) throw setupError('startOrthanc: dataDir is required');
  if (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535) {
    throw setupError(`Invalid Orthanc HTTP port "${httpPort}": set ORTHANC_PORT to a number between 1024 and 65535`);
  }
  if (!fs.existsSync(orthancBin)) throw setupError(`Orthanc server not found at ${orthancBin}: install the Debian package "orthanc"`);
  if (!fs.existsSync(dicomwebPlugin)) {
    throw setupError(`Orthanc DICOMweb plugin not found at ${dicomwebPlugin}: install the Debian package "orthanc-dicomweb"`);
  }
  // Orthanc listens on all IPv4 interfaces, so the port must be free there and on loopback.
  if (!(await isPortFree(httpPort, '127.0.0.1')) || !(await isPortFree(httpPort, '0.0.0.0'))) {
    const holder = await describePortHolder(httpPort);
    throw setupError(
      `Port ${httpPort} is already in use${holder}: stop that program or choose another port, e.g. ORTHANC_PORT=${httpPort === 8042 ? 8043 : httpPort + 1}`,
    );
  }

  const absData = path.resolve(dataDir);
  const storageDir = path.join(absData, 'db');
  await fsp.mkdir(storageDir, { recursive: true });
  const configFile = path.join(absData, 'orthanc.json');
  const logFile = path.join(absData, 'orthanc.log');
  const config = buildConfig({ httpPort, storageDir, pluginPath: dicomwebPlugin, templatePath: configTemplate });
  await fsp.writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  await fsp.writeFile(logFile, '');

  const logFd = fs.openSync(logFile, 'a');
  let child;
  try {
    child = spawn(orthancBin, [configFile], { stdio: ['ignore', logFd, logFd], cwd: absData });
  } finally {
    fs.closeSync(logFd);
  }
  let exitInfo;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      exitInfo = { code: null, signal: null, error: err };
      resolve(exitInfo);
    });
  });

  // Clean-up on our own exit: 'exit' handlers must be synchronous, so just send SIGTERM.
  const killOnExit = () => {
    if (exitInfo === undefined) child.kill('SIGTERM');
  };
  process.on('exit', killOnExit);
  const signalHandlers = [];
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const handler = () => {
      // Only act as the default handler: if the host script handles the signal, it is in charge.
      if (process.listenerCount(sig) > 1) return;
      killOnExit();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
    signalHandlers.push([sig, handler]);
  }
  const detach = () => {
    process.removeListener('exit', killOnExit);
    for (const [sig, handler] of signalHandlers) process.removeListener(sig, handler);
  };

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (exitInfo === undefined) {
        child.kill('SIGTERM');
        const timer = new Promise((r) => setTimeout(() => r('timeout'), 10_000).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') {
          log(`Orthanc (pid ${child.pid}) did not stop within 10 s after SIGTERM; sending SIGKILL`);
          child.kill('SIGKILL');
          await exited;
        }
      }
      detach();
    })();
    return stopping;
  };

  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  log(`Starting Orthanc on ${url} (data ${absData}, log ${logFile})`);
  for (;;) {
    if (exitInfo !== undefined) {
      detach();
      const how = exitInfo.error ? exitInfo.error.message : `exit code ${exitInfo.code ?? exitInfo.signal}`;
      throw setupError(`Orthanc exited during startup (${how}); log ${logFile}: ${explainFromLog(logFile)}`);
    }
    const sys = await probe(`${url}/system`, 1000);
    if (sys && sys.status === 200) {
      const qido = await probe(`${url}/dicom-web/studies?limit=1`, 2000);
      if (qido && qido.status === 200) break;
      if (qido && qido.status === 404) {
        await stop();
        throw setupError(`Orthanc started but the DICOMweb plugin is not active (GET /dicom-web/studies → 404); check ${dicomwebPlugin} and ${logFile}`);
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw setupError(
        `Orthanc did not become ready on port ${httpPort} within ${Math.round(readyTimeoutMs / 1000)} s; log ${logFile}: ${explainFromLog(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  log(`Orthanc ready: DICOMweb at ${url}/dicom-web (pid ${child.pid})`);
  return { url, dicomwebUrl: `${url}/dicom-web`, pid: child.pid, httpPort, dataDir: absData, logFile, configFile, stop };
}

/** The compiled DICOMweb client (CommonJS in build/core). */
export function loadDicomwebModule() {
  const file = path.join(ROOT, 'build', 'core', 'dicomweb', 'index.js');
  if (!fs.existsSync(file)) throw setupError(`${file} is missing: run "npm run build:core" first`);
  return require(file);
}

/** Rephrase any error for the user, in one line. */
function oneLine(err, prefix) {
  if (err && err.userFacing) return err;
  const msg = err && typeof err.message === 'string' ? err.message : String(err);
  return setupError(`${prefix}${msg}`, err);
}

/**
 * Check that an external DICOMweb server (e.g. env DICOMWEB_URL) answers QIDO-RS `GET /studies?limit=1`.
 * @param {string} url DICOMweb root, e.g. https://pacs.example.org/dicom-web
 * @param {{ timeoutMs?: number, headers?: Record<string,string> }} [options]
 * @returns {Promise<{ url: string, studiesFound: number }>} studiesFound is 0 or 1 (limit=1).
 * @throws one-line Error naming the URL and the cause (unreachable, timeout, HTTP status).
 */
export async function checkDicomweb(url, { timeoutMs = 10_000, headers } = {}) {
  if (typeof url !== 'string' || !/^https?:\/\/[^/]+/i.test(url)) {
    throw setupError(`DICOMweb URL "${url}" is not an http(s) URL (expected e.g. http://host:8042/dicom-web)`);
  }
  const { DicomwebClient } = loadDicomwebModule();
  const client = new DicomwebClient({ url, timeoutMs, ...(headers ? { headers } : {}) });
  try {
    const studies = await client.searchStudies({ limit: 1 });
    return { url: client.url, studiesFound: studies.length };
  } catch (err) {
    // DicomwebError messages already name the server and the cause.
    throw oneLine(err, err && err.name === 'DicomwebError' ? '' : `DICOMweb server ${url} is not usable: `);
  }
}

async function listDicomFiles(dir) {
  const out = [];
  const walk = async (d) => {
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch (err) {
      throw setupError(`Cannot read DICOM folder ${d}: ${err.code ?? err.message}`);
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.dcm')) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Study Instance UID (0020,000D) of a Part 10 file, read with dcmjs up to (not including) Pixel Data. */
function readStudyUid(bytes, file) {
  const dcmjs = require('dcmjs');
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const dict = dcmjs.data.DicomMessage.readFile(ab, { untilTag: '7FE00010', includeUntilTagValue: false });
    const uid = dict.dict['0020000D']?.Value?.[0];
    if (typeof uid === 'string' && uid !== '') return uid;
  } catch (err) {
    throw setupError(`${file} is not a readable DICOM file: ${err.message}`);
  }
  throw setupError(`${file} has no Study Instance UID (0020,000D)`);
}

/**
 * Store every `.dcm` file under `dir` (recursively) with STOW-RS, study by study, unless the server
 * already holds at least as many instances of that study as there are files for it.
 *
 * @param {string} dicomwebUrl DICOMweb root of the target server
 * @param {string} dir folder with DICOM Part 10 files (`*.dcm`)
 * @param {{ studyInstanceUID?: string, log?: (line: string) => void, headers?: Record<string,string>,
 *   maxBatchBytes?: number, timeoutMs?: number }} [options]
 *   `studyInstanceUID`: only load files of this study (error if none).
 * @returns {Promise<{ studies: Array<{ studyInstanceUID: string, files: number, alreadyPresent: boolean, stored: number }>,
 *   storedCount: number }>}
 * @throws one-line Error (folder unreadable, no DICOM files, server unreachable, STOW rejected…).
 */
export async function loadStudyIfAbsent(dicomwebUrl, dir, { studyInstanceUID, log = noop, headers, maxBatchBytes, timeoutMs = 120_000 } = {}) {
  const files = await listDicomFiles(dir);
  if (files.length === 0) throw setupError(`No .dcm files found under ${dir}`);
  const byStudy = new Map();
  for (const file of files) {
    const bytes = await fsp.readFile(file);
    const uid = readStudyUid(bytes, file);
    if (studyInstanceUID !== undefined && uid !== studyInstanceUID) continue;
    if (!byStudy.has(uid)) byStudy.set(uid, []);
    byStudy.get(uid).push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  if (studyInstanceUID !== undefined && byStudy.size === 0) {
    throw setupError(`No DICOM file of study ${studyInstanceUID} under ${dir}`);
  }
  const { DicomwebClient } = loadDicomwebModule();
  const client = new DicomwebClient({ url: dicomwebUrl, timeoutMs, ...(headers ? { headers } : {}) });
  const studies = [];
  let storedCount = 0;
  try {
    for (const [uid, instances] of byStudy) {
      const found = await client.searchStudies({ StudyInstanceUID: uid, includefield: '00201208' });
      const present = Number(found[0]?.['00201208']?.Value?.[0] ?? 0);
      if (found.length > 0 && present >= instances.length) {
        log(`Study ${uid} already on the server (${present} instances); not loading`);
        studies.push({ studyInstanceUID: uid, files: instances.length, alreadyPresent: true, stored: 0 });
        continue;
      }
      log(`Loading study ${uid}: ${instances.length} instance(s) via STOW-RS to ${client.url}`);
      let lastPct = -1;
      const outcome = await client.storeInstancesInBatches(instances, {
        ...(maxBatchBytes ? { maxBatchBytes } : {}),
        onProgress: (done, total) => {
          const pct = Math.floor((100 * done) / total / 25) * 25;
          if (pct !== lastPct) log(`  stored ${done}/${total}`);
          lastPct = pct;
        },
      });
      storedCount += outcome.stored.length;
      studies.push({ studyInstanceUID: uid, files: instances.length, alreadyPresent: false, stored: outcome.stored.length });
    }
  } catch (err) {
    throw oneLine(err, `Loading ${dir} into ${dicomwebUrl} failed: `);
  }
  return { studies, storedCount };
}
