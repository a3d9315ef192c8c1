/** UI state of the seed feature: messages, the selected seed, auto-plan progress. */
import { useSyncExternalStore } from 'react';

export interface AutoPlanUiState {
  running: boolean;
  fraction: number;
  message: string;
  /** Summary of the last run (goal reached or why not). */
  summary?: string;
  /** How the last run ended. */
  outcome?: 'met' | 'not-met' | 'cancelled' | 'failed';
  /** V100 (%) the planner estimated for the last completed run. */
  v100Pct?: number;
  findings?: Array<{ code: string; severity: 'error' | 'warning'; message: string }>;
}

/** A rule a seed breaks (seed checks after every change), shown on its row. */
export interface SeedFlag {
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/** The latest seed checks: what they were computed for, the flags by seed id. */
export interface SeedChecksState {
  key: string;
  status: 'idle' | 'checking' | 'done';
  flags: Record<string, SeedFlag>;
}

export interface SeedUiState {
  error?: string;
  info?: string;
  selectedSeedId?: string;
  autoPlan: AutoPlanUiState;
  checks: SeedChecksState;
  /** Spacing of "Fill needle", mm centre to centre (5–15, default 10). */
  spacingMm: number;
}

let state: SeedUiState = { autoPlan: { running: false, fraction: 0, message: '' }, checks: { key: '', status: 'idle', flags: {} }, spacingMm: 10 };
const listeners = new Set<() => void>();

export function getSeedState(): SeedUiState {
  return state;
}

export function setSeedState(patch: Partial<SeedUiState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function useSeedState(): SeedUiState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
    () => state,
  );
}
