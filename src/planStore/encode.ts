/**
 * A plan as four DICOM objects (SEG, RT Structure Set, RT Plan, RT Dose) and back. Pure: no network, no files.
 *
 * UIDs: every save has a fresh RT Plan SOP Instance UID; the series and instance UIDs of the other three objects
 * (and the RT Plan's series) are derived from it by name ({@link planObjectUids}), so a store can tell from the
 * RT Plan alone which objects must exist for the plan to be complete, and re-sending the same encoded plan after
 * a failure never creates duplicate series.
 */
import type { ScalarVolume, Vec3, VolumeGeometry } from '../geometry/volume';
import { patientToVoxel, voxelToPatient } from '../geometry/volume';
import { NEEDLE_OUTER_DIAMETER_MM, PLAN_SCHEMA_VERSION, type DoseConstraint, type Needle, type NeedleGauge, type Plan, type Seed, type StructureRef, type StructureRole } from '../planning/plan';
import { writeSeg, readSeg, type SegmentDefinition, type SegmentInfo } from '../dicom/seg';
import { randomUid, uidFromName } from '../dicom/uid';
import { ds } from '../dicom/dataset';
import { DicomObjectError, guardReader, type ExpectedContext, type RtSeriesInfo } from '../dicom/rtCommon';
import { readRtStruct, roiToMask, writeRtStruct, type PlanningCt, type RtRoiDefinition, type RtStructReadResult } from '../dicom/rtStruct';
import { constraintExtras, interpretedTypeForRole, needleExtras, readRtPlan, writeRtPlan, type RtPlanReadResult } from '../dicom/rtPlan';
import { cumulativeDvh, readRtDose, writeRtDose, type CumulativeDvh, type RtDoseReadResult } from '../dicom/rtDose';

/** Everything a saved plan consists of. Masks and dose are on the planning CT grid / the dose grid. */
export interface PlanBundle {
  plan: Plan;
  ct: PlanningCt;
  segmentation: { labels: ScalarVolume<Uint8Array | Uint16Array>; segments: SegmentDefinition[] };
  dose: { geometry: VolumeGeometry; doseGy: Float32Array };
}

/** UIDs of the four objects of one saved plan. */
export interface PlanObjectUids {
  rtPlanSopInstanceUID: string;
  rtPlanSeriesInstanceUID: string;
  segSeriesInstanceUID: string;
  segSopInstanceUID: string;
  rtStructSeriesInstanceUID: string;
  rtStructSopInstanceUID: string;
  rtDoseSeriesInstanceUID: string;
  rtDoseSopInstanceUID: string;
}

/** The kinds of object in a plan, in the order they are stored (RT Plan last). */
export const PLAN_OBJECT_KINDS = ['seg', 'rtstruct', 'rtdose', 'rtplan'] as const;
export type PlanObjectKind = (typeof PLAN_OBJECT_KINDS)[number];
export const PLAN_OBJECT_NAMES: Readonly<Record<PlanObjectKind, string>> = { seg: 'SEG', rtstruct: 'RT Structure Set', rtdose: 'RT Dose', rtplan: 'RT Plan' };

/** A plan encoded as DICOM Part 10 files. */
export interface EncodedPlan {
  studyInstanceUID: string;
  uids: PlanObjectUids;
  files: Record<PlanObjectKind, Uint8Array>;
}

/** Series Description prefix of every PVPI plan series; listPlans finds plans by it. */
export const PLAN_SERIES_PREFIX = 'PVPI plan ';
const SERIES_SUFFIX: Record<PlanObjectKind, string> = {
  seg: ' - segmentation (SEG)',
  rtstruct: ' - structures (RT Structure Set)',
  rtplan: ' - seeds (RT Plan)',
  rtdose: ' - dose (RT Dose)',
};

/** "PVPI plan <name> - seeds (RT Plan)", clipped to LO's 64 characters by shortening the name. */
export function planSeriesDescription(planName: string, kind: PlanObjectKind): string {
  const room = 64 - PLAN_SERIES_PREFIX.length - SERIES_SUFFIX[kind].length;
  const name = planName.length > room ? planName.slice(0, room - 1) + '~' : planName;
  return PLAN_SERIES_PREFIX + name + SERIES_SUFFIX[kind];
}

/** Plan name from a series description written by {@link planSeriesDescription}, or undefined. */
export function planNameFromSeriesDescription(description: string, kind: PlanObjectKind = 'rtplan'): string | undefined {
  if (!description.startsWith(PLAN_SERIES_PREFIX) || !description.endsWith(SERIES_SUFFIX[kind])) return undefined;
  return description.slice(PLAN_SERIES_PREFIX.length, description.length - SERIES_SUFFIX[kind].length);
}

/** The UIDs of a plan's objects, all derived from its RT Plan SOP Instance UID. */
export function planObjectUids(rtPlanSopInstanceUID: string): PlanObjectUids {
  const u = (what: string): string => uidFromName(`pvpi-plan/${rtPlanSopInstanceUID}/${what}`);
  return {
    rtPlanSopInstanceUID,
    rtPlanSeriesInstanceUID: u('rtplan-series'),
    segSeriesInstanceUID: u('seg-series'),
    segSopInstanceUID: u('seg-instance'),
    rtStructSeriesInstanceUID: u('rtstruct-series'),
    rtStructSopInstanceUID: u('rtstruct-instance'),
    rtDoseSeriesInstanceUID: u('rtdose-series'),
    rtDoseSopInstanceUID: u('rtdose-instance'),
  };
}

export interface EncodeOptions {
  /** RT Plan SOP Instance UID (default: a new random UID). Pass the same one to re-create identical objects. */
  rtPlanSopInstanceUID?: string;
  /** Creation date-time (ISO 8601; default: the plan's modifiedDateTime). */
  nowDateTime?: string;
  /** Series Number of the SEG; the others follow (+1, +2, +3). Default 9001. */
  seriesNumber?: number;
  /** Bits per RT Dose voxel: 16 (default; dciodvfy validates it) or 32 (finer scaling; dicom3tools cannot parse 32-bit OW pixel data). */
  doseBits?: 16 | 32;
  reviewerName?: string;
  softwareVersions?: string;
}

const isLesionSegment = (s: SegmentDefinition | undefined): boolean => s !== undefined && (s.type.codeValue === '14799000' || s.type.codeValue === '52988006' || /lesion|tumou?r|metasta/i.test(s.label));

function segmentMask(labels: ScalarVolume<Uint8Array | Uint16Array>, seg: SegmentDefinition): Uint8Array {
  const wanted = new Set(seg.labelValues);
  const out = new Uint8Array(labels.data.length);
  for (let i = 0; i < out.length; i++) if (wanted.has(labels.data[i])) out[i] = 1;
  return out;
}

function sameGrid(a: VolumeGeometry, b: VolumeGeometry): boolean {
  const close = (x: number, y: number): boolean => Math.abs(x - y) < 1e-6;
  return a.dimensions.every((n, i) => n === b.dimensions[i]) && a.spacingMm.every((s, i) => close(s, b.spacingMm[i])) && a.originMm.every((o, i) => close(o, b.originMm[i])) && a.direction.every((d, i) => d.every((v, j) => close(v, b.direction[i][j])));
}

/** Dose (Gy) at the CT voxels of a mask: direct when the grids coincide, else trilinear in the dose grid (0 outside). */
export function doseAtMaskVoxels(mask: Uint8Array, ct: VolumeGeometry, dose: { geometry: VolumeGeometry; doseGy: Float32Array }): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) idx.push(i);
  const out = new Float64Array(idx.length);
  if (sameGrid(ct, dose.geometry)) {
    idx.forEach((v, n) => (out[n] = dose.doseGy[v]));
    return out;
  }
  const [nx, ny] = ct.dimensions;
  const g = dose.geometry;
  const [dx, dy, dz] = g.dimensions;
  idx.forEach((v, n) => {
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    const [x, y, z] = patientToVoxel(g, voxelToPatient(ct, i, j, k));
    if (x < -1e-6 || y < -1e-6 || z < -1e-6 || x > dx - 1 + 1e-6 || y > dy - 1 + 1e-6 || z > dz - 1 + 1e-6) return;
    const i0 = Math.min(Math.max(0, Math.floor(x)), Math.max(0, dx - 2));
    const j0 = Math.min(Math.max(0, Math.floor(y)), Math.max(0, dy - 2));
    const k0 = Math.min(Math.max(0, Math.floor(z)), Math.max(0, dz - 2));
    let acc = 0;
    for (let c = 0; c < 8; c++) {
      const ii = Math.min(dx - 1, i0 + (c & 1));
      const jj = Math.min(dy - 1, j0 + ((c >> 1) & 1));
      const kk = Math.min(dz - 1, k0 + ((c >> 2) & 1));
      const w = (c & 1 ? x - i0 : 1 - (x - i0)) * ((c >> 1) & 1 ? y - j0 : 1 - (y - j0)) * ((c >> 2) & 1 ? z - k0 : 1 - (z - k0));
      if (w !== 0) acc += w * dose.doseGy[ii + dx * (jj + dy * kk)];
    }
    out[n] = Math.max(0, acc);
  });
  return out;
}

/** DVH bin width (Gy): 0.1 Gy steps for ordinary doses, coarser so that no DVH has more than 2000 bins. */
export function dvhBinWidthGy(maxDoseGy: number): number {
  const w = Math.max(0.1, maxDoseGy / 2000);
  const p = Math.pow(10, Math.floor(Math.log10(w)));
  const m = w / p;
  return Number(ds((m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p));
}

function needleDescription(n: Needle): string {
  const parts = [`${n.gauge}G ${n.approach} needle`, n.side !== 'other' ? n.side : '', `outer diameter ${n.outerDiameterMm} mm`];
  let text = parts.filter(Boolean).join(', ');
  if (n.override) text += `; constraint override: ${n.override.reason}${n.override.by ? ` (by ${n.override.by}` : ' ('}${n.override.by ? ', ' : ''}${n.override.atDateTime})`;
  return text;
}

/** Encodes a plan bundle as SEG, RT Structure Set, RT Plan and RT Dose. */
export function encodePlan(bundle: PlanBundle, options: EncodeOptions = {}): EncodedPlan {
  const { plan, ct, segmentation, dose } = bundle;
  const g = ct.geometry;
  if (segmentation.labels.data.length !== g.dimensions[0] * g.dimensions[1] * g.dimensions[2]) throw new Error('encodePlan: the segmentation is not on the planning CT grid');
  if (plan.references.frameOfReferenceUID && plan.references.frameOfReferenceUID !== ct.frameOfReferenceUID) {
    throw new Error(`encodePlan: the plan was made on Frame of Reference ${plan.references.frameOfReferenceUID}, not on this CT's ${ct.frameOfReferenceUID}`);
  }
  const uids = planObjectUids(options.rtPlanSopInstanceUID ?? randomUid());
  const now = options.nowDateTime ?? plan.modifiedDateTime;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(now);
  const contentDate = m ? `${m[1]}${m[2]}${m[3]}` : '';
  const contentTime = m ? `${m[4]}${m[5]}${m[6]}` : '';
  const base = options.seriesNumber ?? 9001;
  const equipment = { manufacturer: 'PVPI Planner', manufacturerModelName: 'PVPI Planner', softwareVersions: options.softwareVersions ?? '0.1.0', deviceSerialNumber: '1', contentDate, contentTime };
  const info = (kind: PlanObjectKind, seriesInstanceUID: string, sopInstanceUID: string, seriesNumber: number): RtSeriesInfo => ({
    ...equipment,
    seriesInstanceUID,
    sopInstanceUID,
    seriesNumber,
    seriesDescription: planSeriesDescription(plan.name, kind),
  });

  // SEG
  const seg = writeSeg(segmentation.labels, segmentation.segments, ct, {
    ...equipment,
    seriesInstanceUID: uids.segSeriesInstanceUID,
    sopInstanceUID: uids.segSopInstanceUID,
    seriesNumber: base,
    seriesDescription: planSeriesDescription(plan.name, 'seg'),
    contentLabel: 'PVPI_PLAN',
    contentDescription: `Segmentation of PVPI plan ${plan.name}`.slice(0, 64),
    contentCreatorName: '',
    dimensionOrganizationUID: uidFromName(`pvpi-plan/${uids.rtPlanSopInstanceUID}/seg-dimension-organization`),
  });

  // RT Structure Set: one ROI per segment (ROI number = segment number), then one line ROI per needle.
  const masks = segmentation.segments.map((s) => segmentMask(segmentation.labels, s));
  const structureBySegment = new Map(plan.structures.map((s) => [s.segmentNumber, s]));
  const rois: RtRoiDefinition[] = segmentation.segments.map((s, i) => {
    const ref = structureBySegment.get(i + 1);
    const role: StructureRole = ref?.role ?? (isLesionSegment(s) ? 'target' : 'other');
    return {
      number: i + 1,
      name: ref?.label ?? s.label,
      ...(s.description ? { description: s.description } : {}),
      colorRgb: ref?.colorRgb ?? s.rgb ?? [200, 200, 200],
      interpretedType: interpretedTypeForRole(role, isLesionSegment(s)),
      generationAlgorithm: s.algorithmType === 'MANUAL' ? 'MANUAL' : s.algorithmType === 'SEMIAUTOMATIC' ? 'SEMIAUTOMATIC' : 'AUTOMATIC',
      mask: masks[i],
    };
  });
  const roiNumberByNeedleId = new Map<string, number>();
  plan.needles.forEach((n, i) => {
    const number = segmentation.segments.length + i + 1;
    roiNumberByNeedleId.set(n.id, number);
    rois.push({ number, name: n.label, description: needleDescription(n), colorRgb: [255, 255, 0], interpretedType: 'BRACHY_SRC_APP', generationAlgorithm: 'MANUAL', polylineMm: [n.entryMm, n.tipMm] });
  });
  const rtstruct = writeRtStruct(rois, ct, {
    ...info('rtstruct', uids.rtStructSeriesInstanceUID, uids.rtStructSopInstanceUID, base + 1),
    label: 'PVPI',
    name: `PVPI plan ${plan.name}`,
  });
  const roiNumberByStructureLabel = new Map<string, number>();
  rois.forEach((r) => {
    if (r.interpretedType !== 'BRACHY_SRC_APP' && !roiNumberByStructureLabel.has(r.name)) roiNumberByStructureLabel.set(r.name, r.number);
  });

  // RT Plan
  const rtplan = writeRtPlan(plan, ct, { structureSetSopInstanceUID: uids.rtStructSopInstanceUID, roiNumberByStructureLabel, roiNumberByNeedleId }, {
    ...info('rtplan', uids.rtPlanSeriesInstanceUID, uids.rtPlanSopInstanceUID, base + 2),
    ...(options.reviewerName ? { reviewerName: options.reviewerName } : {}),
  });

  // RT Dose with a cumulative DVH per structure (segment).
  const voxelCm3 = (g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]) / 1000;
  let maxDose = 0;
  for (let i = 0; i < dose.doseGy.length; i++) if (dose.doseGy[i] > maxDose) maxDose = dose.doseGy[i];
  const binWidth = dvhBinWidthGy(maxDose);
  const dvhs: CumulativeDvh[] = masks.map((mask, i) => cumulativeDvh(i + 1, doseAtMaskVoxels(mask, g, dose), voxelCm3, binWidth));
  const rtdose = writeRtDose({ geometry: dose.geometry, doseGy: dose.doseGy, dvhs, bitsAllocated: options.doseBits ?? 16 }, ct, {
    rtPlanSopInstanceUID: uids.rtPlanSopInstanceUID,
    structureSetSopInstanceUID: uids.rtStructSopInstanceUID,
  }, info('rtdose', uids.rtDoseSeriesInstanceUID, uids.rtDoseSopInstanceUID, base + 3));

  return {
    studyInstanceUID: ct.study.studyInstanceUID,
    uids,
    files: { seg: new Uint8Array(seg.bytes), rtstruct: new Uint8Array(rtstruct.bytes), rtplan: new Uint8Array(rtplan.bytes), rtdose: new Uint8Array(rtdose.bytes) },
  };
}

/** A plan decoded from its four objects. */
export interface DecodedPlan {
  plan: Plan;
  uids: PlanObjectUids;
  /** Segments with exact masks on the CT grid (from the SEG). */
  segments: Array<SegmentInfo & { mask: Uint8Array }>;
  structureSet: RtStructReadResult;
  rtPlan: RtPlanReadResult;
  dose: { geometry: VolumeGeometry; doseGy: Float32Array; doseGridScaling: number; dvhs: CumulativeDvh[] };
  /** Non-fatal problems (e.g. channels without positions in a foreign plan). */
  warnings: string[];
}

const unit = (v: Vec3): Vec3 => {
  const L = Math.hypot(v[0], v[1], v[2]);
  return L > 0 ? [v[0] / L, v[1] / L, v[2] / L] : [0, 0, 1];
};

function isVec3(v: unknown): v is Vec3 {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Builds the plan model from a read RT Plan and RT Structure Set (works for foreign plans: no private data needed). */
export function planFromDicom(rtPlan: RtPlanReadResult, structureSet: RtStructReadResult, ct: { studyInstanceUID: string; seriesInstanceUID: string; frameOfReferenceUID: string; patientId?: string; patientName?: string }): Plan {
  const x = rtPlan.extras ?? {};
  const roiByNumber = new Map(structureSet.rois.map((r) => [r.number, r]));
  // Needles: line ROIs of interpreted type BRACHY_SRC_APP (entry = first point, tip = last).
  const needleExtra = new Map<number, NonNullable<ReturnType<typeof needleExtras>>>();
  if (Array.isArray(x['needles'])) for (const rec of x['needles']) {
    const e = needleExtras(rec);
    if (e?.roiNumber !== undefined) needleExtra.set(e.roiNumber, e);
  }
  const applicatorName = new Map<number, string>();
  for (const s of rtPlan.seeds) if (s.applicatorRoiNumber !== undefined && s.applicatorName) applicatorName.set(s.applicatorRoiNumber, s.applicatorName);
  const needles: Needle[] = [];
  const needleIdByRoi = new Map<number, string>();
  for (const roi of structureSet.rois) {
    if (roi.interpretedType !== 'BRACHY_SRC_APP') continue;
    const line = roi.contours.find((c) => c.pointsMm.length >= 2);
    if (!line) continue;
    const e = needleExtra.get(roi.number);
    const gaugeMatch = /\b(11|13|15)\s*G\b/.exec(`${applicatorName.get(roi.number) ?? ''} ${roi.description ?? ''}`);
    const gauge: NeedleGauge = e?.gauge ?? (gaugeMatch ? (Number(gaugeMatch[1]) as NeedleGauge) : 11);
    const id = e?.id ?? `needle-roi-${roi.number}`;
    needleIdByRoi.set(roi.number, id);
    needles.push({
      id,
      label: roi.name,
      entryMm: line.pointsMm[0],
      tipMm: line.pointsMm[line.pointsMm.length - 1],
      gauge,
      outerDiameterMm: e?.outerDiameterMm ?? NEEDLE_OUTER_DIAMETER_MM[gauge],
      side: e?.side ?? 'other',
      approach: e?.approach ?? 'transpedicular',
      findings: e?.findings ?? [],
      ...(e?.override ? { override: e.override } : {}),
    });
  }
  // Seeds: channel order.
  const seedExtra = new Map<number, { id: string; axis: Vec3; ownStrength: boolean }>();
  if (Array.isArray(x['seeds'])) for (const rec of x['seeds']) {
    if (typeof rec !== 'object' || rec === null) continue;
    const r = rec as Record<string, unknown>;
    if (typeof r['channelNumber'] === 'number' && typeof r['id'] === 'string' && isVec3(r['axis'])) seedExtra.set(r['channelNumber'], { id: r['id'], axis: r['axis'], ownStrength: r['ownStrength'] === true });
  }
  const source0 = rtPlan.sources[0];
  const usedIds = new Set<string>();
  const seeds: Seed[] = rtPlan.seeds.map((s, i) => {
    const e = seedExtra.get(s.channelNumber);
    const needleId = s.applicatorRoiNumber !== undefined ? needleIdByRoi.get(s.applicatorRoiNumber) : undefined;
    const needle = needleId !== undefined ? needles.find((n) => n.id === needleId) : undefined;
    let id = e && !usedIds.has(e.id) ? e.id : `seed-${s.channelNumber}`;
    if (usedIds.has(id)) id = `seed-${s.channelNumber}-${i + 1}`;
    usedIds.add(id);
    const axis = e?.axis ?? s.axis ?? (needle ? unit([needle.tipMm[0] - needle.entryMm[0], needle.tipMm[1] - needle.entryMm[1], needle.tipMm[2] - needle.entryMm[2]]) : [0, 0, 1]);
    const own = e ? e.ownStrength : s.airKermaStrengthU !== source0.airKermaStrengthU;
    return { id, positionMm: s.positionMm, axis, ...(needleId !== undefined ? { needleId } : {}), ...(own ? { airKermaStrengthU: s.airKermaStrengthU } : {}) };
  });
  // Prescription and structures.
  const target = rtPlan.doseReferences.find((d) => d.type === 'TARGET' && d.targetPrescriptionDoseGy !== undefined);
  const targetLabel = typeof x['prescriptionTargetLabel'] === 'string' ? x['prescriptionTargetLabel'] : target?.roiNumber !== undefined ? roiByNumber.get(target.roiNumber)?.name ?? 'Target' : 'Target';
  const oarRois = new Set(rtPlan.doseReferences.filter((d) => d.type === 'ORGAN_AT_RISK' && d.roiNumber !== undefined).map((d) => d.roiNumber));
  let structures: StructureRef[];
  if (Array.isArray(x['structures'])) {
    structures = (x['structures'] as unknown[]).filter((s): s is StructureRef => typeof s === 'object' && s !== null && typeof (s as StructureRef).label === 'string' && typeof (s as StructureRef).segmentNumber === 'number');
  } else {
    structures = structureSet.rois
      .filter((r) => r.interpretedType !== 'BRACHY_SRC_APP' && r.contours.some((c) => c.type === 'CLOSED_PLANAR'))
      .map((r) => ({
        label: r.name,
        role: ['GTV', 'CTV', 'PTV'].includes(r.interpretedType) ? 'target' : oarRois.has(r.number) ? 'organ-at-risk' : 'other',
        segmentNumber: r.number,
        ...(r.colorRgb ? { colorRgb: r.colorRgb } : {}),
      }));
  }
  const constraints: DoseConstraint[] = Array.isArray(x['constraints'])
    ? constraintExtras(x['constraints'])
    : rtPlan.doseReferences
        .filter((d) => d.type === 'ORGAN_AT_RISK' && d.organAtRiskMaximumDoseGy !== undefined)
        .map((d) => ({ structureLabel: d.roiNumber !== undefined ? roiByNumber.get(d.roiNumber)?.name ?? d.description : d.description, metric: 'Dmax' as const, limit: d.organAtRiskMaximumDoseGy as number, source: 'RT Plan dose reference' }));
  const refs = x['references'];
  const references =
    typeof refs === 'object' && refs !== null && typeof (refs as Plan['references']).studyInstanceUID === 'string'
      ? (refs as Plan['references'])
      : { ...(ct.patientId !== undefined ? { patientID: ct.patientId } : {}), ...(ct.patientName !== undefined ? { patientName: ct.patientName } : {}), studyInstanceUID: ct.studyInstanceUID, seriesInstanceUID: ct.seriesInstanceUID, frameOfReferenceUID: ct.frameOfReferenceUID };
  const s = (k: string, fallback: string): string => (typeof x[k] === 'string' ? (x[k] as string) : fallback);
  const planDate = rtPlan.planDateTime ?? '';
  return {
    schemaVersion: typeof x['schemaVersion'] === 'number' ? x['schemaVersion'] : PLAN_SCHEMA_VERSION,
    id: s('planId', rtPlan.sopInstanceUID),
    name: rtPlan.name || rtPlan.label,
    createdDateTime: s('createdDateTime', planDate),
    modifiedDateTime: s('modifiedDateTime', planDate),
    references,
    prescription: { doseGy: target?.targetPrescriptionDoseGy ?? NaN, targetLabel },
    source: {
      modelId: source0.modelId,
      airKermaStrengthU: source0.airKermaStrengthU,
      calibrationDateTime: s('calibrationDateTime', source0.referenceDateTime ?? ''),
    },
    implantDateTime: s('implantDateTime', planDate),
    needles,
    seeds,
    structures,
    constraints,
    approval: rtPlan.approval === 'APPROVED' ? 'APPROVED' : 'UNAPPROVED',
  };
}

/**
 * Decodes the four objects of a plan against the planning CT. Checks patient, study and Frame of Reference of every
 * object, and that they reference each other (RT Dose → RT Plan, RT Plan → RT Structure Set).
 */
export function decodePlan(files: Record<PlanObjectKind, Uint8Array>, ct: PlanningCt, options: { patientId?: string } = {}): DecodedPlan {
  const expected: ExpectedContext = {
    studyInstanceUID: ct.study.studyInstanceUID,
    frameOfReferenceUID: ct.frameOfReferenceUID,
    ...(options.patientId ?? ct.study.patientId ? { patientId: options.patientId ?? ct.study.patientId } : {}),
  };
  const rtPlan = readRtPlan(files.rtplan, expected, 'rtplan.dcm');
  const structureSet = readRtStruct(files.rtstruct, expected, 'rtstruct.dcm');
  const dose = readRtDose(files.rtdose, expected, 'rtdose.dcm');
  if (rtPlan.referencedStructureSetSopInstanceUID !== undefined && rtPlan.referencedStructureSetSopInstanceUID !== structureSet.sopInstanceUID) {
    throw new DicomObjectError('REFERENCE_MISMATCH', `rtplan.dcm references RT Structure Set ${rtPlan.referencedStructureSetSopInstanceUID}, but rtstruct.dcm is ${structureSet.sopInstanceUID}`);
  }
  if (dose.referencedRtPlanSopInstanceUID !== undefined && dose.referencedRtPlanSopInstanceUID !== rtPlan.sopInstanceUID) {
    throw new DicomObjectError('REFERENCE_MISMATCH', `rtdose.dcm is the dose of RT Plan ${dose.referencedRtPlanSopInstanceUID}, not of rtplan.dcm (${rtPlan.sopInstanceUID})`);
  }
  const seg = guardReader('seg.dcm', () => {
    const r = readSeg(files.seg, ct.geometry, 'seg.dcm', {
      studyInstanceUID: ct.study.studyInstanceUID,
      ...(expected.patientId !== undefined ? { patientId: expected.patientId } : {}),
    });
    return r;
  });
  const segments = seg.segments.map((s) => ({ ...s, mask: seg.segmentMask(s.segmentNumber) }));
  const plan = planFromDicom(rtPlan, structureSet, {
    studyInstanceUID: ct.study.studyInstanceUID,
    seriesInstanceUID: ct.seriesInstanceUID,
    frameOfReferenceUID: ct.frameOfReferenceUID,
    patientId: ct.study.patientId,
    patientName: ct.study.patientName,
  });
  for (const st of plan.structures) st.segSeriesInstanceUID ??= seg.seriesInstanceUID;
  return {
    plan,
    uids: planObjectUids(rtPlan.sopInstanceUID),
    segments,
    structureSet,
    rtPlan,
    dose: { geometry: dose.geometry, doseGy: dose.doseGy, doseGridScaling: dose.doseGridScaling, dvhs: dose.dvhs },
    warnings: [...rtPlan.warnings],
  };
}

/** Masks of the closed-contour ROIs of a structure set on the CT grid (for checks and foreign structure sets). */
export function structureMasks(structureSet: RtStructReadResult, g: VolumeGeometry): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const roi of structureSet.rois) if (roi.contours.some((c) => c.type === 'CLOSED_PLANAR')) out.set(roi.number, roiToMask(roi, g));
  return out;
}
