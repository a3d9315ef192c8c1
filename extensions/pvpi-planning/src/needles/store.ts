/**
 * UI state of the needle feature (not part of the plan): progress and messages, the selected needle, the settings
 * for new needles, and the last full constraint evaluation of each needle (angles, clearances, lengths) for the panel.
 */
import { useSyncExternalStore } from 'react';
import type { TrajectoryEvaluation } from '../../../../src/geometry/trajectory';
import type { Needle, NeedleGauge } from '../../../../src/planning/plan';

export type NeedleApproach = Needle['approach'];

export interface NeedleEvaluationEntry {
  /** Geometry the evaluation belongs to (entry, tip, gauge, margin, anatomy version). */
  key: string;
  evaluation?: TrajectoryEvaluation;
  level?: string;
  /** Why there is no evaluation (no segmentation, worker error). */
  problem?: string;
}

export interface NeedleUiState {
  busy?: string;
  error?: string;
  info?: string;
  selectedNeedleId?: string;
  /** Gauge of new needles. */
  gauge: NeedleGauge;
  /** Required clearance to the pedicle cortex (mm). */
  marginMm: number;
  /** Approach of new needles drawn with the Needle tool (transpedicular, or anterolateral for the cervical spine). */
  approach: NeedleApproach;
  evaluations: Record<string, NeedleEvaluationEntry>;
}

let state: NeedleUiState = { gauge: 11, marginMm: 1, approach: 'transpedicular', evaluations: {} };
const listeners = new Set<() => void>();

export function getNeedleState(): NeedleUiState {
  return state;
}

export function setNeedleState(patch: Partial<NeedleUiState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function subscribeNeedleState(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useNeedleState(): NeedleUiState {
  return useSyncExternalStore(subscribeNeedleState, getNeedleState, getNeedleState);
}
