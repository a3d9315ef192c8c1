/**
 * RT Plan for a permanent 125I seed implant (PS3.3 A.20, RT Brachy Application Setups C.8.8.15).
 *
 * Mapping (see docs/dicom-rt.md):
 * - Brachy Treatment Technique PERMANENT, Type LDR; one Source item per distinct seed strength (I-125,
 *   T½ 59.4 d, Reference Air Kerma Rate in µGy·h⁻¹ at 1 m = U, at the Source Strength Reference Date/Time).
 * - One Application Setup (INTERSTITIAL); one Channel per seed with two Brachy Control Points at the seed
 *   position (cumulative time weight 0, then 1), Source Movement Type FIXED; the channel names its needle as
 *   Source Applicator (ID, name, RIGID, length) and points at the needle's line ROI in the RT Structure Set
 *   through Applicator Shape Referenced ROI Number (300A,02A1).
 * - RT Prescription: one TARGET Dose Reference (Target Prescription Dose) on the target ROI, one ORGAN_AT_RISK
 *   Dose Reference per constrained structure (Dmax limits as Organ at Risk Maximum Dose).
 * - Data without a standard attribute (ids, seed axes, needle side/approach/findings/override, constraint list,
 *   ISO date-times) are kept in one private JSON element; readers of foreign plans never need it.
 */
import type { NaturalDataset } from 'dcmjs';
import type { Vec3 } from '../geometry/volume';
import type { DoseConstraint, Needle, Plan, Seed, StructureRole } from '../planning/plan';
import { ds, nums, seq, str } from './dataset';
import {
  checkIdentity,
  clip,
  commonAttributes,
  dicomDateTimeToIso,
  DicomObjectError,
  guardReader,
  isoToDicomDateTime,
  personName,
  privateRecord,
  readRtFile,
  requireNum,
  requireSeq,
  requireStr,
  RT_PLAN_STORAGE,
  RT_STRUCTURE_SET_STORAGE,
  writeRtFile,
  type ExpectedContext,
  type RtSeriesInfo,
} from './rtCommon';
import type { PlanningCt } from './rtStruct';

/** 125I half-life used by TG-43U1 (days), written as Source Isotope Half Life (300A,0228). */
export const I125_HALF_LIFE_DAYS = 59.4;
const MEAN_LIFE_S = (I125_HALF_LIFE_DAYS * 86400) / Math.LN2;
export const RTPLAN_PRIVATE_FORMAT = 'pvpi-rtplan';

/** Manufacturer and source description of the bundled seed models (Source Manufacturer (300A,0216)). */
const SOURCE_MANUFACTURER: Readonly<Record<string, { manufacturer: string; description: string; activeLengthMm: number }>> = {
  '6711': { manufacturer: 'GE Healthcare (Oncura)', description: 'OncoSeed 6711 I-125 seed', activeLengthMm: 3 },
  '6702': { manufacturer: 'GE Healthcare (Amersham)', description: '6702 I-125 seed', activeLengthMm: 3 },
  'I25.S06': { manufacturer: 'Eckert & Ziegler BEBIG', description: 'IsoSeed I25.S06 I-125 seed', activeLengthMm: 3.5 },
};

/** What an RT Plan references in the RT Structure Set that accompanies it. */
export interface RtPlanStructureLinks {
  structureSetSopInstanceUID: string;
  /** ROI number of each plan structure (by label). */
  roiNumberByStructureLabel: ReadonlyMap<string, number>;
  /** ROI number of each needle's line ROI (by needle id). */
  roiNumberByNeedleId: ReadonlyMap<string, number>;
}

export interface RtPlanInfo extends RtSeriesInfo {
  /** Reviewer when approved (Approval module, C.8.8.16). */
  reviewerName?: string;
  reviewDateTime?: string;
}

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));

/** Writes the RT Plan of a seed plan. */
export function writeRtPlan(plan: Plan, ct: PlanningCt, links: RtPlanStructureLinks, info: RtPlanInfo): { bytes: ArrayBuffer; sopInstanceUID: string } {
  const needleById = new Map(plan.needles.map((n) => [n.id, n]));
  for (const s of plan.seeds) {
    if (s.needleId !== undefined && !needleById.has(s.needleId)) throw new Error(`writeRtPlan: seed ${s.id} refers to an unknown needle ${s.needleId}`);
  }
  // Source items: the plan's strength first, then one per distinct per-seed strength.
  const strengths: number[] = [plan.source.airKermaStrengthU];
  const sourceOf = (s: Seed): number => {
    const sk = s.airKermaStrengthU ?? plan.source.airKermaStrengthU;
    let i = strengths.indexOf(sk);
    if (i < 0) i = strengths.push(sk) - 1;
    return i + 1;
  };
  const seedSources = plan.seeds.map(sourceOf);
  const model = SOURCE_MANUFACTURER[plan.source.modelId] ?? { manufacturer: '', description: `I-125 seed model ${plan.source.modelId}`, activeLengthMm: 3 };
  const cal = isoToDicomDateTime(plan.source.calibrationDateTime);
  const created = isoToDicomDateTime(plan.modifiedDateTime);
  const needleOrder = plan.needles.map((n) => n.id);
  const channelTotalTimeS = MEAN_LIFE_S; // permanent implant: Ḋ₀·τ is the whole dose, so τ plays the role of the treatment time
  const channels: NaturalDataset[] = plan.seeds.map((s, i) => {
    const n = s.needleId !== undefined ? needleById.get(s.needleId) : undefined;
    const pos = s.positionMm.map(ds);
    const item: NaturalDataset = {
      ChannelNumber: String(i + 1),
      ChannelLength: '',
      ChannelTotalTime: ds(round(channelTotalTimeS, 1)),
      SourceMovementType: 'FIXED',
      TransferTubeNumber: '',
      ReferencedSourceNumber: String(seedSources[i]),
      NumberOfControlPoints: '2',
      FinalCumulativeTimeWeight: '1',
      BrachyControlPointSequence: [
        { ControlPointIndex: '0', CumulativeTimeWeight: '0', ControlPointRelativePosition: '0', ControlPoint3DPosition: pos },
        { ControlPointIndex: '1', CumulativeTimeWeight: '1', ControlPointRelativePosition: '0', ControlPoint3DPosition: pos },
      ],
    };
    if (n) {
      const lengthMm = Math.hypot(n.tipMm[0] - n.entryMm[0], n.tipMm[1] - n.entryMm[1], n.tipMm[2] - n.entryMm[2]);
      Object.assign(item, {
        SourceApplicatorNumber: String(needleOrder.indexOf(n.id) + 1),
        SourceApplicatorID: clip(`N${needleOrder.indexOf(n.id) + 1}`, 16),
        SourceApplicatorType: 'RIGID',
        SourceApplicatorName: clip(`${n.label} ${n.gauge}G`, 64),
        SourceApplicatorLength: ds(round(lengthMm, 3)),
      });
      const roi = links.roiNumberByNeedleId.get(n.id);
      // The needle's line ROI: Referenced ROI Number (3006,0084) and Applicator Shape Referenced ROI Number (300A,02A1).
      item.ReferencedROINumber = roi !== undefined ? String(roi) : '';
      if (roi !== undefined) item.ApplicatorShapeReferencedROINumber = String(roi);
    }
    return item;
  });
  const totalReferenceAirKerma = plan.seeds.reduce((acc, s) => acc + (s.airKermaStrengthU ?? plan.source.airKermaStrengthU) * (channelTotalTimeS / 3600), 0);

  // RT Prescription (C.8.8.10): target + organs at risk.
  const doseRefs: NaturalDataset[] = [];
  const targetRoi = links.roiNumberByStructureLabel.get(plan.prescription.targetLabel);
  doseRefs.push({
    DoseReferenceNumber: '1',
    DoseReferenceStructureType: targetRoi !== undefined ? 'VOLUME' : 'SITE',
    DoseReferenceDescription: clip(`Prescription ${plan.prescription.targetLabel}`, 64),
    ...(targetRoi !== undefined ? { ReferencedROINumber: String(targetRoi) } : {}),
    DoseReferenceType: 'TARGET',
    TargetPrescriptionDose: ds(plan.prescription.doseGy),
  });
  plan.constraints.forEach((c) => {
    const roi = links.roiNumberByStructureLabel.get(c.structureLabel);
    doseRefs.push({
      DoseReferenceNumber: String(doseRefs.length + 1),
      DoseReferenceStructureType: roi !== undefined ? 'VOLUME' : 'SITE',
      DoseReferenceDescription: clip(`${c.structureLabel} ${c.metric} <= ${c.limit}${c.metric.startsWith('V') ? ' %' : ' Gy'}`, 64),
      ...(roi !== undefined ? { ReferencedROINumber: String(roi) } : {}),
      DoseReferenceType: 'ORGAN_AT_RISK',
      ...(c.metric === 'Dmax' ? { OrganAtRiskMaximumDose: ds(c.limit) } : {}),
    });
  });

  const approved = plan.approval === 'APPROVED';
  const review = approved && info.reviewDateTime ? isoToDicomDateTime(info.reviewDateTime) : created;
  const dataset: NaturalDataset = {
    ...commonAttributes(ct.study, info, RT_PLAN_STORAGE, 'RTPLAN'),
    FrameOfReferenceUID: ct.frameOfReferenceUID,
    PositionReferenceIndicator: '',
    // RT General Plan (C.8.8.9)
    RTPlanLabel: clip(plan.name || 'PVPI plan', 16),
    RTPlanName: clip(plan.name, 64),
    RTPlanDescription: clip(`PVPI Planner seed plan: ${plan.seeds.length} 125I seeds on ${plan.needles.length} needle(s), ${plan.prescription.doseGy} Gy to ${plan.prescription.targetLabel}`, 1024),
    RTPlanDate: created.date,
    RTPlanTime: created.time,
    PlanIntent: 'PALLIATIVE',
    RTPlanGeometry: 'PATIENT',
    ReferencedStructureSetSequence: [{ ReferencedSOPClassUID: RT_STRUCTURE_SET_STORAGE, ReferencedSOPInstanceUID: links.structureSetSopInstanceUID }],
    PrescriptionDescription: clip(`${plan.prescription.doseGy} Gy matched peripheral dose to ${plan.prescription.targetLabel} (permanent 125I implant)`, 1024),
    DoseReferenceSequence: doseRefs,
    // RT Brachy Application Setups (C.8.8.15)
    BrachyTreatmentTechnique: 'PERMANENT',
    BrachyTreatmentType: 'LDR',
    TreatmentMachineSequence: [{ TreatmentMachineName: 'SEED IMPLANT', Manufacturer: '', InstitutionName: '' }],
    SourceSequence: strengths.map((sk, i) => ({
      SourceNumber: String(i + 1),
      SourceModelID: clip(plan.source.modelId, 16),
      SourceDescription: clip(model.description, 64),
      SourceType: 'LINE',
      SourceManufacturer: clip(model.manufacturer, 64),
      ActiveSourceLength: ds(model.activeLengthMm),
      SourceIsotopeName: 'I-125',
      SourceIsotopeHalfLife: ds(I125_HALF_LIFE_DAYS),
      SourceStrengthUnits: 'AIR_KERMA_RATE',
      // Reference Air Kerma Rate (300A,022A): µGy·h⁻¹ at 1 m, numerically S_K in U.
      ReferenceAirKermaRate: ds(sk),
      // Source Strength (300A,022B) in Source Strength Units: air-kerma strength, µGy·m²·h⁻¹ = U.
      SourceStrength: ds(sk),
      SourceStrengthReferenceDate: cal.date,
      SourceStrengthReferenceTime: cal.time,
    })),
    ApplicationSetupSequence: [
      {
        ApplicationSetupType: 'INTERSTITIAL',
        ApplicationSetupNumber: '1',
        ApplicationSetupName: 'Percutaneous transpedicular seed implant',
        TotalReferenceAirKerma: ds(round(totalReferenceAirKerma, 3)),
        ChannelSequence: channels,
      },
    ],
    // Approval (C.8.8.16)
    ApprovalStatus: approved ? 'APPROVED' : 'UNAPPROVED',
    ...(approved ? { ReviewDate: review.date, ReviewTime: review.time, ReviewerName: info.reviewerName ?? '' } : {}),
  };
  const extras = {
    format: RTPLAN_PRIVATE_FORMAT,
    version: 1,
    planId: plan.id,
    schemaVersion: plan.schemaVersion,
    createdDateTime: plan.createdDateTime,
    modifiedDateTime: plan.modifiedDateTime,
    implantDateTime: plan.implantDateTime,
    calibrationDateTime: plan.source.calibrationDateTime,
    prescriptionTargetLabel: plan.prescription.targetLabel,
    references: plan.references,
    constraints: plan.constraints,
    structures: plan.structures,
    needles: plan.needles.map((n) => ({
      id: n.id,
      roiNumber: links.roiNumberByNeedleId.get(n.id),
      gauge: n.gauge,
      outerDiameterMm: n.outerDiameterMm,
      side: n.side,
      approach: n.approach,
      findings: n.findings,
      ...(n.override ? { override: n.override } : {}),
    })),
    seeds: plan.seeds.map((s, i) => ({ channelNumber: i + 1, id: s.id, axis: s.axis, ownStrength: s.airKermaStrengthU !== undefined })),
  };
  return { bytes: writeRtFile(dataset, RT_PLAN_STORAGE, info.sopInstanceUID, extras), sopInstanceUID: info.sopInstanceUID };
}

/** A seed as read from a channel (any system). */
export interface RtPlanSeed {
  channelNumber: number;
  positionMm: Vec3;
  /** Direction of the seed when the channel gives it (consecutive distinct control points), else undefined. */
  axis?: Vec3;
  airKermaStrengthU: number;
  sourceNumber: number;
  /** Applicator Shape Referenced ROI Number: the needle's ROI in the structure set. */
  applicatorRoiNumber?: number;
  applicatorId?: string;
  applicatorName?: string;
}

export interface RtPlanSource {
  sourceNumber: number;
  modelId: string;
  manufacturer: string;
  isotope: string;
  halfLifeDays: number;
  airKermaStrengthU: number;
  referenceDateTime?: string;
}

export interface RtPlanDoseReference {
  type: string;
  structureType: string;
  roiNumber?: number;
  description: string;
  targetPrescriptionDoseGy?: number;
  organAtRiskMaximumDoseGy?: number;
}

export interface RtPlanReadResult {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  studyInstanceUID: string;
  patientId: string;
  seriesDescription: string;
  frameOfReferenceUID?: string;
  label: string;
  name: string;
  planDateTime?: string;
  technique: string;
  treatmentType: string;
  referencedStructureSetSopInstanceUID?: string;
  sources: RtPlanSource[];
  seeds: RtPlanSeed[];
  doseReferences: RtPlanDoseReference[];
  approval: string;
  reviewerName?: string;
  /** PVPI data of plans written here (undefined for foreign plans). */
  extras?: Record<string, unknown>;
  /** Channels that could not be turned into seeds, with the reason. */
  warnings: string[];
}

const dist = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/**
 * Reads a brachytherapy RT Plan (ours or another system's). Seeds: one per channel, at the control points
 * where the source dwells (cumulative time weight increases to the next point); channels with several distinct
 * dwell positions give one seed per position (stranded seeds).
 */
export function readRtPlan(input: ArrayBuffer | Uint8Array, expected: ExpectedContext = {}, name = 'RT Plan'): RtPlanReadResult {
  return guardReader(name, () => {
    const { dataset, privateJson } = readRtFile(input, name);
    const forUID = str(dataset, 'FrameOfReferenceUID');
    checkIdentity(dataset, name, RT_PLAN_STORAGE, 'RT Plan', expected, forUID);
    const technique = requireStr(dataset, 'BrachyTreatmentTechnique', '(300A,0200)', name);
    const treatmentType = str(dataset, 'BrachyTreatmentType') ?? '';
    const sourceItems = requireSeq(dataset, 'SourceSequence', '(300A,0210)', name);
    const sources: RtPlanSource[] = sourceItems.map((s, i) => {
      const where = `${name}: SourceSequence item ${i + 1}`;
      const date = str(s, 'SourceStrengthReferenceDate');
      const ref = date ? dicomDateTimeToIso(date, str(s, 'SourceStrengthReferenceTime') ?? '') : undefined;
      const sk = requireNum(s, 'ReferenceAirKermaRate', '(300A,022A)', where);
      if (!(sk >= 0)) throw new DicomObjectError('INVALID_VALUE', `${where}: Reference Air Kerma Rate ${sk} is negative`);
      return {
        sourceNumber: requireNum(s, 'SourceNumber', '(300A,0212)', where),
        modelId: str(s, 'SourceModelID') ?? '',
        manufacturer: str(s, 'SourceManufacturer') ?? '',
        isotope: str(s, 'SourceIsotopeName') ?? '',
        halfLifeDays: requireNum(s, 'SourceIsotopeHalfLife', '(300A,0228)', where),
        airKermaStrengthU: sk,
        ...(ref ? { referenceDateTime: ref } : {}),
      };
    });
    const warnings: string[] = [];
    const seeds: RtPlanSeed[] = [];
    const setups = requireSeq(dataset, 'ApplicationSetupSequence', '(300A,0230)', name);
    setups.forEach((setup, si) => {
      seq(setup, 'ChannelSequence').forEach((ch, ci) => {
        const where = `${name}: setup ${si + 1} channel ${ci + 1}`;
        const channelNumber = requireNum(ch, 'ChannelNumber', '(300A,0282)', where);
        const sourceNumber = requireNum(ch, 'ReferencedSourceNumber', '(300C,000E)', where);
        const source = sources.find((s) => s.sourceNumber === sourceNumber);
        if (!source) throw new DicomObjectError('REFERENCE_MISMATCH', `${where}: Referenced Source Number ${sourceNumber} is not in the Source Sequence`);
        const cps = requireSeq(ch, 'BrachyControlPointSequence', '(300A,02D0)', where);
        const points = cps.map((cp) => ({ w: nums(cp, 'CumulativeTimeWeight')?.[0], p: nums(cp, 'ControlPoint3DPosition') }));
        if (points.some((p) => p.p !== undefined && p.p.length !== 3)) throw new DicomObjectError('INVALID_VALUE', `${where}: Control Point 3D Position (300A,02D4) must have 3 values`);
        const withPos = points.filter((p): p is { w: number | undefined; p: number[] } => p.p !== undefined);
        if (withPos.length === 0) {
          warnings.push(`${where}: no Control Point 3D Position; the seed cannot be placed`);
          return;
        }
        // Dwell positions: control points whose cumulative time weight increases to the next one.
        let dwell: Vec3[] = [];
        for (let k = 0; k + 1 < points.length; k++) {
          const a = points[k];
          const b = points[k + 1];
          if (a.p && a.w !== undefined && b.w !== undefined && b.w > a.w) dwell.push([a.p[0], a.p[1], a.p[2]]);
        }
        if (dwell.length === 0) dwell = [[withPos[0].p[0], withPos[0].p[1], withPos[0].p[2]]];
        const distinct: Vec3[] = [];
        for (const d of dwell) if (!distinct.some((x) => dist(x, d) < 1e-6)) distinct.push(d);
        let axis: Vec3 | undefined;
        const allPos = withPos.map((p) => [p.p[0], p.p[1], p.p[2]] as Vec3);
        const far = allPos.find((p) => dist(p, allPos[0]) > 1e-6);
        if (far) {
          const L = dist(far, allPos[0]);
          axis = [(far[0] - allPos[0][0]) / L, (far[1] - allPos[0][1]) / L, (far[2] - allPos[0][2]) / L];
        }
        const roi = nums(ch, 'ReferencedROINumber')?.[0] ?? nums(ch, 'ApplicatorShapeReferencedROINumber')?.[0];
        const applicatorId = str(ch, 'SourceApplicatorID');
        const applicatorName = str(ch, 'SourceApplicatorName');
        for (const position of distinct) {
          seeds.push({
            channelNumber,
            positionMm: position,
            ...(axis ? { axis } : {}),
            airKermaStrengthU: source.airKermaStrengthU,
            sourceNumber,
            ...(roi !== undefined ? { applicatorRoiNumber: roi } : {}),
            ...(applicatorId ? { applicatorId } : {}),
            ...(applicatorName ? { applicatorName } : {}),
          });
        }
      });
    });
    const doseReferences: RtPlanDoseReference[] = seq(dataset, 'DoseReferenceSequence').map((d) => {
      const roi = nums(d, 'ReferencedROINumber')?.[0];
      const rx = nums(d, 'TargetPrescriptionDose')?.[0];
      const oar = nums(d, 'OrganAtRiskMaximumDose')?.[0];
      return {
        type: str(d, 'DoseReferenceType') ?? '',
        structureType: str(d, 'DoseReferenceStructureType') ?? '',
        ...(roi !== undefined ? { roiNumber: roi } : {}),
        description: str(d, 'DoseReferenceDescription') ?? '',
        ...(rx !== undefined ? { targetPrescriptionDoseGy: rx } : {}),
        ...(oar !== undefined ? { organAtRiskMaximumDoseGy: oar } : {}),
      };
    });
    const ss = seq(dataset, 'ReferencedStructureSetSequence')[0];
    const ssUID = ss ? str(ss, 'ReferencedSOPInstanceUID') : undefined;
    const planDate = str(dataset, 'RTPlanDate');
    const planDateTime = planDate ? dicomDateTimeToIso(planDate, str(dataset, 'RTPlanTime') ?? '') : undefined;
    const extras = privateRecord(privateJson, RTPLAN_PRIVATE_FORMAT);
    const reviewer = personName(dataset, 'ReviewerName');
    return {
      sopInstanceUID: requireStr(dataset, 'SOPInstanceUID', '(0008,0018)', name),
      seriesInstanceUID: requireStr(dataset, 'SeriesInstanceUID', '(0020,000E)', name),
      studyInstanceUID: requireStr(dataset, 'StudyInstanceUID', '(0020,000D)', name),
      patientId: str(dataset, 'PatientID') ?? '',
      seriesDescription: str(dataset, 'SeriesDescription') ?? '',
      ...(forUID ? { frameOfReferenceUID: forUID } : {}),
      label: str(dataset, 'RTPlanLabel') ?? '',
      name: str(dataset, 'RTPlanName') ?? '',
      ...(planDateTime ? { planDateTime } : {}),
      technique,
      treatmentType,
      ...(ssUID ? { referencedStructureSetSopInstanceUID: ssUID } : {}),
      sources,
      seeds,
      doseReferences,
      approval: str(dataset, 'ApprovalStatus') ?? '',
      ...(reviewer ? { reviewerName: reviewer } : {}),
      ...(extras ? { extras } : {}),
      warnings,
    };
  });
}

/** Parses a per-needle record of the private data (undefined when malformed). */
export function needleExtras(rec: unknown): (Pick<Needle, 'id' | 'gauge' | 'outerDiameterMm' | 'side' | 'approach' | 'findings' | 'override'> & { roiNumber?: number }) | undefined {
  if (typeof rec !== 'object' || rec === null) return undefined;
  const r = rec as Record<string, unknown>;
  if (typeof r['id'] !== 'string' || (r['gauge'] !== 11 && r['gauge'] !== 13 && r['gauge'] !== 15) || typeof r['outerDiameterMm'] !== 'number') return undefined;
  const side = r['side'] === 'left' || r['side'] === 'right' ? r['side'] : 'other';
  const approach = r['approach'] === 'anterolateral' ? 'anterolateral' : 'transpedicular';
  const findings = Array.isArray(r['findings']) ? (r['findings'] as Needle['findings']) : [];
  const ov = r['override'];
  const override =
    typeof ov === 'object' && ov !== null && typeof (ov as Record<string, unknown>)['reason'] === 'string' && typeof (ov as Record<string, unknown>)['atDateTime'] === 'string'
      ? (ov as NonNullable<Needle['override']>)
      : undefined;
  return {
    id: r['id'],
    gauge: r['gauge'],
    outerDiameterMm: r['outerDiameterMm'],
    side,
    approach,
    findings,
    ...(override ? { override } : {}),
    ...(typeof r['roiNumber'] === 'number' ? { roiNumber: r['roiNumber'] } : {}),
  };
}

/** Constraint list of the private data (empty when absent or malformed). */
export function constraintExtras(v: unknown): DoseConstraint[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (c): c is DoseConstraint =>
      typeof c === 'object' && c !== null && typeof (c as DoseConstraint).structureLabel === 'string' && typeof (c as DoseConstraint).metric === 'string' && typeof (c as DoseConstraint).limit === 'number' && typeof (c as DoseConstraint).source === 'string',
  );
}

/** Maps a structure role to RT ROI Interpreted Type; lesions (neoplasm) are GTV. */
export function interpretedTypeForRole(role: StructureRole, isLesion: boolean): 'GTV' | 'PTV' | 'ORGAN' {
  if (role === 'target') return isLesion ? 'GTV' : 'PTV';
  return 'ORGAN';
}

/** Checks the seeds' required numbers (used by writers' callers to fail early with a clear message). */
export function assertPlanWritable(plan: Plan): void {
  for (const s of plan.seeds) {
    if (!s.positionMm.every(Number.isFinite)) throw new Error(`seed ${s.id} has a non-finite position`);
  }
  if (!(plan.prescription.doseGy > 0)) throw new Error(`the prescription dose must be > 0 Gy (got ${plan.prescription.doseGy})`);
  if (!(plan.source.airKermaStrengthU > 0)) throw new Error(`the seed strength must be > 0 U (got ${plan.source.airKermaStrengthU})`);
}

