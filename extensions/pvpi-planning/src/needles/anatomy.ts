/**
 * The anatomy the needle checks use: one segmented level of the "PVPI vertebrae" labelmap (segmentation feature),
 * handed to the planning worker, which prepares the core's TrajectoryModel once per level and segmentation version.
 * Any segmentation change (new level, lesion, brush/eraser) bumps the version; levels are re-prepared lazily.
 */
import { patientToVoxel, type Vec3 } from '../../../../src/geometry/volume';
import { copyCtVoxels } from '../segmentation/host';
import { labelmapForSave, SLOT_SIZE } from '../segmentation/controller';
import { getState as getSegmentationState, subscribe as subscribeSegmentation, type LevelEntry } from '../segmentation/store';
import { setPlanningCt, setPlanningLevel } from './planningClient';

let version = 0;
let ctLoaded: { key: string; promise: Promise<void> } | undefined;
const prepared = new Map<number, { version: number; ctKey: string; promise: Promise<PreparedLevel> }>();
const versionListeners = new Set<() => void>();

/** A level ready for trajectory requests in the worker. */
export interface PreparedLevel {
  levelKey: string;
  /** Level name ("L1", or "V1" until named). */
  name: string;
  slot: number;
}

/** Marks every prepared level stale (the segmentation changed). */
export function invalidateAnatomy(): void {
  version++;
  for (const l of versionListeners) l();
}

/** Called after each invalidation (e.g. to re-check the needles). */
export function onAnatomyChanged(listener: () => void): () => void {
  versionListeners.add(listener);
  return () => versionListeners.delete(listener);
}

let lastLevels: unknown;
/** Follows the segmentation store: any change of its levels invalidates the prepared anatomy. */
export function followSegmentation(): void {
  subscribeSegmentation(() => {
    const levels = getSegmentationState().levels;
    if (levels !== lastLevels) {
      lastLevels = levels;
      invalidateAnatomy();
    }
  });
}

/** The segmented levels. */
export function segmentedLevels(): LevelEntry[] {
  return getSegmentationState().levels;
}

/** {@link levelAt}, or undefined also when the segmentation state cannot be read (no labelmap on screen yet). */
export function levelAtIfAny(pointMm: Vec3): LevelEntry | undefined {
  try {
    return levelAt(pointMm);
  } catch {
    return undefined;
  }
}

/** The level whose labelmap box contains the point, else the one whose body centre is nearest (within 60 mm). */
export function levelAt(pointMm: Vec3): LevelEntry | undefined {
  const cur = labelmapForSave();
  const levels = segmentedLevels();
  if (cur) {
    const v = patientToVoxel(cur.ct.geometry, pointMm);
    const inside = levels.find((l) => v.every((x, a) => x >= l.box.min[a] - 0.5 && x <= l.box.max[a] + 0.5));
    if (inside) return inside;
  }
  let best: LevelEntry | undefined;
  let bestD = 60;
  for (const l of levels) {
    const d = Math.hypot(l.bodyCenterMm[0] - pointMm[0], l.bodyCenterMm[1] - pointMm[1], l.bodyCenterMm[2] - pointMm[2]);
    if (d < bestD) {
      bestD = d;
      best = l;
    }
  }
  return best;
}

/** The level the user works on: the selected one in the segmentation section, else the last segmented. */
export function currentLevel(): LevelEntry | undefined {
  const st = getSegmentationState();
  return st.levels.find((l) => l.slot === st.selectedSlot) ?? st.levels[st.levels.length - 1];
}

/** Prepares (or re-uses) the model of a level in the worker; throws a one-line error when nothing is segmented. */
export function prepareLevel(level: LevelEntry): Promise<PreparedLevel> {
  const cur = labelmapForSave();
  if (!cur) throw new Error('Segment the vertebra first ("Segment vertebra"): the needle checks need its pedicles, canal and body');
  const ctKey = cur.ct.displaySet.displaySetInstanceUID;
  const cached = prepared.get(level.slot);
  if (cached && cached.version === version && cached.ctKey === ctKey) return cached.promise.then((p) => ({ ...p, name: level.name }));
  if (!ctLoaded || ctLoaded.key !== ctKey) {
    const promise = setPlanningCt(ctKey, cur.ct.geometry, copyCtVoxels(cur.ct.volume));
    ctLoaded = { key: ctKey, promise };
    promise.catch(() => {
      if (ctLoaded?.promise === promise) ctLoaded = undefined;
    });
  }
  const [nx, ny, nz] = cur.ct.geometry.dimensions;
  const labels = new Uint8Array(nx * ny * nz);
  const base = (level.slot - 1) * SLOT_SIZE;
  for (let k = 0; k < nz; k++) {
    const s = cur.lm.slices[k];
    const off = nx * ny * k;
    for (let p = 0; p < nx * ny; p++) {
      const v = s[p];
      if (v > base && v <= base + SLOT_SIZE) labels[off + p] = v - base;
    }
  }
  const levelKey = `${ctKey}:${level.slot}:${version}`;
  const ctPromise = ctLoaded.promise;
  const promise = ctPromise.then(() => setPlanningLevel(ctKey, levelKey, level.name, labels)).then(() => ({ levelKey, name: level.name, slot: level.slot }));
  const entry = { version, ctKey, promise };
  prepared.set(level.slot, entry);
  promise.catch(() => {
    if (prepared.get(level.slot) === entry) prepared.delete(level.slot);
  });
  return promise;
}
