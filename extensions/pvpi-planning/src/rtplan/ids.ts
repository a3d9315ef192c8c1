/** Names shared by the extension and the mode for RT Plan display sets (no runtime imports: safe for the mode). */
import { EXTENSION_ID } from '../id';

/** RT Plan Storage SOP Class UID (PS3.4 Annex B.5). */
export const RT_PLAN_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.481.5';

/** Name of our SOP class handler and of the viewport module that shows an opened RT Plan. */
export const RTPLAN_MODULE_NAME = 'pvpi-rtplan';

/** Fully qualified ids, as a mode lists them in `sopClassHandlers` and `viewports`. */
export const RTPLAN_SOP_CLASS_HANDLER_ID = `${EXTENSION_ID}.sopClassHandlerModule.${RTPLAN_MODULE_NAME}`;
export const RTPLAN_VIEWPORT_ID = `${EXTENSION_ID}.viewportModule.${RTPLAN_MODULE_NAME}`;

/** OHIF command names of the plan store / RT Plan feature. */
export const PLAN_STORE_COMMANDS = {
  savePlan: 'pvpiSavePlan',
  listPlans: 'pvpiListPlans',
  loadPlan: 'pvpiLoadPlan',
  openRtPlan: 'pvpiOpenRtPlan',
  planSaveState: 'pvpiPlanSaveState',
  /** Scripting: the current plan, and one PlanEdit applied to it. */
  currentPlan: 'pvpiCurrentPlan',
  editPlan: 'pvpiEditPlan',
} as const;
