/**
 * "Nothing lost" for the segmentation: the PVPI labelmap and its level table are kept in this browser (IndexedDB via
 * planStore/localStore) per CT series, ~1 s after every completed change (segment vertebra, lesion re-detection,
 * level naming, undo, brush/eraser edits). On reopen, restore.ts prefers this draft over the latest saved SEG when
 * the draft was edited after its last save (or there is no SEG); a successful "Save segmentation" marks it saved.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import type { SegmentKey } from '../../../../src/segmentation';
import { kvGet, kvSet } from '../planStore/localStore';
import type { RestoredLevel } from './controller';
import { installRestoredSegmentation, labelmapForSave } from './controller';
import type { CtVolumeInView, LabelmapSlices } from './host';
import type { LevelEntry } from './store';
import { getState, setState, subscribe } from './store';

type Box = { min: [number, number, number]; max: [number, number, number] };

/** A segmentation draft of one CT series, as stored (structured-cloneable). */
export interface SegmentationDraft {
  version: 1;
  ctSeriesInstanceUID: string;
  /** CT grid size (voxels); a draft for another grid is ignored. */
  dimensions: [number, number, number];
  /** Voxel box of all labelled voxels (inclusive); undefined when the labelmap is empty. */
  box?: Box;
  /** Labelmap values (our segment indices) inside `box`, i fastest then j then k. */
  voxels: Uint8Array;
  /** Level table: names, slots, segment indices (volumes are recounted on restore). */
  levels: RestoredLevel[];
  /** When the content last changed (ms since epoch). */
  modifiedMs: number;
  /** SEG series the content was saved as ("Save segmentation" or loaded from); undefined = unsaved edits. */
  savedSeriesInstanceUID?: string;
}

const KEY_PREFIX = 'pvpi-seg-draft:';
const DEBOUNCE_MS = 1000;

/** Storage key of the draft of a CT series. */
export function draftKey(ctSeriesInstanceUID: string): string {
  return KEY_PREFIX + ctSeriesInstanceUID;
}

/** What was last stored (or restored), to skip identical writes and keep the "saved" mark of unchanged content. */
let last: SegmentationDraft | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let writing: Promise<void> = Promise.resolve();
let started = false;

function labelledBox(lm: LabelmapSlices): Box | undefined {
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  lm.slices.forEach((s, k) => {
    for (let p = 0; p < s.length; p++) {
      if (!s[p]) continue;
      const i = p % lm.nx;
      const j = (p - i) / lm.nx;
      if (i < lo[0]) lo[0] = i;
      if (j < lo[1]) lo[1] = j;
      if (k < lo[2]) lo[2] = k;
      if (i > hi[0]) hi[0] = i;
      if (j > hi[1]) hi[1] = j;
      if (k > hi[2]) hi[2] = k;
    }
  });
  return Number.isFinite(lo[0]) ? { min: lo, max: hi } : undefined;
}

function crop(lm: LabelmapSlices, box: Box | undefined): Uint8Array {
  if (!box) return new Uint8Array(0);
  const out = new Uint8Array((box.max[0] - box.min[0] + 1) * (box.max[1] - box.min[1] + 1) * (box.max[2] - box.min[2] + 1));
  let n = 0;
  for (let k = box.min[2]; k <= box.max[2]; k++) {
    const s = lm.slices[k];
    for (let j = box.min[1]; j <= box.max[1]; j++) for (let i = box.min[0]; i <= box.max[0]; i++) out[n++] = s[i + lm.nx * j];
  }
  return out;
}

/** The full CT-grid labels (CT voxel order) of a draft. */
export function expandDraft(draft: SegmentationDraft): Uint8Array {
  const [nx, ny, nz] = draft.dimensions;
  const labels = new Uint8Array(nx * ny * nz);
  const b = draft.box;
  if (!b) return labels;
  let n = 0;
  for (let k = b.min[2]; k <= b.max[2]; k++) for (let j = b.min[1]; j <= b.max[1]; j++) for (let i = b.min[0]; i <= b.max[0]; i++) labels[i + nx * (j + ny * k)] = draft.voxels[n++];
  return labels;
}

function levelTable(levels: LevelEntry[]): RestoredLevel[] {
  return levels.map((l) => ({
    slot: l.slot,
    name: l.name,
    named: l.named,
    pointMm: [...l.pointMm] as Vec3,
    bodyCenterMm: [...l.bodyCenterMm] as Vec3,
    box: { min: [...l.box.min], max: [...l.box.max] },
    segments: l.segments.map((r) => ({ key: r.key as SegmentKey, segmentIndex: r.segmentIndex })),
  }));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) return false;
  return true;
}

function sameContent(a: SegmentationDraft, b: SegmentationDraft): boolean {
  return a.ctSeriesInstanceUID === b.ctSeriesInstanceUID && JSON.stringify([a.dimensions, a.box, a.levels]) === JSON.stringify([b.dimensions, b.box, b.levels]) && sameBytes(a.voxels, b.voxels);
}

/** The current labelmap + level table as a draft (undefined when nothing is segmented on a CT). */
function snapshot(): SegmentationDraft | undefined {
  let cur: ReturnType<typeof labelmapForSave>;
  try {
    cur = labelmapForSave();
  } catch {
    return undefined;
  }
  const ctSeries = cur?.ct.displaySet.SeriesInstanceUID;
  if (!cur || !ctSeries) return undefined;
  const box = labelledBox(cur.lm);
  return {
    version: 1,
    ctSeriesInstanceUID: ctSeries,
    dimensions: [...cur.ct.geometry.dimensions] as [number, number, number],
    box,
    voxels: crop(cur.lm, box),
    levels: levelTable(getState().levels),
    modifiedMs: Date.now(),
  };
}

/**
 * Stores the current segmentation now (when it differs from what was stored). With `savedSeriesInstanceUID` the
 * stored draft is marked as saved under that SEG series (after "Save segmentation" or a SEG restore).
 */
export function flushDraft(savedSeriesInstanceUID?: string): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = undefined;
  writing = writing.then(async () => {
    const next = snapshot();
    if (!next) return;
    const unchanged = last !== undefined && sameContent(last, next);
    if (unchanged && savedSeriesInstanceUID === undefined) return;
    const record: SegmentationDraft = unchanged && last ? { ...last } : next;
    if (savedSeriesInstanceUID !== undefined) record.savedSeriesInstanceUID = savedSeriesInstanceUID;
    last = record;
    await kvSet(draftKey(record.ctSeriesInstanceUID), record);
  });
  return writing;
}

/** Debounced store (~1 s after the last change; waits while a run is busy). */
export function scheduleDraftSave(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(function fire() {
    if (getState().busy) {
      timer = setTimeout(fire, DEBOUNCE_MS);
      return;
    }
    void flushDraft();
  }, DEBOUNCE_MS);
}

/** Reads the stored draft of a CT series (undefined when none or unreadable). */
export async function loadDraft(ctSeriesInstanceUID: string): Promise<SegmentationDraft | undefined> {
  const d = await kvGet<SegmentationDraft>(draftKey(ctSeriesInstanceUID));
  if (!d || d.version !== 1 || !(d.voxels instanceof Uint8Array) || !Array.isArray(d.levels)) return undefined;
  return d;
}

/** DICOM DA + TM (local time, as our SEG writer stamps them) → ms since epoch. */
export function dicomDateTimeMs(date: string | undefined, time: string | undefined): number | undefined {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec((date ?? '').trim());
  if (!d) return undefined;
  const t = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?/.exec((time ?? '').trim());
  const ms = t?.[4] ? Math.round(Number(`0.${t[4]}`) * 1000) : 0;
  return new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t?.[1] ?? 0), Number(t?.[2] ?? 0), Number(t?.[3] ?? 0), ms).getTime();
}

/**
 * Whether a stored draft should be restored instead of the latest saved SEG (`latestSeg`, undefined when none):
 * it must have levels; with a SEG it must hold unsaved edits that are not older than the SEG's series date/time.
 */
export function draftWins(draft: SegmentationDraft, latestSeg: { seriesInstanceUID: string; seriesTimeMs?: number } | undefined): boolean {
  if (draft.levels.length === 0 || !draft.box) return false;
  if (!latestSeg) return true;
  if (draft.savedSeriesInstanceUID !== undefined) return false;
  return latestSeg.seriesTimeMs === undefined || latestSeg.seriesTimeMs <= draft.modifiedMs;
}

/**
 * Restores a draft into the PVPI labelmap of the CT on screen. Never throws; resolves true when restored.
 * The panel shows "Restored unsaved segmentation from this browser (<time>)".
 */
export async function restoreDraft(draft: SegmentationDraft, ct: CtVolumeInView, viewportId: string): Promise<boolean> {
  const dims = ct.geometry.dimensions;
  if (draft.dimensions.some((n, a) => n !== dims[a])) return false;
  setState({ busy: 'Restoring the segmentation kept in this browser…', error: undefined, info: undefined });
  try {
    await installRestoredSegmentation(ct, viewportId, draft.levels, expandDraft(draft));
    last = draft;
    const when = new Date(draft.modifiedMs).toLocaleString();
    setState({
      busy: undefined,
      info: draft.savedSeriesInstanceUID ? `Restored the segmentation from this browser (${when}).` : `Restored unsaved segmentation from this browser (${when}).`,
      save: draft.savedSeriesInstanceUID ? { status: 'saved', message: 'Saved to the PACS.', seriesInstanceUID: draft.savedSeriesInstanceUID } : { status: 'idle' },
      restoredFrom: draft.savedSeriesInstanceUID,
      restoredDraftMs: draft.modifiedMs,
    });
    return true;
  } catch (error) {
    setState({ busy: undefined, error: `Could not restore the segmentation kept in this browser: ${error instanceof Error ? error.message : String(error)}` });
    return false;
  }
}

/** Follows segmentation changes: the panel state's level table (every run, naming, undo, volume recount). */
export function startDraftAutosave(): void {
  if (started) return;
  started = true;
  let levels = getState().levels;
  subscribe(() => {
    const st = getState();
    if (st.levels === levels) return;
    levels = st.levels;
    if (st.segmentationId) scheduleDraftSave();
  });
  if (typeof addEventListener === 'function') addEventListener('pagehide', () => void flushDraft());
}
