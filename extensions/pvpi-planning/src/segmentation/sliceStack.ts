/**
 * Checks that the slices OHIF stacked into a volume form a regular axial grid before we segment it:
 * Cornerstone builds a volume from any sorted stack, but the segmentation core assumes evenly spaced slices
 * stacked along their normal (no gantry tilt). Messages are one line, for the user.
 */
import type { Vec3 } from '../../../../src/geometry/volume';

export interface SlicePlane {
  positionMm: Vec3;
  rowCosines: Vec3;
  columnCosines: Vec3;
}

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Returns undefined when the stack is regular, else why it is not (non-uniform spacing, gantry tilt). */
export function sliceStackProblem(planes: ReadonlyArray<SlicePlane | undefined>): string | undefined {
  if (planes.length < 2) return undefined;
  if (planes.some((p) => p === undefined)) return 'some slices have no Image Position/Orientation (Patient): the series geometry is unknown';
  const ps = planes as SlicePlane[];
  const r = ps[0].rowCosines;
  const c = ps[0].columnCosines;
  const n: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const gaps: number[] = [];
  for (let k = 1; k < ps.length; k++) {
    const d: Vec3 = [ps[k].positionMm[0] - ps[k - 1].positionMm[0], ps[k].positionMm[1] - ps[k - 1].positionMm[1], ps[k].positionMm[2] - ps[k - 1].positionMm[2]];
    const along = dot(d, n);
    const sideways = Math.hypot(d[0] - along * n[0], d[1] - along * n[1], d[2] - along * n[2]);
    if (Math.abs(along) > 1e-6 && sideways > Math.max(0.01, 0.01 * Math.abs(along))) {
      const tiltDeg = (Math.atan2(sideways, Math.abs(along)) * 180) / Math.PI;
      return `tilted gantry: slices are shifted sideways along the stack (≈ ${tiltDeg.toFixed(1)}°); reconstruct an axial series without tilt`;
    }
    gaps.push(Math.abs(along));
  }
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const worst = Math.max(...gaps.map((g) => Math.abs(g - mean)));
  if (!(mean > 0) || worst > Math.max(0.01, 0.01 * mean)) {
    return `non-uniform slice spacing (from ${Math.min(...gaps).toFixed(2)} to ${Math.max(...gaps).toFixed(2)} mm; missing slices?): segmentation needs evenly spaced slices`;
  }
  return undefined;
}
