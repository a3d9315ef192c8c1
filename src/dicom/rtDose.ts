/**
 * RT Dose (PS3.3 A.18): the plan's total dose on its grid as a multi-frame image (RT Dose module C.8.8.3:
 * Dose Units GY, Dose Type PHYSICAL, Dose Summation Type PLAN, Grid Frame Offset Vector, Dose Grid Scaling),
 * referencing the RT Plan, with the RT DVH module (C.8.8.4): one cumulative DVH per structure, referencing
 * the ROI numbers of the RT Structure Set.
 */
import type { NaturalDataset } from 'dcmjs';
import type { Vec3, VolumeGeometry } from '../geometry/volume';
import { ds, EXPLICIT_VR_BIG_ENDIAN, nums, pixelBytes, seq, str } from './dataset';
import {
  checkIdentity,
  commonAttributes,
  DicomObjectError,
  guardReader,
  readRtFile,
  requireNum,
  requireNums,
  requireStr,
  RT_DOSE_STORAGE,
  RT_PLAN_STORAGE,
  RT_STRUCTURE_SET_STORAGE,
  writeRtFile,
  type ExpectedContext,
  type RtSeriesInfo,
} from './rtCommon';
import type { PlanningCt } from './rtStruct';

/** A cumulative DVH of one ROI: volume (cm³) receiving at least each bin's lower dose edge. */
export interface CumulativeDvh {
  roiNumber: number;
  binWidthGy: number;
  /** cumulativeCm3[b] = volume with dose ≥ b·binWidthGy (b = 0 gives the whole structure volume). */
  cumulativeCm3: Float64Array;
  minimumDoseGy: number;
  maximumDoseGy: number;
  meanDoseGy: number;
}

export interface RtDoseInput {
  geometry: VolumeGeometry;
  /** Total dose per voxel (Gy), i fastest. */
  doseGy: Float32Array;
  dvhs: CumulativeDvh[];
  /** 16 or 32 (default 32 here; the plan store writes 16, see encode.ts) bits per voxel. */
  bitsAllocated?: 16 | 32;
}

export interface RtDoseLinks {
  rtPlanSopInstanceUID: string;
  structureSetSopInstanceUID: string;
}

const isIdentityAxial = (d: [Vec3, Vec3, Vec3]): boolean => Math.abs(Math.abs(d[2][2]) - 1) < 1e-6;

/** Writes the RT Dose with DVHs. The grid must be axial (slices ⟂ z). */
export function writeRtDose(input: RtDoseInput, ct: PlanningCt, links: RtDoseLinks, info: RtSeriesInfo): { bytes: ArrayBuffer; sopInstanceUID: string; doseGridScaling: number } {
  const g = input.geometry;
  const [nx, ny, nz] = g.dimensions;
  if (input.doseGy.length !== nx * ny * nz) throw new Error(`writeRtDose: ${input.doseGy.length} dose values for a ${nx}×${ny}×${nz} grid`);
  if (!isIdentityAxial(g.direction)) throw new Error('writeRtDose: only axial dose grids are supported');
  let max = 0;
  for (let i = 0; i < input.doseGy.length; i++) {
    const d = input.doseGy[i];
    if (!(d >= 0) || !Number.isFinite(d)) throw new Error(`writeRtDose: dose value ${d} at voxel ${i} is not a finite non-negative number of Gy`);
    if (d > max) max = d;
  }
  const bits = input.bitsAllocated ?? 32;
  const maxStored = bits === 32 ? 0xffffffff : 0xffff;
  // Dose Grid Scaling (3004,000E): Gy per stored unit; as a DS it is written with ≤ 16 characters, so use the written value.
  const scaling = Number(ds(max > 0 ? max / maxStored : 1));
  const effective = max / scaling > maxStored ? Number(ds(scaling * 1.000001)) : scaling;
  const pixels = bits === 32 ? new Uint32Array(nx * ny * nz) : new Uint16Array(nx * ny * nz);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(maxStored, Math.round(input.doseGy[i] / effective));
  const offsets = Array.from({ length: nz }, (_, k) => ds(k * g.spacingMm[2] * Math.sign(g.direction[2][2])));
  const dataset: NaturalDataset = {
    ...commonAttributes(ct.study, info, RT_DOSE_STORAGE, 'RTDOSE'),
    ContentDate: info.contentDate,
    ContentTime: info.contentTime,
    FrameOfReferenceUID: ct.frameOfReferenceUID,
    PositionReferenceIndicator: '',
    SliceThickness: ds(g.spacingMm[2]),
    // Image Plane (C.7.6.2) and Multi-frame (C.7.6.6) modules.
    ImagePositionPatient: g.originMm.map(ds),
    ImageOrientationPatient: [...g.direction[0], ...g.direction[1]].map(ds),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: String(nz),
    FrameIncrementPointer: 0x3004000c, // Grid Frame Offset Vector
    Rows: ny,
    Columns: nx,
    PixelSpacing: [ds(g.spacingMm[1]), ds(g.spacingMm[0])],
    BitsAllocated: bits,
    BitsStored: bits,
    HighBit: bits - 1,
    PixelRepresentation: 0,
    // RT Dose module (C.8.8.3)
    DoseUnits: 'GY',
    DoseType: 'PHYSICAL',
    DoseComment: 'TG-43U1 total dose of the permanent 125I implant (full decay)',
    DoseSummationType: 'PLAN',
    ReferencedRTPlanSequence: [{ ReferencedSOPClassUID: RT_PLAN_STORAGE, ReferencedSOPInstanceUID: links.rtPlanSopInstanceUID }],
    GridFrameOffsetVector: offsets,
    DoseGridScaling: ds(effective),
    // TG-43 dose is dose to water (no heterogeneity correction).
    TissueHeterogeneityCorrection: 'WATER',
    // RT DVH module (C.8.8.4)
    ReferencedStructureSetSequence: [{ ReferencedSOPClassUID: RT_STRUCTURE_SET_STORAGE, ReferencedSOPInstanceUID: links.structureSetSopInstanceUID }],
    DVHSequence: input.dvhs.map((d) => ({
      DVHReferencedROISequence: [{ DVHROIContributionType: 'INCLUDED', ReferencedROINumber: String(d.roiNumber) }],
      DVHType: 'CUMULATIVE',
      DoseUnits: 'GY',
      DoseType: 'PHYSICAL',
      DVHDoseScaling: '1',
      DVHVolumeUnits: 'CM3',
      DVHNumberOfBins: String(d.cumulativeCm3.length),
      // DVH Data (3004,0058): bin width D_n then volume V_n for each bin (cumulative: volume ≥ the bin's lower edge).
      DVHData: Array.from(d.cumulativeCm3).flatMap((v) => [ds(d.binWidthGy), ds(v)]),
      DVHMinimumDose: ds(d.minimumDoseGy),
      DVHMaximumDose: ds(d.maximumDoseGy),
      DVHMeanDose: ds(d.meanDoseGy),
    })),
    PixelData: pixels.buffer,
    _vrMap: { PixelData: bits === 32 ? 'OB' : 'OW' },
  };
  return { bytes: writeRtFile(dataset, RT_DOSE_STORAGE, info.sopInstanceUID), sopInstanceUID: info.sopInstanceUID, doseGridScaling: effective };
}

export interface RtDoseReadResult {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  studyInstanceUID: string;
  patientId: string;
  seriesDescription: string;
  frameOfReferenceUID: string;
  geometry: VolumeGeometry;
  doseGy: Float32Array;
  doseGridScaling: number;
  doseUnits: string;
  doseType: string;
  summationType: string;
  referencedRtPlanSopInstanceUID?: string;
  referencedStructureSetSopInstanceUID?: string;
  dvhs: CumulativeDvh[];
}

/** Reads an RT Dose (16 or 32 bit, GY) and its DVHs; throws DicomObjectError with a specific code. */
export function readRtDose(input: ArrayBuffer | Uint8Array, expected: ExpectedContext = {}, name = 'RT Dose'): RtDoseReadResult {
  return guardReader(name, () => {
    const { dataset, transferSyntaxUID } = readRtFile(input, name);
    const forUID = str(dataset, 'FrameOfReferenceUID');
    checkIdentity(dataset, name, RT_DOSE_STORAGE, 'RT Dose', expected, forUID ?? '');
    // dcmjs hands OW pixel data over as stored bytes: big-endian dose values would be read byte-swapped.
    if (transferSyntaxUID === EXPLICIT_VR_BIG_ENDIAN) throw new DicomObjectError('UNSUPPORTED', `${name}: Explicit VR Big Endian (retired, PS3.5 A.3) dose grids are not supported; send it little endian`);
    if (!forUID) throw new DicomObjectError('MISSING_ATTRIBUTE', `${name}: missing FrameOfReferenceUID (0020,0052)`);
    const units = requireStr(dataset, 'DoseUnits', '(3004,0002)', name);
    if (units !== 'GY') throw new DicomObjectError('UNSUPPORTED', `${name}: Dose Units ${units} (only GY is supported; RELATIVE doses cannot be shown in Gy)`);
    const rows = requireNum(dataset, 'Rows', '(0028,0010)', name);
    const cols = requireNum(dataset, 'Columns', '(0028,0011)', name);
    const frames = str(dataset, 'NumberOfFrames') === undefined ? 1 : requireNum(dataset, 'NumberOfFrames', '(0028,0008)', name);
    if (![rows, cols, frames].every((n) => Number.isInteger(n) && n > 0 && n < 65536)) throw new DicomObjectError('INVALID_VALUE', `${name}: invalid matrix ${cols}×${rows}×${frames}`);
    const bits = requireNum(dataset, 'BitsAllocated', '(0028,0100)', name);
    if (bits !== 16 && bits !== 32) throw new DicomObjectError('UNSUPPORTED', `${name}: Bits Allocated ${bits} (16 or 32 supported)`);
    const scaling = requireNum(dataset, 'DoseGridScaling', '(3004,000E)', name);
    if (!(scaling > 0)) throw new DicomObjectError('INVALID_VALUE', `${name}: Dose Grid Scaling ${scaling} must be > 0`);
    const ipp = requireNums(dataset, 'ImagePositionPatient', '(0020,0032)', 3, name, true);
    const iop = requireNums(dataset, 'ImageOrientationPatient', '(0020,0037)', 6, name, true);
    const spacing = requireNums(dataset, 'PixelSpacing', '(0028,0030)', 2, name, true);
    if (!(spacing[0] > 0 && spacing[1] > 0)) throw new DicomObjectError('INVALID_VALUE', `${name}: Pixel Spacing must be positive`);
    const row: Vec3 = [iop[0], iop[1], iop[2]];
    const col: Vec3 = [iop[3], iop[4], iop[5]];
    const normal: Vec3 = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
    if (Math.abs(Math.hypot(...normal) - 1) > 1e-3) throw new DicomObjectError('INVALID_VALUE', `${name}: Image Orientation (Patient) is not two orthonormal vectors`);
    let dz = 1;
    if (frames > 1) {
      const offsets = requireNums(dataset, 'GridFrameOffsetVector', '(3004,000C)', frames, name, true);
      dz = offsets[1] - offsets[0];
      for (let k = 1; k < frames; k++) {
        if (Math.abs(offsets[k] - offsets[0] - k * dz) > 1e-3 * Math.max(1, Math.abs(dz))) throw new DicomObjectError('UNSUPPORTED', `${name}: dose frames are not evenly spaced (Grid Frame Offset Vector)`);
      }
      if (offsets[0] !== 0 && Math.abs(offsets[0] - (ipp[0] * normal[0] + ipp[1] * normal[1] + ipp[2] * normal[2])) > 1e-3) {
        throw new DicomObjectError('UNSUPPORTED', `${name}: absolute Grid Frame Offset Vector not matching Image Position is not supported`);
      }
      if (!(Math.abs(dz) > 1e-6)) throw new DicomObjectError('INVALID_VALUE', `${name}: dose frames at the same position`);
    }
    const direction: [Vec3, Vec3, Vec3] = [row, col, dz >= 0 ? normal : [-normal[0], -normal[1], -normal[2]]];
    const geometry: VolumeGeometry = {
      dimensions: [cols, rows, frames],
      spacingMm: [spacing[1], spacing[0], frames > 1 ? Math.abs(dz) : (Number(str(dataset, 'SliceThickness')) || 1)],
      originMm: [ipp[0], ipp[1], ipp[2]],
      direction,
      frameOfReferenceUID: forUID,
    };
    const n = cols * rows * frames;
    const bytes = pixelBytes(dataset);
    if (!bytes || bytes.byteLength < (n * bits) / 8) throw new DicomObjectError('CORRUPT', `${name}: pixel data missing or shorter than ${frames} frames of ${cols}×${rows} ${bits}-bit values`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const signed = str(dataset, 'PixelRepresentation') === '1' || dataset.PixelRepresentation === 1;
    const doseGy = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = bits === 32 ? (signed ? view.getInt32(4 * i, true) : view.getUint32(4 * i, true)) : signed ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
      doseGy[i] = v * scaling;
    }
    const dvhs: CumulativeDvh[] = seq(dataset, 'DVHSequence').flatMap((item, i) => {
      const where = `${name}: DVH ${i + 1}`;
      const roi = nums(seq(item, 'DVHReferencedROISequence')[0] ?? {}, 'ReferencedROINumber')?.[0];
      if (roi === undefined) throw new DicomObjectError('MISSING_ATTRIBUTE', `${where}: missing DVH Referenced ROI Sequence (3004,0060) / Referenced ROI Number`);
      if (str(item, 'DVHType') !== 'CUMULATIVE' || str(item, 'DoseUnits') !== 'GY') return []; // other DVH kinds are skipped, not misread
      const volumeUnits = str(item, 'DVHVolumeUnits');
      if (volumeUnits !== 'CM3') return [];
      const dvhScaling = nums(item, 'DVHDoseScaling')?.[0] ?? 1;
      const data = requireNums(item, 'DVHData', '(3004,0058)', 2, where);
      if (data.length % 2 !== 0) throw new DicomObjectError('INVALID_VALUE', `${where}: DVH Data has an odd number of values`);
      const nBins = data.length / 2;
      const declared = nums(item, 'DVHNumberOfBins')?.[0];
      if (declared !== undefined && declared !== nBins) throw new DicomObjectError('CORRUPT', `${where}: DVH Number of Bins ${declared} but ${nBins} bins of data`);
      const cumulativeCm3 = new Float64Array(nBins);
      for (let b = 0; b < nBins; b++) cumulativeCm3[b] = data[2 * b + 1];
      return [
        {
          roiNumber: roi,
          binWidthGy: data[0] * dvhScaling,
          cumulativeCm3,
          minimumDoseGy: nums(item, 'DVHMinimumDose')?.[0] ?? NaN,
          maximumDoseGy: nums(item, 'DVHMaximumDose')?.[0] ?? NaN,
          meanDoseGy: nums(item, 'DVHMeanDose')?.[0] ?? NaN,
        },
      ];
    });
    const plan = str(seq(dataset, 'ReferencedRTPlanSequence')[0] ?? {}, 'ReferencedSOPInstanceUID');
    const ss = str(seq(dataset, 'ReferencedStructureSetSequence')[0] ?? {}, 'ReferencedSOPInstanceUID');
    return {
      sopInstanceUID: requireStr(dataset, 'SOPInstanceUID', '(0008,0018)', name),
      seriesInstanceUID: requireStr(dataset, 'SeriesInstanceUID', '(0020,000E)', name),
      studyInstanceUID: requireStr(dataset, 'StudyInstanceUID', '(0020,000D)', name),
      patientId: str(dataset, 'PatientID') ?? '',
      seriesDescription: str(dataset, 'SeriesDescription') ?? '',
      frameOfReferenceUID: forUID,
      geometry,
      doseGy,
      doseGridScaling: scaling,
      doseUnits: units,
      doseType: str(dataset, 'DoseType') ?? '',
      summationType: str(dataset, 'DoseSummationType') ?? '',
      ...(plan ? { referencedRtPlanSopInstanceUID: plan } : {}),
      ...(ss ? { referencedStructureSetSopInstanceUID: ss } : {}),
      dvhs,
    };
  });
}

/**
 * Cumulative DVH of a structure from dose samples (Gy) of equal-volume voxels: bins of `binWidthGy` from 0 up to
 * the maximum dose (PS3.3 C.8.8.4.4: D_n widths, V_n volume receiving at least the bin's lower edge).
 */
export function cumulativeDvh(roiNumber: number, dosesGy: ArrayLike<number>, voxelVolumeCm3: number, binWidthGy: number): CumulativeDvh {
  if (!(binWidthGy > 0)) throw new Error('cumulativeDvh: bin width must be > 0 Gy');
  let max = 0;
  let min = Infinity;
  let sum = 0;
  for (let i = 0; i < dosesGy.length; i++) {
    const d = dosesGy[i];
    if (d > max) max = d;
    if (d < min) min = d;
    sum += d;
  }
  const nBins = Math.floor(max / binWidthGy) + 1;
  const counts = new Float64Array(nBins);
  for (let i = 0; i < dosesGy.length; i++) counts[Math.min(nBins - 1, Math.floor(dosesGy[i] / binWidthGy))]++;
  const cumulativeCm3 = new Float64Array(nBins);
  let acc = 0;
  for (let b = nBins - 1; b >= 0; b--) {
    acc += counts[b];
    cumulativeCm3[b] = acc * voxelVolumeCm3;
  }
  const n = dosesGy.length;
  return { roiNumber, binWidthGy, cumulativeCm3, minimumDoseGy: n ? min : 0, maximumDoseGy: max, meanDoseGy: n ? sum / n : 0 };
}
