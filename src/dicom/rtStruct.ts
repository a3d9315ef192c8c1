/**
 * RT Structure Set (PS3.3 A.19): structures as closed planar contours per CT slice (derived from label masks,
 * exact to the voxel, see contours.ts), needles as two-point open non-planar contours (entry → tip), and the
 * references to the planning CT (Structure Set module C.8.8.5, ROI Contour C.8.8.6, RT ROI Observations C.8.8.8).
 */
import type { NaturalDataset } from 'dcmjs';
import { patientToVoxel, voxelToPatient, type Vec3, type VolumeGeometry } from '../geometry/volume';
import type { ReferencedCtSeries } from './seg';
import { ds, nums, seq, str } from './dataset';
import { maskToPolygons, polygonsToMask, type PixelPolygon } from './contours';
import {
  checkIdentity,
  commonAttributes,
  clip,
  DicomObjectError,
  guardReader,
  readRtFile,
  requireNum,
  requireSeq,
  requireStr,
  RT_STRUCTURE_SET_STORAGE,
  STUDY_COMPONENT_SOP_CLASS,
  writeRtFile,
  type ExpectedContext,
  type RtSeriesInfo,
} from './rtCommon';

/** The planning CT: what RT objects reference, with its voxel grid. */
export interface PlanningCt extends ReferencedCtSeries {
  geometry: VolumeGeometry;
}

/** RT ROI Interpreted Type (3006,00A4) defined terms used here (PS3.3 C.8.8.8.1). */
export type RoiInterpretedType = 'EXTERNAL' | 'PTV' | 'CTV' | 'GTV' | 'ORGAN' | 'AVOIDANCE' | 'CONTROL' | 'MARKER' | 'BRACHY_SRC_APP' | 'BRACHY_CHANNEL' | 'BRACHY_ACCESSORY' | '';

/** One ROI to write: a volume (mask on the CT grid) or a line (needle). */
export interface RtRoiDefinition {
  /** ROI Number (3006,0022), unique, ≥ 1. */
  number: number;
  /** ROI Name (3006,0026), LO ≤ 64. */
  name: string;
  /** ROI Description (3006,0028), ST ≤ 1024. */
  description?: string;
  colorRgb: [number, number, number];
  interpretedType: RoiInterpretedType;
  generationAlgorithm: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
  /** Binary mask on the CT grid (non-zero = inside): written as CLOSED_PLANAR contours per slice. */
  mask?: ArrayLike<number>;
  /** Polyline in patient mm: written as one OPEN_NONPLANAR contour. */
  polylineMm?: Vec3[];
}

export interface RtStructInfo extends RtSeriesInfo {
  /** Structure Set Label (3006,0002), SH ≤ 16. */
  label: string;
  /** Structure Set Name (3006,0004), LO ≤ 64. */
  name: string;
}

type Contour = { type: 'CLOSED_PLANAR' | 'OPEN_PLANAR' | 'OPEN_NONPLANAR' | 'POINT'; pointsMm: Vec3[]; referencedSopInstanceUID?: string };

/** Closed planar contours of a mask on an axial CT grid, slice by slice, in patient mm. */
export function maskToContours(mask: ArrayLike<number>, g: VolumeGeometry): Array<{ k: number; pointsMm: Vec3[] }> {
  const [nx, ny, nz] = g.dimensions;
  const out: Array<{ k: number; pointsMm: Vec3[] }> = [];
  const slice = new Uint8Array(nx * ny);
  for (let k = 0; k < nz; k++) {
    let any = false;
    const base = k * nx * ny;
    for (let p = 0; p < nx * ny; p++) {
      const v = mask[base + p] ? 1 : 0;
      slice[p] = v;
      any ||= v === 1;
    }
    if (!any) continue;
    for (const poly of maskToPolygons(slice, nx, ny)) {
      const pts: Vec3[] = [];
      for (let q = 0; q < poly.length; q += 2) pts.push(voxelToPatient(g, poly[q], poly[q + 1], k));
      out.push({ k, pointsMm: pts });
    }
  }
  return out;
}

/** Writes an RT Structure Set referencing the planning CT. */
export function writeRtStruct(rois: readonly RtRoiDefinition[], ct: PlanningCt, info: RtStructInfo): { bytes: ArrayBuffer; sopInstanceUID: string } {
  const seen = new Set<number>();
  for (const r of rois) {
    if (!Number.isInteger(r.number) || r.number < 1 || seen.has(r.number)) throw new Error(`writeRtStruct: ROI number ${r.number} is not a unique positive integer`);
    seen.add(r.number);
  }
  const g = ct.geometry;
  if (ct.sopInstanceUIDs.length !== g.dimensions[2]) throw new Error('writeRtStruct: the CT has a different number of slice UIDs than slices');
  const fmt = (pts: Vec3[]): string[] => pts.flatMap((p) => p.map(ds));
  const imageRef = (k: number): NaturalDataset => ({ ReferencedSOPClassUID: ct.sopClassUID, ReferencedSOPInstanceUID: ct.sopInstanceUIDs[k] });
  const dataset: NaturalDataset = {
    ...commonAttributes(ct.study, info, RT_STRUCTURE_SET_STORAGE, 'RTSTRUCT'),
    FrameOfReferenceUID: ct.frameOfReferenceUID,
    PositionReferenceIndicator: '',
    // Structure Set module (C.8.8.5)
    StructureSetLabel: clip(info.label, 16),
    StructureSetName: clip(info.name, 64),
    StructureSetDate: info.contentDate,
    StructureSetTime: info.contentTime,
    ReferencedFrameOfReferenceSequence: [
      {
        FrameOfReferenceUID: ct.frameOfReferenceUID,
        RTReferencedStudySequence: [
          {
            ReferencedSOPClassUID: STUDY_COMPONENT_SOP_CLASS,
            ReferencedSOPInstanceUID: ct.study.studyInstanceUID,
            RTReferencedSeriesSequence: [
              { SeriesInstanceUID: ct.seriesInstanceUID, ContourImageSequence: ct.sopInstanceUIDs.map((_, k) => imageRef(k)) },
            ],
          },
        ],
      },
    ],
    StructureSetROISequence: rois.map((r) => ({
      ROINumber: String(r.number),
      ReferencedFrameOfReferenceUID: ct.frameOfReferenceUID,
      ROIName: clip(r.name, 64),
      ...(r.description ? { ROIDescription: clip(r.description, 1024) } : {}),
      ROIGenerationAlgorithm: r.generationAlgorithm,
    })),
    // ROI Contour module (C.8.8.6)
    ROIContourSequence: rois.map((r) => {
      const contours: NaturalDataset[] = [];
      if (r.mask) {
        for (const c of maskToContours(r.mask, g)) {
          contours.push({
            ContourImageSequence: [imageRef(c.k)],
            ContourGeometricType: 'CLOSED_PLANAR',
            NumberOfContourPoints: String(c.pointsMm.length),
            ContourNumber: String(contours.length + 1),
            ContourData: fmt(c.pointsMm),
          });
        }
      }
      if (r.polylineMm && r.polylineMm.length > 0) {
        contours.push({
          ContourGeometricType: r.polylineMm.length === 1 ? 'POINT' : 'OPEN_NONPLANAR',
          NumberOfContourPoints: String(r.polylineMm.length),
          ContourNumber: String(contours.length + 1),
          ContourData: fmt(r.polylineMm),
        });
      }
      return {
        ROIDisplayColor: r.colorRgb.map((c) => String(Math.max(0, Math.min(255, Math.round(c))))),
        ...(contours.length > 0 ? { ContourSequence: contours } : {}),
        ReferencedROINumber: String(r.number),
      };
    }),
    // RT ROI Observations module (C.8.8.8)
    RTROIObservationsSequence: rois.map((r, i) => ({
      ObservationNumber: String(i + 1),
      ReferencedROINumber: String(r.number),
      RTROIInterpretedType: r.interpretedType,
      ROIInterpreter: '',
    })),
    ApprovalStatus: 'UNAPPROVED',
  };
  return { bytes: writeRtFile(dataset, RT_STRUCTURE_SET_STORAGE, info.sopInstanceUID), sopInstanceUID: info.sopInstanceUID };
}

/** An ROI as read back. */
export interface RtRoi {
  number: number;
  name: string;
  description?: string;
  colorRgb?: [number, number, number];
  interpretedType: string;
  generationAlgorithm: string;
  contours: Contour[];
}

export interface RtStructReadResult {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  studyInstanceUID: string;
  patientId: string;
  seriesDescription: string;
  frameOfReferenceUID: string;
  /** CT series the contours were drawn on (RT Referenced Series), when given. */
  referencedSeriesInstanceUID?: string;
  label: string;
  rois: RtRoi[];
}

/** Reads an RT Structure Set; throws DicomObjectError with a specific code for unusable objects. */
export function readRtStruct(input: ArrayBuffer | Uint8Array, expected: ExpectedContext = {}, name = 'RT Structure Set'): RtStructReadResult {
  return guardReader(name, () => {
    const { dataset } = readRtFile(input, name);
    const refFors = seq(dataset, 'ReferencedFrameOfReferenceSequence');
    const forUID = refFors.length > 0 ? str(refFors[0], 'FrameOfReferenceUID') ?? '' : '';
    checkIdentity(dataset, name, RT_STRUCTURE_SET_STORAGE, 'RT Structure Set', expected, forUID);
    if (!forUID) throw new DicomObjectError('MISSING_ATTRIBUTE', `${name}: missing ReferencedFrameOfReferenceSequence (3006,0010) / FrameOfReferenceUID`);
    const refSeries = seq(seq(refFors[0], 'RTReferencedStudySequence')[0] ?? {}, 'RTReferencedSeriesSequence')[0];
    const roiItems = requireSeq(dataset, 'StructureSetROISequence', '(3006,0020)', name);
    const contourItems = seq(dataset, 'ROIContourSequence');
    const observations = seq(dataset, 'RTROIObservationsSequence');
    const rois: RtRoi[] = roiItems.map((item, i) => {
      const where = `${name}: StructureSetROISequence item ${i + 1}`;
      const number = requireNum(item, 'ROINumber', '(3006,0022)', where);
      const roiFor = str(item, 'ReferencedFrameOfReferenceUID');
      if (roiFor && roiFor !== forUID) throw new DicomObjectError('FRAME_OF_REFERENCE_MISMATCH', `${where}: ROI "${str(item, 'ROIName') ?? number}" is in Frame of Reference ${roiFor}, not ${forUID}`);
      const contourItem = contourItems.find((c) => num0(c, 'ReferencedROINumber') === number);
      const obs = observations.find((o) => num0(o, 'ReferencedROINumber') === number);
      const colour = contourItem ? nums(contourItem, 'ROIDisplayColor') : undefined;
      const contours: Contour[] = contourItem
        ? seq(contourItem, 'ContourSequence').map((c, ci) => {
            const cw = `${name}: ROI ${number} contour ${ci + 1}`;
            const type = requireStr(c, 'ContourGeometricType', '(3006,0042)', cw);
            if (type !== 'CLOSED_PLANAR' && type !== 'OPEN_PLANAR' && type !== 'OPEN_NONPLANAR' && type !== 'POINT') {
              throw new DicomObjectError('INVALID_VALUE', `${cw}: unknown Contour Geometric Type "${type}"`);
            }
            const data = nums(c, 'ContourData');
            if (!data || data.length < 3 || data.length % 3 !== 0) throw new DicomObjectError('INVALID_VALUE', `${cw}: Contour Data (3006,0050) is missing or not a list of x\\y\\z triplets`);
            const declared = num0(c, 'NumberOfContourPoints');
            if (declared !== undefined && declared !== data.length / 3) {
              throw new DicomObjectError('CORRUPT', `${cw}: Number of Contour Points ${declared} but ${data.length / 3} points in Contour Data`);
            }
            const pointsMm: Vec3[] = [];
            for (let p = 0; p < data.length; p += 3) pointsMm.push([data[p], data[p + 1], data[p + 2]]);
            const ref = str(seq(c, 'ContourImageSequence')[0] ?? {}, 'ReferencedSOPInstanceUID');
            return { type, pointsMm, ...(ref ? { referencedSopInstanceUID: ref } : {}) };
          })
        : [];
      const description = str(item, 'ROIDescription');
      return {
        number,
        name: str(item, 'ROIName') ?? '',
        ...(description ? { description } : {}),
        ...(colour && colour.length >= 3 ? { colorRgb: [colour[0], colour[1], colour[2]] as [number, number, number] } : {}),
        interpretedType: obs ? str(obs, 'RTROIInterpretedType') ?? '' : '',
        generationAlgorithm: str(item, 'ROIGenerationAlgorithm') ?? '',
        contours,
      };
    });
    const refSeriesUID = refSeries ? str(refSeries, 'SeriesInstanceUID') : undefined;
    return {
      sopInstanceUID: requireStr(dataset, 'SOPInstanceUID', '(0008,0018)', name),
      seriesInstanceUID: requireStr(dataset, 'SeriesInstanceUID', '(0020,000E)', name),
      studyInstanceUID: requireStr(dataset, 'StudyInstanceUID', '(0020,000D)', name),
      patientId: str(dataset, 'PatientID') ?? '',
      seriesDescription: str(dataset, 'SeriesDescription') ?? '',
      frameOfReferenceUID: forUID,
      ...(refSeriesUID ? { referencedSeriesInstanceUID: refSeriesUID } : {}),
      label: str(dataset, 'StructureSetLabel') ?? '',
      rois,
    };
  });
}

function num0(ds: NaturalDataset, key: string): number | undefined {
  const v = nums(ds, key);
  return v ? v[0] : undefined;
}

/**
 * Rasterises the closed planar contours of an ROI onto an axial grid (even-odd per slice, pixel centres).
 * Throws INVALID_VALUE when a contour is not on a slice of the grid.
 */
export function roiToMask(roi: RtRoi, g: VolumeGeometry): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const bySlice = new Map<number, PixelPolygon[]>();
  roi.contours.forEach((c, ci) => {
    if (c.type !== 'CLOSED_PLANAR') return;
    const poly: PixelPolygon = [];
    let k = -1;
    for (const p of c.pointsMm) {
      const [u, v, w] = patientToVoxel(g, p);
      const kk = Math.round(w);
      if (Math.abs(w - kk) > 0.01 || (k >= 0 && kk !== k)) {
        throw new DicomObjectError('INVALID_VALUE', `ROI ${roi.number} "${roi.name}" contour ${ci + 1} is not in the plane of a CT slice`);
      }
      k = kk;
      poly.push(u, v);
    }
    if (k < 0 || k >= nz) return; // outside the grid: nothing to fill
    const list = bySlice.get(k);
    if (list) list.push(poly);
    else bySlice.set(k, [poly]);
  });
  const mask = new Uint8Array(nx * ny * nz);
  for (const [k, polys] of bySlice) mask.set(polygonsToMask(polys, nx, ny), k * nx * ny);
  return mask;
}
