/** UI state of the seed feature: messages, the selected seed, auto-plan progress. */
import { useSyncExternalStore } from 'react';

export interface AutoPlanUiState {
  running: boolean;
  fraction: number;
  message: string;
  /** Summary of the last run (goal reached or why not). */
  summary?: string;
  findings?: Array<{ code: string; severity: 'error' | 'warning'; message: string }>;
}

export interface SeedUiState {
  error?: string;
  info?: string;
  selectedSeedId?: string;
  autoPlan: AutoPlanUiState;
}

let state: SeedUiState = { autoPlan: { running: false, fraction: 0, message: '' } };
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
