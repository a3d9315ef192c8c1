/**
 * The PlanBundle (src/planStore/encode.ts) of what the viewer holds: the plan session's plan, the PVPI
 * segmentation (labels + coded segments + planning CT, shared with "Save segmentation") and the plan's total
 * dose on the viewer's dose grid (the dose controller's region and spacing), computed here with the core
 * TG-43 engine so the RT Dose never depends on the state of the dose workers.
 */
import type { PlanBundle } from '../../../../src/planStore';
import type { Plan, StructureRef } from '../../../../src/planning/plan';
import type { VolumeGeometry } from '../../../../src/geometry/volume';
import { DoseEngine } from '../../../../src/dose/doseEngine';
import { getSourceModel } from '../../../../src/dose/sourceModel';
import { doseIntegrationHours } from '../../../../src/dose/decay';
import { engineSeedsOfPlan } from '../../../../src/planning/planDose';
import { doseGridForBox, regionBox } from '../../../../src/planning/viewModels/doseGridRegion';
import { segmentationForSave } from '../segmentation/save';
import { getState as getSegState } from '../segmentation/store';
import { DOSE_GRID_SETTINGS } from '../dose/controller';

/** Total dose (Gy, permanent implant) of the plan on a grid. */
export function planDoseOnGrid(plan: Plan, geometry: VolumeGeometry): Float32Array {
  const model = getSourceModel(plan.source.modelId);
  const engine = new DoseEngine(geometry, model, { exactAboveFractionOfMax: 0.01 });
  engine.setSeeds(engineSeedsOfPlan(plan));
  const out = new Float32Array(geometry.dimensions[0] * geometry.dimensions[1] * geometry.dimensions[2]);
  // cGy/h × hours / 100 = Gy (docs/dose.md, total dose of the full decay).
  if (plan.seeds.length > 0) engine.fillDoseRate(out, 0, geometry.dimensions[2], doseIntegrationHours(Infinity, model.halfLifeDays) / 100);
  return out;
}

function roleOf(label: string): StructureRef['role'] {
  if (/lesion/i.test(label)) return 'target';
  if (/canal/i.test(label)) return 'organ-at-risk';
  return 'other';
}

/**
 * Builds the bundle to save. Throws a one-line Error when something is missing (no segmentation, CT of
 * another series than the plan's, unknown seed model).
 */
export function buildPlanBundle(plan: Plan): PlanBundle {
  const seg = segmentationForSave();
  if (seg.ct.seriesInstanceUID !== plan.references.seriesInstanceUID) {
    throw new Error(`The segmentation is on CT series ${seg.ct.seriesInstanceUID}, the plan on ${plan.references.seriesInstanceUID}: open the plan's CT`);
  }
  const ctGeometry = seg.ct.geometry;
  const box = regionBox(
    ctGeometry,
    getSegState().levels.map((l) => l.box),
    plan.seeds.map((s) => s.positionMm),
  );
  if (!box) throw new Error('Nothing to save: segment a vertebra first');
  const grid = doseGridForBox(ctGeometry, box, DOSE_GRID_SETTINGS);
  const doseGy = planDoseOnGrid(plan, grid);
  // Structures of the saved plan: one per segment (segment number = position in the SEG), unless the plan has its own.
  const structures: StructureRef[] =
    plan.structures.length > 0 ? plan.structures : seg.segments.map((s, i) => ({ label: s.label, role: roleOf(s.label), segmentNumber: i + 1, ...(s.rgb ? { colorRgb: s.rgb } : {}) }));
  return {
    plan: { ...plan, structures },
    ct: seg.ct,
    segmentation: { labels: seg.labels, segments: seg.segments },
    dose: { geometry: grid, doseGy },
  };
}
