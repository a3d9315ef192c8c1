/**
 * Where a finite cylinder (a needle, a seed capsule) meets a plane: the outline of the cut, in patient mm.
 *
 * A plane cuts an infinite circular cylinder of radius r in an ellipse whose semi-minor axis is r and whose
 * semi-major axis is r / cos α, α being the angle between the cylinder axis and the plane normal (a circle at
 * α = 0). When the axis lies in the plane (α = 90°) the cut is a band between two lines parallel to the axis, at
 * ±√(r² − δ²) from it (δ: distance of the axis from the plane), so ±r when the plane contains the axis. The finite
 * cylinder's flat ends clip the ellipse or the band.
 *
 * Construction: with d the unit axis, n the unit plane normal and c = d·n, take u = n×d/|n×d| (in the plane and
 * perpendicular to the axis) and e₂ = d×u. The surface point a + t·d + r(cos φ·u + sin φ·e₂) lies in the plane when
 * δ(t) + r·sin φ·(e₂·n) = 0 with δ(t) = δₐ + t·c the distance of the axis point from the plane, which gives sin φ,
 * and two solutions ±cos φ (the two halves of the outline) for every t where |δ(t)| ≤ r·|e₂·n|.
 */
import { addScaled, cross, dot, norm, sub } from './vec3';
import type { Vec3 } from './volume';

/** A plane given by a point and a unit normal (patient mm). */
export interface PointNormalPlane {
  /** Unit normal of the plane. */
  normal: Vec3;
  /** Any point of the plane (mm). */
  pointMm: Vec3;
}

/** Above this |cos α| the cut is drawn as a circle (α < 1.8°: the ellipse differs from it by < 0.05 %). */
const PERPENDICULAR_COS = 0.9995;

/** Signed distance (mm) of a point from the plane, positive on the normal's side. */
export function planeDistanceMm(plane: PointNormalPlane, p: Vec3): number {
  return dot(sub(p, plane.pointMm), plane.normal);
}

/** Orthogonal projection of a point onto the plane. */
export function projectOntoPlane(plane: PointNormalPlane, p: Vec3): Vec3 {
  return addScaled(p, plane.normal, -planeDistanceMm(plane, p));
}

/** A unit vector perpendicular to the unit vector n. */
function anyPerpendicular(n: Vec3): Vec3 {
  const helper: Vec3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const c = cross(n, helper);
  const l = norm(c);
  return [c[0] / l, c[1] / l, c[2] / l];
}

/**
 * Closed outline (points in the plane, patient mm) of the cut of the cylinder of radius `radiusMm` around the segment
 * a → b by the plane; undefined when the plane misses the cylinder (or the segment has no length).
 *
 * - Axis perpendicular to the plane: a circle of `2·samples` points around the axis crossing.
 * - Oblique: the ellipse (clipped by the ends), `samples + 1` points on each half, the first half then the second in
 *   reverse, so consecutive points follow the outline. Samples are spaced as cos-distributed axis parameters, i.e.
 *   evenly in angle around an unclipped ellipse.
 * - Axis in the plane: the band, same layout (each half is then a straight line along the axis).
 */
export function cylinderSection(a: Vec3, b: Vec3, radiusMm: number, plane: PointNormalPlane, samples = 24): Vec3[] | undefined {
  const ab = sub(b, a);
  const length = norm(ab);
  if (!(length > 1e-9) || !(radiusMm > 0)) return undefined;
  const n = samples > 0 ? Math.floor(samples) : 24;
  const d: Vec3 = [ab[0] / length, ab[1] / length, ab[2] / length];
  const normal = plane.normal;
  const c = dot(d, normal);
  const da = planeDistanceMm(plane, a);
  if (Math.abs(c) > PERPENDICULAR_COS) {
    // Axis perpendicular to the plane: a circle where the axis crosses it (nothing when the crossing is off the segment).
    const t0 = -da / c;
    if (t0 < 0 || t0 > length) return undefined;
    const centre = addScaled(a, d, t0);
    const u = anyPerpendicular(normal);
    const w = cross(normal, u);
    const out: Vec3[] = [];
    for (let s = 0; s < 2 * n; s++) {
      const th = (Math.PI * s) / n;
      out.push(addScaled(addScaled(centre, u, radiusMm * Math.cos(th)), w, radiusMm * Math.sin(th)));
    }
    return out;
  }
  const nu = cross(normal, d);
  const lu = norm(nu);
  const u: Vec3 = [nu[0] / lu, nu[1] / lu, nu[2] / lu];
  const e2 = cross(d, u);
  const e2n = dot(e2, normal);
  // Axis points whose cross-section disk reaches the plane: |δₐ + t·c| ≤ r·|e₂·n|.
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
  const mid = (tMin + tMax) / 2;
  const half = (tMax - tMin) / 2;
  for (let s = 0; s <= n; s++) {
    const t = mid - half * Math.cos((Math.PI * s) / n);
    const delta = da + t * c;
    const sinPhi = Math.max(-1, Math.min(1, -delta / (radiusMm * e2n)));
    const cosPhi = Math.sqrt(Math.max(0, 1 - sinPhi * sinPhi));
    const base = addScaled(addScaled(a, d, t), e2, radiusMm * sinPhi);
    upper.push(addScaled(base, u, radiusMm * cosPhi));
    lower.push(addScaled(base, u, -radiusMm * cosPhi));
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
