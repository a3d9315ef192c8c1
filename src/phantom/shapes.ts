/**
 * Analytic solids (implicit functions) the phantom is made of. Each solid classifies a patient point (mm) as
 * outside (0), in its cortical shell (1) or in its core (2); soft-tissue solids only use 0/2.
 * Bounding boxes let the rasteriser visit only the voxels a solid can touch.
 */
import type { Vec3 } from '../geometry/volume';

export const OUTSIDE = 0;
export const SHELL = 1;
export const CORE = 2;
export type SolidClass = 0 | 1 | 2;

export interface BoundingBox {
  minMm: Vec3;
  maxMm: Vec3;
}

export interface Solid {
  bbox: BoundingBox;
  classify(x: number, y: number, z: number): SolidClass;
}

/**
 * Super-elliptic cylinder along z: |x/a|^n + |y/b|^n ≤ 1, zMin ≤ z ≤ zMax. The core is the same shape with the
 * semi-axes reduced by shellMm and the end caps moved in by endShellMm (n = 2 is an elliptic cylinder).
 */
export function superEllipticCylinderZ(
  cx: number, cy: number, a: number, b: number, n: number, zMin: number, zMax: number, shellMm = 0, endShellMm = shellMm,
): Solid {
  const ai = a - shellMm;
  const bi = b - shellMm;
  // Integer exponents by multiplication: this runs per voxel, and Math.pow is slow in some hosts (e.g. jest's vm realm).
  const pw = n === 2 ? (t: number): number => t * t : n === 3 ? (t: number): number => t * t * t : (t: number): number => Math.pow(t, n);
  return {
    bbox: { minMm: [cx - a, cy - b, zMin], maxMm: [cx + a, cy + b, zMax] },
    classify(x, y, z) {
      if (z < zMin || z > zMax) return OUTSIDE;
      const dx = x < cx ? cx - x : x - cx;
      const dy = y < cy ? cy - y : y - cy;
      if (pw(dx / a) + pw(dy / b) > 1) return OUTSIDE;
      if (z < zMin + endShellMm || z > zMax - endShellMm) return SHELL;
      if (ai <= 0 || bi <= 0 || pw(dx / ai) + pw(dy / bi) > 1) return SHELL;
      return CORE;
    },
  };
}

/** Area of the super-ellipse |x/a|^n + |y/b|^n ≤ 1: 4ab·Γ(1+1/n)²/Γ(1+2/n). */
export function superEllipseAreaMm2(a: number, b: number, n: number): number {
  return (4 * a * b * Math.pow(gamma(1 + 1 / n), 2)) / gamma(1 + 2 / n);
}

/** Lanczos approximation of the gamma function (g = 7, 9 terms; ~1e-15 relative accuracy for x > 0.5). */
export function gamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const xm = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (xm + i);
  const t = xm + 7.5;
  return Math.sqrt(2 * Math.PI) * Math.pow(t, xm + 0.5) * Math.exp(-t) * s;
}

/** Axis-aligned ellipsoid (core only). */
export function ellipsoid(c: Vec3, r: Vec3): Solid {
  return {
    bbox: { minMm: [c[0] - r[0], c[1] - r[1], c[2] - r[2]], maxMm: [c[0] + r[0], c[1] + r[1], c[2] + r[2]] },
    classify(x, y, z) {
      const u = (x - c[0]) / r[0];
      const v = (y - c[1]) / r[1];
      const w = (z - c[2]) / r[2];
      return u * u + v * v + w * w <= 1 ? CORE : OUTSIDE;
    },
  };
}

/** Capsule (segment p0–p1 swept by a sphere of radius r); exact signed distance, so the shell has uniform thickness. */
export function capsule(p0: Vec3, p1: Vec3, r: number, shellMm = 0): Solid {
  const d: Vec3 = [p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]];
  const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  return {
    bbox: {
      minMm: [Math.min(p0[0], p1[0]) - r, Math.min(p0[1], p1[1]) - r, Math.min(p0[2], p1[2]) - r],
      maxMm: [Math.max(p0[0], p1[0]) + r, Math.max(p0[1], p1[1]) + r, Math.max(p0[2], p1[2]) + r],
    },
    classify(x, y, z) {
      const px = x - p0[0];
      const py = y - p0[1];
      const pz = z - p0[2];
      let t = dd > 0 ? (px * d[0] + py * d[1] + pz * d[2]) / dd : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const qx = px - t * d[0];
      const qy = py - t * d[1];
      const qz = pz - t * d[2];
      const dist = Math.sqrt(qx * qx + qy * qy + qz * qz) - r;
      if (dist > 0) return OUTSIDE;
      return dist > -shellMm ? SHELL : CORE;
    },
  };
}

/**
 * Box with rounded edges in a local orthonormal frame (e1, e2, e3) centred at c, half sizes h (mm, including the
 * rounding radius r). Exact signed distance (Quilez), so the cortical shell has uniform thickness.
 */
export function roundedBox(c: Vec3, axes: [Vec3, Vec3, Vec3], h: Vec3, r: number, shellMm = 0): Solid {
  const [e1, e2, e3] = axes;
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) for (const s3 of [-1, 1]) {
    for (let k = 0; k < 3; k++) {
      const v = c[k] + s1 * h[0] * e1[k] + s2 * h[1] * e2[k] + s3 * h[2] * e3[k];
      if (v < min[k]) min[k] = v;
      if (v > max[k]) max[k] = v;
    }
  }
  const bx = h[0] - r;
  const by = h[1] - r;
  const bz = h[2] - r;
  return {
    bbox: { minMm: min, maxMm: max },
    classify(x, y, z) {
      const px = x - c[0];
      const py = y - c[1];
      const pz = z - c[2];
      const qx = Math.abs(px * e1[0] + py * e1[1] + pz * e1[2]) - bx;
      const qy = Math.abs(px * e2[0] + py * e2[1] + pz * e2[2]) - by;
      const qz = Math.abs(px * e3[0] + py * e3[1] + pz * e3[2]) - bz;
      const ox = Math.max(qx, 0);
      const oy = Math.max(qy, 0);
      const oz = Math.max(qz, 0);
      const dist = Math.sqrt(ox * ox + oy * oy + oz * oz) + Math.min(Math.max(qx, qy, qz), 0) - r;
      if (dist > 0) return OUTSIDE;
      return dist > -shellMm ? SHELL : CORE;
    },
  };
}

/**
 * Analytic pedicle: a tube along a straight axis with an elliptical cross-section that is narrowest at the isthmus.
 * With s = axis·(p − isthmus), u = lateral·(p − isthmus), v = vertical·(p − isthmus), a point is inside when
 * sMin ≤ s ≤ sMax and (u/A(s))² + (v/B(s))² ≤ 1, with A(s) = A0 + kA·min(s², sCap²), B(s) = B0 + kB·min(s², sCap²).
 * The cancellous core uses A(s) − shell and B(s) − shell.
 */
export interface PedicleTubeParams {
  isthmusCentreMm: Vec3;
  /** Unit axis direction (posterior entry → vertebral body). */
  axis: Vec3;
  /** Unit direction of the width (A) semi-axis, perpendicular to the axis, in the axial plane. */
  lateral: Vec3;
  /** Unit direction of the height (B) semi-axis, perpendicular to axis and lateral. */
  vertical: Vec3;
  isthmusHalfWidthMm: number;
  isthmusHalfHeightMm: number;
  widthFlarePerMm: number;
  heightFlarePerMm: number;
  flareCapMm: number;
  sMinMm: number;
  sMaxMm: number;
  cortexThicknessMm: number;
}

/** Semi-axes (A, B) of the pedicle cross-section at axial coordinate s. */
export function pedicleSemiAxesMm(p: PedicleTubeParams, s: number): [number, number] {
  const q = Math.min(s * s, p.flareCapMm * p.flareCapMm);
  return [p.isthmusHalfWidthMm + p.widthFlarePerMm * q, p.isthmusHalfHeightMm + p.heightFlarePerMm * q];
}

export function pedicleTube(p: PedicleTubeParams): Solid {
  const c = p.isthmusCentreMm;
  const [aMax, bMax] = pedicleSemiAxesMm(p, p.flareCapMm);
  const rMax = Math.max(aMax, bMax);
  const e0: Vec3 = [c[0] + p.sMinMm * p.axis[0], c[1] + p.sMinMm * p.axis[1], c[2] + p.sMinMm * p.axis[2]];
  const e1: Vec3 = [c[0] + p.sMaxMm * p.axis[0], c[1] + p.sMaxMm * p.axis[1], c[2] + p.sMaxMm * p.axis[2]];
  const t = p.cortexThicknessMm;
  return {
    bbox: {
      minMm: [Math.min(e0[0], e1[0]) - rMax, Math.min(e0[1], e1[1]) - rMax, Math.min(e0[2], e1[2]) - rMax],
      maxMm: [Math.max(e0[0], e1[0]) + rMax, Math.max(e0[1], e1[1]) + rMax, Math.max(e0[2], e1[2]) + rMax],
    },
    classify(x, y, z) {
      const dx = x - c[0];
      const dy = y - c[1];
      const dz = z - c[2];
      const s = dx * p.axis[0] + dy * p.axis[1] + dz * p.axis[2];
      if (s < p.sMinMm || s > p.sMaxMm) return OUTSIDE;
      const u = dx * p.lateral[0] + dy * p.lateral[1] + dz * p.lateral[2];
      const v = dx * p.vertical[0] + dy * p.vertical[1] + dz * p.vertical[2];
      const [a, b] = pedicleSemiAxesMm(p, s);
      if ((u / a) ** 2 + (v / b) ** 2 > 1) return OUTSIDE;
      return (u / (a - t)) ** 2 + (v / (b - t)) ** 2 <= 1 ? CORE : SHELL;
    },
  };
}
