/**
 * Pure message handler of the dose worker: request in, response + transfer list out. No I/O, no
 * globals, so the same code runs in a Web Worker, a worker_threads Worker and in-process (tests).
 */
import type { VolumeGeometry, Vec3 } from '../../geometry/volume';
import { patientToVoxel, voxelToPatient } from '../../geometry/volume';
import { DoseEngine, type Seed } from '../doseEngine';
import { accumulateDoseRateNaive } from '../doseKernel';
import { doseIntegrationHours } from '../decay';
import { computeDvh, doseMetrics, structureVoxels, type StructureVoxels } from '../dvh';
import { getSourceModel } from '../sourceModel';
import { isodoseContours, type PlaneGrid } from '../isodose';
import type { DoseQuantity, DoseWorkerRequest, DoseWorkerResponse, DoseWorkerResults, DoseWorkerRequestType } from './protocol';

interface State {
  engine: DoseEngine;
  full: VolumeGeometry;
  local: VolumeGeometry;
  kStart: number;
  kEnd: number;
  structures: Map<string, StructureVoxels>;
}

const REQUEST_TYPES: readonly DoseWorkerRequestType[] = [
  'init', 'setSeeds', 'addSeed', 'updateSeed', 'removeSeed', 'getSlice', 'getDose', 'samplePoints', 'samplePlane',
  'setStructure', 'getStructureDoses', 'getVolumeAtLeast', 'getDvh', 'getIsodoses', 'getInfo', 'naiveDose',
];

function isRequest(m: unknown): m is DoseWorkerRequest {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as { type?: unknown; requestId?: unknown };
  return typeof o.requestId === 'number' && typeof o.type === 'string' && (REQUEST_TYPES as readonly string[]).includes(o.type);
}

/** Multiplier from the engine's Ḋ₀ (cGy/h) to the requested quantity. */
function quantityScale(q: DoseQuantity, halfLifeDays: number): number {
  if (q.kind === 'doseRateCGyPerH') return 1;
  return doseIntegrationHours(q.durationHours ?? Infinity, halfLifeDays) / 100;
}

/**
 * Ḋ₀ trilinear at fractional voxel (x, y, z) of the full grid, for a sample this slab owns (floor(z) in
 * kStart … kEnd-1; the halo slice completes the cell): the same arithmetic as DoseEngine.doseRateAtPoint.
 * NaN when the sample is outside the grid or not owned.
 */
function slabDoseRateAt(s: State, x: number, y: number, z: number): number {
  const [nx, ny, nz] = s.full.dimensions;
  const kf = Math.min(Math.max(Math.floor(z), 0), nz - 1);
  if (kf < s.kStart || kf >= s.kEnd) return NaN;
  const zl = z - s.kStart;
  const nzl = s.local.dimensions[2];
  const eps = 1e-6;
  if (x < -eps || y < -eps || zl < -eps || x > nx - 1 + eps || y > ny - 1 + eps || zl > nzl - 1 + eps) return NaN;
  const i = Math.min(Math.max(0, Math.floor(x)), Math.max(0, nx - 2));
  const j = Math.min(Math.max(0, Math.floor(y)), Math.max(0, ny - 2));
  const k = Math.min(Math.max(0, Math.floor(zl)), Math.max(0, nzl - 2));
  const tx = nx > 1 ? Math.min(1, Math.max(0, x - i)) : 0;
  const ty = ny > 1 ? Math.min(1, Math.max(0, y - j)) : 0;
  const tz = nzl > 1 ? Math.min(1, Math.max(0, zl - k)) : 0;
  const i1 = Math.min(i + 1, nx - 1);
  const j1 = Math.min(j + 1, ny - 1);
  const k1 = Math.min(k + 1, nzl - 1);
  const e = s.engine;
  // Samples on voxel columns (grid-aligned planes) skip the zero-weight corners.
  const a00 = e.doseRateAt(i, j, k);
  const c00 = tx === 0 ? a00 : a00 + (e.doseRateAt(i1, j, k) - a00) * tx;
  let c0 = c00;
  if (ty !== 0) {
    const a10 = e.doseRateAt(i, j1, k);
    const c10 = tx === 0 ? a10 : a10 + (e.doseRateAt(i1, j1, k) - a10) * tx;
    c0 = c00 + (c10 - c00) * ty;
  }
  if (tz === 0) return c0;
  const a01 = e.doseRateAt(i, j, k1);
  const c01 = tx === 0 ? a01 : a01 + (e.doseRateAt(i1, j, k1) - a01) * tx;
  let c1 = c01;
  if (ty !== 0) {
    const a11 = e.doseRateAt(i, j1, k1);
    const c11 = tx === 0 ? a11 : a11 + (e.doseRateAt(i1, j1, k1) - a11) * tx;
    c1 = c01 + (c11 - c01) * ty;
  }
  return c0 + (c1 - c0) * tz;
}

/**
 * Completes one slab's samples of a plane with another slab's (NaN where a slab does not own the sample; the slabs
 * own disjoint samples), in place.
 */
export function mergeSlabSamples(into: Float32Array, from: Float32Array): void {
  if (from.length !== into.length) throw new Error(`${from.length} samples from another slab for a plane of ${into.length}`);
  for (let i = 0; i < into.length; i++) if (Number.isNaN(into[i]) && !Number.isNaN(from[i])) into[i] = from[i];
}

/** The slab's samples of a plane: voxel coordinates are affine in (u, v), so no per-sample conversion or allocation. */
function samplePlaneOfSlab(s: State, plane: PlaneGrid, scale: number): { result: DoseWorkerResults['samplePlane']; transfer: ArrayBuffer[] } {
  const { width, height } = plane;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0)) throw new Error(`invalid plane size ${width} × ${height}`);
  const values = new Float32Array(width * height);
  const o = patientToVoxel(s.full, plane.originMm);
  const pu = patientToVoxel(s.full, [plane.originMm[0] + plane.uStepMm[0], plane.originMm[1] + plane.uStepMm[1], plane.originMm[2] + plane.uStepMm[2]]);
  const pv = patientToVoxel(s.full, [plane.originMm[0] + plane.vStepMm[0], plane.originMm[1] + plane.vStepMm[1], plane.originMm[2] + plane.vStepMm[2]]);
  const du = [pu[0] - o[0], pu[1] - o[1], pu[2] - o[2]];
  const dv = [pv[0] - o[0], pv[1] - o[1], pv[2] - o[2]];
  // Snap to voxel centres within 1e-9 voxel (grid-aligned planes), so their samples take the exact voxel values.
  const snap = (x: number): number => (Math.abs(x - Math.round(x)) < 1e-9 ? Math.round(x) : x);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const x = snap(o[0] + u * du[0] + v * dv[0]);
      const y = snap(o[1] + u * du[1] + v * dv[1]);
      const z = snap(o[2] + u * du[2] + v * dv[2]);
      values[u + v * width] = slabDoseRateAt(s, x, y, z) * scale;
    }
  }
  return { result: { values }, transfer: [values.buffer] };
}

/** Creates a handler holding one slab's state. */
export function createDoseWorkerHandler(): (message: unknown) => { response: DoseWorkerResponse; transfer: ArrayBuffer[] } {
  let state: State | null = null;
  const need = (): State => {
    if (!state) throw new Error('dose worker not initialised: send "init" first');
    return state;
  };
  const maxRate = (): { maxDoseRateCGyPerH: number } => ({ maxDoseRateCGyPerH: need().engine.maxDoseRateCGyPerH() });

  /** Doses (in `quantity`) and volumes of this slab's voxels of a registered structure. */
  function structureDoses(structureId: string, quantity: DoseQuantity): { dose: Float64Array<ArrayBuffer>; volumeCm3: Float64Array<ArrayBuffer> } {
    const s = need();
    const st = s.structures.get(structureId);
    if (!st) throw new Error(`no structure "${structureId}"`);
    const scale = quantityScale(quantity, s.engine.model.halfLifeDays);
    const [nx, ny] = s.full.dimensions;
    const n = st.indices.length;
    const dose = new Float64Array(n);
    const volumeCm3 = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      const idx = st.indices[q];
      const i = idx % nx;
      const j = Math.floor(idx / nx) % ny;
      const k = Math.floor(idx / (nx * ny));
      dose[q] = Math.max(0, s.engine.doseRateAt(i, j, k)) * scale;
      volumeCm3[q] = st.weights ? st.weights[q] * st.voxelVolumeCm3 : st.voxelVolumeCm3;
    }
    return { dose, volumeCm3 };
  }

  /** Volume (cm³) of this slab at or above `level` (in `quantity`). */
  function volumeAtLeast(level: number, quantity: DoseQuantity): number {
    const s = need();
    const scale = quantityScale(quantity, s.engine.model.halfLifeDays);
    const count = s.engine.countAtLeast(level / scale, s.kEnd - s.kStart);
    return (count * s.full.spacingMm[0] * s.full.spacingMm[1] * s.full.spacingMm[2]) / 1000;
  }

  function run(req: DoseWorkerRequest): { result: DoseWorkerResults[DoseWorkerRequestType]; transfer: ArrayBuffer[] } {
    switch (req.type) {
      case 'init': {
        const [nx, ny, nz] = req.geometry.dimensions;
        if (!(Number.isInteger(req.kStart) && Number.isInteger(req.kEnd) && req.kStart >= 0 && req.kEnd <= nz && req.kStart < req.kEnd)) {
          throw new Error(`invalid slab [${req.kStart}, ${req.kEnd}) of ${nz} slices`);
        }
        const kEndHalo = Math.min(nz, req.kEnd + 1);
        const local: VolumeGeometry = { ...req.geometry, dimensions: [nx, ny, kEndHalo - req.kStart], originMm: voxelToPatient(req.geometry, 0, 0, req.kStart) };
        const engine = new DoseEngine(local, getSourceModel(req.modelId), { blockSize: req.blockSize, exactAboveFractionOfMax: req.exactAboveFractionOfMax });
        state = { engine, full: req.geometry, local, kStart: req.kStart, kEnd: req.kEnd, structures: new Map() };
        return { result: { kStart: req.kStart, kEnd: req.kEnd }, transfer: [] };
      }
      case 'setSeeds':
        need().engine.setSeeds(req.seeds);
        return { result: maxRate(), transfer: [] };
      case 'addSeed':
        need().engine.addSeed(req.seed);
        return { result: maxRate(), transfer: [] };
      case 'updateSeed':
        need().engine.updateSeed(req.seed);
        return { result: maxRate(), transfer: [] };
      case 'removeSeed':
        need().engine.removeSeed(req.id);
        return { result: maxRate(), transfer: [] };
      case 'getSlice': {
        const s = need();
        const [nx, ny, nz] = s.full.dimensions;
        const scale = quantityScale(req.quantity, s.engine.model.halfLifeDays);
        const owned = s.kEnd - s.kStart;
        const buf = new Float64Array(nx * ny);
        if (req.plane === 'axial') {
          if (!(req.index >= 0 && req.index < nz)) throw new Error(`axial index ${req.index} outside 0…${nz - 1}`);
          if (req.index < s.kStart || req.index >= s.kEnd) return { result: { values: new Float32Array(0), width: nx, rowStart: 0, rows: 0 }, transfer: [] };
          s.engine.fillDoseRate(buf, req.index - s.kStart, req.index - s.kStart + 1, scale);
          const values = Float32Array.from(buf);
          return { result: { values, width: nx, rowStart: 0, rows: ny }, transfer: [values.buffer] };
        }
        const width = req.plane === 'sagittal' ? ny : nx;
        const limit = req.plane === 'sagittal' ? nx : ny;
        if (!(req.index >= 0 && req.index < limit)) throw new Error(`${req.plane} index ${req.index} outside 0…${limit - 1}`);
        const values = new Float32Array(width * owned);
        for (let k = 0; k < owned; k++) {
          for (let w = 0; w < width; w++) {
            const v = req.plane === 'sagittal' ? s.engine.doseRateAt(req.index, w, k) : s.engine.doseRateAt(w, req.index, k);
            values[w + k * width] = Math.max(0, v) * scale;
          }
        }
        return { result: { values, width, rowStart: s.kStart, rows: owned }, transfer: [values.buffer] };
      }
      case 'getDose': {
        const s = need();
        const [nx, ny] = s.full.dimensions;
        const values = new Float32Array(nx * ny * (s.kEnd - s.kStart));
        s.engine.fillDoseRate(values, 0, s.kEnd - s.kStart, quantityScale(req.quantity, s.engine.model.halfLifeDays));
        return { result: { values, kStart: s.kStart, kEnd: s.kEnd }, transfer: [values.buffer] };
      }
      case 'samplePoints': {
        const s = need();
        const n = Math.floor(req.pointsMm.length / 3);
        const values = new Float32Array(n);
        const scale = quantityScale(req.quantity, s.engine.model.halfLifeDays);
        const nz = s.full.dimensions[2];
        for (let p = 0; p < n; p++) {
          const pt: Vec3 = [req.pointsMm[3 * p], req.pointsMm[3 * p + 1], req.pointsMm[3 * p + 2]];
          // A point is answered by the slab owning floor(k); the halo slice completes its trilinear cell.
          const kf = Math.min(Math.max(Math.floor(patientToVoxel(s.full, pt)[2]), 0), nz - 1);
          values[p] = kf >= s.kStart && kf < s.kEnd ? s.engine.doseRateAtPoint(pt) * scale : NaN;
        }
        return { result: { values }, transfer: [values.buffer] };
      }
      case 'samplePlane': {
        const s = need();
        return samplePlaneOfSlab(s, req.plane, quantityScale(req.quantity, s.engine.model.halfLifeDays));
      }
      case 'setStructure': {
        const s = need();
        const [nx, ny] = s.full.dimensions;
        const perSlice = nx * ny;
        const owned = s.kEnd - s.kStart;
        let mask = req.mask;
        if (mask.length === perSlice * s.full.dimensions[2]) mask = mask.subarray(s.kStart * perSlice, s.kEnd * perSlice);
        else if (mask.length !== perSlice * owned) throw new Error(`structure mask has ${mask.length} voxels; expected the grid (${perSlice * s.full.dimensions[2]}) or this slab (${perSlice * owned})`);
        const vv = (s.full.spacingMm[0] * s.full.spacingMm[1] * s.full.spacingMm[2]) / 1000;
        const voxels = structureVoxels(mask, vv, req.label ?? 1);
        s.structures.set(req.structureId, voxels);
        return { result: { voxelCount: voxels.indices.length }, transfer: [] };
      }
      case 'getStructureDoses': {
        const { dose, volumeCm3 } = structureDoses(req.structureId, req.quantity);
        return { result: { dose, volumeCm3 }, transfer: [dose.buffer, volumeCm3.buffer] };
      }
      case 'getDvh': {
        const own = structureDoses(req.structureId, req.quantity);
        const parts = [own, ...(req.otherSamples ?? [])];
        const n = parts.reduce((a, p) => a + p.dose.length, 0);
        const doseGy = new Float64Array(n);
        const volumeCm3 = new Float64Array(n);
        let o = 0;
        for (const p of parts) {
          if (p.dose.length !== p.volumeCm3.length) throw new Error('getDvh: dose and volume arrays differ in length');
          doseGy.set(p.dose, o);
          volumeCm3.set(p.volumeCm3, o);
          o += p.dose.length;
        }
        const samples = { doseGy, volumeCm3 };
        const vref = req.prescriptionVolumeCm3 ?? volumeAtLeast(req.prescriptionGy, req.quantity);
        return { result: { dvh: computeDvh(samples, req.binWidthGy), metrics: doseMetrics(samples, req.prescriptionGy, vref) }, transfer: [] };
      }
      case 'getIsodoses': {
        const s = need();
        const scale = quantityScale(req.quantity, s.engine.model.halfLifeDays);
        const values = samplePlaneOfSlab(s, req.plane, scale).result.values;
        for (const other of req.otherValues ?? []) mergeSlabSamples(values, other);
        for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) values[i] = 0;
        const contours = isodoseContours(values, req.plane, req.levels);
        return req.withSamples ? { result: { contours, values }, transfer: [values.buffer as ArrayBuffer] } : { result: { contours }, transfer: [] };
      }
      case 'getVolumeAtLeast':
        return { result: { volumeCm3: volumeAtLeast(req.level, req.quantity) }, transfer: [] };
      case 'getInfo': {
        const s = need();
        return {
          result: { kStart: s.kStart, kEnd: s.kEnd, seedCount: s.engine.listSeeds().length, maxDoseRateCGyPerH: s.engine.maxDoseRateCGyPerH(), refinedFraction: s.engine.refinedFraction() },
          transfer: [],
        };
      }
      case 'naiveDose': {
        const s = need();
        const [nx, ny] = s.full.dimensions;
        const out = new Float64Array(nx * ny * (s.kEnd - s.kStart));
        accumulateDoseRateNaive(out, s.full, s.kStart, s.kEnd, s.engine.model, req.seeds);
        return { result: { voxels: out.length }, transfer: [] };
      }
    }
  }

  return (message: unknown) => {
    if (!isRequest(message)) {
      const id = typeof message === 'object' && message !== null && typeof (message as { requestId?: unknown }).requestId === 'number' ? (message as { requestId: number }).requestId : -1;
      return { response: { requestId: id, ok: false, type: 'unknown', error: 'not a dose worker request' }, transfer: [] };
    }
    try {
      const { result, transfer } = run(message);
      return { response: { requestId: message.requestId, ok: true, type: message.type, result }, transfer };
    } catch (e) {
      return { response: { requestId: message.requestId, ok: false, type: message.type, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
    }
  };
}
