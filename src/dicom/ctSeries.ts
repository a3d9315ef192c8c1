/**
 * CT series writer and reader (CT Image Storage, one file per slice, uncompressed).
 * Writer: a ScalarVolume<Int16Array> in HU → Part 10 files. Reader: files → ScalarVolume<Int16Array> in HU with
 * strict geometry checks (one series, parallel slices stacked along the normal, uniform spacing).
 */
import type { ScalarVolume, Vec3, VolumeGeometry } from '../geometry/volume';
import {
  CT_IMAGE_STORAGE,
  DicomInputError,
  ds,
  num,
  nums,
  pixelBytes,
  readDicomFile,
  str,
  writeDicomFile,
  type NaturalDataset,
} from './dataset';
import { checkSliceStack } from '../geometry/sliceStack';

/** Patient / study attributes shared by every object of the study. */
export interface StudyInfo {
  patientName: string;
  patientId: string;
  /** YYYYMMDD or '' (type 2). */
  patientBirthDate: string;
  /** 'M' | 'F' | 'O' | ''. */
  patientSex: string;
  studyInstanceUID: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  referringPhysicianName: string;
}

export interface CtSeriesInfo extends StudyInfo {
  seriesInstanceUID: string;
  seriesNumber: number;
  seriesDescription: string;
  frameOfReferenceUID: string;
  /** One SOP Instance UID per slice, in volume slice order (k = 0 … nz−1). */
  sopInstanceUIDs: string[];
  manufacturer: string;
  manufacturerModelName: string;
  kvp: number;
  windowCenterHu: number;
  windowWidthHu: number;
  bodyPartExamined: string;
  /** 'int16': signed pixels, intercept 0 (default); 'uint16': unsigned pixels, intercept −1024. */
  pixelEncoding?: 'int16' | 'uint16';
}

export interface DicomFileOut {
  sopInstanceUID: string;
  instanceNumber: number;
  /** Suggested file name, e.g. CT0001.dcm. */
  fileName: string;
  bytes: ArrayBuffer;
}

const AXIAL_TOLERANCE = 1e-4;

function isAxialIdentity(d: [Vec3, Vec3, Vec3]): boolean {
  const id: [Vec3, Vec3, Vec3] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  return d.every((row, r) => row.every((v, c) => Math.abs(v - id[r][c]) < AXIAL_TOLERANCE));
}

/** Writes one CT Image Storage file per slice. The volume must be an axial grid (direction = identity). */
export function writeCtSeries(volume: ScalarVolume<Int16Array>, info: CtSeriesInfo): DicomFileOut[] {
  const g = volume.geometry;
  const [nx, ny, nz] = g.dimensions;
  if (!isAxialIdentity(g.direction)) throw new Error('writeCtSeries: only axial volumes (direction = identity) are supported');
  if (volume.data.length !== nx * ny * nz) throw new Error('writeCtSeries: data length does not match the dimensions');
  if (info.sopInstanceUIDs.length !== nz) throw new Error(`writeCtSeries: need ${nz} SOP Instance UIDs, got ${info.sopInstanceUIDs.length}`);
  const unsigned = info.pixelEncoding === 'uint16';
  const intercept = unsigned ? -1024 : 0;
  const files: DicomFileOut[] = [];
  const sliceSize = nx * ny;
  for (let k = 0; k < nz; k++) {
    const position: Vec3 = [g.originMm[0], g.originMm[1], g.originMm[2] + k * g.spacingMm[2]];
    const instanceNumber = nz - k; // superior slice first, as a head-first scanner numbers them
    const pixels = unsigned ? new Uint16Array(sliceSize) : new Int16Array(sliceSize);
    for (let p = 0; p < sliceSize; p++) {
      const hu = volume.data[k * sliceSize + p];
      pixels[p] = unsigned ? Math.max(0, hu - intercept) : hu;
    }
    const sop = info.sopInstanceUIDs[k];
    const dataset: NaturalDataset = {
      SpecificCharacterSet: 'ISO_IR 100',
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      SOPClassUID: CT_IMAGE_STORAGE,
      SOPInstanceUID: sop,
      StudyDate: info.studyDate,
      SeriesDate: info.studyDate,
      ContentDate: info.studyDate,
      StudyTime: info.studyTime,
      SeriesTime: info.studyTime,
      ContentTime: info.studyTime,
      AccessionNumber: info.accessionNumber,
      Modality: 'CT',
      Manufacturer: info.manufacturer,
      ReferringPhysicianName: info.referringPhysicianName,
      StudyDescription: info.studyDescription,
      SeriesDescription: info.seriesDescription,
      ManufacturerModelName: info.manufacturerModelName,
      PatientName: info.patientName,
      PatientID: info.patientId,
      PatientBirthDate: info.patientBirthDate,
      PatientSex: info.patientSex,
      BodyPartExamined: info.bodyPartExamined,
      SliceThickness: ds(g.spacingMm[2]),
      KVP: ds(info.kvp),
      PatientPosition: 'HFS',
      StudyInstanceUID: info.studyInstanceUID,
      SeriesInstanceUID: info.seriesInstanceUID,
      StudyID: info.studyId,
      SeriesNumber: String(info.seriesNumber),
      AcquisitionNumber: '1',
      InstanceNumber: String(instanceNumber),
      // Image Plane module (PS3.3 C.7.6.2): LPS position of the first transmitted pixel, row then column direction.
      ImagePositionPatient: position.map(ds),
      ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
      FrameOfReferenceUID: info.frameOfReferenceUID,
      PositionReferenceIndicator: '',
      SliceLocation: ds(position[2]),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: ny,
      Columns: nx,
      // Pixel Spacing (0028,0030) is row spacing (between rows, along j) then column spacing (along i).
      PixelSpacing: [ds(g.spacingMm[1]), ds(g.spacingMm[0])],
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: unsigned ? 0 : 1,
      WindowCenter: ds(info.windowCenterHu),
      WindowWidth: ds(info.windowWidthHu),
      // CT Image module (PS3.3 C.8.2.1): HU = stored × slope + intercept.
      RescaleIntercept: ds(intercept),
      RescaleSlope: '1',
      RescaleType: 'HU',
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    files.push({ sopInstanceUID: sop, instanceNumber, fileName: `CT${String(instanceNumber).padStart(4, '0')}.dcm`, bytes: writeDicomFile(dataset, CT_IMAGE_STORAGE, sop) });
  }
  return files;
}

/** Metadata of a CT series read back from files. */
export interface CtSeriesMeta {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  sopClassUID: string;
  /** SOP Instance UID of each slice, in volume slice order (k). */
  sopInstanceUIDs: string[];
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  referringPhysicianName: string;
  seriesDescription: string;
  modality: string;
}

export interface ReadCtSeriesOptions {
  /** Accept oblique (but untilted) series; default false: only axial slices are accepted. */
  allowOblique?: boolean;
  /** Names used in error messages (same order as the buffers). */
  names?: string[];
}

interface Slice {
  name: string;
  ds: NaturalDataset;
  position: Vec3;
}

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Reads one CT series (unordered slice files) into a volume in HU. Throws DicomInputError with a specific code. */
export function readCtSeries(
  files: Array<ArrayBuffer | Uint8Array>,
  options: ReadCtSeriesOptions = {},
): { volume: ScalarVolume<Int16Array>; meta: CtSeriesMeta } {
  if (files.length === 0) throw new DicomInputError('EMPTY', 'no DICOM files given');
  const names = options.names ?? files.map((_, i) => `file #${i + 1}`);
  const parsed = files.map((f, i) => ({ name: names[i], ds: readDicomFile(f, names[i]).dataset }));
  const first = parsed[0];
  const seriesUID = str(first.ds, 'SeriesInstanceUID');
  if (!seriesUID) throw new DicomInputError('MISSING_GEOMETRY', `${first.name}: missing Series Instance UID (0020,000E)`);
  const series = new Set(parsed.map((p) => str(p.ds, 'SeriesInstanceUID') ?? '(none)'));
  if (series.size > 1) throw new DicomInputError('MIXED_SERIES', `files belong to ${series.size} different series (${[...series].slice(0, 3).join(', ')}…); give one series only`);
  const modality = str(first.ds, 'Modality') ?? '';
  if (modality === 'SEG' || modality === 'RTSTRUCT' || modality === 'SR') throw new DicomInputError('UNSUPPORTED', `${first.name}: modality ${modality} is not an image series`);
  const frames = num(first.ds, 'NumberOfFrames');
  if (frames !== undefined && frames > 1) throw new DicomInputError('UNSUPPORTED', `${first.name}: multi-frame images are not supported (Number of Frames = ${frames})`);

  const required = (p: { name: string; ds: NaturalDataset }, key: string, tag: string, n: number): number[] => {
    const v = nums(p.ds, key);
    if (!v || v.length < n) throw new DicomInputError('MISSING_GEOMETRY', `${p.name}: missing or invalid ${key} ${tag}`);
    return v;
  };
  const iop = required(first, 'ImageOrientationPatient', '(0020,0037)', 6);
  const row: Vec3 = [iop[0], iop[1], iop[2]];
  const col: Vec3 = [iop[3], iop[4], iop[5]];
  const normal: Vec3 = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
  if (Math.abs(Math.hypot(...row) - 1) > 1e-3 || Math.abs(Math.hypot(...col) - 1) > 1e-3 || Math.abs(dot(row, col)) > 1e-3) {
    throw new DicomInputError('MISSING_GEOMETRY', `${first.name}: Image Orientation (Patient) is not two orthonormal vectors`);
  }
  if (!options.allowOblique && Math.abs(Math.abs(normal[2]) - 1) > 1e-3) {
    throw new DicomInputError('NON_AXIAL', `${first.name}: slices are not axial (Image Orientation (Patient) ${iop.join('\\')}); reformat to axial first`);
  }
  const rows = required(first, 'Rows', '(0028,0010)', 1)[0];
  const cols = required(first, 'Columns', '(0028,0011)', 1)[0];
  const spacing = required(first, 'PixelSpacing', '(0028,0030)', 2);

  const slices: Slice[] = parsed.map((p) => {
    const o = required(p, 'ImageOrientationPatient', '(0020,0037)', 6);
    if (o.some((v, i) => Math.abs(v - iop[i]) > 1e-4)) throw new DicomInputError('INCONSISTENT_GEOMETRY', `${p.name}: orientation differs from the other slices`);
    const r = required(p, 'Rows', '(0028,0010)', 1)[0];
    const c = required(p, 'Columns', '(0028,0011)', 1)[0];
    const s = required(p, 'PixelSpacing', '(0028,0030)', 2);
    if (r !== rows || c !== cols || Math.abs(s[0] - spacing[0]) > 1e-4 || Math.abs(s[1] - spacing[1]) > 1e-4) {
      throw new DicomInputError('INCONSISTENT_GEOMETRY', `${p.name}: matrix or pixel spacing differs from the other slices`);
    }
    const pos = required(p, 'ImagePositionPatient', '(0020,0032)', 3);
    const position: Vec3 = [pos[0], pos[1], pos[2]];
    return { name: p.name, ds: p.ds, position };
  });
  // Sorted along the normal; duplicate positions, gantry tilt and non-uniform spacing are refused (shared check).
  const stackCheck = checkSliceStack(
    slices.map((s) => s.position),
    normal,
    slices.map((s) => s.name),
  );
  if (!stackCheck.ok) throw new DicomInputError(stackCheck.problem.code, stackCheck.problem.message);
  const unsorted = slices.slice();
  stackCheck.stack.order.forEach((i, k) => {
    slices[k] = unsorted[i];
  });
  const forUID = str(first.ds, 'FrameOfReferenceUID');
  if (!forUID) throw new DicomInputError('MISSING_GEOMETRY', `${first.name}: missing Frame of Reference UID (0020,0052)`);
  if (slices.some((s) => str(s.ds, 'FrameOfReferenceUID') !== forUID)) throw new DicomInputError('MIXED_SERIES', 'slices have different Frames of Reference');

  const spacingZ = stackCheck.stack.spacingMm ?? num(first.ds, 'SliceThickness') ?? 1;

  const n = rows * cols;
  const data = new Int16Array(n * slices.length);
  slices.forEach((s, k) => {
    const bits = num(s.ds, 'BitsAllocated');
    const spp = num(s.ds, 'SamplesPerPixel') ?? 1;
    if (bits !== 16 || spp !== 1) throw new DicomInputError('UNSUPPORTED', `${s.name}: only 16-bit single-sample pixel data is supported (Bits Allocated ${bits}, Samples per Pixel ${spp})`);
    const signed = num(s.ds, 'PixelRepresentation') === 1;
    const slope = num(s.ds, 'RescaleSlope') ?? 1;
    const intercept = num(s.ds, 'RescaleIntercept') ?? 0;
    const bytes = pixelBytes(s.ds);
    if (!bytes || bytes.byteLength < 2 * n) throw new DicomInputError('CORRUPT', `${s.name}: pixel data missing or shorter than ${rows}×${cols} 16-bit pixels`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const base = k * n;
    for (let p = 0; p < n; p++) {
      const stored = signed ? view.getInt16(2 * p, true) : view.getUint16(2 * p, true);
      const hu = Math.round(stored * slope + intercept);
      data[base + p] = hu < -32768 ? -32768 : hu > 32767 ? 32767 : hu;
    }
  });

  const normalDir: Vec3 = [normal[0], normal[1], normal[2]];
  const geometry: VolumeGeometry = {
    dimensions: [cols, rows, slices.length],
    // Pixel Spacing is [row spacing (along column direction), column spacing (along row direction)].
    spacingMm: [spacing[1], spacing[0], spacingZ],
    originMm: slices[0].position,
    direction: [row, col, normalDir],
    frameOfReferenceUID: forUID,
  };
  const f = first.ds;
  const meta: CtSeriesMeta = {
    studyInstanceUID: str(f, 'StudyInstanceUID') ?? '',
    seriesInstanceUID: seriesUID,
    frameOfReferenceUID: forUID,
    sopClassUID: str(f, 'SOPClassUID') ?? '',
    sopInstanceUIDs: slices.map((s) => str(s.ds, 'SOPInstanceUID') ?? ''),
    patientName: str(f, 'PatientName') ?? '',
    patientId: str(f, 'PatientID') ?? '',
    patientBirthDate: str(f, 'PatientBirthDate') ?? '',
    patientSex: str(f, 'PatientSex') ?? '',
    studyDate: str(f, 'StudyDate') ?? '',
    studyTime: str(f, 'StudyTime') ?? '',
    studyId: str(f, 'StudyID') ?? '',
    accessionNumber: str(f, 'AccessionNumber') ?? '',
    studyDescription: str(f, 'StudyDescription') ?? '',
    referringPhysicianName: str(f, 'ReferringPhysicianName') ?? '',
    seriesDescription: str(f, 'SeriesDescription') ?? '',
    modality,
  };
  return { volume: { geometry, data }, meta };
}
