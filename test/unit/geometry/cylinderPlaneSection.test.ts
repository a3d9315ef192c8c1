/**
 * Cut of a finite cylinder by a plane, against the analytic sections: perpendicular plane → circle of radius r,
 * plane tilted by α from perpendicular → ellipse with semi-axes r and r / cos α, plane containing the axis → two
 * lines at ±r (±√(r² − δ²) at distance δ), plane missing the segment → nothing.
 */
import { closestParameterMm, cylinderSection, planeDistanceMm, projectOntoPlane, type PointNormalPlane } from '../../../src/geometry/cylinderPlaneSection';
import type { Vec3 } from '../../../src/geometry/volume';

const R = 1.5; // mm, about an 11 G needle (3.05 mm outer diameter)
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
/** Distance of p from the line through a with unit direction d. */
const distanceFromAxis = (p: Vec3, a: Vec3, d: Vec3): number => {
  const q = sub(p, a);
  const t = dot(q, d);
  return Math.hypot(q[0] - t * d[0], q[1] - t * d[1], q[2] - t * d[2]);
};

describe('cylinderSection', () => {
  // Needle along +z from (10, 20, −30) to (10, 20, 30) mm.
  const a: Vec3 = [10, 20, -30];
  const b: Vec3 = [10, 20, 30];
  const d: Vec3 = [0, 0, 1];

  it('perpendicular plane: a circle of the needle radius centred on the axis crossing', () => {
    const plane: PointNormalPlane = { normal: [0, 0, 1], pointMm: [-5, 7, 4] };
    const out = cylinderSection(a, b, R, plane, 16);
    expect(out).toBeDefined();
    expect(out).toHaveLength(32);
    for (const p of out ?? []) {
      expect(p[2]).toBeCloseTo(4, 9);
      expect(Math.hypot(p[0] - 10, p[1] - 20)).toBeCloseTo(R, 9);
    }
    // Evenly around: consecutive points 2π/32 apart, so the chord is 2r·sin(π/32).
    const o = out ?? [];
    for (let i = 0; i < o.length; i++) {
      const q = o[(i + 1) % o.length];
      expect(Math.hypot(q[0] - o[i][0], q[1] - o[i][1])).toBeCloseTo(2 * R * Math.sin(Math.PI / 32), 9);
    }
  });

  for (const alphaDeg of [20, 45, 70]) {
    it(`plane tilted ${alphaDeg}° from perpendicular: an ellipse with semi-axes r and r / cos α`, () => {
      const alpha = (alphaDeg * Math.PI) / 180;
      // Normal tilted in the x–z plane; the plane passes through the axis point (10, 20, 2).
      const normal: Vec3 = [Math.sin(alpha), 0, Math.cos(alpha)];
      const centre: Vec3 = [10, 20, 2];
      const out = cylinderSection(a, b, R, { normal, pointMm: centre }, 48);
      expect(out).toBeDefined();
      const o = out ?? [];
      expect(o.length).toBe(2 * 49);
      // In-plane axes of the ellipse: major along (cos α, 0, −sin α), minor along y.
      const major: Vec3 = [Math.cos(alpha), 0, -Math.sin(alpha)];
      const minor: Vec3 = [0, 1, 0];
      const semiMajor = R / Math.cos(alpha);
      let maxMajor = 0;
      let maxMinor = 0;
      for (const p of o) {
        const q = sub(p, centre);
        expect(dot(q, normal)).toBeCloseTo(0, 9); // in the plane
        expect(distanceFromAxis(p, a, d)).toBeCloseTo(R, 9); // on the cylinder surface
        const x = dot(q, major);
        const y = dot(q, minor);
        expect((x / semiMajor) ** 2 + (y / R) ** 2).toBeCloseTo(1, 9); // on the analytic ellipse
        maxMajor = Math.max(maxMajor, Math.abs(x));
        maxMinor = Math.max(maxMinor, Math.abs(y));
      }
      expect(maxMajor).toBeCloseTo(semiMajor, 9); // the ends of the major axis are outline points
      expect(maxMinor).toBeCloseTo(R, 2); // the minor axis is reached between samples (48 per half)
    });
  }

  it('plane containing the axis: two lines at ±r along the whole segment', () => {
    const plane: PointNormalPlane = { normal: [0, 1, 0], pointMm: [0, 20, 0] };
    const o = cylinderSection(a, b, R, plane, 10) ?? [];
    expect(o).toHaveLength(22);
    const upper = o.slice(0, 11);
    const lower = o.slice(11);
    for (const p of upper) expect(p[0] - 10).toBeCloseTo(R, 9);
    for (const p of lower) expect(p[0] - 10).toBeCloseTo(-R, 9);
    for (const p of o) expect(p[1]).toBeCloseTo(20, 9);
    const zs = o.map((p) => p[2]);
    expect(Math.min(...zs)).toBeCloseTo(-30, 9);
    expect(Math.max(...zs)).toBeCloseTo(30, 9);
  });

  it('plane parallel to the axis at distance δ < r: two lines at ±√(r² − δ²)', () => {
    const delta = 0.9;
    const o = cylinderSection(a, b, R, { normal: [0, 1, 0], pointMm: [0, 20 + delta, 0] }, 6) ?? [];
    expect(o.length).toBeGreaterThan(0);
    for (const p of o) {
      expect(p[1]).toBeCloseTo(20 + delta, 9);
      expect(Math.abs(p[0] - 10)).toBeCloseTo(Math.sqrt(R * R - delta * delta), 9);
    }
  });

  it('the flat ends clip the ellipse: no outline point beyond the segment', () => {
    // 45° plane through the tip: only the half of the ellipse on the needle side remains.
    const s = Math.SQRT1_2;
    const o = cylinderSection(a, b, R, { normal: [s, 0, s], pointMm: b }, 24) ?? [];
    expect(o.length).toBeGreaterThan(0);
    for (const p of o) {
      expect(p[2]).toBeLessThanOrEqual(30 + 1e-9);
      expect(distanceFromAxis(p, a, d)).toBeCloseTo(R, 9);
    }
    expect(Math.max(...o.map((p) => p[2]))).toBeCloseTo(30, 9);
  });

  it('planes missing the segment give nothing', () => {
    expect(cylinderSection(a, b, R, { normal: [0, 0, 1], pointMm: [0, 0, 31] })).toBeUndefined(); // beyond the tip
    expect(cylinderSection(a, b, R, { normal: [0, 0, -1], pointMm: [0, 0, -40] })).toBeUndefined(); // before the entry
    expect(cylinderSection(a, b, R, { normal: [0, 1, 0], pointMm: [0, 20 + R + 0.01, 0] })).toBeUndefined(); // parallel, > r away
    const s = Math.SQRT1_2;
    // Oblique plane through (10, 20, 40): it meets the axis line 10 mm beyond the tip, the cylinder reach is r.
    expect(cylinderSection(a, b, R, { normal: [s, 0, s], pointMm: [10, 20, 40] })).toBeUndefined();
    expect(cylinderSection(a, a, R, { normal: [0, 0, 1], pointMm: a })).toBeUndefined(); // no length
  });
});

describe('plane helpers', () => {
  const plane: PointNormalPlane = { normal: [0, 0.6, 0.8], pointMm: [1, 2, 3] };

  it('signed distance and projection', () => {
    const p: Vec3 = [4, 2 + 0.6 * 5, 3 + 0.8 * 5];
    expect(planeDistanceMm(plane, p)).toBeCloseTo(5, 12);
    const q = projectOntoPlane(plane, p);
    expect(q[0]).toBeCloseTo(4, 12);
    expect(q[1]).toBeCloseTo(2, 12);
    expect(q[2]).toBeCloseTo(3, 12);
    expect(planeDistanceMm(plane, [1, 2 - 0.6, 3 - 0.8])).toBeCloseTo(-1, 12);
  });

  it('closest parameter on a segment, clamped to its ends', () => {
    const a: Vec3 = [0, 0, 0];
    const b: Vec3 = [0, 0, 10];
    expect(closestParameterMm(a, b, [3, -4, 6.5])).toBeCloseTo(6.5, 12);
    expect(closestParameterMm(a, b, [1, 1, -7])).toBe(0);
    expect(closestParameterMm(a, b, [1, 1, 17])).toBe(10);
    expect(closestParameterMm(a, a, [1, 1, 1])).toBe(0);
  });
});
