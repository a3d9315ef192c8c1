/**
 * UI state of the dose feature (panel + viewport overlays): a tiny external store shared by the controller,
 * the overlays, commands and React (useSyncExternalStore).
 */
import { useSyncExternalStore } from 'react';
import type { VolumeGeometry } from '../../../../src/geometry/volume';
import type { DoseMetrics, Dvh } from '../../../../src/dose/dvh';
import { DEFAULT_ISODOSE_LINES, type IsodoseLineStyle } from '../../../../src/planning/viewModels/isodoseStyle';

/** Metrics and DVH of one structure on the dose grid. */
export interface StructureDose {
  /** Structure id in the dose workers ("seg-<segmentIndex>"). */
  id: string;
  label: string;
  rgb: [number, number, number];
  segmentIndex: number;
  metrics: DoseMetrics;
  dvh: Dvh;
}

/** One measured edit → isodose latency. */
export interface DoseLatency {
  cause: string;
  /** From the plan change to the overlays drawn (next animation frame after the contours were ready), ms. */
  ms: number;
  atMs: number;
  /**
   * Where the time went (ms, Performance API): `wait` (edit → round start: coalescing / earlier work), `seeds`
   * (incremental update in the workers, round trip), `sample` (planes' dose from the workers), `contour`
   * (isodose tracing), `draw` (overlay SVG), `ready` (edit → every overlay updated), `frame` (→ next animation
   * frame); `sample`/`contour`/`draw` are summed over the viewports, `samples` counts plane samples. Also
   * `performance.mark`s `pvpi:dose:*`.
   */
  phases?: Record<string, number>;
}

export interface DoseUiState {
  /** 'idle' before a plan/CT exists, 'computing' while workers run, 'ready', 'error'. */
  status: 'idle' | 'computing' | 'ready' | 'error';
  message?: string;
  error?: string;
  grid?: VolumeGeometry;
  /** Where the dose runs: 2 Web Workers, or in the page (fallback). */
  engine?: 'workers' | 'in-page';
  maxDoseGy?: number;
  structures: StructureDose[];
  /** Plan version the structures' metrics were computed for. */
  metricsVersion: number;
  isodoseLines: IsodoseLineStyle[];
  showIsodoses: boolean;
  showWash: boolean;
  latencies: DoseLatency[];
  /** Plan modifiedDateTime at the last successful save (undefined: never saved in this session). */
  savedModifiedDateTime?: string;
}

const initial: DoseUiState = {
  status: 'idle',
  structures: [],
  metricsVersion: 0,
  isodoseLines: DEFAULT_ISODOSE_LINES.map((l) => ({ ...l })),
  showIsodoses: true,
  showWash: false,
  latencies: [],
};

let state: DoseUiState = initial;
const listeners = new Set<() => void>();

export function getDoseState(): DoseUiState {
  return state;
}

export function setDoseState(patch: Partial<DoseUiState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function subscribeDose(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useDoseState(): DoseUiState {
  return useSyncExternalStore(subscribeDose, getDoseState, getDoseState);
}
