/**
 * DICOM test data for the integration tests: the real phantom (`pvpi phantom --out DIR`) when that
 * command is built (PVPI_PHANTOM_DIR, else .data/phantom, else generated in a temp folder), else a small synthetic CT
 * written here with dcmjs. Also reads back what was sent, as the independent reference for the server's answers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './orthancHarness';

/** The few dcmjs entry points these tests use (dcmjs ships no type declarations). */
interface DcmjsSubset {
  data: {
    DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
    DicomMetaDictionary: {
      denaturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
    };
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): { dict: Record<string, { vr: string; Value?: unknown[] }> };
    };
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as DcmjsSubset;

/** What the tests know about one sent instance (read from the file itself). */
export interface SentInstance {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly sopInstanceUID: string;
  readonly sopClassUID: string;
  readonly modality: string;
  readonly frameOfReferenceUID?: string;
  readonly imagePositionPatient?: readonly number[];
  /** Raw Pixel Data value bytes for uncompressed single-frame images. */
  readonly pixelData?: Uint8Array;
  readonly numberOfFrames: number;
}

export interface FixtureSet {
  readonly dir: string;
  readonly source: 'phantom' | 'synthetic';
  readonly instances: readonly SentInstance[];
}

const PHANTOM_COMMAND = path.join(REPO_ROOT, 'build', 'core', 'cli', 'commands', 'phantom.js');

/** Produce the test study in `workDir`: the phantom if available, else the synthetic CT. */
export function prepareFixtures(workDir: string): FixtureSet {
  const preset = process.env['PVPI_PHANTOM_DIR'];
  if (preset !== undefined && preset !== '' && fs.existsSync(preset)) {
    return { dir: preset, source: 'phantom', instances: readInstances(preset) };
  }
  // The phantom `npm start` / `npm test` generate once (scripts/lib/phantom.mjs).
  const shared = path.join(REPO_ROOT, '.data', 'phantom');
  if (fs.existsSync(PHANTOM_COMMAND) && fs.existsSync(path.join(shared, 'phantom.json'))) {
    const instances = readInstances(shared);
    if (instances.length > 0) return { dir: shared, source: 'phantom', instances };
  }
  if (fs.existsSync(PHANTOM_COMMAND)) {
    const out = path.join(workDir, 'phantom');
    const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'pvpi.js'), 'phantom', '--out', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const instances = res.status === 0 && fs.existsSync(out) ? readInstances(out) : [];
    if (instances.length > 0) return { dir: out, source: 'phantom', instances };
    // A broken phantom command is that command's test failure; keep testing DICOMweb with our own CT.
    process.stderr.write(`pvpi phantom failed (exit ${res.status}); using the synthetic CT. ${res.stderr?.slice(0, 300) ?? ''}\n`);
  }
  const out = path.join(workDir, 'synthetic');
  writeSyntheticCt(out);
  return { dir: out, source: 'synthetic', instances: readInstances(out) };
}

/** Deterministic pseudo-random generator (LCG, Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const UID_ROOT = '2.25.31415926535897932384626';

/**
 * A small CT: one study, an axial series of 6 slices 24×20 (1 mm pixels, 2 mm slices) plus a
 * second 2-slice series, random signed 16-bit pixels (so frames contain every byte pattern, boundary-like too).
 */
export function writeSyntheticCt(dir: string): void {
  fs.mkdirSync(path.join(dir, 'ct'), { recursive: true });
  const rand = lcg(20240611);
  const study = `${UID_ROOT}.1`;
  const frameOfReference = `${UID_ROOT}.2`;
  const series = [
    { uid: `${UID_ROOT}.3`, number: 1, slices: 6, description: 'Synthetic CT axial' },
    { uid: `${UID_ROOT}.4`, number: 2, slices: 2, description: 'Synthetic CT second series' },
  ];
  const rows = 20;
  const columns = 24;
  for (const s of series) {
    for (let k = 0; k < s.slices; k++) {
      const sop = `${s.uid}.${k + 1}`;
      const pixels = new Int16Array(rows * columns);
      for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(rand() * 65536) - 32768;
      const dataset: Record<string, unknown> = {
        SpecificCharacterSet: 'ISO_IR 100',
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        SOPInstanceUID: sop,
        StudyDate: '20240611',
        StudyTime: '120000',
        Modality: 'CT',
        Manufacturer: 'PVPI test',
        StudyDescription: 'DICOMweb integration test',
        SeriesDescription: s.description,
        PatientName: 'Test^Synthetic',
        PatientID: 'PVPI-IT-1',
        PatientBirthDate: '',
        PatientSex: 'O',
        StudyInstanceUID: study,
        SeriesInstanceUID: s.uid,
        StudyID: '1',
        SeriesNumber: s.number,
        InstanceNumber: k + 1,
        ImagePositionPatient: [-12, -10, -40 + 2 * k + 0.5 * s.number],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        FrameOfReferenceUID: frameOfReference,
        PositionReferenceIndicator: '',
        SliceThickness: 2,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        Rows: rows,
        Columns: columns,
        PixelSpacing: [1, 1],
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        RescaleIntercept: 0,
        RescaleSlope: 1,
        RescaleType: 'HU',
        KVP: 120,
        PixelData: pixels.buffer,
        _vrMap: { PixelData: 'OW' },
      };
      const meta = {
        FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
        MediaStorageSOPClassUID: dataset['SOPClassUID'],
        MediaStorageSOPInstanceUID: sop,
        TransferSyntaxUID: '1.2.840.10008.1.2.1',
        ImplementationClassUID: `${UID_ROOT}.99`,
      };
      const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
      dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
      fs.writeFileSync(path.join(dir, 'ct', `s${s.number}_${String(k + 1).padStart(3, '0')}.dcm`), new Uint8Array(dict.write()));
    }
  }
}

function listDcm(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listDcm(p));
    else if (e.name.toLowerCase().endsWith('.dcm')) out.push(p);
  }
  return out.sort();
}

function str(dict: Record<string, { Value?: unknown[] }>, tag: string): string | undefined {
  const v = dict[tag]?.Value?.[0];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Read every .dcm under `dir` with dcmjs: the reference for what the server must return. */
export function readInstances(dir: string): SentInstance[] {
  return listDcm(dir).map((file) => {
    const buf = fs.readFileSync(file);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const { dict } = dcmjs.data.DicomMessage.readFile(ab);
    const ipp = dict['00200032']?.Value;
    const pixelValue = dict['7FE00010']?.Value?.[0];
    const frames = Number(str(dict, '00280008') ?? '1');
    const frameOfReferenceUID = str(dict, '00200052');
    return {
      file,
      bytes,
      studyInstanceUID: str(dict, '0020000D') ?? '',
      seriesInstanceUID: str(dict, '0020000E') ?? '',
      sopInstanceUID: str(dict, '00080018') ?? '',
      sopClassUID: str(dict, '00080016') ?? '',
      modality: str(dict, '00080060') ?? '',
      numberOfFrames: Number.isFinite(frames) ? frames : 1,
      ...(frameOfReferenceUID === undefined ? {} : { frameOfReferenceUID }),
      ...(Array.isArray(ipp) ? { imagePositionPatient: ipp.map(Number) } : {}),
      ...(pixelValue instanceof ArrayBuffer ? { pixelData: new Uint8Array(pixelValue) } : {}),
    };
  });
}
