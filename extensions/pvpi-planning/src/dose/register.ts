/** Registration of the dose feature (called from the extension's preRegistration) and its OHIF commands. */
import { hasCornerstone } from '../host/cornerstoneHost';
import { doseDebugInfo, poke, refreshAllPlanes, startDoseHost } from './controller';
import { startDoseOverlays } from './overlay';
import { exportReport } from './report';
import { getDoseState, setDoseState } from './store';
import { normaliseIsodoseLines, type IsodoseLineStyle } from '../../../../src/planning/viewModels/isodoseStyle';

let registered = false;

/** Starts the dose host (plan/segmentation → workers) and the viewport overlays. */
export function registerDose(): void {
  if (registered || !hasCornerstone()) return;
  registered = true;
  startDoseHost();
  startDoseOverlays();
  poke();
}

/** Command names of the dose feature. */
export const DOSE_COMMANDS = {
  setIsodoseLines: 'pvpiSetIsodoseLines',
  toggleDoseWash: 'pvpiToggleDoseWash',
  exportReport: 'pvpiExportReport',
  doseInfo: 'pvpiDoseInfo',
} as const;

export const doseActions = {
  /** Sets the isodose lines, e.g. `{ lines: [{ percentOfPrescription: 100, colour: '#ffff00' }] }`. */
  [DOSE_COMMANDS.setIsodoseLines]: ({ lines }: { lines: IsodoseLineStyle[] }): void => {
    setDoseState({ isodoseLines: normaliseIsodoseLines(lines) });
    refreshAllPlanes();
  },
  /** Shows/hides the dose colour wash (toggles without `show`). */
  [DOSE_COMMANDS.toggleDoseWash]: (options?: { show?: boolean }): void => setDoseState({ showWash: options?.show ?? !getDoseState().showWash }),
  /** Opens the printable plan report; returns its HTML. */
  [DOSE_COMMANDS.exportReport]: (): string => exportReport(),
  /** Dose state for scripts and tests: grid, seeds as computed, structures, latencies, metrics (optionally the structure labels on the grid). */
  [DOSE_COMMANDS.doseInfo]: (options?: { includeLabels?: boolean }) => {
    const st = getDoseState();
    return {
      ...doseDebugInfo(options),
      status: st.status,
      engine: st.engine,
      latencies: st.latencies,
      metrics: st.structures.map((s) => ({ label: s.label, segmentIndex: s.segmentIndex, metrics: s.metrics })),
    };
  },
};
