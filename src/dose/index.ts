/** Dose engine: AAPM TG-43U1 for permanent 125I seeds, dose grids, DVH and isodoses, worker protocol. */
export * from './sourceModel';
export * from './tg43';
export * from './decay';
export * from './doseKernel';
export * from './doseEngine';
export * from './dvh';
export * from './isodose';
export type { DoseQuantity, DoseWorkerRequest, DoseWorkerResponse, DoseWorkerResults, DoseWorkerEndpoint } from './worker/protocol';
export { createDoseWorkerHandler } from './worker/handler';
export { DoseWorkerPool, inProcessEndpoint, type DosePlane } from './worker/pool';
