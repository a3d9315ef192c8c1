/**
 * Thin typed layer over dcmjs: write a naturalized dataset as a DICOM Part 10 file (explicit VR little endian) and
 * read one back, with narrow accessors for the values we need.
 */
import { data as dcmjsData, type DicomJsonDataset, type NaturalDataset } from 'dcmjs';

export type { NaturalDataset };

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Explicit VR Big Endian (retired, PS3.5 A.3): dcmjs leaves its OW pixel bytes unswapped. */
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
/** Our implementation identification (File Meta Information, PS3.10 §7.1). */
export const IMPLEMENTATION_CLASS_UID = '2.25.186413325546457932186236125853547960741';
export const IMPLEMENTATION_VERSION_NAME = 'PVPI_0_1';

/** Error raised for files that cannot be used, with a machine-readable code. */
export class DicomInputError extends Error {
  constructor(
    readonly code:
      | 'NOT_DICOM'
      | 'CORRUPT'
      | 'UNSUPPORTED'
      | 'EMPTY'
      | 'MIXED_SERIES'
      | 'MISSING_GEOMETRY'
      | 'INCONSISTENT_GEOMETRY'
      | 'NON_AXIAL'
      | 'GANTRY_TILT'
      | 'NON_UNIFORM_SPACING'
      | 'DUPLICATE_POSITION'
      | 'FRAME_OF_REFERENCE_MISMATCH'
      | 'PATIENT_MISMATCH'
      | 'STUDY_MISMATCH'
      | 'NOT_SEGMENTATION',
    message: string,
  ) {
    super(message);
    this.name = 'DicomInputError';
  }
}

/** Formats a number as a DICOM Decimal String (≤ 16 characters, PS3.5 §6.2). */
export function ds(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot encode ${value} as DS`);
  if (Object.is(value, -0) || value === 0) return '0';
  for (let digits = 10; digits >= 1; digits--) {
    let s = Number(value.toFixed(digits)).toString();
    if (s.includes('e')) s = value.toPrecision(Math.min(digits, 10)).replace(/\.?0+e/, 'e');
    if (s.length <= 16) return s;
  }
  return value.toExponential(6);
}

/**
 * Serialises a naturalized dataset with its File Meta Information (explicit VR little endian).
 * `extraElements` (DICOM JSON, e.g. a private block) are merged in; elements are written in ascending tag order (PS3.5 §7.1).
 */
export function writeDicomFile(dataset: NaturalDataset, sopClassUID: string, sopInstanceUID: string, extraElements?: DicomJsonDataset): ArrayBuffer {
  const meta: NaturalDataset = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUID,
    MediaStorageSOPInstanceUID: sopInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
    _vrMap: { FileMetaInformationVersion: 'OB' },
  };
  const dict = new dcmjsData.DicomDict(dcmjsData.DicomMetaDictionary.denaturalizeDataset(meta));
  const body: DicomJsonDataset = { ...dcmjsData.DicomMetaDictionary.denaturalizeDataset(dataset), ...extraElements };
  const sorted: DicomJsonDataset = {};
  for (const tag of Object.keys(body).sort()) sorted[tag] = body[tag];
  dict.dict = sorted;
  return dict.write();
}

function toArrayBuffer(input: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (input instanceof ArrayBuffer) return input;
  const copy = new Uint8Array(input.byteLength);
  copy.set(input);
  return copy.buffer;
}

/** Parses a DICOM Part 10 file; throws DicomInputError NOT_DICOM / CORRUPT / UNSUPPORTED. */
export function readDicomFile(input: ArrayBuffer | Uint8Array, name = 'file'): { dataset: NaturalDataset; transferSyntaxUID: string } {
  const buffer = toArrayBuffer(input);
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') {
    throw new DicomInputError('NOT_DICOM', `${name}: not a DICOM Part 10 file (no "DICM" preamble)`);
  }
  let parsed;
  try {
    parsed = dcmjsData.DicomMessage.readFile(buffer);
  } catch (e) {
    throw new DicomInputError('CORRUPT', `${name}: corrupt or truncated DICOM file (${e instanceof Error ? e.message : String(e)})`);
  }
  const meta = dcmjsData.DicomMetaDictionary.naturalizeDataset(parsed.meta);
  const ts = typeof meta.TransferSyntaxUID === 'string' ? meta.TransferSyntaxUID : '';
  if (ts === EXPLICIT_VR_BIG_ENDIAN) {
    throw new DicomInputError('UNSUPPORTED', `${name}: Explicit VR Big Endian (retired, PS3.5 A.3) is not supported; send uncompressed little-endian images`);
  }
  if (!['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99'].includes(ts)) {
    throw new DicomInputError('UNSUPPORTED', `${name}: compressed transfer syntax ${ts || '(none)'} is not supported; send uncompressed (explicit/implicit VR little endian) images`);
  }
  return { dataset: dcmjsData.DicomMetaDictionary.naturalizeDataset(parsed.dict), transferSyntaxUID: ts };
}

/** A string value (first value of a multi-valued element), or undefined. */
export function str(ds: NaturalDataset, key: string): string | undefined {
  const v = ds[key];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.length > 0 && (typeof v[0] === 'string' || typeof v[0] === 'number')) return String(v[0]).trim();
  if (v && typeof v === 'object' && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic);
  return undefined;
}

/** A numeric value (first value), or undefined. */
export function num(ds: NaturalDataset, key: string): number | undefined {
  const v = ds[key];
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'number') return Number.isFinite(first) ? first : undefined;
  if (typeof first === 'string' && first.trim() !== '') {
    const n = Number(first);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** All numeric values of a multi-valued element, or undefined when absent / not numeric. */
export function nums(ds: NaturalDataset, key: string): number[] | undefined {
  const v = ds[key];
  const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  if (arr.length === 0) return undefined;
  const out = arr.map((x) => (typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN));
  return out.every((x) => Number.isFinite(x)) ? out : undefined;
}

/** Items of a sequence (a single item may be naturalized as an object). */
export function seq(ds: NaturalDataset, key: string): NaturalDataset[] {
  const v = ds[key];
  if (Array.isArray(v)) return v.filter((x): x is NaturalDataset => typeof x === 'object' && x !== null);
  if (v && typeof v === 'object' && !(v instanceof ArrayBuffer)) return [v as NaturalDataset];
  return [];
}

/** Pixel data bytes (first fragment / frame buffer). */
export function pixelBytes(ds: NaturalDataset): Uint8Array | undefined {
  const v = ds.PixelData;
  const first = Array.isArray(v) ? v[0] : v;
  if (first instanceof ArrayBuffer) return new Uint8Array(first);
  if (ArrayBuffer.isView(first)) return new Uint8Array(first.buffer, first.byteOffset, first.byteLength);
  return undefined;
}
