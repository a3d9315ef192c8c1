/**
 * Registration of the needle and seed features with the host viewer (called from the extension's preRegistration):
 * the Needle and Place seed tools, the plan session of the CT on screen, redraws on plan changes, and re-checks of
 * the needles when the segmentation changes.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import type { Side } from '../../../../src/geometry/levelAnatomy';
import { getCornerstoneTools, hasCornerstone } from '../host/cornerstoneHost';
import { getHostContext } from '../host/hostContext';
import type { DisplaySet, PubSubService } from '../host/ohifTypes';
import { openPlanSession, subscribePlan } from '../plan/planSession';
import { addSeedAt, redoPlan, undoPlan } from '../seeds/controller';
import { cancelAutoPlan, runAutoPlan } from '../seeds/autoPlanRunner';
import { createSeedTool } from '../seeds/SeedTool';
import { scheduleSeedChecks, seedAnatomyChanged } from '../seeds/seedChecks';
import { followSegmentation, invalidateAnatomy, onAnatomyChanged } from './anatomy';
import { anatomyChanged, bullsEyeView, moveNeedleEnd, refreshEvaluationCache, suggestNeedle } from './controller';
import { PLANNING_COMMANDS } from './ids';
import { createNeedleTool } from './NeedleTool';
import { redrawPlanOverlays } from './viewports';

let registered = false;

interface GridState {
  viewports: Map<string, { viewportId: string; displaySetInstanceUIDs?: string[] }>;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object' && typeof (v as { Alphabetic?: unknown }).Alphabetic === 'string') return (v as { Alphabetic: string }).Alphabetic;
  return undefined;
}

/** The CT display set on screen (active viewport first). */
function ctOnScreen(): DisplaySet | undefined {
  const { viewportGridService, displaySetService } = getHostContext().servicesManager.services;
  if (!viewportGridService || !displaySetService) return undefined;
  // Before OHIF's viewport-grid provider is mounted, its service throws (`_getState is not a function`): no CT yet.
  try {
    const grid = (viewportGridService as unknown as { getState?(): GridState }).getState?.();
    const ids = [viewportGridService.getActiveViewportId(), ...(grid ? [...grid.viewports.keys()] : [])].filter((x): x is string => typeof x === 'string');
    for (const id of ids) {
      for (const uid of viewportGridService.getDisplaySetsUIDsForViewport(id) ?? []) {
        const ds = displaySetService.getDisplaySetByUID(uid);
        if (ds?.Modality === 'CT') return ds;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Opens the plan session of the CT on screen (a no-op when it is already open). */
export function openPlanForScreen(): void {
  const ds = ctOnScreen() as (DisplaySet & { FrameOfReferenceUID?: string }) | undefined;
  if (!ds?.StudyInstanceUID || !ds.SeriesInstanceUID) return;
  const first = (ds.instances?.[0] ?? {}) as Record<string, unknown>;
  const frameOfReferenceUID = str(ds.FrameOfReferenceUID) ?? str(first.FrameOfReferenceUID);
  if (!frameOfReferenceUID) return;
  openPlanSession({
    studyInstanceUID: ds.StudyInstanceUID,
    seriesInstanceUID: ds.SeriesInstanceUID,
    frameOfReferenceUID,
    ...(str(first.PatientID) ? { patientID: str(first.PatientID) } : {}),
    ...(str(first.PatientName) ? { patientName: str(first.PatientName) } : {}),
  });
}

function on(service: PubSubService | undefined, events: string[], callback: () => void): void {
  if (!service) return;
  for (const e of events) {
    const name = service.EVENTS?.[e];
    if (name) service.subscribe(name, callback);
  }
}

/** Adds the Needle and Place seed tools to the host's Cornerstone and wires the plan session. */
export function registerPlanning(): void {
  if (registered || !hasCornerstone()) return;
  registered = true;
  const cst = getCornerstoneTools();
  cst.addTool(createNeedleTool(cst));
  cst.addTool(createSeedTool(cst));

  const services = getHostContext().servicesManager.services;
  on(services.viewportGridService, ['ACTIVE_VIEWPORT_ID_CHANGED', 'GRID_STATE_CHANGED', 'VIEWPORTS_READY'], openPlanForScreen);
  on(services.displaySetService, ['DISPLAY_SETS_ADDED', 'DISPLAY_SETS_CHANGED'], openPlanForScreen);
  openPlanForScreen();

  subscribePlan(() => {
    redrawPlanOverlays();
    refreshEvaluationCache();
    scheduleSeedChecks();
  });

  followSegmentation();
  onAnatomyChanged(anatomyChanged);
  onAnatomyChanged(seedAnatomyChanged);
  let timer: ReturnType<typeof setTimeout> | undefined;
  on(services.segmentationService as PubSubService | undefined, ['SEGMENTATION_DATA_MODIFIED'], () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(invalidateAnatomy, 500);
  });
}

/** OHIF command actions of the needle and seed features (merged into the extension's commands module). */
export const planningActions = {
  [PLANNING_COMMANDS.suggestTrajectory]: (options?: { side?: Side; half?: 'upper' | 'lower'; slot?: number }): Promise<unknown> => suggestNeedle(options ?? {}),
  [PLANNING_COMMANDS.bullsEyeView]: (options?: { needleId?: string; viewportId?: string }): boolean => bullsEyeView(options ?? {}),
  [PLANNING_COMMANDS.addSeedAt]: ({ worldPoint, needleId }: { worldPoint: Vec3; needleId?: string }): unknown => {
    openPlanForScreen();
    return addSeedAt([worldPoint[0], worldPoint[1], worldPoint[2]], needleId);
  },
  /** The Needle tool's drag path: `first` starts the undo step, later moves merge into it; the seeds ride along. */
  [PLANNING_COMMANDS.moveNeedleEnd]: ({ needleId, which, worldPoint, first }: { needleId: string; which: 'entry' | 'tip'; worldPoint: Vec3; first?: boolean }): void =>
    moveNeedleEnd(needleId, which, [worldPoint[0], worldPoint[1], worldPoint[2]], first ?? true),
  [PLANNING_COMMANDS.undo]: (): void => undoPlan(),
  [PLANNING_COMMANDS.redo]: (): void => redoPlan(),
  [PLANNING_COMMANDS.autoPlan]: (): Promise<void> => runAutoPlan(),
  [PLANNING_COMMANDS.cancelAutoPlan]: (): void => cancelAutoPlan(),
};
