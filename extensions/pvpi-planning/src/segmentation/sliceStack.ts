/**
 * Checks that the slices OHIF stacked into a volume form a regular grid before we segment it: Cornerstone builds
 * a volume from any sorted stack, but the segmentation core assumes evenly spaced slices stacked along their
 * normal (no gantry tilt). The maths is the core's `checkSlicePlanes` (src/geometry/sliceStack.ts), the same check
 * the CT reader applies to DICOM files; this is only the viewer's adapter. Messages are one line, for the user.
 */
import { checkSlicePlanes, type SlicePlane } from '../../../../src/geometry/sliceStack';

/** Returns undefined when the stack is regular, else why it is not (missing geometry, duplicates, tilt, spacing). */
export function sliceStackProblem(planes: ReadonlyArray<SlicePlane | undefined>): string | undefined {
  if (planes.length < 2) return undefined;
  const check = checkSlicePlanes(planes);
  return check.ok ? undefined : check.problem.message;
}
