/** Synthetic spine CT phantom with analytic ground truth (see docs/phantom.md). */
export { generatePhantom, levelSolids, type Phantom, type PhantomOptions } from './generate';
export * from './model';
export { Tissue, TISSUE_HU, tissueHuTable, type TissueClass } from './tissues';
export { LEVEL_MORPHOMETRY, type LevelMorphometry } from './morphometry';
export { pedicleSemiAxesMm, superEllipseAreaMm2 } from './shapes';
export { buildPhantomStudy, phantomSegments, phantomUids, type PhantomStudy, type PhantomStudyUids } from './study';
