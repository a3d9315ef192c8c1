/**
 * Web Worker entry of the dose worker (bundled by the OHIF extension's webpack build).
 * Depends only on src/: the message handler does all the work; this file wires it to the worker scope.
 */
import { createDoseWorkerHandler } from './handler';

/** The part of a dedicated worker's global scope this entry uses (no DOM types in src/). */
interface DedicatedWorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as DedicatedWorkerScope;
const handle = createDoseWorkerHandler();
scope.onmessage = (event) => {
  const { response, transfer } = handle(event.data);
  scope.postMessage(response, transfer);
};
