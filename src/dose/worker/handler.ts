/**
 * Pure message handler of the dose worker: request in, response + transfer list out. No I/O, no
 * globals, so the same code runs in a Web Worker, a worker_threads Worker and in-process (tests).
 */
import type { VolumeGeometry, Vec3 } from '../../geometry/volume';
import { patientToVoxel, voxelToPatient } from '../../geometry/volume';
import { DoseEngine, type Seed } from '../doseEngine';
import { accumulateDoseRateNaive } from '../doseKernel';
import { doseIntegrationHours } from '../decay';
import { structureVoxels, type StructureVoxels } from '../dvh';
import { getSourceModel } from '../sourceModel';
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
  'init', 'setSeeds', 'addSeed', 'updateSeed', 'removeSeed', 'getSlice', 'getDose', 'samplePoints',
  'setStructure', 'getStructureDoses', 'getVolumeAtLeast', 'getInfo', 'naiveDose',
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

/** Creates a handler holding one slab's state. */
export function createDoseWorkerHandler(): (message: unknown) => { response: DoseWorkerResponse; transfer: ArrayBuffer[] } {
  let state: State | null = null;
  const need = (): State => {
    if (!state) throw new Error('dose worker not initialised: send "init" first');
    return state;
  };
  const maxRate = (): { maxDoseRateCGyPerH: number } => ({ maxDoseRateCGyPerH: need().engine.maxDoseRateCGyPerH() });

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
        const s = need();
        const st = s.structures.get(req.structureId);
        if (!st) throw new Error(`no structure "${req.structureId}"`);
        const scale = quantityScale(req.quantity, s.engine.model.halfLifeDays);
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
        return { result: { dose, volumeCm3 }, transfer: [dose.buffer, volumeCm3.buffer] };
      }
      case 'getVolumeAtLeast': {
        const s = need();
        const scale = quantityScale(req.quantity, s.engine.model.halfLifeDays);
        const count = s.engine.countAtLeast(req.level / scale, s.kEnd - s.kStart);
        return { result: { volumeCm3: (count * s.full.spacingMm[0] * s.full.spacingMm[1] * s.full.spacingMm[2]) / 1000 }, transfer: [] };
      }
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
