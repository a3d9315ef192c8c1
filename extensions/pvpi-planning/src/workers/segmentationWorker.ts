/**
 * Web Worker entry (webpack entry `pvpi-segmentation-worker`): runs the core's click-to-segment
 * (`src/segmentation`) off the viewer's main thread. No OHIF, no Cornerstone: messages in, messages out.
 */
import { segmentVertebra, SegmentationError } from '../../../../src/segmentation';
import type { SegmentVertebraRequest, SegmentVertebraResponse } from '../segmentation/workerProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<SegmentVertebraRequest>) => void) | null;
  postMessage(message: SegmentVertebraResponse, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

/** Handles one request; exported for the in-page fallback (same code path as the worker). */
export function handleSegmentationRequest(request: SegmentVertebraRequest): { response: SegmentVertebraResponse; transfer: Transferable[] } {
  const started = performance.now();
  try {
    const result = segmentVertebra({ geometry: request.geometry, data: request.data }, request.pointMm, { lesion: request.lesion });
    return { response: { type: 'result', id: request.id, result, elapsedMs: performance.now() - started }, transfer: [result.labels.buffer as ArrayBuffer] };
  } catch (error) {
    if (error instanceof SegmentationError) return { response: { type: 'error', id: request.id, code: error.code, message: error.message }, transfer: [] };
    const message = error instanceof Error ? error.message : String(error);
    return { response: { type: 'error', id: request.id, code: 'internal', message: `segmentation failed: ${message}` }, transfer: [] };
  }
}

// Only when running as a worker (no `document`): answer requests.
if (typeof (globalThis as { document?: unknown }).document === 'undefined' && typeof scope.postMessage === 'function') {
  scope.onmessage = (event) => {
    if (event.data?.type !== 'segmentVertebra') return;
    const { response, transfer } = handleSegmentationRequest(event.data);
    scope.postMessage(response, transfer);
  };
}
