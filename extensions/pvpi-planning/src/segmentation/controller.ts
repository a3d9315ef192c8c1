/**
 * The segmentation workflow in the viewer: click-to-segment a vertebra (core algorithm in a Web Worker),
 * write the result into an OHIF labelmap segmentation on the CT, re-detect the lesion with another HU range,
 * name levels, undo the last run, compute segment volumes. Saving lives in save.ts.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import { patientToVoxel } from '../../../../src/geometry/volume';
import type { LesionKind, SegmentKey, VertebraSegmentation } from '../../../../src/segmentation';
import { LABEL_VALUES, labelLevels, LESION_HU_DEFAULTS, normaliseLevelName, SEGMENT_CODES, SEGMENT_LABELS, SEGMENT_ORDER, segmentKeyOfLabel } from '../../../../src/segmentation';
import type { CtVolumeInView, LabelmapSlices } from './host';
import { copyCtVoxels, ctVolumeOfViewport, labelmapModified, labelmapSlices, services, slicePlanes, viewportsShowing } from './host';
import { sliceStackProblem } from './sliceStack';
import type { LevelEntry, SegmentRow } from './store';
import { getState, setState } from './store';
import { segmentVertebraAsync } from './workerClient';

/** Label values per level: segment index = (slot − 1)·SLOT_SIZE + label value. */
export const SLOT_SIZE = 6;
/** Label of the OHIF segmentation we create on the CT. */
export const SEGMENTATION_LABEL = 'PVPI vertebrae';

type Box = { min: [number, number, number]; max: [number, number, number] };

interface UndoEntry {
  box: Box;
  before: Uint8Array;
  levelsBefore: LevelEntry[];
  addedSegments: number[];
  selectedBefore?: number;
}

/** The CT the current segmentation belongs to (not UI state: holds Cornerstone objects). */
let ct: CtVolumeInView | undefined;
const undoStack: UndoEntry[] = [];
const MAX_UNDO = 10;

/** Segment label shown in OHIF for a level and structure, e.g. "L1 Left pedicle". */
export function segmentLabelOf(levelName: string, key: SegmentKey): string {
  return `${levelName} ${SEGMENT_LABELS[key]}`;
}

function segmentIndexOf(slot: number, key: SegmentKey): number {
  return (slot - 1) * SLOT_SIZE + LABEL_VALUES[key];
}

function fail(message: string): void {
  setState({ busy: undefined, error: message, info: undefined });
  services().uiNotificationService?.show({ title: 'Segmentation', message, type: 'error', duration: 6000 });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The current CT and labelmap, or undefined when nothing was segmented yet (or the segmentation was removed). */
function currentLabelmap(): { ct: CtVolumeInView; lm: LabelmapSlices; segmentationId: string } | undefined {
  const { segmentationId } = getState();
  if (!ct || !segmentationId || !services().segmentationService.getSegmentation(segmentationId)) return undefined;
  return { ct, lm: labelmapSlices(segmentationId, ct.volume), segmentationId };
}

function clampBox(b: Box, dims: [number, number, number]): Box {
  return {
    min: [Math.max(0, b.min[0]), Math.max(0, b.min[1]), Math.max(0, b.min[2])],
    max: [Math.min(dims[0] - 1, b.max[0]), Math.min(dims[1] - 1, b.max[1]), Math.min(dims[2] - 1, b.max[2])],
  };
}

function unionBox(a: Box, b: Box | undefined): Box {
  if (!b) return { min: [...a.min], max: [...a.max] };
  return {
    min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1]), Math.min(a.min[2], b.min[2])],
    max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1]), Math.max(a.max[2], b.max[2])],
  };
}

function readBox(lm: LabelmapSlices, box: Box): Uint8Array {
  const out = new Uint8Array((box.max[0] - box.min[0] + 1) * (box.max[1] - box.min[1] + 1) * (box.max[2] - box.min[2] + 1));
  let n = 0;
  for (let k = box.min[2]; k <= box.max[2]; k++) {
    const s = lm.slices[k];
    for (let j = box.min[1]; j <= box.max[1]; j++) for (let i = box.min[0]; i <= box.max[0]; i++) out[n++] = s[i + lm.nx * j];
  }
  return out;
}

function writeBox(lm: LabelmapSlices, box: Box, values: Uint8Array): void {
  let n = 0;
  for (let k = box.min[2]; k <= box.max[2]; k++) {
    const s = lm.slices[k];
    for (let j = box.min[1]; j <= box.max[1]; j++) for (let i = box.min[0]; i <= box.max[0]; i++) s[i + lm.nx * j] = values[n++];
  }
}

/** Segment volumes (cm³) of every level, counted on the labelmap (includes brush/eraser edits). */
export function refreshVolumes(): void {
  const cur = (() => {
    try {
      return currentLabelmap();
    } catch {
      return undefined;
    }
  })();
  if (!cur) return;
  const g = cur.ct.geometry;
  const counts = new Float64Array(256);
  for (const s of cur.lm.slices) for (let p = 0; p < s.length; p++) counts[s[p]]++;
  const voxelCm3 = (g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]) / 1000;
  const levels = getState().levels.map((level) => ({
    ...level,
    segments: level.segments.map((row) => ({ ...row, volumeCm3: counts[row.segmentIndex] * voxelCm3 })),
  }));
  setState({ levels });
}

/** Creates the PVPI labelmap segmentation on the CT (if absent) and shows it in every viewport showing the CT. */
async function ensureSegmentation(target: CtVolumeInView, viewportId: string, firstSegments: Record<number, unknown>): Promise<{ id: string; created: boolean }> {
  const { segmentationService } = services();
  const existing = getState().segmentationId;
  if (existing && getState().ctDisplaySetUID === target.displaySet.displaySetInstanceUID && segmentationService.getSegmentation(existing)) {
    return { id: existing, created: false };
  }
  const id = await segmentationService.createLabelmapForDisplaySet(target.displaySet, { label: SEGMENTATION_LABEL, segments: firstSegments });
  const viewportIds = new Set([viewportId, ...viewportsShowing(target.displaySet.displaySetInstanceUID)]);
  for (const vp of viewportIds) await segmentationService.addSegmentationRepresentation(vp, { segmentationId: id, type: 'Labelmap' });
  segmentationService.setActiveSegmentation(viewportId, id);
  ct = target;
  undoStack.length = 0;
  setState({ segmentationId: id, ctDisplaySetUID: target.displaySet.displaySetInstanceUID, levels: [], canUndo: false, selectedSlot: undefined });
  return { id, created: true };
}

function colorSegment(segmentationId: string, segmentIndex: number, rgb: [number, number, number]): void {
  const { segmentationService } = services();
  for (const vp of segmentationService.getViewportIdsWithSegmentation(segmentationId)) {
    try {
      segmentationService.setSegmentColor(vp, segmentationId, segmentIndex, [...rgb, 255]);
    } catch {
      /* a viewport without this representation type: colour applies where shown */
    }
  }
}

/** Level slot of the labelmap value at a patient point, if a level is there. */
function slotAt(lm: LabelmapSlices, target: CtVolumeInView, pointMm: Vec3): number | undefined {
  const v = patientToVoxel(target.geometry, pointMm).map(Math.round) as [number, number, number];
  const d = target.geometry.dimensions;
  if (v.some((x, a) => x < 0 || x >= d[a])) return undefined;
  const value = lm.slices[v[2]][v[0] + lm.nx * v[1]];
  return value > 0 ? Math.floor((value - 1) / SLOT_SIZE) + 1 : undefined;
}

function lesionOptions() {
  const { lesion } = getState();
  return { kind: lesion.kind, minHU: lesion.minHU, maxHU: lesion.maxHU };
}

/** Runs the core algorithm on the CT of `viewportId` at `pointMm` (worker), after the geometry checks. */
async function runCore(target: CtVolumeInView, pointMm: Vec3): Promise<VertebraSegmentation & { elapsedMs: number }> {
  const problem = sliceStackProblem(slicePlanes(target.volume));
  if (problem) throw new Error(problem);
  const started = performance.now();
  const result = await segmentVertebraAsync(copyCtVoxels(target.volume), target.geometry, pointMm, lesionOptions());
  return { ...result, elapsedMs: performance.now() - started };
}

/** Level names for all levels after adding/replacing one, numbered from the user's named level if any. */
function renumber(levels: LevelEntry[]): LevelEntry[] {
  const known = levels.findIndex((l) => l.named);
  if (known < 0) return levels;
  try {
    const names = labelLevels(
      levels.map((l) => l.bodyCenterMm),
      { index: known, level: levels[known].name },
    );
    return levels.map((l, i) => ({ ...l, name: names[i], named: true }));
  } catch (error) {
    setState({ info: `Level names not updated: ${describe(error)}` });
    return levels;
  }
}

function applyLabels(segmentationId: string, levels: LevelEntry[]): LevelEntry[] {
  const { segmentationService } = services();
  return levels.map((level) => ({
    ...level,
    segments: level.segments.map((row) => {
      const label = segmentLabelOf(level.name, row.key);
      if (label !== row.label) segmentationService.setSegmentLabel(segmentationId, row.segmentIndex, label);
      return { ...row, label };
    }),
  }));
}

/**
 * "Segment vertebra": segments the vertebra whose body contains `worldPointMm` (patient LPS mm, e.g. a click in
 * any MPR viewport) and writes it into the PVPI labelmap. Clicking inside an already segmented level replaces it.
 * Errors (outside bone, bad geometry, …) are shown in the panel and as a notification; never thrown.
 */
export async function segmentVertebraAt(viewportId: string, worldPointMm: Vec3): Promise<void> {
  if (getState().busy) {
    setState({ info: 'A segmentation is already running; wait for it to finish.' });
    return;
  }
  setState({ busy: 'Reading the CT volume…', error: undefined, info: undefined });
  try {
    const target = ctVolumeOfViewport(viewportId);
    setState({ busy: 'Segmenting the vertebra (body, pedicles, posterior elements, canal, lesion)…' });
    const result = await runCore(target, worldPointMm);
    setState({ busy: 'Writing the labelmap…' });
    const present = new Set(result.segments.map((s) => s.key));

    // Which slot: the level under the click (replace) or a new one.
    const before = currentLabelmap();
    const sameCt = before && before.ct.displaySet.displaySetInstanceUID === target.displaySet.displaySetInstanceUID;
    let slot = sameCt ? slotAt(before.lm, target, worldPointMm) : undefined;
    const levels0 = sameCt ? getState().levels : [];
    if (slot === undefined) slot = levels0.reduce((m, l) => Math.max(m, l.slot), 0) + 1;
    if (slot * SLOT_SIZE > 255) throw new Error('Too many levels in one segmentation (42 at most): save and start a new one');
    const provisional = `V${slot}`;
    const firstSegments: Record<number, unknown> = {};
    for (const key of SEGMENT_ORDER) if (present.has(key)) firstSegments[segmentIndexOf(slot, key)] = { segmentIndex: segmentIndexOf(slot, key), label: segmentLabelOf(provisional, key), locked: false, active: key === 'body' };
    const { id: segmentationId, created } = await ensureSegmentation(target, viewportId, firstSegments);
    const { segmentationService } = services();
    const lm = labelmapSlices(segmentationId, target.volume);
    const old = getState().levels.find((l) => l.slot === slot);

    // Segments: add the ones this level does not have yet.
    const existingSegments = segmentationService.getSegmentation(segmentationId)?.segments ?? {};
    const addedSegments: number[] = [];
    for (const key of SEGMENT_ORDER) {
      if (!present.has(key)) continue;
      const idx = segmentIndexOf(slot, key);
      if (!existingSegments[String(idx)]) {
        segmentationService.addSegment(segmentationId, { segmentIndex: idx, label: segmentLabelOf(old?.name ?? provisional, key) });
        addedSegments.push(idx);
      } else if (created) {
        addedSegments.push(idx);
      }
      colorSegment(segmentationId, idx, SEGMENT_CODES[key].rgb);
    }

    // Voxels: clear this slot in the touched box, then write where the labelmap is free (other levels kept).
    const dims = target.geometry.dimensions;
    const box = clampBox(unionBox(result.boundsVoxel, old?.box), dims);
    const snapshot = readBox(lm, box);
    const base = (slot - 1) * SLOT_SIZE;
    const [nx, ny] = dims;
    for (let k = box.min[2]; k <= box.max[2]; k++) {
      const s = lm.slices[k];
      for (let j = box.min[1]; j <= box.max[1]; j++) {
        for (let i = box.min[0]; i <= box.max[0]; i++) {
          const p = i + nx * j;
          if (s[p] > base && s[p] <= base + SLOT_SIZE) s[p] = 0;
          const v = result.labels[p + nx * ny * k];
          if (v > 0 && s[p] === 0) s[p] = base + v;
        }
      }
    }
    labelmapModified(segmentationId);

    const rows: SegmentRow[] = SEGMENT_ORDER.filter((k) => present.has(k)).map((key) => ({
      key,
      label: segmentLabelOf(old?.name ?? provisional, key),
      segmentIndex: segmentIndexOf(slot as number, key),
      volumeCm3: 0,
      rgb: SEGMENT_CODES[key].rgb,
    }));
    const entry: LevelEntry = {
      slot,
      name: old?.name ?? provisional,
      named: old?.named ?? false,
      pointMm: worldPointMm,
      bodyCenterMm: result.bodyCenterMm,
      box,
      segments: rows,
      warnings: result.warnings,
      elapsedMs: result.elapsedMs,
    };
    const levelsBefore = created ? [] : getState().levels;
    undoStack.push({ box, before: snapshot, levelsBefore, addedSegments, selectedBefore: getState().selectedSlot });
    if (undoStack.length > MAX_UNDO) undoStack.shift();
    const levels = applyLabels(segmentationId, renumber([...levelsBefore.filter((l) => l.slot !== slot), entry].sort((a, b) => b.bodyCenterMm[2] - a.bodyCenterMm[2])));
    setState({ levels, selectedSlot: slot, canUndo: true, busy: undefined, error: undefined, save: { status: 'idle' } });
    refreshVolumes();
    const name = levels.find((l) => l.slot === slot)?.name ?? provisional;
    const lesionNote = present.has('lesion') ? ', lesion found' : ', no lesion in the HU range';
    setState({ info: `${name} segmented in ${(result.elapsedMs / 1000).toFixed(1)} s${lesionNote}.` });
  } catch (error) {
    fail(describe(error));
  }
}

/**
 * "Segment lesion": re-detects the lesion of the selected level with the HU range of the panel form. Only voxels
 * that are this level's body or lesion change (brush/eraser edits elsewhere are kept).
 */
export async function segmentLesion(): Promise<void> {
  const st = getState();
  if (st.busy) return;
  const level = st.levels.find((l) => l.slot === st.selectedSlot) ?? st.levels[st.levels.length - 1];
  if (!level) {
    fail('Segment a vertebra first: the lesion is searched inside a segmented vertebral body');
    return;
  }
  if (!(st.lesion.minHU < st.lesion.maxHU)) {
    fail(`Invalid HU range: minimum ${st.lesion.minHU} HU must be below maximum ${st.lesion.maxHU} HU`);
    return;
  }
  setState({ busy: `Detecting the ${st.lesion.kind} lesion in ${level.name} (${st.lesion.minHU} to ${st.lesion.maxHU} HU)…`, error: undefined, info: undefined });
  try {
    const cur = currentLabelmap();
    if (!cur) throw new Error('The PVPI segmentation was removed; segment the vertebra again');
    const result = await runCore(cur.ct, level.pointMm);
    const { segmentationService } = services();
    const base = (level.slot - 1) * SLOT_SIZE;
    const body = base + LABEL_VALUES.body;
    const lesion = base + LABEL_VALUES.lesion;
    const box = clampBox(unionBox(result.boundsVoxel, level.box), cur.ct.geometry.dimensions);
    const snapshot = readBox(cur.lm, box);
    const [nx, ny] = cur.ct.geometry.dimensions;
    let lesionVoxels = 0;
    for (let k = box.min[2]; k <= box.max[2]; k++) {
      const s = cur.lm.slices[k];
      for (let j = box.min[1]; j <= box.max[1]; j++) {
        for (let i = box.min[0]; i <= box.max[0]; i++) {
          const p = i + nx * j;
          if (s[p] !== body && s[p] !== lesion) continue;
          const isLesion = result.labels[p + nx * ny * k] === LABEL_VALUES.lesion;
          s[p] = isLesion ? lesion : body;
          if (isLesion) lesionVoxels++;
        }
      }
    }
    const addedSegments: number[] = [];
    const hasRow = level.segments.some((r) => r.key === 'lesion');
    let segments = level.segments;
    if (lesionVoxels > 0 && !hasRow) {
      if (!segmentationService.getSegmentation(cur.segmentationId)?.segments[String(lesion)]) {
        segmentationService.addSegment(cur.segmentationId, { segmentIndex: lesion, label: segmentLabelOf(level.name, 'lesion') });
        addedSegments.push(lesion);
      }
      colorSegment(cur.segmentationId, lesion, SEGMENT_CODES.lesion.rgb);
      segments = [...segments, { key: 'lesion', label: segmentLabelOf(level.name, 'lesion'), segmentIndex: lesion, volumeCm3: 0, rgb: SEGMENT_CODES.lesion.rgb }];
    }
    labelmapModified(cur.segmentationId);
    undoStack.push({ box, before: snapshot, levelsBefore: st.levels, addedSegments, selectedBefore: st.selectedSlot });
    if (undoStack.length > MAX_UNDO) undoStack.shift();
    setState({ levels: st.levels.map((l) => (l.slot === level.slot ? { ...l, segments } : l)), canUndo: true, busy: undefined, save: { status: 'idle' } });
    refreshVolumes();
    setState({ info: lesionVoxels > 0 ? `${level.name}: ${st.lesion.kind} lesion updated.` : `${level.name}: no voxel of the body in ${st.lesion.minHU} to ${st.lesion.maxHU} HU (lesion cleared).` });
  } catch (error) {
    fail(describe(error));
  }
}

/** Sets the lesion search range (panel form); `kind` resets the range to that kind's defaults. */
export function setLesionRange(patch: { kind?: LesionKind; minHU?: number; maxHU?: number }): void {
  const cur = getState().lesion;
  const next = patch.kind && patch.kind !== cur.kind ? { kind: patch.kind, ...LESION_HU_DEFAULTS[patch.kind] } : { ...cur };
  if (patch.minHU !== undefined && Number.isFinite(patch.minHU)) next.minHU = patch.minHU;
  if (patch.maxHU !== undefined && Number.isFinite(patch.maxHU)) next.maxHU = patch.maxHU;
  setState({ lesion: next });
}

/** "Level labels": names the level in `slot` (e.g. "L1"); every other level is renumbered from it. */
export function nameLevel(slot: number, levelName: string): void {
  const st = getState();
  const index = st.levels.findIndex((l) => l.slot === slot);
  const name = normaliseLevelName(levelName);
  if (index < 0) {
    fail('Select a segmented level to name');
    return;
  }
  if (!name) {
    fail(`"${levelName}" is not a vertebral level name (expected e.g. T12, L1, S1)`);
    return;
  }
  try {
    const names = labelLevels(st.levels.map((l) => l.bodyCenterMm), { index, level: name });
    const renamed = st.levels.map((l, i) => ({ ...l, name: names[i], named: true }));
    const levels = st.segmentationId ? applyLabels(st.segmentationId, renamed) : renamed;
    setState({ levels, error: undefined, focusLevelForm: false, info: `Levels named from ${name}: ${levels.map((l) => l.name).join(', ')}.`, save: { status: 'idle' } });
  } catch (error) {
    fail(describe(error));
  }
}

/** Undoes the last segmentation run (vertebra or lesion): restores the labelmap voxels and the level list. */
export function undoLastRun(): void {
  const entry = undoStack.pop();
  const cur = currentLabelmap();
  if (!entry || !cur) {
    setState({ canUndo: false });
    return;
  }
  writeBox(cur.lm, entry.box, entry.before);
  const { segmentationService } = services();
  for (const idx of entry.addedSegments) {
    try {
      segmentationService.removeSegment(cur.segmentationId, idx);
    } catch {
      /* already removed by the user */
    }
  }
  labelmapModified(cur.segmentationId);
  const levels = applyLabels(cur.segmentationId, entry.levelsBefore);
  setState({ levels, selectedSlot: entry.selectedBefore ?? levels[levels.length - 1]?.slot, canUndo: undoStack.length > 0, error: undefined, info: 'Last segmentation run undone.', save: { status: 'idle' } });
  refreshVolumes();
}

/** Selects the level that "Segment lesion" and the naming form act on. */
export function selectLevel(slot: number): void {
  setState({ selectedSlot: slot });
}

/** The current CT and labelmap for saving (undefined when nothing is segmented). */
export function labelmapForSave(): { ct: CtVolumeInView; lm: LabelmapSlices; segmentationId: string } | undefined {
  return currentLabelmap();
}

/** Key of a labelmap value of ours, for SEG export of user-added segments. */
export function keyOfSegmentIndex(segmentIndex: number): SegmentKey | undefined {
  return segmentKeyOfLabel(((segmentIndex - 1) % SLOT_SIZE) + 1);
}

/** A level read back from a saved SEG (restore.ts), in the slot layout of this file. */
export interface RestoredLevel {
  slot: number;
  name: string;
  named: boolean;
  pointMm: Vec3;
  bodyCenterMm: Vec3;
  box: Box;
  segments: Array<{ key: SegmentKey; segmentIndex: number }>;
}

/**
 * Replaces the PVPI labelmap of `target` with restored levels: `labels` holds our segment indices on the CT grid
 * (CT voxel order). Creates the segmentation if needed, (re)creates the segments with labels and colours, writes
 * every slice, and sets the panel state (volumes recounted). Undo history starts empty.
 */
export async function installRestoredSegmentation(target: CtVolumeInView, viewportId: string, restored: RestoredLevel[], labels: Uint8Array): Promise<void> {
  const present = new Map<number, { key: SegmentKey; label: string }>();
  for (const level of restored) for (const row of level.segments) present.set(row.segmentIndex, { key: row.key, label: segmentLabelOf(level.name, row.key) });
  const firstSegments: Record<number, unknown> = {};
  for (const [idx, row] of present) firstSegments[idx] = { segmentIndex: idx, label: row.label, locked: false, active: false };
  const { id: segmentationId, created } = await ensureSegmentation(target, viewportId, firstSegments);
  const { segmentationService } = services();
  if (!created) {
    // Replace: segments that the restored levels do not have go, the others are relabelled.
    const existing = segmentationService.getSegmentation(segmentationId)?.segments ?? {};
    for (const key of Object.keys(existing)) {
      const idx = Number(key);
      if (idx > 0 && !present.has(idx)) {
        try {
          segmentationService.removeSegment(segmentationId, idx);
        } catch {
          /* already gone */
        }
      }
    }
  }
  const existing = segmentationService.getSegmentation(segmentationId)?.segments ?? {};
  for (const [idx, row] of present) {
    if (!existing[String(idx)]) segmentationService.addSegment(segmentationId, { segmentIndex: idx, label: row.label });
    else segmentationService.setSegmentLabel(segmentationId, idx, row.label);
    colorSegment(segmentationId, idx, SEGMENT_CODES[row.key].rgb);
  }
  const lm = labelmapSlices(segmentationId, target.volume);
  const nxy = lm.nx * lm.ny;
  lm.slices.forEach((slice, k) => {
    for (let p = 0; p < nxy; p++) slice[p] = labels[k * nxy + p];
  });
  labelmapModified(segmentationId);
  ct = target;
  undoStack.length = 0;
  const levels: LevelEntry[] = restored
    .map((level) => ({
      slot: level.slot,
      name: level.name,
      named: level.named,
      pointMm: level.pointMm,
      bodyCenterMm: level.bodyCenterMm,
      box: level.box,
      segments: SEGMENT_ORDER.flatMap((key) => {
        const row = level.segments.find((r) => r.key === key);
        return row ? [{ key, label: segmentLabelOf(level.name, key), segmentIndex: row.segmentIndex, volumeCm3: 0, rgb: SEGMENT_CODES[key].rgb }] : [];
      }),
      warnings: [],
    }))
    .sort((a, b) => b.bodyCenterMm[2] - a.bodyCenterMm[2]);
  setState({ segmentationId, ctDisplaySetUID: target.displaySet.displaySetInstanceUID, levels, selectedSlot: levels[0]?.slot, canUndo: false, error: undefined });
  refreshVolumes();
}
