import { getHostContext } from '../host/hostContext';
import { PANEL_IDS } from '../id';
import type { ExtensionParams } from '../host/ohifTypes';
import { segmentationActions } from '../segmentation/register';
import { doseActions } from '../dose/register';
import { planStoreActions } from '../planStore/register';
import { planningActions } from '../needles/register';

/** Command names this extension defines (run with `commandsManager.runCommand(name, options)`). */
export const COMMANDS = {
  showPlanningPanel: 'pvpiShowPlanningPanel',
} as const;

/** OHIF commands module. Later issues add planning commands (suggest trajectory, bull's-eye view, save plan…). */
export function getCommandsModule(_params: ExtensionParams) {
  const actions = {
    /** Brings the PVPI planning panel to the front of the right side panel. */
    [COMMANDS.showPlanningPanel]: (): void => {
      const panelService = getHostContext().servicesManager.services.panelService as
        | { activatePanel(panelId: string, forceActive?: boolean): void }
        | undefined;
      panelService?.activatePanel(PANEL_IDS.planning, true);
    },
    ...segmentationActions,
    ...doseActions,
    ...planStoreActions,
    ...planningActions,
  };
  const definitions = Object.fromEntries(Object.keys(actions).map((name) => [name, { commandFn: actions[name as keyof typeof actions] }]));
  return { actions, definitions, defaultContext: 'CORNERSTONE' };
}
