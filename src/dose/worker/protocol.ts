/**
 * Message protocol of the dose worker (Web Worker in the browser, worker_threads under Node).
 *
 * Every request carries a `requestId`; the worker answers each with exactly one response carrying the
 * same id. Large typed arrays travel in transfer lists (never copied). A worker owns slices
 * kStart … kEnd-1 of the dose grid (a slab: the whole grid when alone, half of it each with two
 * workers); answers about voxels cover the owned slices only, and the client (DoseWorkerPool) merges.
 */
import type { VolumeGeometry, Vec3 } from '../../geometry/volume';
import type { Seed } from '../doseEngine';
import type { IsodoseContour, PlaneGrid } from '../isodose';
import type { DoseMetrics, Dvh } from '../dvh';

/** What a dose array holds: initial dose rate (cGy/h) or accumulated dose (Gy) over `durationHours` (default: permanent, ∞). */
export interface DoseQuantity {
  kind: 'doseRateCGyPerH' | 'totalDoseGy';
  durationHours?: number;
}

export type DoseWorkerRequest =
  | {
      type: 'init';
      requestId: number;
      geometry: VolumeGeometry;
      modelId: string;
      kStart: number;
      kEnd: number;
      /** Engine options (see DoseEngineOptions): block size and the fraction of the max above which dose is exact. */
      blockSize?: number;
      exactAboveFractionOfMax?: number;
    }
  | { type: 'setSeeds'; requestId: number; seeds: Seed[] }
  | { type: 'addSeed'; requestId: number; seed: Seed }
  | { type: 'updateSeed'; requestId: number; seed: Seed }
  | { type: 'removeSeed'; requestId: number; id: string }
  | { type: 'getSlice'; requestId: number; plane: 'axial' | 'sagittal' | 'coronal'; index: number; quantity: DoseQuantity }
  | { type: 'getDose'; requestId: number; quantity: DoseQuantity }
  | { type: 'samplePoints'; requestId: number; pointsMm: Float64Array; quantity: DoseQuantity }
  /** Dose on a regular plane (isodose/colour-wash planes): only the plane's definition travels, not its points. */
  | { type: 'samplePlane'; requestId: number; plane: PlaneGrid; quantity: DoseQuantity }
  | { type: 'setStructure'; requestId: number; structureId: string; mask: Uint8Array | Float32Array; label?: number }
  | { type: 'getStructureDoses'; requestId: number; structureId: string; quantity: DoseQuantity }
  | { type: 'getVolumeAtLeast'; requestId: number; level: number; quantity: DoseQuantity }
  /**
   * DVH (cumulative + differential) and metrics of a structure, computed in the worker: its own voxels plus
   * `otherSamples` (the structure's doses from the other workers' slabs, transferred), so one worker holds them all.
   */
  | {
      type: 'getDvh';
      requestId: number;
      structureId: string;
      quantity: DoseQuantity;
      prescriptionGy: number;
      binWidthGy?: number;
      /** Prescription isodose volume of the whole grid (COIN); counted on this slab only when absent. */
      prescriptionVolumeCm3?: number;
      otherSamples?: Array<{ dose: Float64Array; volumeCm3: Float64Array }>;
    }
  /**
   * Isodose polylines (patient mm) on a plane, computed in the worker from its samples of the plane, completed by
   * `otherValues` (the other workers' samples of the same plane, NaN where not theirs; transferred).
   */
  | { type: 'getIsodoses'; requestId: number; plane: PlaneGrid; levels: number[]; quantity: DoseQuantity; otherValues?: Float32Array[]; withSamples?: boolean }
  | { type: 'getInfo'; requestId: number }
  | { type: 'naiveDose'; requestId: number; seeds: Seed[] };

export type DoseWorkerRequestType = DoseWorkerRequest['type'];

/** Answers of a worker, by request type. */
export interface DoseWorkerResults {
  init: { kStart: number; kEnd: number };
  setSeeds: { maxDoseRateCGyPerH: number };
  addSeed: { maxDoseRateCGyPerH: number };
  updateSeed: { maxDoseRateCGyPerH: number };
  removeSeed: { maxDoseRateCGyPerH: number };
  /** Owned part of the plane: axial → whole plane or empty; sagittal/coronal → rows kStart … kEnd-1. */
  getSlice: { values: Float32Array; width: number; rowStart: number; rows: number };
  /** Owned slices kStart … kEnd-1, i fastest. */
  getDose: { values: Float32Array; kStart: number; kEnd: number };
  /** One value per point; NaN where the point is not in this worker's slab. */
  samplePoints: { values: Float32Array };
  /** One value per plane sample (u fastest), trilinear; NaN where the sample is not in this worker's slab. */
  samplePlane: { values: Float32Array };
  setStructure: { voxelCount: number };
  getStructureDoses: { dose: Float64Array; volumeCm3: Float64Array };
  getVolumeAtLeast: { volumeCm3: number };
  getDvh: { dvh: Dvh; metrics: DoseMetrics };
  /** Contours per level (same order as requested); with `withSamples`, the merged plane samples too (NaN → 0). */
  getIsodoses: { contours: IsodoseContour[]; values?: Float32Array };
  getInfo: { kStart: number; kEnd: number; seedCount: number; maxDoseRateCGyPerH: number; refinedFraction: number };
  naiveDose: { voxels: number };
}

export type DoseWorkerResponse =
  | { requestId: number; ok: true; type: DoseWorkerRequestType; result: DoseWorkerResults[DoseWorkerRequestType] }
  | { requestId: number; ok: false; type: DoseWorkerRequestType | 'unknown'; error: string };

/** Anything that can carry the protocol: a Web Worker, a worker_threads Worker (via an adapter), or a direct call. */
export interface DoseWorkerEndpoint {
  post(message: DoseWorkerRequest, transfer: ArrayBuffer[]): void;
  onMessage(listener: (response: DoseWorkerResponse) => void): void;
  terminate(): void | Promise<unknown>;
}

/** A point in patient mm, re-exported for protocol users. */
export type { Vec3, Seed, VolumeGeometry, PlaneGrid };
