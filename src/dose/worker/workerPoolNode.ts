/**
 * Node host of the dose worker: worker_threads endpoints for {@link DoseWorkerPool}.
 */
import { existsSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { DoseWorkerEndpoint, DoseWorkerResponse } from './protocol';
import { DoseWorkerPool } from './pool';

/** Path of the compiled worker entry (next to this file when compiled; build/core when running from src). */
export function defaultNodeWorkerScript(): string {
  const sibling = path.join(__dirname, 'doseWorkerNode.js');
  if (existsSync(sibling)) return sibling;
  return path.resolve(__dirname, '..', '..', '..', 'build', 'core', 'dose', 'worker', 'doseWorkerNode.js');
}

/** One worker_threads Worker running the dose worker, as a protocol endpoint. */
export function nodeWorkerEndpoint(script: string = defaultNodeWorkerScript()): DoseWorkerEndpoint {
  if (!existsSync(script)) throw new Error(`dose worker script not found: ${script} (run \`npm run build:core\`)`);
  const worker = new Worker(script);
  worker.unref();
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => {
      worker.on('message', (m: DoseWorkerResponse) => listener(m));
      worker.on('error', (e) => listener({ requestId: -1, ok: false, type: 'unknown', error: `dose worker crashed: ${e.message}` }));
    },
    terminate: () => worker.terminate(),
  };
}

/** A pool of `count` worker_threads dose workers (default: one per core, at most 2). */
export function createNodeDoseWorkerPool(count: number = Math.min(2, Math.max(1, os.cpus().length)), script?: string): DoseWorkerPool {
  return new DoseWorkerPool(Array.from({ length: count }, () => nodeWorkerEndpoint(script)));
}
