/**
 * "Auto-plan": runs the core's automatic seed planning (src/planning/autoPlan.ts: greedy coverage + local search on a
 * TG-43 dose-influence matrix) in the planning worker on the level of the needles, with progress and cancel, and
 * replaces the seeds of the plan with the result in one undoable step. Needles with unresolved errors are left out.
 * Cancel works in every phase (also while the anatomy is being prepared): a cancelled run never touches the plan.
 */
import { decayCorrectedStrengthU } from '../../../../src/dose/decay';
import { getSourceModel } from '../../../../src/dose/sourceModel';
import type { Needle } from '../../../../src/planning/plan';
import { needleAcceptsSeeds } from '../../../../src/planning/planEditor';
import { currentPlanEditor, editPlan } from '../plan/planSession';
import { levelAt, prepareLevel } from '../needles/anatomy';
import { autoPlanInWorker, PlanningRunError, type AutoPlanRun } from '../needles/planningClient';
import { notify, redrawPlanOverlays } from '../needles/viewports';
import { getSeedState, setSeedState } from './store';

/** The run in progress: the worker run once started, and whether Cancel was pressed. */
let current: { run?: AutoPlanRun; cancelled: boolean } | undefined;

function setProgress(patch: Partial<ReturnType<typeof getSeedState>['autoPlan']>): void {
  setSeedState({ autoPlan: { ...getSeedState().autoPlan, ...patch } });
}

const CANCELLED_SUMMARY = 'Automatic planning cancelled; the seeds are unchanged.';

/** Starts the automatic planning (no-op while one runs). */
export async function runAutoPlan(): Promise<void> {
  if (current) return;
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
  const me: { run?: AutoPlanRun; cancelled: boolean } = { cancelled: false };
  current = me;
  setSeedState({ error: undefined, info: undefined, autoPlan: { running: true, fraction: 0, message: 'Preparing the anatomy…' } });
  try {
    // The optimiser works with S_K at the implant date (decayed from the calibration date with the model half-life).
    const halfLifeDays = getSourceModel(plan.source.modelId).halfLifeDays;
    const calibrationU = plan.source.airKermaStrengthU;
    const implantU = decayCorrectedStrengthU(calibrationU, Date.parse(plan.source.calibrationDateTime), Date.parse(plan.implantDateTime), halfLifeDays);
    const prepared = await prepareLevel(level);
    if (me.cancelled) throw new PlanningRunError('cancelled', 'automatic planning cancelled');
    me.run = autoPlanInWorker(
      {
        levelKey: prepared.levelKey,
        needles: usable.map((n) => ({ id: n.id, entryMm: n.entryMm, tipMm: n.tipMm })),
        prescriptionGy: plan.prescription.doseGy,
        constraints: plan.constraints,
        canalLabel: 'Spinal canal',
        sourceModelId: plan.source.modelId,
        strengthsU: [implantU],
      },
      (fraction, message) => {
        if (!me.cancelled) setProgress({ fraction, message });
      },
    );
    const result = await me.run.result;
    // A result that crossed the Cancel click is dropped.
    if (me.cancelled) throw new PlanningRunError('cancelled', 'automatic planning cancelled');
    editPlan({
      type: 'replaceSeeds',
      seeds: result.seeds.map((s) => ({
        id: s.id,
        positionMm: s.positionMm,
        axis: s.axis,
        needleId: s.needleId,
        ...(Math.abs(s.airKermaStrengthU - implantU) < 1e-9 ? {} : { airKermaStrengthU: (s.airKermaStrengthU * calibrationU) / implantU }),
      })),
    });
    const e = result.estimate;
    const reason = result.goalMet ? '' : ` ${result.findings.find((f) => f.code === 'ADD_NEEDLE' || f.code === 'CANAL_LIMIT_BINDS' || f.code === 'NO_SEED_POSITIONS')?.message ?? result.findings[0]?.message ?? ''}`.trimEnd();
    const summary = `${result.seeds.length} seeds: V100 ${e.targetV100Pct.toFixed(1)} % (goal ${result.goalV100Pct} %${result.goalMet ? ', met' : ', NOT met'}), V200 ${e.targetV200Pct.toFixed(1)} %, canal Dmax ${e.canalDmaxGy === null ? '—' : `${e.canalDmaxGy.toFixed(0)} Gy`}${result.constraintsMet ? '' : ' (canal limit exceeded)'}.${reason}`;
    setSeedState({ autoPlan: { running: false, fraction: 1, message: '', summary, findings: result.findings, outcome: result.goalMet ? 'met' : 'not-met', v100Pct: e.targetV100Pct } });
    redrawPlanOverlays();
  } catch (error) {
    const cancelled = me.cancelled || (error instanceof PlanningRunError && error.code === 'cancelled');
    const message = error instanceof Error ? error.message : String(error);
    setSeedState({
      autoPlan: { running: false, fraction: 0, message: '', summary: cancelled ? CANCELLED_SUMMARY : undefined, outcome: cancelled ? 'cancelled' : 'failed' },
      error: cancelled ? undefined : `Auto-plan failed: ${message}`,
    });
    if (!cancelled) notify('Auto-plan', message, 'error');
  } finally {
    current = undefined;
  }
}

/** Stops a running automatic planning (the plan is left unchanged), whatever phase it is in. */
export function cancelAutoPlan(): void {
  if (!current) return;
  current.cancelled = true;
  current.run?.cancel();
  setProgress({ message: 'Cancelling…' });
}
