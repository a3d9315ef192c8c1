/**
 * Shared parts of the DICOM RT objects written and read by the planning core (RT Structure Set, RT Plan,
 * RT Dose): SOP classes, the typed reader error, Part 10 I/O with one private JSON element, and the
 * consistency checks every reader applies (SOP class, patient, study, Frame of Reference).
 */
import { data as dcmjsData, type DicomJsonDataset, type NaturalDataset } from 'dcmjs';
import { DicomInputError, num, nums, seq, str, writeDicomFile } from './dataset';
import type { StudyInfo } from './ctSeries';

/** PS3.4 Annex B SOP classes of the RT objects. */
export const RT_STRUCTURE_SET_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';
export const RT_PLAN_STORAGE = '1.2.840.10008.5.1.4.1.1.481.5';
export const RT_DOSE_STORAGE = '1.2.840.10008.5.1.4.1.1.481.2';
/** Study Component Management SOP Class (retired), the conventional Referenced SOP Class UID of an RT Referenced Study (PS3.3 C.8.8.5). */
export const STUDY_COMPONENT_SOP_CLASS = '1.2.840.10008.3.1.2.3.1';

/** Why an RT object (or a SEG read through the plan store) cannot be used. */
export type DicomObjectErrorCode =
  | 'NOT_DICOM'
  | 'CORRUPT'
  | 'UNSUPPORTED'
  | 'WRONG_SOP_CLASS'
  | 'MISSING_ATTRIBUTE'
  | 'INVALID_VALUE'
  | 'FRAME_OF_REFERENCE_MISMATCH'
  | 'PATIENT_MISMATCH'
  | 'STUDY_MISMATCH'
  | 'REFERENCE_MISMATCH';

/**
 * A DICOM object that cannot be read as what the caller asked for. `message` is one line for users and names
 * the object and, where it applies, the attribute (keyword and tag).
 */
export class DicomObjectError extends Error {
  override readonly name = 'DicomObjectError';
  constructor(
    readonly code: DicomObjectErrorCode,
    message: string,
  ) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
  }
}

/** Type guard that works across bundle boundaries. */
export function isDicomObjectError(value: unknown): value is DicomObjectError {
  return value instanceof DicomObjectError || (value instanceof Error && value.name === 'DicomObjectError' && 'code' in value);
}

/** What a reader should check the object against (all optional). */
export interface ExpectedContext {
  patientId?: string;
  studyInstanceUID?: string;
  frameOfReferenceUID?: string;
}

/** Private block (PS3.5 §7.8.1) carrying machine-readable PVPI data that has no standard attribute. */
const PRIVATE_GROUP = '0077';
export const PRIVATE_CREATOR = 'PVPI Planner 1';
const PRIVATE_CREATOR_TAG = `${PRIVATE_GROUP}0010`;
const PRIVATE_JSON_TAG = `${PRIVATE_GROUP}1001`;

/** Serialises a naturalized dataset (explicit VR little endian) with an optional private JSON element. */
export function writeRtFile(dataset: NaturalDataset, sopClassUID: string, sopInstanceUID: string, privateJson?: unknown): ArrayBuffer {
  const privateBlock: DicomJsonDataset | undefined =
    privateJson === undefined
      ? undefined
      : { [PRIVATE_CREATOR_TAG]: { vr: 'LO', Value: [PRIVATE_CREATOR] }, [PRIVATE_JSON_TAG]: { vr: 'UT', Value: [JSON.stringify(privateJson)] } };
  return writeDicomFile(dataset, sopClassUID, sopInstanceUID, privateBlock);
}

function toArrayBuffer(input: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (input instanceof ArrayBuffer) return input;
  const copy = new Uint8Array(input.byteLength);
  copy.set(input);
  return copy.buffer;
}

/** A parsed RT object: the naturalized dataset and the private PVPI JSON (undefined for foreign objects). */
export interface ParsedRtFile {
  dataset: NaturalDataset;
  privateJson: unknown;
  /** Transfer syntax of the file (PS3.5 Annex A). */
  transferSyntaxUID: string;
}

/** Parses a Part 10 file; throws DicomObjectError NOT_DICOM / CORRUPT / UNSUPPORTED. */
export function readRtFile(input: ArrayBuffer | Uint8Array, name: string): ParsedRtFile {
  const buffer = toArrayBuffer(input);
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') {
    throw new DicomObjectError('NOT_DICOM', `${name}: not a DICOM Part 10 file (no "DICM" prefix)`);
  }
  let meta: NaturalDataset;
  let raw: DicomJsonDataset;
  try {
    const parsed = dcmjsData.DicomMessage.readFile(buffer);
    meta = dcmjsData.DicomMetaDictionary.naturalizeDataset(parsed.meta);
    raw = parsed.dict;
  } catch (e) {
    throw new DicomObjectError('CORRUPT', `${name}: corrupt or truncated DICOM file (${e instanceof Error ? e.message : String(e)})`);
  }
  const ts = typeof meta.TransferSyntaxUID === 'string' ? meta.TransferSyntaxUID : '';
  if (!['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'].includes(ts)) {
    throw new DicomObjectError('UNSUPPORTED', `${name}: transfer syntax ${ts || '(none)'} is not supported (uncompressed little/big endian only)`);
  }
  let privateJson: unknown;
  const creator = raw[PRIVATE_CREATOR_TAG]?.Value?.[0];
  const text = raw[PRIVATE_JSON_TAG]?.Value?.[0];
  if (typeof creator === 'string' && creator.trim() === PRIVATE_CREATOR && typeof text === 'string') {
    try {
      privateJson = JSON.parse(text);
    } catch {
      throw new DicomObjectError('CORRUPT', `${name}: the PVPI private data (${PRIVATE_GROUP},1001) is not valid JSON`);
    }
  }
  // Private and unknown elements are dropped before naturalizing (dcmjs would warn about each).
  const known: DicomJsonDataset = {};
  for (const [tag, el] of Object.entries(raw)) if (parseInt(tag.slice(0, 4), 16) % 2 === 0) known[tag] = el;
  let dataset: NaturalDataset;
  try {
    dataset = dcmjsData.DicomMetaDictionary.naturalizeDataset(known);
  } catch (e) {
    throw new DicomObjectError('CORRUPT', `${name}: cannot decode the dataset (${e instanceof Error ? e.message : String(e)})`);
  }
  return { dataset, privateJson, transferSyntaxUID: ts };
}

/**
 * Runs a reader body and converts anything that is not already a typed error (a TypeError from a malformed
 * value, a RangeError from a truncated array) into DicomObjectError CORRUPT, so callers only ever see typed errors.
 */
export function guardReader<T>(name: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (isDicomObjectError(e)) throw e;
    if (e instanceof DicomInputError) {
      const passed = ['FRAME_OF_REFERENCE_MISMATCH', 'PATIENT_MISMATCH', 'STUDY_MISMATCH', 'NOT_DICOM', 'UNSUPPORTED'] as const;
      const code = passed.find((c) => c === e.code) ?? 'CORRUPT';
      throw new DicomObjectError(code, e.message);
    }
    throw new DicomObjectError('CORRUPT', `${name}: malformed object (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** A required string attribute, or MISSING_ATTRIBUTE naming keyword and tag. */
export function requireStr(ds: NaturalDataset, key: string, tag: string, where: string): string {
  const v = str(ds, key);
  if (v === undefined || v === '') throw new DicomObjectError('MISSING_ATTRIBUTE', `${where}: missing ${key} ${tag}`);
  return v;
}

/** A required finite number attribute. */
export function requireNum(ds: NaturalDataset, key: string, tag: string, where: string): number {
  if (ds[key] === undefined || ds[key] === null || ds[key] === '') throw new DicomObjectError('MISSING_ATTRIBUTE', `${where}: missing ${key} ${tag}`);
  const v = num(ds, key);
  if (v === undefined) throw new DicomObjectError('INVALID_VALUE', `${where}: ${key} ${tag} is not a number`);
  return v;
}

/** A required numeric multi-value with at least `n` values (exactly `n` when `exact`). */
export function requireNums(ds: NaturalDataset, key: string, tag: string, n: number, where: string, exact = false): number[] {
  if (ds[key] === undefined || ds[key] === null || ds[key] === '') throw new DicomObjectError('MISSING_ATTRIBUTE', `${where}: missing ${key} ${tag}`);
  const v = nums(ds, key);
  if (!v || v.length < n || (exact && v.length !== n)) throw new DicomObjectError('INVALID_VALUE', `${where}: ${key} ${tag} must have ${exact ? '' : 'at least '}${n} numeric value(s)`);
  return v;
}

/** A required, non-empty sequence. */
export function requireSeq(ds: NaturalDataset, key: string, tag: string, where: string): NaturalDataset[] {
  const items = seq(ds, key);
  if (items.length === 0) throw new DicomObjectError('MISSING_ATTRIBUTE', `${where}: missing or empty ${key} ${tag}`);
  return items;
}

/** Checks SOP class, patient, study and Frame of Reference of a top-level dataset. */
export function checkIdentity(
  ds: NaturalDataset,
  name: string,
  sopClassUID: string,
  kind: string,
  expected: ExpectedContext,
  frameOfReferenceUID: string | undefined,
): void {
  const sopClass = str(ds, 'SOPClassUID');
  if (!sopClass) throw new DicomObjectError('MISSING_ATTRIBUTE', `${name}: missing SOPClassUID (0008,0016)`);
  if (sopClass !== sopClassUID) {
    const modality = str(ds, 'Modality');
    throw new DicomObjectError('WRONG_SOP_CLASS', `${name}: not an ${kind} (SOP Class ${sopClass}${modality ? `, modality ${modality}` : ''})`);
  }
  if (expected.patientId !== undefined) {
    const pid = str(ds, 'PatientID') ?? '';
    if (pid !== expected.patientId) {
      throw new DicomObjectError('PATIENT_MISMATCH', `${name}: belongs to another patient (Patient ID "${pid}", expected "${expected.patientId}")`);
    }
  }
  if (expected.studyInstanceUID !== undefined) {
    const study = str(ds, 'StudyInstanceUID') ?? '';
    if (study !== expected.studyInstanceUID) throw new DicomObjectError('STUDY_MISMATCH', `${name}: belongs to another study (${study || 'none'}, expected ${expected.studyInstanceUID})`);
  }
  if (expected.frameOfReferenceUID !== undefined && frameOfReferenceUID !== undefined && frameOfReferenceUID !== expected.frameOfReferenceUID) {
    throw new DicomObjectError(
      'FRAME_OF_REFERENCE_MISMATCH',
      `${name}: Frame of Reference ${frameOfReferenceUID || '(missing)'} differs from the planning CT's ${expected.frameOfReferenceUID}; it was planned on other images`,
    );
  }
}

/** DICOM DA + TM (local time, as written) from an ISO 8601 date-time; undefined parts become empty. */
export function isoToDicomDateTime(iso: string): { date: string; time: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?/.exec(iso.trim());
  if (!m) throw new Error(`not an ISO 8601 date-time: "${iso}"`);
  const frac = m[7] ? m[7].slice(0, 7) : '';
  return { date: `${m[1]}${m[2]}${m[3]}`, time: m[4] ? `${m[4]}${m[5]}${m[6] ?? '00'}${frac}` : '' };
}

/** ISO 8601 (no zone) from DICOM DA + TM. */
export function dicomDateTimeToIso(date: string, time: string): string | undefined {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date.trim());
  if (!d) return undefined;
  const t = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec(time.trim());
  if (!t) return `${d[1]}-${d[2]}-${d[3]}T00:00:00`;
  return `${d[1]}-${d[2]}-${d[3]}T${t[1]}:${t[2] ?? '00'}:${t[3] ?? '00'}${t[4] ?? ''}`;
}

/** Patient / study / equipment attributes shared by every RT object we write. */
export interface RtSeriesInfo {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  seriesNumber: number;
  seriesDescription: string;
  /** DA/TM of creation. */
  contentDate: string;
  contentTime: string;
  manufacturer: string;
  manufacturerModelName: string;
  softwareVersions: string;
  deviceSerialNumber: string;
}

/** Patient + General Study + RT Series + General Equipment + SOP Common attributes (PS3.3 C.7.1.1, C.7.2.1, C.8.8.1, C.7.5.1, C.12.1). */
export function commonAttributes(
  study: StudyInfo,
  info: RtSeriesInfo,
  sopClassUID: string,
  modality: 'RTSTRUCT' | 'RTPLAN' | 'RTDOSE',
): NaturalDataset {
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    InstanceCreationDate: info.contentDate,
    InstanceCreationTime: info.contentTime,
    SOPClassUID: sopClassUID,
    SOPInstanceUID: info.sopInstanceUID,
    StudyDate: study.studyDate,
    SeriesDate: info.contentDate,
    StudyTime: study.studyTime,
    SeriesTime: info.contentTime,
    AccessionNumber: study.accessionNumber,
    Modality: modality,
    Manufacturer: info.manufacturer,
    ReferringPhysicianName: study.referringPhysicianName,
    StudyDescription: study.studyDescription,
    SeriesDescription: info.seriesDescription,
    OperatorsName: '',
    ManufacturerModelName: info.manufacturerModelName,
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    DeviceSerialNumber: info.deviceSerialNumber,
    SoftwareVersions: info.softwareVersions,
    StudyInstanceUID: study.studyInstanceUID,
    SeriesInstanceUID: info.seriesInstanceUID,
    StudyID: study.studyId,
    SeriesNumber: String(info.seriesNumber),
    InstanceNumber: '1',
  };
}

/** Truncates to a VR's maximum length (characters). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/** Parses the JSON stored in the private element into a record, or undefined. */
export function privateRecord(json: unknown, format: string): Record<string, unknown> | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const rec = json as Record<string, unknown>;
  return rec['format'] === format ? rec : undefined;
}

/** A person name (PN) as a string: dcmjs naturalizes PN as [{ Alphabetic }] or a plain string. */
export function personName(ds: NaturalDataset, key: string): string | undefined {
  const v = ds[key];
  const first: unknown = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first.trim() || undefined;
  if (first && typeof first === 'object' && 'Alphabetic' in first) {
    const a = (first as { Alphabetic: unknown }).Alphabetic;
    return typeof a === 'string' && a.trim() !== '' ? a.trim() : undefined;
  }
  return undefined;
}
