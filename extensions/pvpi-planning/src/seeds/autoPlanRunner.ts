/**
 * "Auto-plan": runs the core's automatic seed planning (src/planning/autoPlan.ts: greedy coverage + local search on a
 * TG-43 dose-influence matrix) in the planning worker on the level of the needles, with progress and cancel, and
 * replaces the seeds of the plan with the result in one undoable step. Needles with unresolved errors are left out.
 */
import type { Needle } from '../../../../src/planning/plan';
import { needleAcceptsSeeds } from '../../../../src/planning/planEditor';
import { currentPlanEditor, editPlan } from '../plan/planSession';
import { levelAt, prepareLevel } from '../needles/anatomy';
import { autoPlanInWorker, PlanningRunError, type AutoPlanRun } from '../needles/planningClient';
import { notify, redrawPlanOverlays } from '../needles/viewports';
import { getSeedState, setSeedState } from './store';

let run: AutoPlanRun | undefined;

function setProgress(patch: Partial<ReturnType<typeof getSeedState>['autoPlan']>): void {
  setSeedState({ autoPlan: { ...getSeedState().autoPlan, ...patch } });
}

/** Starts the automatic planning (no-op while one runs). */
export async function runAutoPlan(): Promise<void> {
  if (run) return;
  const plan = currentPlanEditor()?.plan;
  if (!plan) {
    setSeedState({ error: 'No plan is open: show the planning CT in a viewport first' });
    return;
  }
  const usable: Needle[] = plan.needles.filter(needleAcceptsSeeds);
  if (usable.length === 0) {
    setSeedState({ error: plan.needles.length ? 'Every needle is blocked by a safety error: fix or override one first (Needles section)' : 'Plan at least one needle first (Needle tool or Suggest trajectory)' });
    return;
  }
  const level = levelAt(usable[0].tipMm);
  if (!level) {
    setSeedState({ error: 'No segmented vertebra at the needle tips: segment the level and its lesion first' });
    return;
  }
  setSeedState({ error: undefined, info: undefined, autoPlan: { running: true, fraction: 0, message: 'Preparing the anatomy…' } });
  try {
    const prepared = await prepareLevel(level);
    run = autoPlanInWorker(
      {
        levelKey: prepared.levelKey,
        needles: usable.map((n) => ({ id: n.id, entryMm: n.entryMm, tipMm: n.tipMm })),
        prescriptionGy: plan.prescription.doseGy,
        constraints: plan.constraints,
        canalLabel: 'Spinal canal',
        sourceModelId: plan.source.modelId,
        strengthsU: [plan.source.airKermaStrengthU],
      },
      (fraction, message) => setProgress({ fraction, message }),
    );
    const result = await run.result;
    const sameStrength = (u: number) => Math.abs(u - plan.source.airKermaStrengthU) < 1e-9;
    editPlan({
      type: 'replaceSeeds',
      seeds: result.seeds.map((s) => ({
        id: s.id,
        positionMm: s.positionMm,
        axis: s.axis,
        needleId: s.needleId,
        ...(sameStrength(s.airKermaStrengthU) ? {} : { airKermaStrengthU: s.airKermaStrengthU }),
      })),
    });
    const e = result.estimate;
    const summary = `${result.seeds.length} seeds: V100 ${e.targetV100Pct.toFixed(1)} % (goal ${result.goalV100Pct} %${result.goalMet ? ', met' : ', NOT met'}), V200 ${e.targetV200Pct.toFixed(1)} %, canal Dmax ${e.canalDmaxGy === null ? '—' : `${e.canalDmaxGy.toFixed(0)} Gy`}${result.constraintsMet ? '' : ' (canal limit exceeded)'}.`;
    setSeedState({ autoPlan: { running: false, fraction: 1, message: '', summary, findings: result.findings } });
    redrawPlanOverlays();
  } catch (error) {
    const cancelled = error instanceof PlanningRunError && error.code === 'cancelled';
    const message = error instanceof Error ? error.message : String(error);
    setSeedState({ autoPlan: { running: false, fraction: 0, message: '', summary: cancelled ? 'Automatic planning cancelled; the seeds are unchanged.' : undefined }, error: cancelled ? undefined : `Auto-plan failed: ${message}` });
    if (!cancelled) notify('Auto-plan', message, 'error');
  } finally {
    run = undefined;
  }
}

/** Stops a running automatic planning (the plan is left unchanged). */
export function cancelAutoPlan(): void {
  run?.cancel();
}
