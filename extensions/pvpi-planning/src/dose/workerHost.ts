/**
 * Spawns the dose workers: two module Web Workers running the bundled `pvpi-dose-worker.js` (webpack entry built
 * from src/dose/worker/browserWorker.ts, next to this bundle, located with import.meta.url), wrapped as protocol
 * endpoints for the core's DoseWorkerPool. When module workers cannot start (e.g. an OHIF source build that does
 * not emit the worker file) the same protocol runs in the page (inProcessEndpoint): slower, same numbers.
 */
import { DoseWorkerPool, inProcessEndpoint } from '../../../../src/dose/worker/pool';
import type { DoseWorkerEndpoint, DoseWorkerResponse } from '../../../../src/dose/worker/protocol';

/** File name of the dose worker bundle (webpack entry `pvpi-dose-worker`). */
export const DOSE_WORKER_FILE = 'pvpi-dose-worker.js';
/** Workers in the pool: the grid is split into one slab per worker. */
export const DOSE_WORKER_COUNT = 2;

/** A Web Worker as a protocol endpoint; `onFailure` fires when the script cannot load or crashes. */
function workerEndpoint(worker: Worker, onFailure: (message: string) => void): DoseWorkerEndpoint {
  let listener: ((r: DoseWorkerResponse) => void) | null = null;
  worker.onmessage = (event: MessageEvent<DoseWorkerResponse>) => listener?.(event.data);
  worker.onerror = (event) => {
    event.preventDefault?.();
    onFailure(event.message || 'the dose worker could not load');
    // Fail every pending request of the pool (requestId −1 is the pool's "worker failed" signal).
    listener?.({ requestId: -1, ok: false, type: 'unknown', error: `dose worker failed: ${event.message || 'could not load'}` });
  };
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (l) => {
      listener = l;
    },
    terminate: () => worker.terminate(),
  };
}

/** A pool of {@link DOSE_WORKER_COUNT} workers, or an in-page pool when workers are unavailable. */
export function createDosePool(onWorkerFailure: (message: string) => void): { pool: DoseWorkerPool; engine: 'workers' | 'in-page' } {
  try {
    const file = DOSE_WORKER_FILE; // a variable: webpack must not turn the URL into a bundled asset
    const url = new URL(file, import.meta.url);
    const endpoints = Array.from({ length: DOSE_WORKER_COUNT }, (_, i) =>
      workerEndpoint(new Worker(url, { type: 'module', name: `pvpi-dose-${i + 1}` }), onWorkerFailure),
    );
    return { pool: new DoseWorkerPool(endpoints), engine: 'workers' };
  } catch {
    return { pool: new DoseWorkerPool([inProcessEndpoint()]), engine: 'in-page' };
  }
}

/** The in-page pool (fallback after a worker failure). */
export function createInPagePool(): DoseWorkerPool {
  return new DoseWorkerPool([inProcessEndpoint()]);
}
