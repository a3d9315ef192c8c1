/**
 * Errors raised by the segmentation core. Each carries a machine-readable `code` so a viewer can
 * show the one-line `message` and react (e.g. re-arm the click tool) without parsing text.
 */

export type SegmentationErrorCode =
  | 'point-outside-image'
  | 'point-not-in-bone'
  | 'point-not-in-body'
  | 'non-axial-series'
  | 'non-uniform-spacing'
  | 'invalid-volume'
  | 'vertebra-not-found';

export class SegmentationError extends Error {
  readonly code: SegmentationErrorCode;
  constructor(code: SegmentationErrorCode, message: string) {
    super(message);
    this.name = 'SegmentationError';
    this.code = code;
  }
}

/** Formats a patient point as "(x, y, z) mm" with one decimal, for error messages. */
export function formatPointMm(p: readonly [number, number, number]): string {
  return `(${p.map((v) => v.toFixed(1)).join(', ')}) mm`;
}
