/**
 * Where a needle cylinder or a seed capsule meets a viewport's plane, for drawing true-size objects in any MPR
 * orientation. The maths is the core's (src/geometry/cylinderPlaneSection.ts, unit-tested against analytic cuts);
 * this file keeps the names the needle and seed tools import, with the viewport's plane as a {@link ViewPlane}.
 */
import type { PointNormalPlane } from '../../../../src/geometry/cylinderPlaneSection';

/** A viewport's plane: unit normal (Cornerstone camera viewPlaneNormal) and a point of it (the focal point). */
export type ViewPlane = PointNormalPlane;

export { closestParameterMm, cylinderSection, planeDistanceMm, projectOntoPlane } from '../../../../src/geometry/cylinderPlaneSection';
