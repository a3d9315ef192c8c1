/** Registration of the segmentation feature with the host viewer (called from the extension's preRegistration). */
import { getCornerstoneTools, hasCornerstone } from '../host/cornerstoneHost';
import { getHostContext } from '../host/hostContext';
import type { PubSubService } from '../host/ohifTypes';
import { PANEL_IDS } from '../id';
import { nameLevel, refreshVolumes, segmentLesion, segmentVertebraAt, undoLastRun } from './controller';
import { SEGMENTATION_COMMANDS } from './ids';
import { startDraftAutosave } from './draft';
import { forgetRestoreAttempts, restoreSegmentation } from './restore';
import { saveSegmentation } from './save';
import { createSegmentVertebraTool } from './SegmentVertebraTool';
import { getState, resetState, setState } from './store';

let registered = false;
let volumeTimer: ReturnType<typeof setTimeout> | undefined;

/** Adds the Segment vertebra tool to the host's Cornerstone and follows segmentation edits (volumes). */
export function registerSegmentation(): void {
  if (registered || !hasCornerstone()) return;
  registered = true;
  const cst = getCornerstoneTools();
  cst.addTool(createSegmentVertebraTool(cst, (viewportId, point) => void segmentVertebraAt(viewportId, point)));
  // Every completed change is kept in this browser (draft.ts), restored on reopen if newer than the saved SEG.
  startDraftAutosave();
  const { segmentationService } = getHostContext().servicesManager.services as { segmentationService?: PubSubService };
  if (segmentationService) {
    // Brush/eraser edits change the volumes: recount, debounced.
    for (const event of ['SEGMENTATION_DATA_MODIFIED']) {
      const name = segmentationService.EVENTS?.[event];
      if (name) {
        segmentationService.subscribe(name, () => {
          if (!getState().segmentationId) return;
          if (volumeTimer) clearTimeout(volumeTimer);
          volumeTimer = setTimeout(refreshVolumes, 400);
        });
      }
    }
    const removed = segmentationService.EVENTS?.SEGMENTATION_REMOVED;
    if (removed) {
      segmentationService.subscribe(removed, (payload) => {
        const id = (payload as { segmentationId?: string } | undefined)?.segmentationId;
        if (id && id === getState().segmentationId) {
          resetState();
          forgetRestoreAttempts();
        }
      });
    }
  }
}

function showPanel(): void {
  const panelService = getHostContext().servicesManager.services.panelService as { activatePanel(id: string, force?: boolean): void } | undefined;
  panelService?.activatePanel(PANEL_IDS.planning, true);
}

/** OHIF command actions of the segmentation feature (merged into the extension's commands module). */
export const segmentationActions = {
  [SEGMENTATION_COMMANDS.segmentVertebraAt]: ({ viewportId, worldPoint }: { viewportId: string; worldPoint: [number, number, number] }): Promise<void> =>
    segmentVertebraAt(viewportId, worldPoint),
  [SEGMENTATION_COMMANDS.segmentLesion]: (): Promise<void> => {
    showPanel();
    return segmentLesion();
  },
  [SEGMENTATION_COMMANDS.levelLabels]: (options?: { slot?: number; level?: string }): void => {
    showPanel();
    if (options?.level && options.slot !== undefined) nameLevel(options.slot, options.level);
    else setState({ focusLevelForm: true, info: getState().levels.length ? 'Name one level (e.g. L1): the others are numbered from it.' : 'Segment a vertebra first, then name its level.' });
  },
  [SEGMENTATION_COMMANDS.undo]: (): void => undoLastRun(),
  [SEGMENTATION_COMMANDS.save]: (): Promise<void> => saveSegmentation(),
  [SEGMENTATION_COMMANDS.restore]: (options?: { seriesInstanceUID?: string }): Promise<boolean> => {
    showPanel();
    return restoreSegmentation(options ?? {});
  },
};
