/**
 * The whole planning pipeline without a viewer (used by `pvpi plan`, reusable in a worker): segment the vertebra
 * at a point, suggest bilateral transpedicular needles (left tip in the upper half, right tip in the lower half,
 * clinical review step v), auto-plan the seeds, compute the dose, and estimate the cement volume.
 */
import type { ScalarVolume, TypedVoxelArray, Vec3 } from '../geometry/volume';
import { segmentVertebra, LABEL_VALUES, SEGMENT_LABELS, type VertebraSegmentation } from '../segmentation';
import { buildTrajectoryModel, type LevelMasks } from '../geometry/levelAnatomy';
import { suggestTrajectory, type TrajectorySuggestion } from '../geometry/trajectorySuggest';
import { getSourceModel } from '../dose/sourceModel';
import { decayCorrectedStrengthU } from '../dose/decay';
import { createPlan, NEEDLE_OUTER_DIAMETER_MM, type Needle, type NeedleGauge, type Plan, type PlanReferences, type SeedSource, type StructureRef } from './plan';
import { autoPlanSteps, AutoPlanCancelledError, type AutoPlanOptions, type AutoPlanResult } from './autoPlan';
import { computePlanDose, planMetricsJson, type PlanDoseResult, type PlanMetricsJson } from './planDose';
import { estimateCement, type CementEstimate } from './cement';
import { growBox, maskBounds, sampleMaskNearest } from './gridBox';
import { addScaled, dot, PATIENT_SUPERIOR, sub, unit } from '../geometry/vec3';
import type { TrajectoryModel } from '../geometry/levelAnatomy';
import type { VolumeGeometry } from '../geometry/volume';
import { voxelToPatient } from '../geometry/volume';

/**
 * Tip aimed through the lesion for one side: the line from the pedicle centroid through the centroid of the lesion
 * part in the wanted half, followed to the last lesion point (1 mm inside), so the track runs through the tumour.
 * Undefined when the lesion has no voxel in that half.
 */
export function lesionAimedTip(model: TrajectoryModel, geometry: VolumeGeometry, lesion: Uint8Array, side: 'left' | 'right', half: 'upper' | 'lower'): Vec3 | undefined {
  const ped = model.pedicles[side];
  if (!ped) return undefined;
  const [nx, ny, nz] = geometry.dimensions;
  const c: Vec3 = [0, 0, 0];
  let n = 0;
  for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (!lesion[v]) continue;
    const p = voxelToPatient(geometry, i, j, k);
    const h = dot(sub(p, model.body.centroidMm), PATIENT_SUPERIOR);
    if ((half === 'upper') !== (h > 0)) continue;
    c[0] += p[0];
    c[1] += p[1];
    c[2] += p[2];
    n++;
  }
  if (n === 0) return undefined;
  const centroid: Vec3 = [c[0] / n, c[1] / n, c[2] / n];
  const d = unit(sub(centroid, ped.centroidMm));
  let last: Vec3 | undefined;
  for (let t = 0; t < 150; t += 0.5) {
    const q = addScaled(ped.centroidMm, d, t);
    if (sampleMaskNearest(lesion, geometry, q)) last = q;
    else if (last) break;
  }
  return last ? addScaled(last, d, -1) : centroid;
}

export interface PlanPipelineInput {
  ct: ScalarVolume<TypedVoxelArray>;
  pointMm: Vec3;
  references: PlanReferences;
  planId: string;
  nowDateTime: string;
  prescriptionGy?: number;
  gauge?: NeedleGauge;
  /** Level name (e.g. "L1"), for the cement averages and labels. */
  level?: string;
  source?: Partial<SeedSource>;
  /** Seed strengths in stock at the calibration date (U); default: the plan's source strength only. */
  stockStrengthsU?: number[];
  autoPlan?: AutoPlanOptions;
}

export interface PlanPipelineResult {
  plan: Plan;
  segmentation: VertebraSegmentation;
  trajectories: Partial<Record<'left' | 'right', TrajectorySuggestion>>;
  autoPlan: AutoPlanResult;
  dose: PlanDoseResult;
  metrics: PlanMetricsJson;
  cement: CementEstimate;
  warnings: string[];
}

export interface PipelineControl {
  onProgress?(fraction: number, message: string): void;
  shouldCancel?(): boolean;
}

function labelMask(labels: Uint8Array, value: number): Uint8Array {
  const m = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] === value) m[i] = 1;
  return m;
}

/** Runs the pipeline (see module comment). Throws SegmentationError / TrajectoryInputError / RangeError on bad input. */
export function planFromPoint(input: PlanPipelineInput, control: PipelineControl = {}): PlanPipelineResult {
  const progress = (f: number, m: string): void => {
    if (control.shouldCancel?.()) throw new AutoPlanCancelledError();
    control.onProgress?.(f, m);
  };
  const warnings: string[] = [];
  const gauge: NeedleGauge = input.gauge ?? 11;
  const g = input.ct.geometry;

  progress(0, 'segmenting the vertebra');
  const seg = segmentVertebra(input.ct, input.pointMm);
  for (const w of seg.warnings) warnings.push(`segmentation: ${w}`);
  const masks: LevelMasks = {
    body: labelMask(seg.labels, LABEL_VALUES.body),
    canal: labelMask(seg.labels, LABEL_VALUES.canal),
    leftPedicle: labelMask(seg.labels, LABEL_VALUES.leftPedicle),
    rightPedicle: labelMask(seg.labels, LABEL_VALUES.rightPedicle),
    posteriorElements: labelMask(seg.labels, LABEL_VALUES.posteriorElements),
    lesion: labelMask(seg.labels, LABEL_VALUES.lesion),
  };
  const hasLesion = seg.segments.some((s) => s.key === 'lesion');
  if (!hasLesion) throw new RangeError(`no lesion was found in the vertebra at (${input.pointMm.map((v) => v.toFixed(1)).join(', ')}) mm: nothing to plan seeds for`);

  progress(0.15, 'suggesting bilateral transpedicular trajectories');
  const model = buildTrajectoryModel({ geometry: g, ct: input.ct, masks, level: input.level });
  const trajectories: PlanPipelineResult['trajectories'] = {};
  const needles: Needle[] = [];
  const lesionMask = masks.lesion as Uint8Array;
  /** A track for (side, half): aimed through the lesion when that is safe and keeps the half, else the default. */
  const track = (side: 'left' | 'right', half: 'upper' | 'lower', aimedOnly: boolean): TrajectorySuggestion | undefined => {
    const aimed = lesionAimedTip(model, g, lesionMask, side, half);
    if (aimed) {
      const a = suggestTrajectory(model, { side, half, gauge, targetMm: aimed });
      if (a.feasible && a.tip.half === half) return a;
    }
    return aimedOnly ? undefined : suggestTrajectory(model, { side, half, gauge });
  };
  const toNeedle = (t: TrajectorySuggestion, side: 'left' | 'right', half: 'upper' | 'lower', extra: boolean): Needle => ({
    id: extra ? `needle-${side}-${half}` : `needle-${side}`,
    label: `${side === 'left' ? 'Left' : 'Right'} transpedicular${extra ? ` (${half} half, redirected)` : ''}`,
    entryMm: t.entry,
    tipMm: t.target,
    gauge,
    outerDiameterMm: NEEDLE_OUTER_DIAMETER_MM[gauge],
    side,
    approach: 'transpedicular',
    findings: t.violations,
  });
  for (const [side, half] of [['left', 'upper'], ['right', 'lower']] as const) {
    try {
      const t = track(side, half, false) as TrajectorySuggestion;
      trajectories[side] = t;
      needles.push(toNeedle(t, side, half, false));
      for (const f of t.violations) warnings.push(`${side} needle: ${f.severity}: ${f.message}`);
    } catch (e) {
      warnings.push(`${side} needle: no trajectory suggested (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const usableOf = (list: Needle[]): Needle[] => list.filter((n) => !n.findings.some((f) => f.severity === 'error'));
  for (const n of needles) if (!usableOf([n]).length) warnings.push(`${n.label}: violates a safety constraint; no seeds planned on it (override it in the viewer to use it)`);

  const plan0 = createPlan({ id: input.planId, nowDateTime: input.nowDateTime, references: input.references, source: input.source, prescriptionGy: input.prescriptionGy, name: `PVPI ${input.level ?? 'plan'}` });
  const sourceModel = getSourceModel(plan0.source.modelId);
  const cal = Date.parse(plan0.source.calibrationDateTime);
  const implant = Date.parse(plan0.implantDateTime);
  const atImplant = (u: number): number => decayCorrectedStrengthU(u, cal, implant, sourceModel.halfLifeDays);
  const stock = input.stockStrengthsU && input.stockStrengthsU.length > 0 ? input.stockStrengthsU : [plan0.source.airKermaStrengthU];
  const implantToCal = new Map(stock.map((u) => [atImplant(u), u]));

  const runAutoPlan = (list: Needle[], f0: number, f1: number): AutoPlanResult => {
    const it = autoPlanSteps({
      geometry: g,
      target: lesionMask,
      canal: masks.canal,
      body: masks.body,
      needles: usableOf(list),
      prescriptionGy: plan0.prescription.doseGy,
      constraints: plan0.constraints,
      canalLabel: SEGMENT_LABELS.canal,
      sourceModel,
      strengthsU: [...implantToCal.keys()],
      options: input.autoPlan,
    });
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
      progress(f0 + (f1 - f0) * r.value.fraction, `auto-plan: ${r.value.message}`);
    }
  };
  let ap = runAutoPlan(needles, 0.25, 0.5);
  // The review allows redirecting a needle to place seeds where needed: when the goal is not reached and the
  // reason is reach (not the canal), add a redirected track per pedicle into the other half (at most 4 tracks).
  const extras: Array<['left' | 'right', 'upper' | 'lower']> = [['right', 'upper'], ['left', 'lower']];
  for (const [side, half] of extras) {
    if (ap.goalMet || needles.length >= 4 || !ap.findings.some((f) => f.code === 'ADD_NEEDLE')) break;
    let t: TrajectorySuggestion | undefined;
    try {
      t = track(side, half, true);
    } catch {
      t = undefined;
    }
    if (!t) continue;
    const trial = [...needles, toNeedle(t, side, half, true)];
    const next = runAutoPlan(trial, 0.5, 0.8);
    if (next.estimate.targetV100Pct > ap.estimate.targetV100Pct + 0.5) {
      warnings.push(`added a redirected ${side} track into the ${half} half: V100 ${ap.estimate.targetV100Pct.toFixed(1)} % → ${next.estimate.targetV100Pct.toFixed(1)} %`);
      needles.splice(0, needles.length, ...trial);
      ap = next;
    }
  }
  for (const f of ap.findings) warnings.push(`auto-plan: ${f.severity}: ${f.message}`);

  const structures: StructureRef[] = seg.segments.map((s, i) => ({
    label: s.label,
    role: s.key === 'lesion' ? 'target' : s.key === 'canal' ? 'organ-at-risk' : 'other',
    segmentNumber: i + 1,
  }));
  const plan: Plan = {
    ...plan0,
    needles,
    structures,
    seeds: ap.seeds.map((s) => {
      const calU = implantToCal.get(s.airKermaStrengthU) ?? plan0.source.airKermaStrengthU;
      return { id: s.id, positionMm: s.positionMm, axis: s.axis, needleId: s.needleId, ...(calU !== plan0.source.airKermaStrengthU ? { airKermaStrengthU: calU } : {}) };
    }),
  };

  progress(0.82, 'computing the dose (TG-43U1)');
  const box = growBox(g, [maskBounds(seg.labels, g)], 15) ?? { min: [0, 0, 0], max: [g.dimensions[0] - 1, g.dimensions[1] - 1, g.dimensions[2] - 1] };
  const dose = computePlanDose({
    plan,
    geometry: g,
    box,
    structures: seg.segments.map((s) => ({ label: s.label, mask: labelMask(seg.labels, s.labelValue) })),
  });
  const metrics = planMetricsJson(plan, dose.metrics, SEGMENT_LABELS.canal);
  for (const c of metrics.constraints) if (c.met === false) warnings.push(`constraint not met: ${c.structureLabel} ${c.metric} ${c.value?.toFixed(1)} > ${c.limit}`);

  const bodyMl = seg.segments.filter((s) => s.key === 'body' || s.key === 'lesion').reduce((a, s) => a + s.volumeCm3, 0);
  const cement = estimateCement(bodyMl, input.level);
  progress(1, 'done');
  return { plan, segmentation: seg, trajectories, autoPlan: ap, dose, metrics, cement, warnings };
}
