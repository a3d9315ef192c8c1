/** OHIF commands of the plan store ("Save plan", "Load plan", opening RT Plans); results are plain data, never throws. */
import { peekHostContext } from '../host/hostContext';
import { openRtPlan, rtPlanRefOf, type OpenRtPlanResult } from '../rtplan/openRtPlan';
import { PLAN_STORE_COMMANDS } from '../rtplan/ids';
import type { PlanEdit } from '../../../../src/planning/planEditor';
import { currentPlanEditor, editPlan } from '../plan/planSession';
import { currentStudyInstanceUID, ensureSessionFor, getPlanSaveState, listPacsPlans, loadPacsPlan, savePlanToPacs, startPlanStoreService } from './planStoreService';

export { PLAN_STORE_COMMANDS };

/** Starts following the plan session (pending saves, last save). Called from preRegistration. */
export function registerPlanStore(): void {
  startPlanStoreService();
}

export const planStoreActions = {
  /** Saves the current plan (or retries the pending save of the unchanged plan). Resolves `{ ok, rtPlanSopInstanceUID | message, retryable }`. */
  [PLAN_STORE_COMMANDS.savePlan]: () => savePlanToPacs(),
  /** Lists the complete PVPI plans of a study (default: the current plan's study). */
  [PLAN_STORE_COMMANDS.listPlans]: (options?: { studyInstanceUID?: string; includeIncomplete?: boolean }) => {
    const study = options?.studyInstanceUID ?? currentStudyInstanceUID();
    if (!study) return Promise.resolve({ ok: false as const, message: 'No study open', retryable: false });
    return listPacsPlans(study, { includeIncomplete: options?.includeIncomplete === true });
  },
  /** Loads a saved plan into the plan session: `{ rtPlanSopInstanceUID, studyInstanceUID? }`. */
  [PLAN_STORE_COMMANDS.loadPlan]: async (options: { rtPlanSopInstanceUID: string; studyInstanceUID?: string }) => {
    const study = options.studyInstanceUID ?? currentStudyInstanceUID();
    if (!study) return { ok: false as const, message: 'No study open', retryable: false };
    const r = await loadPacsPlan(study, options.rtPlanSopInstanceUID);
    return r.ok ? { ok: true as const, plan: r.plan, warnings: r.loaded.warnings } : r;
  },
  /** Opens an RT Plan (ours or another system's) into the plan session: `{ displaySetInstanceUID }` or the three UIDs. */
  [PLAN_STORE_COMMANDS.openRtPlan]: async (options: { displaySetInstanceUID?: string; studyInstanceUID?: string; seriesInstanceUID?: string; sopInstanceUID?: string }): Promise<OpenRtPlanResult> => {
    if (options.displaySetInstanceUID) {
      const ds = peekHostContext()?.servicesManager.services.displaySetService?.getDisplaySetByUID(options.displaySetInstanceUID);
      const ref = ds ? rtPlanRefOf(ds) : undefined;
      if (!ref) return { ok: false, message: `No RT Plan display set ${options.displaySetInstanceUID}`, retryable: false };
      return openRtPlan(ref);
    }
    if (!options.studyInstanceUID || !options.seriesInstanceUID || !options.sopInstanceUID) return { ok: false, message: 'Give displaySetInstanceUID or study/series/SOP instance UIDs', retryable: false };
    return openRtPlan({ studyInstanceUID: options.studyInstanceUID, seriesInstanceUID: options.seriesInstanceUID, sopInstanceUID: options.sopInstanceUID });
  },
  /** The save state shown in the panel (status, message, progress, pending save, last save). */
  [PLAN_STORE_COMMANDS.planSaveState]: () => getPlanSaveState(),
  /** The current plan (opens the session of the study's CT if none is open yet); undefined without a CT. */
  [PLAN_STORE_COMMANDS.currentPlan]: () => {
    ensureSessionFor();
    return currentPlanEditor()?.plan;
  },
  /** Applies one PlanEdit (src/planning/planEditor.ts) to the current plan, e.g. `{ edit: { type: 'addSeeds', seeds } }`. Returns `{ ok, message? }`. */
  [PLAN_STORE_COMMANDS.editPlan]: ({ edit, merge }: { edit: PlanEdit; merge?: boolean }) => {
    ensureSessionFor();
    try {
      return editPlan(edit, merge === true) ? { ok: true } : { ok: false, message: 'No plan is open' };
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  },
};
