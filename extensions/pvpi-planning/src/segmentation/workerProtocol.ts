/**
 * Messages between the viewer and the segmentation Web Worker (`pvpi-segmentation-worker.js`).
 * Plain structured-clone data; the CT voxels and the resulting labels travel as transferred ArrayBuffers.
 */
import type { VolumeGeometry, Vec3 } from '../../../../src/geometry/volume';
import type { LesionOptions, SegmentationErrorCode, VertebraSegmentation } from '../../../../src/segmentation';

/** A request: segment the vertebra whose body contains `pointMm`. */
export interface SegmentVertebraRequest {
  type: 'segmentVertebra';
  id: number;
  /** CT in HU on `geometry` (a copy: its buffer is transferred to the worker). */
  data: Float32Array | Int16Array;
  geometry: VolumeGeometry;
  pointMm: Vec3;
  lesion: LesionOptions;
}

/** The worker's answer to one request. */
export type SegmentVertebraResponse =
  | { type: 'result'; id: number; result: VertebraSegmentation; elapsedMs: number }
  | { type: 'error'; id: number; code: SegmentationErrorCode | 'internal'; message: string };
