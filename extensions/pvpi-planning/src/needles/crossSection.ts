/**
 * Where a cylinder (a needle, a seed capsule) meets a viewing plane: the outline of the cut, in world coordinates,
 * for drawing true-size objects in any MPR orientation. The cut of a cylinder by a plane is an ellipse (a circle when
 * the axis is perpendicular to the plane, a band of two parallel lines when it lies in the plane), clipped by the
 * cylinder's ends. Drawing glue only; no planning decision depends on it.
 */
import { addScaled, cross, dot, norm, sub } from '../../../../src/geometry/vec3';
import type { Vec3 } from '../../../../src/geometry/volume';

export interface ViewPlane {
  /** Unit normal of the plane (Cornerstone camera viewPlaneNormal). */
  normal: Vec3;
  /** A point of the plane (the camera focal point). */
  pointMm: Vec3;
}

/** Signed distance of a point from the plane (mm). */
export function planeDistanceMm(plane: ViewPlane, p: Vec3): number {
  return dot(sub(p, plane.pointMm), plane.normal);
}

/** Orthogonal projection of a point onto the plane. */
export function projectOntoPlane(plane: ViewPlane, p: Vec3): Vec3 {
  return addScaled(p, plane.normal, -planeDistanceMm(plane, p));
}

function anyPerpendicular(n: Vec3): Vec3 {
  const helper: Vec3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const c = cross(n, helper);
  const l = norm(c);
  return [c[0] / l, c[1] / l, c[2] / l];
}

/**
 * Closed outline (world points, in the plane) of the cut of the cylinder of radius `radiusMm` around the segment
 * a → b by the plane; undefined when the plane misses it. `samples` points per side of the outline.
 */
export function cylinderSection(a: Vec3, b: Vec3, radiusMm: number, plane: ViewPlane, samples = 24): Vec3[] | undefined {
  const ab = sub(b, a);
  const length = norm(ab);
  if (!(length > 1e-9)) return undefined;
  const d: Vec3 = [ab[0] / length, ab[1] / length, ab[2] / length];
  const n = plane.normal;
  const c = dot(d, n);
  const da = planeDistanceMm(plane, a);
  if (Math.abs(c) > 0.9995) {
    // Axis perpendicular to the plane: a circle where the axis crosses it.
    const t0 = -da / c;
    if (t0 < 0 || t0 > length) return undefined;
    const centre = addScaled(a, d, t0);
    const u = anyPerpendicular(n);
    const w = cross(n, u);
    const out: Vec3[] = [];
    for (let s = 0; s < 2 * samples; s++) {
      const th = (Math.PI * s) / samples;
      out.push(addScaled(addScaled(centre, u, radiusMm * Math.cos(th)), w, radiusMm * Math.sin(th)));
    }
    return out;
  }
  // u: in the plane, perpendicular to the axis; e2 completes (d, u, e2) and has a component along n.
  const nu = cross(n, d);
  const lu = norm(nu);
  const u: Vec3 = [nu[0] / lu, nu[1] / lu, nu[2] / lu];
  const e2 = cross(d, u);
  const e2n = dot(e2, n);
  // Axis points whose cross-section disk reaches the plane: |da + t·c| ≤ r·|e2·n|.
  const reach = radiusMm * Math.abs(e2n);
  let tMin = 0;
  let tMax = length;
  if (Math.abs(c) < 1e-9) {
    if (Math.abs(da) > reach) return undefined;
  } else {
    const t1 = (-reach - da) / c;
    const t2 = (reach - da) / c;
    tMin = Math.max(0, Math.min(t1, t2));
    tMax = Math.min(length, Math.max(t1, t2));
    if (tMin > tMax) return undefined;
  }
  const upper: Vec3[] = [];
  const lower: Vec3[] = [];
  for (let s = 0; s <= samples; s++) {
    const t = tMin + ((tMax - tMin) * s) / samples;
    const delta = da + t * c;
    // Surface points a + t·d + r(cos α·u + sin α·e2) on the plane: sin α = −δ / (r·e2·n).
    const sinA = Math.max(-1, Math.min(1, -delta / (radiusMm * e2n)));
    const cosA = Math.sqrt(Math.max(0, 1 - sinA * sinA));
    const base = addScaled(addScaled(a, d, t), e2, radiusMm * sinA);
    upper.push(addScaled(base, u, radiusMm * cosA));
    lower.push(addScaled(base, u, -radiusMm * cosA));
  }
  return [...upper, ...lower.reverse()];
}

/** Parameter (mm from a, clamped to [0, |ab|]) of the point of segment a → b closest to p. */
export function closestParameterMm(a: Vec3, b: Vec3, p: Vec3): number {
  const ab = sub(b, a);
  const l = norm(ab);
  if (!(l > 1e-9)) return 0;
  const t = dot(sub(p, a), ab) / l;
  return Math.max(0, Math.min(l, t));
}
