/**
 * DICOM Segmentation (SEG) writer and reader, BINARY segmentation type, on the grid of a referenced CT series.
 * PS3.3 A.51 (Segmentation IOD), C.8.20 (Segmentation Image module), C.7.6.16 (Multi-frame Functional Groups).
 */
import { voxelToPatient, type ScalarVolume, type Vec3, type VolumeGeometry } from '../geometry/volume';
import { DcmCodes, type CodedConcept } from './codes';
import type { CtSeriesMeta, StudyInfo } from './ctSeries';
import {
  DicomInputError,
  ds,
  num,
  nums,
  pixelBytes,
  readDicomFile,
  SEGMENTATION_STORAGE,
  seq,
  str,
  writeDicomFile,
  type NaturalDataset,
} from './dataset';

export type SegmentAlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

/** One segment to write: the voxels of the label volume whose value is in `labelValues`. */
export interface SegmentDefinition {
  /** Segment Label (0062,0005), e.g. "L1 Left pedicle". */
  label: string;
  labelValues: number[];
  category: CodedConcept;
  type: CodedConcept;
  typeModifier?: CodedConcept;
  anatomicRegion?: CodedConcept;
  description?: string;
  algorithmType: SegmentAlgorithmType;
  /** Required unless algorithmType is MANUAL. */
  algorithmName?: string;
  /** Recommended display colour (sRGB 0–255); stored as CIELab. */
  rgb?: [number, number, number];
}

/** The CT series the segmentation was derived from (its grid is the SEG grid). */
export interface ReferencedCtSeries {
  study: StudyInfo;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  sopClassUID: string;
  /** SOP Instance UID of each CT slice in volume slice order (k). */
  sopInstanceUIDs: string[];
}

/** The referenced-CT description of a series read back with readCtSeries (its metadata). */
export function referencedCtFromMeta(meta: CtSeriesMeta): ReferencedCtSeries {
  return {
    study: {
      patientName: meta.patientName,
      patientId: meta.patientId,
      patientBirthDate: meta.patientBirthDate,
      patientSex: meta.patientSex,
      studyInstanceUID: meta.studyInstanceUID,
      studyDate: meta.studyDate,
      studyTime: meta.studyTime,
      studyId: meta.studyId,
      accessionNumber: meta.accessionNumber,
      studyDescription: meta.studyDescription,
      referringPhysicianName: meta.referringPhysicianName,
    },
    seriesInstanceUID: meta.seriesInstanceUID,
    frameOfReferenceUID: meta.frameOfReferenceUID,
    sopClassUID: meta.sopClassUID,
    sopInstanceUIDs: meta.sopInstanceUIDs,
  };
}

export interface SegSeriesInfo {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  seriesNumber: number;
  seriesDescription: string;
  /** Content Label (0070,0080): CS, upper case, ≤ 16 characters. */
  contentLabel: string;
  contentDescription: string;
  contentCreatorName: string;
  manufacturer: string;
  manufacturerModelName: string;
  deviceSerialNumber: string;
  softwareVersions: string;
  contentDate: string;
  contentTime: string;
  /** Dimension Organization UID (deterministic writers pass one). */
  dimensionOrganizationUID: string;
}

const code = (c: CodedConcept): NaturalDataset => ({
  CodeValue: c.codeValue,
  CodingSchemeDesignator: c.codingSchemeDesignator,
  CodeMeaning: c.codeMeaning,
});

/** sRGB (0–255) → DICOM scaled CIELab (PS3.3 C.10.7.1.1: L 0–100 → 0–65535, a/b −128…127 → 0–65535), D65. */
export function rgbToDicomLab(rgb: [number, number, number]): [number, number, number] {
  const lin = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  const X = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
  const Y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  const Z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const L = 116 * f(Y) - 16;
  const a = 500 * (f(X) - f(Y));
  const b = 200 * (f(Y) - f(Z));
  const clamp = (v: number): number => Math.max(0, Math.min(65535, Math.round(v)));
  return [clamp((L * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((b + 128) * 65535) / 255)];
}

/** Writes a BINARY DICOM SEG; one frame per (segment, CT slice) where the segment is present. */
export function writeSeg(
  labels: ScalarVolume<Uint8Array | Uint16Array>,
  segments: SegmentDefinition[],
  referencedCt: ReferencedCtSeries,
  info: SegSeriesInfo,
): { bytes: ArrayBuffer; sopInstanceUID: string; numberOfFrames: number } {
  const g = labels.geometry;
  const [nx, ny, nz] = g.dimensions;
  if (referencedCt.sopInstanceUIDs.length !== nz) throw new Error(`writeSeg: the label volume has ${nz} slices but the CT has ${referencedCt.sopInstanceUIDs.length}`);
  if (segments.length === 0) throw new Error('writeSeg: no segments');
  const sliceSize = nx * ny;
  const frames: Array<{ segment: number; k: number }> = [];
  const frameMasks: Uint8Array[] = [];
  segments.forEach((seg, s) => {
    const wanted = new Uint8Array(65536);
    for (const v of seg.labelValues) wanted[v] = 1;
    let any = false;
    for (let k = 0; k < nz; k++) {
      let mask: Uint8Array | null = null;
      const base = k * sliceSize;
      for (let p = 0; p < sliceSize; p++) {
        if (wanted[labels.data[base + p]]) {
          if (!mask) mask = new Uint8Array(sliceSize);
          mask[p] = 1;
        }
      }
      if (mask) {
        frames.push({ segment: s + 1, k });
        frameMasks.push(mask);
        any = true;
      }
    }
    if (!any) {
      // Keep every declared segment addressable: one empty frame on the first slice.
      frames.push({ segment: s + 1, k: 0 });
      frameMasks.push(new Uint8Array(sliceSize));
    }
  });
  // Pixel Data: frames concatenated, 1 bit per pixel, little-endian bit order, no padding between frames (PS3.5 §8.1.1).
  const totalBits = frames.length * sliceSize;
  const packed = new Uint8Array(Math.ceil(totalBits / 8) + (Math.ceil(totalBits / 8) % 2));
  let bit = 0;
  for (const mask of frameMasks) {
    for (let p = 0; p < sliceSize; p++, bit++) if (mask[p]) packed[bit >> 3] |= 1 << (bit & 7);
  }

  // Image Position (Patient) of frame k: the centre of voxel (0, 0, k), along the slice normal of any orientation.
  const position = (k: number): string[] => voxelToPatient(g, 0, 0, k).map(ds);
  const study = referencedCt.study;
  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 100',
    ImageType: ['DERIVED', 'PRIMARY'],
    SOPClassUID: SEGMENTATION_STORAGE,
    SOPInstanceUID: info.sopInstanceUID,
    StudyDate: study.studyDate,
    SeriesDate: info.contentDate,
    ContentDate: info.contentDate,
    StudyTime: study.studyTime,
    SeriesTime: info.contentTime,
    ContentTime: info.contentTime,
    AccessionNumber: study.accessionNumber,
    Modality: 'SEG',
    Manufacturer: info.manufacturer,
    ReferringPhysicianName: study.referringPhysicianName,
    StudyDescription: study.studyDescription,
    SeriesDescription: info.seriesDescription,
    ManufacturerModelName: info.manufacturerModelName,
    // Common Instance Reference module: the CT instances this SEG was derived from.
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: referencedCt.seriesInstanceUID,
        ReferencedInstanceSequence: referencedCt.sopInstanceUIDs.map((uid) => ({ ReferencedSOPClassUID: referencedCt.sopClassUID, ReferencedSOPInstanceUID: uid })),
      },
    ],
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
    FrameOfReferenceUID: referencedCt.frameOfReferenceUID,
    PositionReferenceIndicator: '',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: info.dimensionOrganizationUID }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: info.dimensionOrganizationUID,
        DimensionIndexPointer: 0x0062000b, // Referenced Segment Number
        FunctionalGroupPointer: 0x0062000a, // Segment Identification Sequence
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      {
        DimensionOrganizationUID: info.dimensionOrganizationUID,
        DimensionIndexPointer: 0x00200032, // Image Position (Patient)
        FunctionalGroupPointer: 0x00209113, // Plane Position Sequence
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: String(frames.length),
    Rows: ny,
    Columns: nx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    ContentLabel: info.contentLabel,
    ContentDescription: info.contentDescription,
    ContentCreatorName: info.contentCreatorName,
    SegmentSequence: segments.map((seg, s) => {
      const item: NaturalDataset = {
        SegmentNumber: s + 1,
        SegmentLabel: seg.label,
        SegmentAlgorithmType: seg.algorithmType,
        SegmentedPropertyCategoryCodeSequence: [code(seg.category)],
        SegmentedPropertyTypeCodeSequence: [
          seg.typeModifier ? { ...code(seg.type), SegmentedPropertyTypeModifierCodeSequence: [code(seg.typeModifier)] } : code(seg.type),
        ],
      };
      if (seg.algorithmType !== 'MANUAL') item.SegmentAlgorithmName = seg.algorithmName ?? 'unknown';
      if (seg.description) item.SegmentDescription = seg.description;
      if (seg.anatomicRegion) item.AnatomicRegionSequence = [code(seg.anatomicRegion)];
      if (seg.rgb) item.RecommendedDisplayCIELabValue = rgbToDicomLab(seg.rgb);
      return item;
    }),
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: g.direction[0].concat(g.direction[1]).map(ds) }],
        PixelMeasuresSequence: [
          {
            PixelSpacing: [ds(g.spacingMm[1]), ds(g.spacingMm[0])],
            SliceThickness: ds(g.spacingMm[2]),
            SpacingBetweenSlices: ds(g.spacingMm[2]),
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f) => ({
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: referencedCt.sopClassUID,
              ReferencedSOPInstanceUID: referencedCt.sopInstanceUIDs[f.k],
              PurposeOfReferenceCodeSequence: [code(DcmCodes.sourceImageForProcessing)],
            },
          ],
          DerivationCodeSequence: [code(DcmCodes.segmentation)],
        },
      ],
      FrameContentSequence: [{ DimensionIndexValues: [f.segment, f.k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: position(f.k) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment }],
    })),
    PixelData: packed.buffer,
    _vrMap: { PixelData: 'OB' },
  };
  return { bytes: writeDicomFile(dataset, SEGMENTATION_STORAGE, info.sopInstanceUID), sopInstanceUID: info.sopInstanceUID, numberOfFrames: frames.length };
}

/** A segment as read back from a SEG. */
export interface SegmentInfo {
  segmentNumber: number;
  label: string;
  description?: string;
  category?: CodedConcept;
  type?: CodedConcept;
  typeModifier?: CodedConcept;
  anatomicRegion?: CodedConcept;
  algorithmType: string;
  algorithmName?: string;
  /** Number of voxels of this segment on the CT grid. */
  voxelCount: number;
}

export interface SegReadResult {
  segments: SegmentInfo[];
  /** Segment numbers on the CT grid; where segments overlap, the higher segment number wins (use segmentMask for exact masks). */
  labels: ScalarVolume<Uint8Array>;
  /** Exact binary mask (0/1) of one segment on the CT grid. */
  segmentMask(segmentNumber: number): Uint8Array;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  studyInstanceUID: string;
  frameOfReferenceUID: string;
  patientId: string;
  referencedSeriesInstanceUID?: string;
}

/** What the SEG must belong to, besides the CT's Frame of Reference (each checked only when given). */
export interface SegExpectation {
  patientId?: string;
  studyInstanceUID?: string;
}

function readCode(item: NaturalDataset | undefined): CodedConcept | undefined {
  if (!item) return undefined;
  const codeValue = str(item, 'CodeValue');
  const scheme = str(item, 'CodingSchemeDesignator');
  if (!codeValue || !scheme) return undefined;
  return { codeValue, codingSchemeDesignator: scheme, codeMeaning: str(item, 'CodeMeaning') ?? '' };
}

/**
 * Reads a BINARY SEG onto the grid of a CT volume (same Frame of Reference, orientation, matrix and slice positions),
 * and, when `expect` gives them, of the same patient (Patient ID) and study.
 */
export function readSeg(input: ArrayBuffer | Uint8Array, ctGeometry: VolumeGeometry, name = 'SEG', expect: SegExpectation = {}): SegReadResult {
  const { dataset } = readDicomFile(input, name);
  if (str(dataset, 'SOPClassUID') !== SEGMENTATION_STORAGE) throw new DicomInputError('NOT_SEGMENTATION', `${name}: not a DICOM Segmentation (SOP Class ${str(dataset, 'SOPClassUID') ?? 'missing'})`);
  const patientId = str(dataset, 'PatientID') ?? '';
  if (expect.patientId !== undefined && patientId !== expect.patientId) {
    throw new DicomInputError('PATIENT_MISMATCH', `${name}: belongs to another patient (Patient ID "${patientId}", expected "${expect.patientId}")`);
  }
  const studyUID = str(dataset, 'StudyInstanceUID') ?? '';
  if (expect.studyInstanceUID !== undefined && studyUID !== expect.studyInstanceUID) {
    throw new DicomInputError('STUDY_MISMATCH', `${name}: belongs to another study (${studyUID || '(missing)'}, expected ${expect.studyInstanceUID})`);
  }
  if (str(dataset, 'SegmentationType') !== 'BINARY') throw new DicomInputError('UNSUPPORTED', `${name}: only BINARY segmentations are supported (got ${str(dataset, 'SegmentationType')})`);
  const forUID = str(dataset, 'FrameOfReferenceUID') ?? '';
  if (ctGeometry.frameOfReferenceUID && forUID !== ctGeometry.frameOfReferenceUID) {
    throw new DicomInputError('FRAME_OF_REFERENCE_MISMATCH', `${name}: Frame of Reference ${forUID || '(missing)'} differs from the CT's ${ctGeometry.frameOfReferenceUID}`);
  }
  const [nx, ny, nz] = ctGeometry.dimensions;
  const rows = num(dataset, 'Rows');
  const cols = num(dataset, 'Columns');
  if (rows !== ny || cols !== nx) throw new DicomInputError('INCONSISTENT_GEOMETRY', `${name}: matrix ${cols}×${rows} differs from the CT's ${nx}×${ny}`);
  const nFrames = num(dataset, 'NumberOfFrames') ?? 1;
  const shared = seq(dataset, 'SharedFunctionalGroupsSequence')[0];
  const perFrame = seq(dataset, 'PerFrameFunctionalGroupsSequence');
  if (perFrame.length !== nFrames) throw new DicomInputError('CORRUPT', `${name}: ${perFrame.length} per-frame functional groups for ${nFrames} frames`);
  const group = (frame: NaturalDataset, key: string): NaturalDataset | undefined => seq(frame, key)[0] ?? (shared ? seq(shared, key)[0] : undefined);

  const [d0, d1, d2] = ctGeometry.direction;
  const sliceSize = nx * ny;
  const bytes = pixelBytes(dataset);
  if (!bytes || bytes.byteLength * 8 < nFrames * sliceSize) throw new DicomInputError('CORRUPT', `${name}: pixel data shorter than ${nFrames} frames of ${cols}×${rows} bits`);
  const frameSlice: Array<{ segment: number; k: number }> = [];
  perFrame.forEach((frame, f) => {
    const orient = nums(group(frame, 'PlaneOrientationSequence') ?? {}, 'ImageOrientationPatient');
    if (!orient || orient.length < 6) throw new DicomInputError('MISSING_GEOMETRY', `${name}: frame ${f + 1} has no Image Orientation (Patient)`);
    const want = [...d0, ...d1];
    if (orient.some((v, i) => Math.abs(v - want[i]) > 1e-4)) throw new DicomInputError('INCONSISTENT_GEOMETRY', `${name}: frame ${f + 1} orientation differs from the CT`);
    const pos = nums(group(frame, 'PlanePositionSequence') ?? {}, 'ImagePositionPatient');
    if (!pos || pos.length < 3) throw new DicomInputError('MISSING_GEOMETRY', `${name}: frame ${f + 1} has no Image Position (Patient)`);
    const rel: Vec3 = [pos[0] - ctGeometry.originMm[0], pos[1] - ctGeometry.originMm[1], pos[2] - ctGeometry.originMm[2]];
    const inPlane = Math.hypot(rel[0] * d0[0] + rel[1] * d0[1] + rel[2] * d0[2], rel[0] * d1[0] + rel[1] * d1[1] + rel[2] * d1[2]);
    const kf = (rel[0] * d2[0] + rel[1] * d2[1] + rel[2] * d2[2]) / ctGeometry.spacingMm[2];
    const k = Math.round(kf);
    if (inPlane > 0.01 || Math.abs(kf - k) > 0.01 || k < 0 || k >= nz) {
      throw new DicomInputError('INCONSISTENT_GEOMETRY', `${name}: frame ${f + 1} at ${pos.join('\\')} is not on a slice of the CT grid`);
    }
    const segment = num(group(frame, 'SegmentIdentificationSequence') ?? {}, 'ReferencedSegmentNumber');
    if (segment === undefined) throw new DicomInputError('CORRUPT', `${name}: frame ${f + 1} has no Referenced Segment Number`);
    frameSlice.push({ segment, k });
  });

  const bitAt = (b: number): number => (bytes[b >> 3] >> (b & 7)) & 1;
  const segments: SegmentInfo[] = seq(dataset, 'SegmentSequence').map((item) => {
    const typeItem = seq(item, 'SegmentedPropertyTypeCodeSequence')[0];
    return {
      segmentNumber: num(item, 'SegmentNumber') ?? 0,
      label: str(item, 'SegmentLabel') ?? '',
      description: str(item, 'SegmentDescription'),
      category: readCode(seq(item, 'SegmentedPropertyCategoryCodeSequence')[0]),
      type: readCode(typeItem),
      typeModifier: typeItem ? readCode(seq(typeItem, 'SegmentedPropertyTypeModifierCodeSequence')[0]) : undefined,
      anatomicRegion: readCode(seq(item, 'AnatomicRegionSequence')[0]),
      algorithmType: str(item, 'SegmentAlgorithmType') ?? '',
      algorithmName: str(item, 'SegmentAlgorithmName'),
      voxelCount: 0,
    };
  });
  if (segments.some((s) => s.segmentNumber > 255)) throw new DicomInputError('UNSUPPORTED', `${name}: more than 255 segments`);
  const bySegment = new Map(segments.map((s) => [s.segmentNumber, s]));
  const labelData = new Uint8Array(sliceSize * nz);
  frameSlice.forEach((fs, f) => {
    const seg = bySegment.get(fs.segment);
    if (!seg) throw new DicomInputError('CORRUPT', `${name}: frame ${f + 1} references undeclared segment ${fs.segment}`);
    const base = fs.k * sliceSize;
    const bitBase = f * sliceSize;
    for (let p = 0; p < sliceSize; p++) {
      if (bitAt(bitBase + p)) {
        seg.voxelCount++;
        if (fs.segment > labelData[base + p]) labelData[base + p] = fs.segment;
      }
    }
  });
  const referenced = seq(dataset, 'ReferencedSeriesSequence')[0];
  return {
    segments,
    labels: { geometry: { ...ctGeometry }, data: labelData },
    segmentMask(segmentNumber: number): Uint8Array {
      const mask = new Uint8Array(sliceSize * nz);
      frameSlice.forEach((fs, f) => {
        if (fs.segment !== segmentNumber) return;
        const base = fs.k * sliceSize;
        const bitBase = f * sliceSize;
        for (let p = 0; p < sliceSize; p++) if (bitAt(bitBase + p)) mask[base + p] = 1;
      });
      return mask;
    },
    sopInstanceUID: str(dataset, 'SOPInstanceUID') ?? '',
    seriesInstanceUID: str(dataset, 'SeriesInstanceUID') ?? '',
    studyInstanceUID: studyUID,
    frameOfReferenceUID: forUID,
    patientId,
    referencedSeriesInstanceUID: referenced ? str(referenced, 'SeriesInstanceUID') : undefined,
  };
}
