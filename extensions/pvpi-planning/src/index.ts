/**
 * @pvpi/extension-pvpi-planning: the OHIF extension of PVPI Planner.
 *
 * Loaded by OHIF either at runtime as an ES module (URL in app-config `extensions`, default export = this
 * object) or compiled into an OHIF source build (pluginConfig.json). Planning maths lives in the repository's
 * core (`src/` at the repository root, imported by relative path), never here: this package only adapts it to OHIF.
 *
 * Layout (grows with later issues):
 *   host/      adapters to the host viewer: OHIF managers, Cornerstone globals, React bridge
 *   panels/    right-side panels (our React, mounted through host/reactBridge)
 *   commands/  OHIF commands
 *   tools/     Cornerstone3D tools, created from the host's cornerstoneTools at registration (needle, seeds)
 *   dose/      dose worker host (spawns the dose worker bundle next to this one)
 */
import { getCommandsModule } from './commands/getCommandsModule';
import { setHostContext } from './host/hostContext';
import type { ExtensionParams } from './host/ohifTypes';
import { EXTENSION_ID } from './id';
import { getPanelModule } from './panels/getPanelModule';
import { registerSegmentation } from './segmentation/register';
import { registerDose } from './dose/register';
import { registerPlanStore } from './planStore/register';
import { getSopClassHandlerModule } from './rtplan/sopClassHandler';
import { getRtPlanViewportModule } from './rtplan/RtPlanViewport';
import { registerPlanning } from './needles/register';

export { EXTENSION_ID, PANEL_IDS, PANEL_NAMES, TOOL_GROUP_IDS } from './id';

const extension = {
  /** Unique id; modules are referenced as `<id>.<moduleType>.<name>`. */
  id: EXTENSION_ID,

  /** Runs once when OHIF registers the extension (window.cornerstone/cornerstoneTools already exist). */
  preRegistration({ servicesManager, commandsManager, extensionManager }: ExtensionParams): void {
    setHostContext({ servicesManager, commandsManager, extensionManager });
    registerSegmentation();
    registerDose();
    registerPlanStore();
    registerPlanning();
  },

  getPanelModule,
  getCommandsModule,
  /** RT Plans (ours and other systems'): display sets in the study browser, opened into the plan session. */
  getSopClassHandlerModule,
  getViewportModule: getRtPlanViewportModule,
};

export default extension;
