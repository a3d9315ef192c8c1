/**
 * Client of one or more dose workers (Web Workers or worker_threads): splits the grid into slabs of
 * slices (one per worker, so both cores work on full computations and on single-seed moves), broadcasts
 * seed edits, and merges answers (slices, DVH samples, isodose planes).
 */
import type { VolumeGeometry } from '../../geometry/volume';
import { patientToVoxel } from '../../geometry/volume';
import type { Seed } from '../doseEngine';
import type { DoseMetrics, Dvh } from '../dvh';
import { axialPlane, coronalPlane, levelsInGy, planePoint, sagittalPlane, type IsodoseContour, type IsodoseLevel, type PlaneGrid } from '../isodose';
import { createDoseWorkerHandler, mergeSlabSamples } from './handler';
import type { DoseQuantity, DoseWorkerEndpoint, DoseWorkerRequest, DoseWorkerRequestType, DoseWorkerResponse, DoseWorkerResults } from './protocol';

type Body<T extends DoseWorkerRequestType> = Omit<Extract<DoseWorkerRequest, { type: T }>, 'requestId'>;

/** The dose worker in-process (no thread): same protocol, for tests and hosts without workers. */
export function inProcessEndpoint(): DoseWorkerEndpoint {
  const handle = createDoseWorkerHandler();
  let listener: ((r: DoseWorkerResponse) => void) | null = null;
  return {
    post: (message) => {
      const { response } = handle(message);
      queueMicrotask(() => listener?.(response));
    },
    onMessage: (l) => {
      listener = l;
    },
    terminate: () => undefined,
  };
}

/** An index plane of the grid or an arbitrary (oblique) sampled plane. */
export type DosePlane = { plane: 'axial' | 'sagittal' | 'coronal'; index: number } | { plane: 'oblique'; grid: PlaneGrid };

const RATE: DoseQuantity = { kind: 'doseRateCGyPerH' };

/** Coordinates 1…N dose workers as one dose grid. */
export class DoseWorkerPool {
  private readonly endpoints: DoseWorkerEndpoint[];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private geometry: VolumeGeometry | null = null;
  private slabs: { kStart: number; kEnd: number }[] = [];

  constructor(endpoints: DoseWorkerEndpoint[]) {
    if (endpoints.length === 0) throw new Error('a dose worker pool needs at least one worker');
    this.endpoints = endpoints;
    for (const e of endpoints) {
      e.onMessage((r) => {
        if (r.requestId === -1) {
          for (const p of this.pending.values()) p.reject(new Error(r.ok ? 'dose worker failed' : r.error));
          this.pending.clear();
          return;
        }
        const p = this.pending.get(r.requestId);
        if (!p) return;
        this.pending.delete(r.requestId);
        if (r.ok) p.resolve(r.result);
        else p.reject(new Error(r.error));
      });
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.endpoints.length;
  }

  private send<T extends DoseWorkerRequestType>(worker: number, body: Body<T>, transfer: ArrayBuffer[] = []): Promise<DoseWorkerResults[T]> {
    const requestId = this.nextId++;
    return new Promise<DoseWorkerResults[T]>((resolve, reject) => {
      this.pending.set(requestId, { resolve: (r) => resolve(r as DoseWorkerResults[T]), reject });
      this.endpoints[worker].post({ ...body, requestId } as DoseWorkerRequest, transfer);
    });
  }

  private all<T extends DoseWorkerRequestType>(body: Body<T>): Promise<DoseWorkerResults[T][]> {
    return Promise.all(this.slabs.map((_, w) => this.send<T>(w, body)));
  }

  private need(): VolumeGeometry {
    if (!this.geometry) throw new Error('dose worker pool not initialised: call init() first');
    return this.geometry;
  }

  /** Sets the dose grid (CT geometry) and the seed model; splits the slices among the workers. */
  async init(geometry: VolumeGeometry, modelId: string, options: { blockSize?: number; exactAboveFractionOfMax?: number } = {}): Promise<void> {
    const nz = geometry.dimensions[2];
    const n = Math.min(this.endpoints.length, nz);
    this.slabs = Array.from({ length: n }, (_, w) => ({ kStart: Math.round((w * nz) / n), kEnd: Math.round(((w + 1) * nz) / n) }));
    this.geometry = geometry;
    await Promise.all(this.slabs.map((s, w) => this.send<'init'>(w, { type: 'init', geometry, modelId, kStart: s.kStart, kEnd: s.kEnd, ...options })));
  }

  private static max(r: { maxDoseRateCGyPerH: number }[]): number {
    return Math.max(0, ...r.map((x) => x.maxDoseRateCGyPerH));
  }

  /** Replaces all seeds (full computation on every worker in parallel); resolves to the max Ḋ₀ (cGy/h). */
  async setSeeds(seeds: Seed[]): Promise<number> {
    this.need();
    return DoseWorkerPool.max(await this.all<'setSeeds'>({ type: 'setSeeds', seeds }));
  }

  /** Adds one seed (incremental). */
  async addSeed(seed: Seed): Promise<number> {
    return DoseWorkerPool.max(await this.all<'addSeed'>({ type: 'addSeed', seed }));
  }

  /** Moves / edits one seed (incremental: old contribution out, new in). */
  async updateSeed(seed: Seed): Promise<number> {
    return DoseWorkerPool.max(await this.all<'updateSeed'>({ type: 'updateSeed', seed }));
  }

  /** Removes one seed (incremental). */
  async removeSeed(id: string): Promise<number> {
    return DoseWorkerPool.max(await this.all<'removeSeed'>({ type: 'removeSeed', id }));
  }

  /** One plane of the grid (row-major, width × height). Sagittal: u = j, v = k; coronal: u = i, v = k. */
  async slice(plane: 'axial' | 'sagittal' | 'coronal', index: number, quantity: DoseQuantity = RATE): Promise<{ values: Float32Array; width: number; height: number }> {
    const g = this.need();
    const [nx, ny, nz] = g.dimensions;
    if (plane === 'axial') {
      const w = this.slabs.findIndex((s) => index >= s.kStart && index < s.kEnd);
      if (w < 0) throw new Error(`axial index ${index} outside 0…${nz - 1}`);
      const r = await this.send<'getSlice'>(w, { type: 'getSlice', plane, index, quantity });
      return { values: r.values, width: nx, height: ny };
    }
    const parts = await this.all<'getSlice'>({ type: 'getSlice', plane, index, quantity });
    const width = plane === 'sagittal' ? ny : nx;
    const values = new Float32Array(width * nz);
    for (const p of parts) values.set(p.values, p.rowStart * width);
    return { values, width, height: nz };
  }

  /** The whole grid (i fastest), assembled from the workers' slabs. */
  async dose(quantity: DoseQuantity = RATE): Promise<Float32Array> {
    const [nx, ny, nz] = this.need().dimensions;
    const parts = await this.all<'getDose'>({ type: 'getDose', quantity });
    const out = new Float32Array(nx * ny * nz);
    for (const p of parts) out.set(p.values, p.kStart * nx * ny);
    return out;
  }

  /** Dose at patient points (mm, xyz triplets), trilinear; NaN outside the grid. */
  async samplePoints(pointsMm: Float64Array, quantity: DoseQuantity = RATE): Promise<Float32Array> {
    const parts = await this.all<'samplePoints'>({ type: 'samplePoints', pointsMm, quantity });
    const out = new Float32Array(pointsMm.length / 3).fill(NaN);
    for (const p of parts) for (let i = 0; i < out.length; i++) if (!Number.isNaN(p.values[i])) out[i] = p.values[i];
    return out;
  }

  /**
   * Dose on a regular plane (u fastest), trilinear; NaN outside the grid. Only the workers whose slabs the plane
   * crosses are asked, and only the plane's definition is sent (no point list).
   */
  async samplePlane(plane: PlaneGrid, quantity: DoseQuantity = RATE): Promise<Float32Array> {
    const workers = this.planeWorkers(plane);
    const n = plane.width * plane.height;
    if (workers.length === 0) return new Float32Array(n).fill(NaN);
    const parts = await Promise.all(workers.map((w) => this.send<'samplePlane'>(w, { type: 'samplePlane', plane, quantity })));
    const out = parts[0].values;
    for (let p = 1; p < parts.length; p++) mergeSlabSamples(out, parts[p].values);
    return out;
  }

  /** The workers whose slabs a plane crosses (a sample belongs to the slab owning floor(z); one slice of slack). */
  private planeWorkers(plane: PlaneGrid): number[] {
    const g = this.need();
    const nz = g.dimensions[2];
    let zMin = Infinity;
    let zMax = -Infinity;
    for (const [u, v] of [[0, 0], [plane.width - 1, 0], [0, plane.height - 1], [plane.width - 1, plane.height - 1]]) {
      const z = patientToVoxel(g, planePoint(plane, Math.max(0, u), Math.max(0, v)))[2];
      zMin = Math.min(zMin, z);
      zMax = Math.max(zMax, z);
    }
    const kLo = Math.min(Math.max(Math.floor(zMin) - 1, 0), nz - 1);
    const kHi = Math.min(Math.max(Math.floor(zMax) + 1, 0), nz - 1);
    return this.slabs.map((s, w) => (s.kEnd > kLo && s.kStart <= kHi ? w : -1)).filter((w) => w >= 0);
  }

  /** Registers a structure: label mask (voxels equal to `label`) or fractional occupancy over the whole grid. */
  async setStructure(structureId: string, mask: Uint8Array | Float32Array, label = 1): Promise<number> {
    const [nx, ny, nz] = this.need().dimensions;
    if (mask.length !== nx * ny * nz) throw new Error(`structure mask has ${mask.length} voxels; the dose grid has ${nx * ny * nz}`);
    const counts = await Promise.all(
      this.slabs.map((s, w) => {
        const part = mask.slice(s.kStart * nx * ny, s.kEnd * nx * ny);
        return this.send<'setStructure'>(w, { type: 'setStructure', structureId, mask: part, label }, [part.buffer]);
      }),
    );
    return counts.reduce((a, c) => a + c.voxelCount, 0);
  }

  /**
   * DVH and metrics of a registered structure (total dose by default), for a prescription in Gy; the prescription
   * isodose volume is counted on the grid unless given (`prescriptionVolumeCm3`, see {@link volumeAtLeast}).
   * Computed in a worker (`getDvh`): the other workers' doses of the structure are transferred to the first one.
   */
  async dvh(
    structureId: string,
    prescriptionGy: number,
    options: { quantity?: DoseQuantity; binWidthGy?: number; prescriptionVolumeCm3?: number } = {},
  ): Promise<{ dvh: Dvh; metrics: DoseMetrics }> {
    const quantity = options.quantity ?? { kind: 'totalDoseGy' };
    const others = this.slabs.slice(1).map((_, w) => this.send<'getStructureDoses'>(w + 1, { type: 'getStructureDoses', structureId, quantity }));
    const [parts, vrefCm3] = await Promise.all([Promise.all(others), options.prescriptionVolumeCm3 ?? this.volumeAtLeast(prescriptionGy, quantity)]);
    const otherSamples = parts.map((p) => ({ dose: p.dose, volumeCm3: p.volumeCm3 }));
    const transfer = parts.flatMap((p) => [p.dose.buffer as ArrayBuffer, p.volumeCm3.buffer as ArrayBuffer]);
    return this.send<'getDvh'>(
      0,
      { type: 'getDvh', structureId, quantity, prescriptionGy, prescriptionVolumeCm3: vrefCm3, otherSamples, ...(options.binWidthGy !== undefined ? { binWidthGy: options.binWidthGy } : {}) },
      transfer,
    );
  }

  /**
   * Volume (cm³) of the whole grid receiving at least `level` (Gy for total dose): the prescription isodose volume of
   * the conformity metrics. Pass it to {@link dvh} as `prescriptionVolumeCm3` to count it once for many structures.
   */
  async volumeAtLeast(level: number, quantity: DoseQuantity = { kind: 'totalDoseGy' }): Promise<number> {
    const parts = await this.all<'getVolumeAtLeast'>({ type: 'getVolumeAtLeast', level, quantity });
    return parts.reduce((a, v) => a + v.volumeCm3, 0);
  }

  /**
   * Isodose polylines (patient mm) on a plane, for levels in Gy or % of the prescription (total dose by default).
   * Contoured in a worker (`getIsodoses`): the worker owning the plane (axial) alone, or the first worker the plane
   * crosses, given the other workers' samples of the plane (transferred).
   */
  async isodoses(plane: DosePlane, levels: IsodoseLevel[], options: { prescriptionGy?: number; quantity?: DoseQuantity } = {}): Promise<IsodoseContour[]> {
    const g = this.need();
    const levelValues = levelsInGy(levels, options.prescriptionGy);
    const grid = plane.plane === 'oblique' ? plane.grid : plane.plane === 'axial' ? axialPlane(g, plane.index) : plane.plane === 'sagittal' ? sagittalPlane(g, plane.index) : coronalPlane(g, plane.index);
    return (await this.isodosesOnPlane(grid, levelValues, options.quantity ?? { kind: 'totalDoseGy' })).contours;
  }

  /**
   * Isodose contours of a sampled plane (levels in the unit of `quantity`), computed in a worker; with `withSamples`
   * also the plane's dose samples (NaN outside the grid → 0), e.g. for a colour wash.
   */
  async isodosesOnPlane(plane: PlaneGrid, levels: number[], quantity: DoseQuantity = { kind: 'totalDoseGy' }, withSamples = false): Promise<DoseWorkerResults['getIsodoses']> {
    const workers = this.planeWorkers(plane);
    if (workers.length === 0) {
      const n = plane.width * plane.height;
      return { contours: levels.map((levelGy) => ({ levelGy, polylines: [] })), ...(withSamples ? { values: new Float32Array(n) } : {}) };
    }
    const [first, ...rest] = workers;
    const otherValues = (await Promise.all(rest.map((w) => this.send<'samplePlane'>(w, { type: 'samplePlane', plane, quantity })))).map((r) => r.values);
    return this.send<'getIsodoses'>(first, { type: 'getIsodoses', plane, levels, quantity, otherValues, withSamples }, otherValues.map((v) => v.buffer as ArrayBuffer));
  }

  /** Per-worker state (slab, seeds, max, refined fraction). */
  info(): Promise<DoseWorkerResults['getInfo'][]> {
    return this.all<'getInfo'>({ type: 'getInfo' });
  }

  /** Benchmark baseline: the naive direct formalism over every slab in parallel (result discarded). */
  async naiveDose(seeds: Seed[]): Promise<number> {
    const r = await this.all<'naiveDose'>({ type: 'naiveDose', seeds });
    return r.reduce((a, x) => a + x.voxels, 0);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    for (const p of this.pending.values()) p.reject(new Error('dose worker pool closed'));
    this.pending.clear();
    await Promise.all(this.endpoints.map((e) => e.terminate()));
  }
}
