/**
 * Runs click-to-segment in the segmentation Web Worker (`pvpi-segmentation-worker.js`, next to this bundle),
 * one request at a time. Falls back to running in the page when module workers are unavailable (e.g. an OHIF
 * source build that does not emit our worker bundle): slower UI response, same result.
 */
import type { Vec3, VolumeGeometry } from '../../../../src/geometry/volume';
import type { LesionOptions, VertebraSegmentation } from '../../../../src/segmentation';
import { handleSegmentationRequest } from '../workers/segmentationWorker';
import type { SegmentVertebraRequest, SegmentVertebraResponse } from './workerProtocol';

/** File name of the worker bundle (webpack entry `pvpi-segmentation-worker`). */
export const SEGMENTATION_WORKER_FILE = 'pvpi-segmentation-worker.js';

/** A failed segmentation: `code` from the core's SegmentationError, or 'internal'. */
export class SegmentationRunError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'SegmentationRunError';
  }
}

let worker: Worker | undefined;
let workerBroken = false;
let nextId = 1;
const pending = new Map<number, { resolve: (r: VertebraSegmentation) => void; reject: (e: Error) => void }>();

function settle(response: SegmentVertebraResponse): void {
  const p = pending.get(response.id);
  if (!p) return;
  pending.delete(response.id);
  if (response.type === 'result') p.resolve(response.result);
  else p.reject(new SegmentationRunError(response.code, response.message));
}

function getWorker(): Worker | undefined {
  if (worker || workerBroken) return worker;
  try {
    const file = SEGMENTATION_WORKER_FILE; // a variable: webpack must not treat it as an asset
    worker = new Worker(new URL(file, import.meta.url), { type: 'module', name: 'pvpi-segmentation' });
    worker.onmessage = (event: MessageEvent<SegmentVertebraResponse>) => settle(event.data);
    worker.onerror = (event) => {
      // The worker script failed to load or crashed: fail the open requests, use the in-page path from now on.
      workerBroken = true;
      worker?.terminate();
      worker = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new SegmentationRunError('worker-failed', `the segmentation worker failed (${event.message || 'could not load'}); try again`));
      }
    };
  } catch {
    workerBroken = true;
    worker = undefined;
  }
  return worker;
}

/**
 * Segments the vertebra at `pointMm` (patient LPS mm). `data` is transferred (pass a copy you do not need).
 * Rejects with SegmentationRunError carrying the core's error code and one-line message.
 */
export function segmentVertebraAsync(
  data: Float32Array | Int16Array,
  geometry: VolumeGeometry,
  pointMm: Vec3,
  lesion: LesionOptions,
): Promise<VertebraSegmentation> {
  const id = nextId++;
  const request: SegmentVertebraRequest = { type: 'segmentVertebra', id, data, geometry, pointMm, lesion };
  return new Promise<VertebraSegmentation>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const w = getWorker();
    if (w) {
      w.postMessage(request, [data.buffer as ArrayBuffer]);
      return;
    }
    // In-page fallback, after the current frame so the progress message can paint.
    setTimeout(() => settle(handleSegmentationRequest(request).response), 30);
  });
}
