/**
 * Dose of a plan on (a box of) the planning CT grid with the TG-43U1 dose engine, and the plan metrics
 * (lesion D90/V100/V150/V200, spinal canal Dmax/D0.1cc, constraint checks) written to plan.json.
 */
import type { VolumeGeometry } from '../geometry/volume';
import { DoseEngine, type Seed as EngineSeed } from '../dose/doseEngine';
import { getSourceModel } from '../dose/sourceModel';
import { decayCorrectedStrengthU, doseIntegrationHours } from '../dose/decay';
import { doseMetrics, type DoseMetrics } from '../dose/dvh';
import type { DoseConstraint, Plan } from './plan';
import { cropGeometry, type VoxelBox } from './gridBox';

/** Seeds of a plan as dose-engine seeds: per-seed or plan strength, decay-corrected from calibration to implant. */
export function engineSeedsOfPlan(plan: Plan): EngineSeed[] {
  const cal = Date.parse(plan.source.calibrationDateTime);
  const implant = Date.parse(plan.implantDateTime);
  if (!Number.isFinite(cal) || !Number.isFinite(implant)) throw new RangeError('the plan needs valid calibration and implant date-times');
  const model = getSourceModel(plan.source.modelId);
  return plan.seeds.map((s) => ({
    id: s.id,
    positionMm: s.positionMm,
    axis: s.axis,
    airKermaStrengthU: decayCorrectedStrengthU(s.airKermaStrengthU ?? plan.source.airKermaStrengthU, cal, implant, model.halfLifeDays),
  }));
}

export interface PlanDoseInput {
  plan: Plan;
  /** Grid of the structure masks (the planning CT). */
  geometry: VolumeGeometry;
  /** Compute the dose in this box of the grid only (default the whole grid). */
  box?: VoxelBox;
  /** Structures (full-grid masks, non-zero = inside) whose metrics are wanted, by label. */
  structures: ReadonlyArray<{ label: string; mask: ArrayLike<number> }>;
  /** Default 0.01: every voxel above 1% of the maximum is computed exactly (docs/dose.md). */
  exactAboveFractionOfMax?: number;
  /** Default ∞ (permanent implant). */
  durationHours?: number;
}

export interface PlanDoseResult {
  /** The dose grid (the box of the CT grid). */
  geometry: VolumeGeometry;
  doseGy: Float32Array;
  /** Metrics per structure label (structures with no voxel in the box are absent). */
  metrics: Map<string, DoseMetrics>;
}

/** Total dose (Gy) of the plan and the metrics of each structure, voxel centres of the CT grid. */
export function computePlanDose(input: PlanDoseInput): PlanDoseResult {
  const g = input.geometry;
  const box = input.box ?? { min: [0, 0, 0], max: [g.dimensions[0] - 1, g.dimensions[1] - 1, g.dimensions[2] - 1] };
  const dg = cropGeometry(g, box);
  const model = getSourceModel(input.plan.source.modelId);
  const engine = new DoseEngine(dg, model, { exactAboveFractionOfMax: input.exactAboveFractionOfMax ?? 0.01 });
  engine.setSeeds(engineSeedsOfPlan(input.plan));
  const [dx, dy, dz] = dg.dimensions;
  const doseGy = new Float32Array(dx * dy * dz);
  engine.fillDoseRate(doseGy, 0, dz, doseIntegrationHours(input.durationHours ?? Infinity, model.halfLifeDays) / 100);
  const voxelCm3 = (g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]) / 1000;
  const metrics = new Map<string, DoseMetrics>();
  const [nx, ny] = g.dimensions;
  for (const s of input.structures) {
    const doses: number[] = [];
    for (let k = 0; k < dz; k++) {
      for (let j = 0; j < dy; j++) {
        const src = box.min[0] + nx * (box.min[1] + j + ny * (box.min[2] + k));
        const dst = dx * (j + dy * k);
        for (let i = 0; i < dx; i++) if (s.mask[src + i]) doses.push(doseGy[dst + i]);
      }
    }
    if (doses.length === 0) continue;
    const samples = { doseGy: Float64Array.from(doses), volumeCm3: new Float64Array(doses.length).fill(voxelCm3) };
    metrics.set(s.label, doseMetrics(samples, input.plan.prescription.doseGy));
  }
  return { geometry: dg, doseGy, metrics };
}

/** One constraint with the value the plan reached. */
export interface ConstraintCheck extends DoseConstraint {
  /** Gy for dose metrics, % for V-metrics; null when not computable (e.g. structure smaller than 0.1 cm³). */
  value: number | null;
  met: boolean | null;
}

/**
 * The metrics block of plan.json (CLI contract: field names are fixed). Each metric appears twice: under the
 * contract's own name (`D90`, `V100`, `V150`, `V200`, `Dmax`, `D0.1cc`; units in `units`) and under a name that
 * carries its unit (`D90Gy`, `V100Pct` …), with the same value.
 */
export interface PlanMetricsJson {
  prescriptionGy: number;
  /** Units of the contract-named metrics: dose metrics in Gy, V-metrics in % of the structure's volume. */
  units: { D: 'Gy'; V: '% of structure volume at ≥ n % of the prescription'; volume: 'cm3' };
  lesion: {
    label: string; volumeCm3: number;
    D90: number; V100: number; V150: number; V200: number;
    D90Gy: number; V100Pct: number; V150Pct: number; V200Pct: number;
  } | null;
  spinalCanal: { label: string; volumeCm3: number; Dmax: number; 'D0.1cc': number | null; DmaxGy: number; D0_1ccGy: number | null } | null;
  constraints: ConstraintCheck[];
  doseCalculation: string;
}

function metricValue(m: DoseMetrics, metric: DoseConstraint['metric']): number | null {
  switch (metric) {
    case 'Dmax': return m.DmaxGy;
    case 'D0.1cc': return m.D0_1ccGy;
    case 'D1cc': return m.D1ccGy;
    case 'D2cc': return m.D2ccGy;
    case 'Dmean': return m.DmeanGy;
    case 'D90': return m.D90Gy;
    case 'V100': return m.V100Pct;
    case 'V150': return m.V150Pct;
    case 'V200': return m.V200Pct;
  }
}

/** Constraint checks of a plan against computed metrics (value ≤ limit). */
export function checkConstraints(constraints: readonly DoseConstraint[], metrics: ReadonlyMap<string, DoseMetrics>): ConstraintCheck[] {
  return constraints.map((c) => {
    const m = metrics.get(c.structureLabel);
    const value = m ? metricValue(m, c.metric) : null;
    return { ...c, value, met: value === null ? null : value <= c.limit };
  });
}

/** The plan.json metrics block from computed metrics. */
export function planMetricsJson(plan: Plan, metrics: ReadonlyMap<string, DoseMetrics>, canalLabel = 'Spinal canal', modelNote = ''): PlanMetricsJson {
  const lesion = metrics.get(plan.prescription.targetLabel);
  const canal = metrics.get(canalLabel);
  return {
    prescriptionGy: plan.prescription.doseGy,
    units: { D: 'Gy', V: '% of structure volume at ≥ n % of the prescription', volume: 'cm3' },
    lesion: lesion
      ? {
          label: plan.prescription.targetLabel, volumeCm3: lesion.volumeCm3,
          D90: lesion.D90Gy, V100: lesion.V100Pct, V150: lesion.V150Pct, V200: lesion.V200Pct,
          D90Gy: lesion.D90Gy, V100Pct: lesion.V100Pct, V150Pct: lesion.V150Pct, V200Pct: lesion.V200Pct,
        }
      : null,
    spinalCanal: canal
      ? { label: canalLabel, volumeCm3: canal.volumeCm3, Dmax: canal.DmaxGy, 'D0.1cc': canal.D0_1ccGy, DmaxGy: canal.DmaxGy, D0_1ccGy: canal.D0_1ccGy }
      : null,
    constraints: checkConstraints(plan.constraints, metrics),
    doseCalculation: `AAPM TG-43U1 2D, seed model ${plan.source.modelId}, total dose of a permanent implant, at CT voxel centres${modelNote}`,
  };
}
