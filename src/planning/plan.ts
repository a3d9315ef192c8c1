/**
 * The plan model: plain, versioned, serialisable data shared by the viewer, the dose worker, the CLI and the
 * DICOM mapping (RT Plan / RT Dose / RT Structure Set). Positions are DICOM patient coordinates (LPS) in mm.
 */
import type { Vec3 } from '../geometry/volume';

/** Bumped whenever a stored plan needs migrating; readers reject plans newer than they know. */
export const PLAN_SCHEMA_VERSION = 1;

export type NeedleGauge = 11 | 13 | 15;

/** Outer diameters of bone biopsy / vertebroplasty needles (planning-facts.md; configurable per needle). */
export const NEEDLE_OUTER_DIAMETER_MM: Record<NeedleGauge, number> = { 11: 3.05, 13: 2.41, 15: 1.83 };

export interface PlanReferences {
  patientID?: string;
  patientName?: string;
  studyInstanceUID: string;
  /** The planning CT series. */
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
}

export interface Prescription {
  /** Matched peripheral dose to the target over the full decay (permanent implant). */
  doseGy: number;
  /** Label of the structure the prescription applies to (normally the lesion). */
  targetLabel: string;
}

/** Literature range for permanent 125I spine implants, shown in the UI help (planning-facts.md). */
export const PRESCRIPTION_LITERATURE_RANGE_GY: [number, number] = [90, 160];
export const DEFAULT_PRESCRIPTION_GY = 120;

export interface SeedSource {
  /** Source model key of src/dose/models (e.g. "6711"). */
  modelId: string;
  /** Air-kerma strength per seed at the calibration date, in U (1 U = 1 µGy·m²·h⁻¹). */
  airKermaStrengthU: number;
  /** ISO 8601 date-time of the strength calibration. */
  calibrationDateTime: string;
}

export type ConstraintSeverity = 'error' | 'warning';

export interface TrajectoryFinding {
  code: string;
  severity: ConstraintSeverity;
  message: string;
}

export interface Needle {
  id: string;
  label: string;
  entryMm: Vec3;
  tipMm: Vec3;
  gauge: NeedleGauge;
  outerDiameterMm: number;
  side: 'left' | 'right' | 'other';
  approach: 'transpedicular' | 'anterolateral';
  /** Findings of the last constraint evaluation (empty when all constraints are met). */
  findings: TrajectoryFinding[];
  /** A needle with error findings can carry seeds only after an explicit, recorded override. */
  override?: { reason: string; by?: string; atDateTime: string };
}

export interface Seed {
  id: string;
  positionMm: Vec3;
  /** Unit vector of the seed axis (along its needle). */
  axis: Vec3;
  needleId?: string;
  /** Per-seed strength when it differs from the plan's source strength (U at the calibration date). */
  airKermaStrengthU?: number;
}

export type StructureRole = 'target' | 'organ-at-risk' | 'other';

export interface StructureRef {
  label: string;
  role: StructureRole;
  /** Segment number in the referenced SEG. */
  segmentNumber: number;
  segSeriesInstanceUID?: string;
  colorRgb?: [number, number, number];
}

export type DoseMetricName = 'Dmax' | 'D0.1cc' | 'D1cc' | 'D2cc' | 'Dmean' | 'D90' | 'V100' | 'V150' | 'V200';

export interface DoseConstraint {
  structureLabel: string;
  metric: DoseMetricName;
  /** Upper limit: Gy for dose metrics, % of the structure volume for V-metrics. */
  limit: number;
  /** Where the number comes from; "institutional default" when there is no published consensus. */
  source: string;
}

export interface Plan {
  schemaVersion: number;
  id: string;
  name: string;
  createdDateTime: string;
  modifiedDateTime: string;
  references: PlanReferences;
  prescription: Prescription;
  source: SeedSource;
  /** ISO 8601 date-time of the implant (dose from then on, strength decay-corrected to it). */
  implantDateTime: string;
  needles: Needle[];
  seeds: Seed[];
  structures: StructureRef[];
  constraints: DoseConstraint[];
  approval: 'UNAPPROVED' | 'APPROVED';
}

/**
 * No consensus spinal-cord limit exists for permanent 125I implants (planning-facts.md), so these are
 * institutional defaults, labelled as such and editable in the plan.
 */
export const DEFAULT_CANAL_CONSTRAINTS: DoseConstraint[] = [
  { structureLabel: 'Spinal canal', metric: 'Dmax', limit: 100, source: 'institutional default (no published consensus)' },
  { structureLabel: 'Spinal canal', metric: 'D0.1cc', limit: 80, source: 'institutional default (no published consensus)' },
];

export function createPlan(init: {
  id: string;
  name?: string;
  nowDateTime: string;
  references: PlanReferences;
  source?: Partial<SeedSource>;
  prescriptionGy?: number;
}): Plan {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    id: init.id,
    name: init.name ?? 'PVPI plan',
    createdDateTime: init.nowDateTime,
    modifiedDateTime: init.nowDateTime,
    references: init.references,
    prescription: { doseGy: init.prescriptionGy ?? DEFAULT_PRESCRIPTION_GY, targetLabel: 'Lesion' },
    source: {
      modelId: init.source?.modelId ?? '6711',
      airKermaStrengthU: init.source?.airKermaStrengthU ?? 0.8,
      calibrationDateTime: init.source?.calibrationDateTime ?? init.nowDateTime,
    },
    implantDateTime: init.nowDateTime,
    needles: [],
    seeds: [],
    structures: [],
    constraints: DEFAULT_CANAL_CONSTRAINTS.map((c) => ({ ...c })),
    approval: 'UNAPPROVED',
  };
}
