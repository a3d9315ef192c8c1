/**
 * Slice-stack regularity: do a series' slice positions form a regular volume grid?
 *
 * One implementation for every reader of image slices: the core CT reader (`readCtSeries`, DICOM files) and the
 * viewer (Cornerstone's image plane metadata of the volume it built). A volume grid needs parallel slices
 * stacked along their common normal (no gantry tilt: Image Position (Patient) must not move sideways from slice
 * to slice), at one spacing (no missing or extra slices), with no two slices at the same position.
 * Positions and cosines are Image Position (Patient) (0020,0032) and Image Orientation (Patient) (0020,0037),
 * PS3.3 C.7.6.2, in patient LPS mm.
 */
import type { Vec3 } from './volume';

/** One slice's plane: Image Position (Patient) and the row/column direction cosines of Image Orientation (Patient). */
export interface SlicePlane {
  positionMm: Vec3;
  rowCosines: Vec3;
  columnCosines: Vec3;
}

/** Why a set of slices is not a regular stack. */
export type SliceStackProblemCode = 'MISSING_GEOMETRY' | 'INCONSISTENT_GEOMETRY' | 'DUPLICATE_POSITION' | 'GANTRY_TILT' | 'NON_UNIFORM_SPACING';

/** A problem with a one-line message for the user. */
export interface SliceStackProblem {
  code: SliceStackProblemCode;
  message: string;
}

/** A regular stack of slices. */
export interface SliceStack {
  /** Input indices sorted by position along the normal (increasing); slice k of the volume is input `order[k]`. */
  order: number[];
  /** Signed distance of each sorted slice along the normal from the patient origin (mm). */
  distancesMm: number[];
  /** Spacing between consecutive slices along the normal (mm): (last − first) / (n − 1); undefined for one slice. */
  spacingMm: number | undefined;
  /** Unit slice normal, row × column. */
  normal: Vec3;
}

/** Result of a check: the stack, or the first problem found. */
export type SliceStackCheck = { ok: true; stack: SliceStack } | { ok: false; problem: SliceStackProblem };

/** Two positions closer than this along the normal (mm) are the same slice position. */
export const DUPLICATE_POSITION_TOLERANCE_MM = 1e-3;
/** Sideways shift between consecutive slices, and spacing deviation, tolerated: max(0.01 mm, 1 % of the gap). */
export const STACK_ABSOLUTE_TOLERANCE_MM = 0.01;
export const STACK_RELATIVE_TOLERANCE = 0.01;
/** Largest difference between the direction cosines of two slices still counted as the same orientation. */
export const ORIENTATION_TOLERANCE = 1e-4;

/** Unit slice normal row × column (the stacking direction of an untilted series). */
export function sliceNormal(rowCosines: Vec3, columnCosines: Vec3): Vec3 {
  const r = rowCosines;
  const c = columnCosines;
  const n: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const len = Math.hypot(n[0], n[1], n[2]);
  return len > 0 ? [n[0] / len, n[1] / len, n[2] / len] : n;
}

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const tolerance = (gapMm: number): number => Math.max(STACK_ABSOLUTE_TOLERANCE_MM, STACK_RELATIVE_TOLERANCE * gapMm);

/**
 * Checks that slices at `positionsMm` (any order), all with the unit `normal`, form a regular stack: sorted along
 * the normal, no duplicate position, every step along the normal (no sideways shift: gantry tilt), and uniform
 * spacing within max(0.01 mm, 1 %).
 *
 * @param names labels of the slices for messages (e.g. file names), same order as `positionsMm`; default "slice #i".
 */
export function checkSliceStack(positionsMm: ReadonlyArray<Vec3>, normal: Vec3, names?: ReadonlyArray<string>): SliceStackCheck {
  const n = positionsMm.length;
  const nameOf = (i: number): string => names?.[i] ?? `slice #${i + 1}`;
  const distance = positionsMm.map((p) => dot(p, normal));
  const order = positionsMm.map((_, i) => i).sort((a, b) => distance[a] - distance[b]);
  const distancesMm = order.map((i) => distance[i]);
  const gaps: number[] = [];
  for (let k = 1; k < n; k++) {
    const a = positionsMm[order[k - 1]];
    const b = positionsMm[order[k]];
    const gap = distancesMm[k] - distancesMm[k - 1];
    if (gap < DUPLICATE_POSITION_TOLERANCE_MM) {
      return { ok: false, problem: { code: 'DUPLICATE_POSITION', message: `${nameOf(order[k])} and ${nameOf(order[k - 1])} have the same slice position` } };
    }
    const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const sidewaysMm = Math.hypot(d[0] - gap * normal[0], d[1] - gap * normal[1], d[2] - gap * normal[2]);
    if (sidewaysMm > tolerance(gap)) {
      const tiltDeg = (Math.atan2(sidewaysMm, gap) * 180) / Math.PI;
      return {
        ok: false,
        problem: {
          code: 'GANTRY_TILT',
          message: `slice positions are not stacked along the slice normal (gantry tilt ≈ ${tiltDeg.toFixed(1)}°); resample to an untilted volume first`,
        },
      };
    }
    gaps.push(gap);
  }
  if (n < 2) return { ok: true, stack: { order, distancesMm, spacingMm: undefined, normal } };
  const spacingMm = (distancesMm[n - 1] - distancesMm[0]) / (n - 1);
  const worst = Math.max(...gaps.map((g) => Math.abs(g - spacingMm)));
  if (worst > tolerance(spacingMm)) {
    return {
      ok: false,
      problem: {
        code: 'NON_UNIFORM_SPACING',
        message: `slice spacing is not uniform (from ${Math.min(...gaps).toFixed(3)} to ${Math.max(...gaps).toFixed(3)} mm; missing or extra slices?)`,
      },
    };
  }
  return { ok: true, stack: { order, distancesMm, spacingMm, normal } };
}

/**
 * {@link checkSliceStack} for slice planes as a viewer gets them (e.g. Cornerstone's `imagePlaneModule`): every
 * plane must be known and share the first plane's orientation (within 1e-4), whose normal is the stacking axis.
 */
export function checkSlicePlanes(planes: ReadonlyArray<SlicePlane | undefined>, names?: ReadonlyArray<string>): SliceStackCheck {
  const nameOf = (i: number): string => names?.[i] ?? `slice #${i + 1}`;
  const missing = planes.findIndex((p) => p === undefined);
  if (missing >= 0) {
    return { ok: false, problem: { code: 'MISSING_GEOMETRY', message: `${nameOf(missing)} has no Image Position/Orientation (Patient): the series geometry is unknown` } };
  }
  const ps = planes as ReadonlyArray<SlicePlane>;
  if (ps.length === 0) return { ok: false, problem: { code: 'MISSING_GEOMETRY', message: 'the series has no slices' } };
  const r0 = ps[0].rowCosines;
  const c0 = ps[0].columnCosines;
  for (let i = 1; i < ps.length; i++) {
    const r = ps[i].rowCosines;
    const c = ps[i].columnCosines;
    for (let a = 0; a < 3; a++) {
      if (Math.abs(r[a] - r0[a]) > ORIENTATION_TOLERANCE || Math.abs(c[a] - c0[a]) > ORIENTATION_TOLERANCE) {
        return { ok: false, problem: { code: 'INCONSISTENT_GEOMETRY', message: `${nameOf(i)}: orientation differs from the other slices` } };
      }
    }
  }
  return checkSliceStack(
    ps.map((p) => p.positionMm),
    sliceNormal(r0, c0),
    names,
  );
}
