/**
 * Reopening a study restores the PVPI segmentation: the latest "PVPI vertebral segmentation" DICOM SEG series
 * saved for the CT on screen (listed by OHIF's dicom-seg SOP class handler) is fetched from the active DICOMweb
 * data source, read onto the CT grid with the core `readSeg`, and written back into our labelmap with the levels,
 * names and segment rows of the panel (store), as if the levels had just been segmented.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import { voxelToPatient } from '../../../../src/geometry/volume';
import { readSeg } from '../../../../src/dicom/seg';
import { DicomwebClient } from '../../../../src/dicomweb';
import type { SegmentKey } from '../../../../src/segmentation';
import { LABEL_VALUES, SEGMENT_LABELS, SEGMENT_ORDER } from '../../../../src/segmentation';
import { installRestoredSegmentation, SLOT_SIZE, type RestoredLevel } from './controller';
import type { CtVolumeInView } from './host';
import { activeDicomweb, ctVolumeOfViewport, services } from './host';
import { SEG_SERIES_DESCRIPTION } from './save';
import { dicomDateTimeMs, draftWins, flushDraft, loadDraft, restoreDraft } from './draft';
import { getState, setState } from './store';

/** A saved PVPI SEG series of the CT, as OHIF lists it. */
export interface SavedSegSeries {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  seriesNumber: number;
  displaySetInstanceUID: string;
  /** Series Date + Time of the SEG (local time), when present. */
  seriesTimeMs?: number;
}

interface SegDisplaySet {
  Modality?: string;
  SeriesDescription?: string;
  SeriesNumber?: unknown;
  SeriesDate?: string;
  SeriesTime?: string;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  SOPInstanceUID?: string;
  referencedSeriesInstanceUID?: string;
  displaySetInstanceUID: string;
  instance?: { SOPInstanceUID?: string };
}

/** Our SEG series referencing `ctSeriesInstanceUID`, latest (highest series number) first. */
export function savedSegSeriesFor(ctSeriesInstanceUID: string): SavedSegSeries[] {
  const all = (services().displaySetService?.getActiveDisplaySets() ?? []) as unknown as SegDisplaySet[];
  return all
    .filter((ds) => ds.Modality === 'SEG' && ds.SeriesDescription === SEG_SERIES_DESCRIPTION && ds.referencedSeriesInstanceUID === ctSeriesInstanceUID)
    .map((ds) => ({
      studyInstanceUID: ds.StudyInstanceUID ?? '',
      seriesInstanceUID: ds.SeriesInstanceUID ?? '',
      sopInstanceUID: ds.SOPInstanceUID ?? ds.instance?.SOPInstanceUID ?? '',
      seriesNumber: Number(ds.SeriesNumber) || 0,
      displaySetInstanceUID: ds.displaySetInstanceUID,
      seriesTimeMs: dicomDateTimeMs(ds.SeriesDate, ds.SeriesTime),
    }))
    .filter((s) => s.studyInstanceUID && s.seriesInstanceUID && s.sopInstanceUID)
    .sort((a, b) => b.seriesNumber - a.seriesNumber);
}

/** The first viewport showing a fully loaded CT volume (active viewport first). */
function loadedCt(): { viewportId: string; ct: CtVolumeInView } | undefined {
  const grid = services().viewportGridService?.getState();
  if (!grid) return undefined;
  const ids = [grid.activeViewportId, ...grid.viewports.keys()].filter((x): x is string => typeof x === 'string');
  for (const viewportId of ids) {
    try {
      return { viewportId, ct: ctVolumeOfViewport(viewportId) };
    } catch {
      /* no loaded CT volume in this viewport */
    }
  }
  return undefined;
}

const KEY_BY_LABEL = new Map<string, SegmentKey>(SEGMENT_ORDER.map((k) => [SEGMENT_LABELS[k], k]));

/** "L1 Vertebral body" → { level: 'L1', key: 'body' } (the labels our save writes), else undefined. */
export function parseSegmentLabel(label: string): { level: string; key: SegmentKey } | undefined {
  for (const [structure, key] of KEY_BY_LABEL) {
    if (label.endsWith(` ${structure}`)) {
      const level = label.slice(0, label.length - structure.length - 1).trim();
      if (level) return { level, key };
    }
  }
  return undefined;
}

/**
 * Levels and our labelmap values (segment index = (slot − 1)·6 + label value) from a SEG read on the CT grid.
 * Slots follow the order of the levels' first segment in the SEG. Segments with other labels are skipped.
 */
export function levelsFromSeg(
  segments: Array<{ segmentNumber: number; label: string }>,
  segNumbers: Uint8Array,
  ct: CtVolumeInView,
): { levels: RestoredLevel[]; labels: Uint8Array; skipped: string[] } {
  const slotOf = new Map<string, number>();
  const indexOfSegment = new Uint8Array(256);
  const skipped: string[] = [];
  const rowsBySlot = new Map<number, Array<{ key: SegmentKey; segmentIndex: number }>>();
  for (const s of segments) {
    const parsed = parseSegmentLabel(s.label);
    if (!parsed || s.segmentNumber > 255) {
      skipped.push(s.label);
      continue;
    }
    let slot = slotOf.get(parsed.level);
    if (slot === undefined) {
      slot = slotOf.size + 1;
      if (slot * SLOT_SIZE > 255) {
        skipped.push(s.label);
        continue;
      }
      slotOf.set(parsed.level, slot);
      rowsBySlot.set(slot, []);
    }
    const segmentIndex = (slot - 1) * SLOT_SIZE + LABEL_VALUES[parsed.key];
    indexOfSegment[s.segmentNumber] = segmentIndex;
    rowsBySlot.get(slot)?.push({ key: parsed.key, segmentIndex });
  }
  const g = ct.geometry;
  const [nx, ny] = g.dimensions;
  const nxy = nx * ny;
  const labels = new Uint8Array(segNumbers.length);
  const slots = slotOf.size;
  // Per slot: voxel box, body centroid (body + lesion), and the body voxel nearest the centroid.
  const lo = Array.from({ length: slots + 1 }, () => [Infinity, Infinity, Infinity]);
  const hi = Array.from({ length: slots + 1 }, () => [-Infinity, -Infinity, -Infinity]);
  const sum = Array.from({ length: slots + 1 }, () => [0, 0, 0, 0]);
  for (let p = 0; p < segNumbers.length; p++) {
    const v = indexOfSegment[segNumbers[p]];
    if (!v) continue;
    labels[p] = v;
    const slot = Math.floor((v - 1) / SLOT_SIZE) + 1;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / nxy);
    const a = lo[slot];
    const b = hi[slot];
    if (i < a[0]) a[0] = i;
    if (j < a[1]) a[1] = j;
    if (k < a[2]) a[2] = k;
    if (i > b[0]) b[0] = i;
    if (j > b[1]) b[1] = j;
    if (k > b[2]) b[2] = k;
    const label = v - (slot - 1) * SLOT_SIZE;
    if (label === LABEL_VALUES.body || label === LABEL_VALUES.lesion) {
      const s = sum[slot];
      s[0] += i;
      s[1] += j;
      s[2] += k;
      s[3]++;
    }
  }
  const levels: RestoredLevel[] = [];
  for (const [name, slot] of slotOf) {
    const s = sum[slot];
    if (!Number.isFinite(lo[slot][0])) continue; // no voxels left in this level
    const c = s[3] > 0 ? [s[0] / s[3], s[1] / s[3], s[2] / s[3]] : [(lo[slot][0] + hi[slot][0]) / 2, (lo[slot][1] + hi[slot][1]) / 2, (lo[slot][2] + hi[slot][2]) / 2];
    // The point "Segment lesion" grows from: the body (not lesion) voxel nearest the centroid.
    let best = -1;
    let bestD = Infinity;
    const body = (slot - 1) * SLOT_SIZE + LABEL_VALUES.body;
    for (let k = lo[slot][2]; k <= hi[slot][2]; k++) {
      for (let j = lo[slot][1]; j <= hi[slot][1]; j++) {
        for (let i = lo[slot][0]; i <= hi[slot][0]; i++) {
          const p = i + nx * j + nxy * k;
          if (labels[p] !== body) continue;
          const d = (i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2;
          if (d < bestD) {
            bestD = d;
            best = p;
          }
        }
      }
    }
    const pointVoxel = best >= 0 ? [best % nx, Math.floor(best / nx) % ny, Math.floor(best / nxy)] : c;
    levels.push({
      slot,
      name,
      named: !/^V\d+$/.test(name),
      pointMm: voxelToPatient(g, pointVoxel[0], pointVoxel[1], pointVoxel[2]) as Vec3,
      bodyCenterMm: voxelToPatient(g, c[0], c[1], c[2]) as Vec3,
      box: { min: [lo[slot][0], lo[slot][1], lo[slot][2]], max: [hi[slot][0], hi[slot][1], hi[slot][2]] },
      segments: rowsBySlot.get(slot) ?? [],
    });
  }
  return { levels, labels, skipped };
}

/** Reads a SEG on the CT grid and writes its PVPI levels into the labelmap; throws with a specific message. */
async function installSegBytes(
  target: { ct: CtVolumeInView; viewportId: string; ctSeries: string },
  bytes: ArrayBuffer | Uint8Array,
  segSeriesInstanceUID: string,
  source: string,
): Promise<void> {
  const { ct, viewportId, ctSeries } = target;
  const seg = readSeg(bytes, ct.geometry, source);
  if (seg.referencedSeriesInstanceUID && ctSeries && seg.referencedSeriesInstanceUID !== ctSeries) {
    throw new Error(`the SEG references series ${seg.referencedSeriesInstanceUID}, not the CT on screen`);
  }
  const { levels, labels, skipped } = levelsFromSeg(seg.segments, seg.labels.data, ct);
  if (levels.length === 0) throw new Error('the SEG has no PVPI level segments with voxels');
  await installRestoredSegmentation(ct, viewportId, levels, labels);
  const names = levels.map((l) => l.name).join(', ');
  setState({
    busy: undefined,
    info: `Restored ${names} from the ${source}${skipped.length ? `; skipped segments: ${skipped.join(', ')}` : ''}.`,
    save: { status: 'saved', message: `Loaded from the PACS (${source}).`, seriesInstanceUID: segSeriesInstanceUID },
    restoredFrom: segSeriesInstanceUID,
    restoredDraftMs: undefined,
  });
  // The browser-kept draft now holds this SEG's content, marked saved.
  void flushDraft(segSeriesInstanceUID);
}

/**
 * Installs the segmentation of a loaded plan (its SEG object, already retrieved) into the PVPI labelmap of the CT
 * on screen. Never throws: returns false with the reason in the Segmentation section.
 */
export async function restoreSegmentationFromPlanSeg(bytes: Uint8Array, segSeriesInstanceUID: string, planName: string): Promise<boolean> {
  const found = loadedCt();
  if (!found) {
    setState({ error: `The plan's segmentation was not shown: open the CT in the MPR layout (and let it load), then load the plan again` });
    return false;
  }
  try {
    await installSegBytes({ ...found, ctSeries: found.ct.displaySet.SeriesInstanceUID ?? '' }, bytes, segSeriesInstanceUID, `segmentation of plan "${planName}"`);
    return true;
  } catch (error) {
    setState({ busy: undefined, error: `Could not show the plan's segmentation: ${error instanceof Error ? error.message : String(error)}` });
    return false;
  }
}

/**
 * Loads a saved PVPI SEG series (default: the latest for the CT on screen) into the PVPI labelmap, replacing what
 * is segmented now. Never throws: the outcome is in the panel state. Resolves true when restored.
 */
export async function restoreSegmentation(options: { seriesInstanceUID?: string } = {}): Promise<boolean> {
  if (getState().busy) return false;
  const found = loadedCt();
  if (!found) {
    setState({ error: 'Open the CT in the MPR layout (and let it load) to restore a saved segmentation' });
    return false;
  }
  const { ct, viewportId } = found;
  const ctSeries = ct.displaySet.SeriesInstanceUID ?? '';
  const list = savedSegSeriesFor(ctSeries);
  const series = options.seriesInstanceUID ? list.find((s) => s.seriesInstanceUID === options.seriesInstanceUID) : list[0];
  if (!series) {
    setState({ error: 'No saved PVPI segmentation (DICOM SEG) for this CT series in the study' });
    return false;
  }
  setState({ busy: `Loading the saved segmentation (SEG series ${series.seriesNumber})…`, error: undefined, info: undefined });
  try {
    const { wadoRoot, headers } = activeDicomweb();
    const client = new DicomwebClient({ url: wadoRoot, headers, timeoutMs: 120_000 });
    const bytes = await client.retrieveInstance(series.studyInstanceUID, series.seriesInstanceUID, series.sopInstanceUID);
    await installSegBytes({ ct, viewportId, ctSeries }, bytes, series.seriesInstanceUID, `SEG series ${series.seriesNumber}`);
    return true;
  } catch (error) {
    const message = `Could not restore the saved segmentation: ${error instanceof Error ? error.message : String(error)}`;
    setState({ busy: undefined, error: message });
    services().uiNotificationService?.show({ title: 'Segmentation', message, type: 'error', duration: 6000 });
    return false;
  }
}

const attempted = new Set<string>();

/** Forgets which CT/SEG pairs were auto-restored (the segmentation was removed, e.g. leaving the mode). */
export function forgetRestoreAttempts(): void {
  attempted.clear();
}

/**
 * Called periodically while our panel is shown: when the CT on screen is loaded and nothing is segmented yet,
 * restores the segmentation draft kept in this browser if it holds edits newer than the latest saved PVPI SEG (or
 * there is no SEG), else the latest SEG (once per CT display set and SEG series).
 */
export function autoRestoreTick(): void {
  const st = getState();
  if (st.busy || st.levels.length > 0) return;
  let found: ReturnType<typeof loadedCt>;
  try {
    found = loadedCt();
  } catch {
    return;
  }
  if (!found) return;
  const ctSeries = found.ct.displaySet.SeriesInstanceUID ?? '';
  const latest = savedSegSeriesFor(ctSeries)[0];
  const key = `${found.ct.displaySet.displaySetInstanceUID}|${latest?.seriesInstanceUID ?? ''}`;
  if (attempted.has(key)) return;
  attempted.add(key);
  const { ct, viewportId } = found;
  void (async () => {
    const draft = ctSeries ? await loadDraft(ctSeries) : undefined;
    if (getState().busy || getState().levels.length > 0) return;
    if (draft && draftWins(draft, latest) && (await restoreDraft(draft, ct, viewportId))) return;
    if (latest) await restoreSegmentation({ seriesInstanceUID: latest.seriesInstanceUID });
  })();
}

/** The latest saved SEG of the CT on screen that is not the one loaded now (for the panel's "Load saved" button). */
export function restorableSeries(): SavedSegSeries | undefined {
  try {
    const found = loadedCt();
    if (!found) return undefined;
    return savedSegSeriesFor(found.ct.displaySet.SeriesInstanceUID ?? '')[0];
  } catch {
    return undefined;
  }
}
