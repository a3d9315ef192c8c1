import { createHostComponent } from '../host/reactBridge';
import type { ExtensionParams } from '../host/ohifTypes';
import { PANEL_NAMES } from '../id';
import { PlanningPanel } from './PlanningPanel';

// Created once: OHIF keeps the component type, and a stable type keeps the host from remounting it.
const PlanningPanelForHost = createHostComponent(PANEL_NAMES.planning, () => <PlanningPanel />);

/** OHIF panel module: the panels a mode can list as `<extension id>.panelModule.<name>`. */
export function getPanelModule(_params: ExtensionParams) {
  return [
    {
      name: PANEL_NAMES.planning,
      // An icon of OHIF's ui-next icon set (extensions cannot add icons without the host React).
      iconName: 'tab-roi-threshold',
      iconLabel: 'PVPI',
      label: 'PVPI planning',
      component: PlanningPanelForHost,
    },
  ];
}
