/**
 * worker_threads entry of the dose worker (Node): the same handler and protocol as the Web Worker.
 * Run the compiled file (build/core/dose/worker/doseWorkerNode.js); worker_threads cannot load .ts.
 */
import { parentPort } from 'worker_threads';
import { createDoseWorkerHandler } from './handler';

const port = parentPort;
if (!port) throw new Error('doseWorkerNode must run inside a worker_threads Worker');
const handle = createDoseWorkerHandler();
port.on('message', (message: unknown) => {
  const { response, transfer } = handle(message);
  port.postMessage(response, transfer);
});
