/** Identity of the extension: OHIF keys every module by `<EXTENSION_ID>.<moduleType>.<name>`. */
export const EXTENSION_ID = '@pvpi/extension-pvpi-planning';

/** Names of the panels this extension registers (getPanelModule). */
export const PANEL_NAMES = {
  planning: 'pvpiPlanning',
} as const;

/** Fully qualified panel ids, as a mode lists them in `rightPanels`. */
export const PANEL_IDS = {
  planning: `${EXTENSION_ID}.panelModule.${PANEL_NAMES.planning}`,
} as const;

/** The OHIF tool group ids our mode creates (our Cornerstone tools are added to these). */
export const TOOL_GROUP_IDS = {
  default: 'default',
  mpr: 'mpr',
  volume3d: 'volume3d',
} as const;
