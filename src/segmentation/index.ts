/**
 * Vertebral segmentation core: click-to-segment a vertebra (body, pedicles, posterior elements,
 * spinal canal, lesion) on a CT volume, and level labelling. Pure functions on typed arrays:
 * safe to run in a Web Worker on a Cornerstone volume's scalar data + geometry.
 */
export { segmentVertebra } from './vertebra';
export type { SegmentSummary, VertebraSegmentation, VertebraSegmentationOptions } from './vertebra';
export { detectLesion, LESION_HU_DEFAULTS } from './lesion';
export type { LesionKind, LesionOptions } from './lesion';
export { labelLevels, levelSequence, normaliseLevelName } from './levels';
export type { SpineFormula } from './levels';
export { LABEL_VALUES, SEGMENT_CODES, SEGMENT_LABELS, SEGMENT_ORDER, segmentDefinitionsFor, segmentKeyOfLabel } from './segments';
export type { SegmentKey, SegmentLabel } from './segments';
export { SegmentationError } from './errors';
export type { SegmentationErrorCode } from './errors';
export { axisMappingOf, MAX_AXIS_DEVIATION_DEG } from './anatomicalFrame';
export { dice } from './morphology';
