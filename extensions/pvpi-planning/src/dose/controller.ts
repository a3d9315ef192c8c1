/**
 * The dose worker host: keeps the dose workers in step with the plan and the segmentation, and feeds the
 * viewport overlays and the panel. No dose maths here (all in src/dose): this file decides WHAT to compute.
 *
 * - Dose grid: the CT's orientation cropped to the planning region (segmented vertebrae + seeds + a margin),
 *   1 mm voxels by default (src/planning/viewModels/doseGridRegion.ts). A new grid only when the region outgrows
 *   the current one, the CT changes, or the seed model changes.
 * - Seeds: the plan is diffed against what the workers hold and only the difference is sent (add / move /
 *   remove: incremental in the engine); many changes at once → one full recomputation.
 * - Never blocks the UI: everything is asynchronous and coalesced; while the workers run, further edits only
 *   mark the plan dirty and the loop picks up the LATEST plan next (latest wins).
 * - Order per round: seeds → isodose planes of every viewport (drawn next frame; latency measured) → metrics
 *   and DVHs (skipped while newer edits wait).
 */
import type { Vec3, VolumeGeometry } from '../../../../src/geometry/volume';
import type { Seed as DoseSeed } from '../../../../src/dose/doseEngine';
import type { DoseWorkerPool } from '../../../../src/dose/worker/pool';
import { decayCorrectedStrengthU, meanLifeHours } from '../../../../src/dose/decay';
import { doseReachSpheres, levelsInGy, planeRegion, type DoseSphere, type PlaneGrid } from '../../../../src/dose/isodose';
import { getSourceModel } from '../../../../src/dose/sourceModel';
import type { Plan } from '../../../../src/planning/plan';
import type { PlanEdit } from '../../../../src/planning/planEditor';
import { doseGridForBox, gridContains, labelsOnDoseGrid, regionBox, type VoxelBox } from '../../../../src/planning/viewModels/doseGridRegion';
import { currentPlanEditor, openPlanSession, subscribePlan } from '../plan/planSession';
import { labelmapForSave } from '../segmentation/controller';
import { ctVolumeOfViewport, instanceOf, services as segServices, type CtVolumeInView } from '../segmentation/host';
import { getState as getSegState, subscribe as subscribeSeg } from '../segmentation/store';
import { getDoseState, setDoseState, type StructureDose } from './store';
import { createDosePool, createInPagePool } from './workerHost';

/** Dose grid settings (mm). */
export const DOSE_GRID_SETTINGS = { spacingMm: 1, marginMm: 15 };
/** Engine option from the dose engineer: exact dose above 1% of the max, so the prescription isodose is exact. */
const EXACT_ABOVE_FRACTION_OF_MAX = 0.01;
/** More seed changes than this in one round → one full recomputation instead of incremental edits. */
const FULL_RECOMPUTE_ABOVE = 12;
const TOTAL_DOSE = { kind: 'totalDoseGy' } as const;

/** A viewport plane the overlays want dose on. */
export interface PlaneConsumer {
  readonly viewportId: string;
  /** The plane to sample for the current camera and grid, or null when the view misses the dose grid. */
  plane(grid: VolumeGeometry): { key: string; grid: PlaneGrid } | null;
  /** The sampled total dose (Gy) on the plane, with its contours per isodose line; null clears. */
  show(result: PlaneDose | null): void;
  readonly shownKey: string | undefined;
}

export interface PlaneDose {
  key: string;
  grid: PlaneGrid;
  doseGy: Float32Array;
  contours: { levelGy: number; colour: string; polylines: Vec3[][] }[];
  prescriptionGy: number;
}

interface Applied {
  ctKey: string;
  modelId: string;
  geometry: VolumeGeometry;
  seeds: Map<string, string>;
  structuresKey: string;
  structures: Omit<StructureDose, 'metrics' | 'dvh'>[];
  /** The seeds the workers hold (decay-corrected strengths), for the isodose regions. */
  engineSeeds: DoseSeed[];
  /** Max total dose on the grid (Gy) after the last seed update. */
  maxDoseGy?: number;
}

let pool: DoseWorkerPool | undefined;
let applied: Applied | undefined;
let started = false;
let running = false;
let planDirty = true;
let metricsDirty = true;
let metricsRunning = false;
let overlaysDirty = true;
let version = 0;
let pendingChange: { atMs: number; cause: string } | undefined;
const consumers = new Set<PlaneConsumer>();
/** Phase timings (ms) of the round being measured (undefined when no edit is being timed). */
let phases: Record<string, number> | undefined;

function addPhase(name: string, ms: number): void {
  if (phases) phases[name] = (phases[name] ?? 0) + ms;
}

function mark(name: string): number {
  const t = performance.now();
  try {
    performance.mark(`pvpi:dose:${name}`);
  } catch {
    /* no User Timing marks: the phase numbers are still recorded */
  }
  return t;
}
const staleConsumers = new Set<PlaneConsumer>();

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function causeName(cause: PlanEdit | 'undo' | 'redo' | 'load'): string {
  return typeof cause === 'string' ? cause : cause.type;
}

/** Starts following the plan and the segmentation (idempotent; called at registration). */
export function startDoseHost(): void {
  if (started) return;
  started = true;
  subscribePlan((_plan, cause) => {
    version++;
    pendingChange = { atMs: performance.now(), cause: causeName(cause) };
    planDirty = true;
    metricsDirty = true;
    kick();
  });
  let segKey = structuresOf().key;
  subscribeSeg(() => {
    // Structures changed (new level, brush edits → new volumes): resampled in the next round.
    const key = structuresOf().key;
    if (key === segKey) return;
    segKey = key;
    planDirty = true;
    metricsDirty = true;
    kick();
  });
}

/** Registers a viewport overlay; it is refreshed after every dose change and when it asks. */
export function addPlaneConsumer(c: PlaneConsumer): () => void {
  consumers.add(c);
  staleConsumers.add(c);
  kick();
  return () => {
    consumers.delete(c);
    staleConsumers.delete(c);
  };
}

/** An overlay's plane changed (scroll, rotation, new layout): refresh it soon. */
export function requestPlane(c: PlaneConsumer): void {
  staleConsumers.add(c);
  kick();
}

/** Re-draws every overlay (isodose levels/colours or wash changed). */
export function refreshAllPlanes(): void {
  overlaysDirty = true;
  kick();
}

/** Forces a new round (e.g. after the CT finished loading). */
export function poke(): void {
  planDirty = true;
  kick();
}

/** The CT the plan belongs to: the segmented one, else the first viewport showing a loaded CT volume. */
function findCt(): CtVolumeInView | undefined {
  const seg = labelmapForSave();
  if (seg) return seg.ct;
  const grid = segServices().viewportGridService?.getState();
  const ids = grid ? [grid.activeViewportId, ...[...grid.viewports.keys()]].filter((x): x is string => typeof x === 'string') : [];
  for (const id of ids) {
    try {
      return ctVolumeOfViewport(id);
    } catch {
      /* not a loaded CT volume viewport */
    }
  }
  return undefined;
}

/** Opens the plan session of the CT (same series → same session; the seed tools share it). */
export function ensurePlanSession(ct: CtVolumeInView): void {
  const ds = ct.displaySet;
  if (!ds.StudyInstanceUID || !ds.SeriesInstanceUID) return;
  const editor = currentPlanEditor();
  if (editor && editor.plan.references.seriesInstanceUID === ds.SeriesInstanceUID) return;
  const inst = ct.volume.imageIds[0] ? instanceOf(ct.volume.imageIds[0]) : undefined;
  const name = inst?.PatientName;
  openPlanSession({
    studyInstanceUID: ds.StudyInstanceUID,
    seriesInstanceUID: ds.SeriesInstanceUID,
    frameOfReferenceUID: ct.geometry.frameOfReferenceUID ?? String(inst?.FrameOfReferenceUID ?? ''),
    patientID: typeof inst?.PatientID === 'string' ? inst.PatientID : undefined,
    patientName: typeof name === 'string' ? name : typeof name === 'object' && name !== null && 'Alphabetic' in name ? String((name as { Alphabetic: unknown }).Alphabetic) : undefined,
  });
}

/** Seeds as the engine wants them: strength decay-corrected from the calibration to the implant date. */
export function engineSeeds(plan: Plan): DoseSeed[] {
  const t0 = Date.parse(plan.source.calibrationDateTime);
  const t1 = Date.parse(plan.implantDateTime);
  const factor = Number.isFinite(t0) && Number.isFinite(t1) ? decayCorrectedStrengthU(1, t0, t1) : 1;
  return plan.seeds.map((s) => ({ id: s.id, positionMm: s.positionMm, axis: s.axis, airKermaStrengthU: (s.airKermaStrengthU ?? plan.source.airKermaStrengthU) * factor }));
}

function structuresOf(): { key: string; list: Applied['structures'] } {
  const st = getSegState();
  const list = st.levels.flatMap((l) => l.segments.map((r) => ({ id: `seg-${r.segmentIndex}`, label: r.label, rgb: r.rgb, segmentIndex: r.segmentIndex })));
  const key = JSON.stringify([st.segmentationId, st.levels.map((l) => [l.slot, l.box, l.segments.map((r) => [r.segmentIndex, r.label, r.volumeCm3])])]);
  return { key, list };
}

let boxCache: { key: string; boxes: VoxelBox[] } | undefined;

/**
 * Tight CT voxel boxes of the segmented levels: the labelled voxels inside each level's working box (the working
 * box of the segmentation run is much larger than the vertebra). Cached per segmentation state.
 */
function segmentedBoxes(key: string): VoxelBox[] {
  if (boxCache?.key === key) return boxCache.boxes;
  const lm = labelmapForSave();
  const boxes: VoxelBox[] = [];
  if (lm) {
    const nx = lm.lm.nx;
    for (const level of getSegState().levels) {
      const { min, max } = level.box;
      const lo: [number, number, number] = [Infinity, Infinity, Infinity];
      const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
      const idx = new Set(level.segments.map((r) => r.segmentIndex));
      for (let k = min[2]; k <= max[2]; k++) {
        const sl = lm.lm.slices[k];
        if (!sl) continue;
        for (let j = min[1]; j <= max[1]; j++) {
          for (let i = min[0]; i <= max[0]; i++) {
            if (!idx.has(sl[i + nx * j])) continue;
            if (i < lo[0]) lo[0] = i;
            if (j < lo[1]) lo[1] = j;
            if (k < lo[2]) lo[2] = k;
            if (i > hi[0]) hi[0] = i;
            if (j > hi[1]) hi[1] = j;
            if (k > hi[2]) hi[2] = k;
          }
        }
      }
      if (Number.isFinite(lo[0])) boxes.push({ min: lo, max: hi });
    }
  }
  boxCache = { key, boxes };
  return boxes;
}

function getPool(): DoseWorkerPool {
  if (!pool) {
    const created = createDosePool((message) => {
      // A worker failed to load or crashed: continue in the page with a fresh grid.
      if (getDoseState().engine === 'in-page') return;
      void pool?.close();
      pool = createInPagePool();
      applied = undefined;
      setDoseState({ engine: 'in-page', message: `Dose workers unavailable (${message}); computing in the page.` });
      planDirty = true;
      kick();
    });
    pool = created.pool;
    setDoseState({ engine: created.engine });
  }
  return pool;
}

function kick(): void {
  if (running) return;
  running = true;
  void loop().finally(() => {
    running = false;
    if (planDirty && currentPlanEditor()) kick();
  });
}

async function loop(): Promise<void> {
  for (let rounds = 0; rounds < 1000; rounds++) {
    if (planDirty) {
      planDirty = false;
      overlaysDirty = true;
      const change = pendingChange;
      pendingChange = undefined;
      phases = change ? {} : undefined;
      const t0 = mark('round');
      if (change) addPhase('wait', t0 - change.atMs);
      try {
        // Seed edits are posted to the workers and the planes requested right behind them (each worker answers in
        // order, so the planes see the new seeds): one round trip instead of two.
        const sync = await syncPlan();
        if (sync.ok) {
          const tp = performance.now();
          const planes = refreshPlanes([...consumers]).then(() => addPhase('planes', mark('planes') - tp));
          if (change) void planes.then(() => addPhase('ready', performance.now() - change.atMs));
          await Promise.all([sync.done.then(() => addPhase('seeds', mark('seeds') - t0)), planes]);
          if (change) await measure(change);
        }
      } catch (e) {
        setDoseState({ status: 'error', error: `Dose calculation failed: ${describe(e)}` });
        applied = undefined;
      }
      continue;
    }
    if (overlaysDirty || staleConsumers.size) {
      const list = overlaysDirty ? [...consumers] : [...staleConsumers];
      overlaysDirty = false;
      staleConsumers.clear();
      await refreshPlanes(list);
      continue;
    }
    if (metricsDirty && !metricsRunning) {
      // One frame first: during a drag the next edit usually arrives within it. Metrics then run detached from this
      // loop, so a new edit starts its round at once (its seed update waits in the workers for at most one
      // structure's DVH request; the stale metrics round stops there).
      await nextFrame();
      if (planDirty) continue;
      metricsDirty = false;
      metricsRunning = true;
      void computeMetrics().finally(() => {
        metricsRunning = false;
        if (metricsDirty || planDirty) kick();
      });
      continue;
    }
    return;
  }
}

/**
 * Brings the workers to the current plan. Resolves once the edits are POSTED (`ok` false when there is nothing to
 * compute: no CT, no region); `done` resolves when the workers have applied them (and the structures).
 */
async function syncPlan(): Promise<{ ok: boolean; done: Promise<void> }> {
  const nothing = { ok: false, done: Promise.resolve() };
  const ct = findCt();
  if (!ct) {
    setDoseState({ status: 'idle', message: 'Open the CT in the MPR layout to compute dose.' });
    return nothing;
  }
  ensurePlanSession(ct);
  const plan = currentPlanEditor()?.plan;
  if (!plan) return nothing;
  const seg = structuresOf();
  const box = regionBox(ct.geometry, segmentedBoxes(seg.key), plan.seeds.map((s) => s.positionMm));
  if (!box || plan.seeds.length === 0) {
    if (applied && applied.seeds.size > 0) {
      await getPool().setSeeds([]);
      applied.seeds.clear();
    }
    setDoseState({ status: 'idle', message: plan.seeds.length === 0 ? 'No seeds in the plan yet: place seeds to see dose.' : undefined, structures: [], maxDoseGy: undefined });
    for (const c of consumers) c.show(null);
    return nothing;
  }
  const ctKey = ct.displaySet.displaySetInstanceUID;
  const wanted = doseGridForBox(ct.geometry, box, DOSE_GRID_SETTINGS);
  const p = getPool();
  // "Computing" only for work that takes a while (new grid, full recomputation): an incremental edit is drawn within
  // a frame or two, and flipping the status would re-render the panel twice per edit.
  const st0 = getDoseState();
  if (st0.status !== 'ready' || st0.error || st0.message) setDoseState({ status: 'computing', error: undefined, message: undefined });
  if (!applied || applied.ctKey !== ctKey || applied.modelId !== plan.source.modelId || !gridContains(applied.geometry, wanted)) {
    // Grow generously so the next seeds near the edge do not force another grid at once.
    const geometry = doseGridForBox(ct.geometry, box, { ...DOSE_GRID_SETTINGS, marginMm: DOSE_GRID_SETTINGS.marginMm + 5 });
    await p.init(geometry, plan.source.modelId, { exactAboveFractionOfMax: EXACT_ABOVE_FRACTION_OF_MAX });
    applied = { ctKey, modelId: plan.source.modelId, geometry, seeds: new Map(), structuresKey: '', structures: [], engineSeeds: [] };
    setDoseState({ grid: geometry });
  }
  const a = applied;
  // Seeds: diff against what the workers hold.
  const seeds = engineSeeds(plan);
  const want = new Map(seeds.map((s) => [s.id, JSON.stringify(s)]));
  const removed = [...a.seeds.keys()].filter((id) => !want.has(id));
  const changed = seeds.filter((s) => a.seeds.get(s.id) !== want.get(s.id));
  let rates: Promise<number[]>;
  if (a.seeds.size === 0 || removed.length + changed.length > FULL_RECOMPUTE_ABOVE) {
    if (getDoseState().status !== 'computing') setDoseState({ status: 'computing' });
    rates = p.setSeeds(seeds).then((m) => [m]);
  } else {
    // Posted at once, in order (removals first); not awaited one by one.
    const ops = [...removed.map((id) => p.removeSeed(id)), ...changed.map((s) => (a.seeds.has(s.id) ? p.updateSeed(s) : p.addSeed(s)))];
    rates = ops.length ? Promise.all(ops) : p.info().then((info) => info.map((i) => i.maxDoseRateCGyPerH));
  }
  a.seeds = want;
  a.engineSeeds = seeds;
  const done = (async () => {
    let maxRate: number;
    try {
      maxRate = Math.max(0, ...(await rates));
    } catch (e) {
      applied = undefined; // the workers' state is unknown: a fresh grid next round
      planDirty = true;
      throw e;
    }
    // Structures: the segmentation resampled on the dose grid when it changed.
    if (a.structuresKey !== seg.key) {
      const lm = labelmapForSave();
      a.structures = [];
      if (lm && seg.list.length) {
        const labels = labelsOnDoseGrid(lm.ct.geometry, (k) => lm.lm.slices[k], a.geometry);
        for (const s of seg.list) {
          const n = await p.setStructure(s.id, labels, s.segmentIndex);
          if (n > 0) a.structures.push(s);
        }
      }
      a.structuresKey = seg.key;
    }
    a.maxDoseGy = (maxRate * meanLifeHours()) / 100;
    // The max dose is published with the metrics (one panel render per edit less on the way to the isodoses).
    if (getDoseState().status !== 'ready') setDoseState({ status: 'ready', maxDoseGy: a.maxDoseGy });
  })();
  return { ok: true, done };
}

/** Interpolation reach of the engine around a voxel value (blocks of 4 voxels) plus one trilinear sampling cell, in voxel diagonals. */
const REGION_MARGIN_VOXEL_DIAGONALS = 5;

/**
 * Balls outside which the total dose is below the lowest drawn level (lowest isodose line; 25 % of the prescription
 * when the colour wash is on): only the plane samples inside them are computed and contoured.
 */
function isodoseSpheres(a: Applied, lowestGy: number): DoseSphere[] {
  const model = getSourceModel(a.modelId);
  const levelCGyPerH = (100 * lowestGy) / meanLifeHours(model.halfLifeDays); // total dose = Ḋ₀·τ (decay.ts)
  const s = a.geometry.spacingMm;
  return doseReachSpheres(model, a.engineSeeds, levelCGyPerH, REGION_MARGIN_VOXEL_DIAGONALS * Math.hypot(s[0], s[1], s[2]));
}

/** Samples the total dose on each consumer's plane (the part the seeds can reach) and hands it the isodose contours. */
async function refreshPlanes(list: PlaneConsumer[]): Promise<void> {
  const p = pool;
  const a = applied;
  const plan = currentPlanEditor()?.plan;
  if (!p || !a || !plan || a.seeds.size === 0) {
    for (const c of list) c.show(null);
    return;
  }
  const st = getDoseState();
  const rx = plan.prescription.doseGy;
  const lines = st.isodoseLines;
  const levels = levelsInGy(lines.map((l) => ({ percentOfPrescription: l.percentOfPrescription })), rx);
  const lowestGy = Math.min(...levels, st.showWash ? 0.25 * rx : Infinity);
  const spheres = isodoseSpheres(a, lowestGy);
  await Promise.all(
    list.map(async (c) => {
      const req = c.plane(a.geometry);
      if (!req) {
        c.show(null);
        return;
      }
      const grid = planeRegion(req.grid, spheres);
      if (!grid) {
        // The seeds cannot reach the lowest level on this plane: no lines.
        c.show({ key: req.key, grid: { ...req.grid, width: 0, height: 0 }, doseGy: new Float32Array(0), contours: [], prescriptionGy: rx });
        return;
      }
      const ts = performance.now();
      // Sampled and contoured in the dose worker (getIsodoses); the samples come back for the colour wash/readout.
      const r = await p.isodosesOnPlane(grid, levels, TOTAL_DOSE, true);
      const dose = r.values ?? new Float32Array(grid.width * grid.height);
      const tc = performance.now();
      addPhase('sample', tc - ts); // sampling and contouring, both in the worker
      const contours = r.contours.map((ct, i) => ({ levelGy: ct.levelGy, colour: lines[i]?.colour ?? '#ffffff', polylines: ct.polylines }));
      const td = performance.now();
      addPhase('samples', dose.length);
      c.show({ key: req.key, grid, doseGy: dose, contours, prescriptionGy: rx });
      addPhase('draw', performance.now() - td);
    }),
  );
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame((t) => resolve(t)));

async function measure(change: { atMs: number; cause: string }): Promise<void> {
  const t = performance.now();
  await nextFrame();
  const end = mark('drawn');
  addPhase('frame', end - t);
  try {
    performance.measure(`pvpi:${change.cause}→isodose`, { start: change.atMs, end });
  } catch {
    /* the Performance API without measure options (old browsers): the number below is the same */
  }
  const latencies = [...getDoseState().latencies, { cause: change.cause, ms: end - change.atMs, atMs: end, phases: { ...phases } }].slice(-50);
  phases = undefined;
  setDoseState({ latencies });
}

async function computeMetrics(): Promise<void> {
  const p = pool;
  const a = applied;
  const plan = currentPlanEditor()?.plan;
  if (!p || !a || !plan || a.seeds.size === 0) {
    setDoseState({ structures: [] });
    return;
  }
  const v = version;
  // Newer edits / a new grid: this round's numbers are stale; metrics run again after the newer round.
  const stale = (): boolean => {
    const yes = planDirty || version !== v || applied !== a;
    if (yes) metricsDirty = true;
    return yes;
  };
  const out: StructureDose[] = [];
  try {
    const rx = plan.prescription.doseGy;
    // The prescription isodose volume is the same for every structure: counted once.
    const vrefCm3 = await p.volumeAtLeast(rx, TOTAL_DOSE);
    for (const s of a.structures) {
      if (stale()) return;
      const { dvh, metrics } = await p.dvh(s.id, rx, { quantity: TOTAL_DOSE, prescriptionVolumeCm3: vrefCm3 });
      out.push({ ...s, dvh, metrics });
    }
    if (stale()) return;
    setDoseState({ structures: out, metricsVersion: v, maxDoseGy: a.maxDoseGy });
  } catch (e) {
    if (!stale()) setDoseState({ error: `Dose metrics failed: ${describe(e)}` });
  }
}

/** Total dose (Gy) at a patient point; NaN outside the dose grid or before any dose exists. */
let sampleBusy = false;
let samplePending: { point: Vec3; resolve: (v: number) => void } | undefined;
export function doseAt(point: Vec3): Promise<number> {
  const p = pool;
  if (!p || !applied || applied.seeds.size === 0) return Promise.resolve(NaN);
  if (sampleBusy) {
    // Latest wins: an older pending request resolves as "no value".
    samplePending?.resolve(NaN);
    return new Promise((resolve) => {
      samplePending = { point, resolve };
    });
  }
  sampleBusy = true;
  const run = async (q: Vec3): Promise<number> => {
    try {
      return (await p.samplePoints(Float64Array.from(q), TOTAL_DOSE))[0];
    } catch {
      return NaN;
    }
  };
  return run(point).then(async (v) => {
    while (samplePending) {
      const next = samplePending;
      samplePending = undefined;
      next.resolve(await run(next.point));
    }
    sampleBusy = false;
    return v;
  });
}

/** Debug/test snapshot: grid, seeds in the workers, structure label volume on the grid. */
export function doseDebugInfo(options: { includeLabels?: boolean } = {}): {
  grid?: VolumeGeometry;
  seeds: DoseSeed[];
  structures: { id: string; label: string; segmentIndex: number }[];
  labels?: number[];
  planVersion: number;
} {
  const plan = currentPlanEditor()?.plan;
  let labels: number[] | undefined;
  if (options.includeLabels && applied) {
    const lm = labelmapForSave();
    if (lm) labels = Array.from(labelsOnDoseGrid(lm.ct.geometry, (k) => lm.lm.slices[k], applied.geometry));
  }
  return { grid: applied?.geometry, seeds: plan ? engineSeeds(plan) : [], structures: applied?.structures.map((s) => ({ id: s.id, label: s.label, segmentIndex: s.segmentIndex })) ?? [], labels, planVersion: version };
}
