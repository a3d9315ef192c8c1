/**
 * State of the segmentation feature shown by the panel: segmented levels, progress, errors, save status.
 * A tiny external store (subscribe/getState) so commands, the click tool and React share one state.
 */
import { useSyncExternalStore } from 'react';
import type { Vec3 } from '../../../../src/geometry/volume';
import type { LesionKind, SegmentKey } from '../../../../src/segmentation';
import { LESION_HU_DEFAULTS } from '../../../../src/segmentation';

/** One segment of a level, as shown in the panel. */
export interface SegmentRow {
  key: SegmentKey;
  /** Label in OHIF's segmentation (e.g. "L1 Left pedicle"). */
  label: string;
  /** Segment index in the labelmap. */
  segmentIndex: number;
  volumeCm3: number;
  rgb: [number, number, number];
}

/** One segmented vertebra. */
export interface LevelEntry {
  /** Slot number (1-based): segment indices of this level are (slot − 1)·6 + label value. */
  slot: number;
  /** Level name ("L1"), or a provisional "V<slot>" until the user names a level. */
  name: string;
  named: boolean;
  /** The clicked point (patient mm), re-used by lesion re-detection. */
  pointMm: Vec3;
  bodyCenterMm: Vec3;
  /** CT voxel index box that contains this level's voxels written by us. */
  box: { min: [number, number, number]; max: [number, number, number] };
  segments: SegmentRow[];
  warnings: string[];
  /** Time taken by the core algorithm (ms). */
  elapsedMs?: number;
}

export interface SaveStatus {
  status: 'idle' | 'saving' | 'saved' | 'failed';
  message?: string;
  seriesInstanceUID?: string;
  /** True when retrying makes sense (server down, connection lost, timeout, 5xx). */
  retryable?: boolean;
}

export interface SegmentationUiState {
  /** Progress message while work is under way. */
  busy?: string;
  /** Last error (one line), cleared by the next successful action. */
  error?: string;
  /** Last informational message. */
  info?: string;
  levels: LevelEntry[];
  selectedSlot?: number;
  segmentationId?: string;
  ctDisplaySetUID?: string;
  canUndo: boolean;
  lesion: { kind: LesionKind; minHU: number; maxHU: number };
  save: SaveStatus;
  /** Series Instance UID of the saved SEG the current levels were restored from (restore.ts). */
  restoredFrom?: string;
  /** Modified time (ms) of the browser-kept draft the current levels were restored from (draft.ts). */
  restoredDraftMs?: number;
  /** True after the "Level labels" button: the panel highlights the naming form. */
  focusLevelForm: boolean;
}

const initial: SegmentationUiState = {
  levels: [],
  canUndo: false,
  lesion: { kind: 'lytic', ...LESION_HU_DEFAULTS.lytic },
  save: { status: 'idle' },
  focusLevelForm: false,
};

let state: SegmentationUiState = initial;
const listeners = new Set<() => void>();

export function getState(): SegmentationUiState {
  return state;
}

/** Shallow-merges a patch and notifies subscribers. */
export function setState(patch: Partial<SegmentationUiState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

/** Back to the initial state (new study / mode exit). */
export function resetState(): void {
  state = initial;
  for (const l of listeners) l();
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** React hook: the current state, re-rendering on change. */
export function useSegmentationState(): SegmentationUiState {
  return useSyncExternalStore(subscribe, getState, getState);
}
