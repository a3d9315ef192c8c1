/**
 * Isodose contours on a plane, as polylines in patient coordinates (LPS, mm).
 *
 * A plane is a regular 2D sampling grid in patient space (axial/sagittal/coronal planes of the CT grid,
 * or any oblique plane). Dose is sampled on it (trilinear in the dose grid), then each level is traced
 * with marching squares (linear interpolation along cell edges; saddle cells resolved by the cell-centre
 * mean), and segments are joined into closed or open polylines.
 */
import type { Vec3, VolumeGeometry } from '../geometry/volume';
import { patientToVoxel, voxelToPatient } from '../geometry/volume';

/** A plane sampled on a width × height grid: point(u, v) = originMm + u·uStepMm + v·vStepMm. */
export interface PlaneGrid {
  originMm: Vec3;
  uStepMm: Vec3;
  vStepMm: Vec3;
  width: number;
  height: number;
}

/** An isodose level, in Gy or in % of the prescription. */
export type IsodoseLevel = { gy: number } | { percentOfPrescription: number };

/** Contours of one level. */
export interface IsodoseContour {
  levelGy: number;
  /** Polylines in patient mm; closed ones repeat their first point at the end. */
  polylines: Vec3[][];
}

function scale(v: Vec3, s: number): Vec3 {
  return [v[0] * s, v[1] * s, v[2] * s];
}

/** Axial plane k of a CT grid (voxel centres). */
export function axialPlane(g: VolumeGeometry, k: number): PlaneGrid {
  return { originMm: voxelToPatient(g, 0, 0, k), uStepMm: scale(g.direction[0], g.spacingMm[0]), vStepMm: scale(g.direction[1], g.spacingMm[1]), width: g.dimensions[0], height: g.dimensions[1] };
}

/** Sagittal plane i (u along j, v along k). */
export function sagittalPlane(g: VolumeGeometry, i: number): PlaneGrid {
  return { originMm: voxelToPatient(g, i, 0, 0), uStepMm: scale(g.direction[1], g.spacingMm[1]), vStepMm: scale(g.direction[2], g.spacingMm[2]), width: g.dimensions[1], height: g.dimensions[2] };
}

/** Coronal plane j (u along i, v along k). */
export function coronalPlane(g: VolumeGeometry, j: number): PlaneGrid {
  return { originMm: voxelToPatient(g, 0, j, 0), uStepMm: scale(g.direction[0], g.spacingMm[0]), vStepMm: scale(g.direction[2], g.spacingMm[2]), width: g.dimensions[0], height: g.dimensions[2] };
}

/**
 * An oblique plane centred on `centreMm`, spanned by the unit vectors `u` and `v` (orthonormalised here),
 * `sizeMm` wide and high, sampled every `stepMm`.
 */
export function obliquePlane(centreMm: Vec3, u: Vec3, v: Vec3, sizeMm: number, stepMm: number): PlaneGrid {
  const nu = Math.hypot(u[0], u[1], u[2]);
  if (!(nu > 0)) throw new Error('oblique plane: u must be non-zero');
  const uu: Vec3 = [u[0] / nu, u[1] / nu, u[2] / nu];
  const d = v[0] * uu[0] + v[1] * uu[1] + v[2] * uu[2];
  const w: Vec3 = [v[0] - d * uu[0], v[1] - d * uu[1], v[2] - d * uu[2]];
  const nw = Math.hypot(w[0], w[1], w[2]);
  if (!(nw > 1e-9)) throw new Error('oblique plane: u and v must not be parallel');
  const vv: Vec3 = [w[0] / nw, w[1] / nw, w[2] / nw];
  if (!(stepMm > 0) || !(sizeMm > 0)) throw new Error('oblique plane: size and step must be > 0 mm');
  const n = Math.floor(sizeMm / stepMm) + 1;
  const half = ((n - 1) * stepMm) / 2;
  return {
    originMm: [centreMm[0] - half * (uu[0] + vv[0]), centreMm[1] - half * (uu[1] + vv[1]), centreMm[2] - half * (uu[2] + vv[2])],
    uStepMm: scale(uu, stepMm),
    vStepMm: scale(vv, stepMm),
    width: n,
    height: n,
  };
}

/** Patient coordinates of a (fractional) plane sample position. */
export function planePoint(p: PlaneGrid, u: number, v: number): Vec3 {
  return [
    p.originMm[0] + u * p.uStepMm[0] + v * p.vStepMm[0],
    p.originMm[1] + u * p.uStepMm[1] + v * p.vStepMm[1],
    p.originMm[2] + u * p.uStepMm[2] + v * p.vStepMm[2],
  ];
}

/** Trilinear sampling of a scalar grid at a patient point; NaN outside the grid's voxel centres. */
export function sampleTrilinear(g: VolumeGeometry, data: ArrayLike<number>, pMm: Vec3): number {
  const [x, y, z] = patientToVoxel(g, pMm);
  const [nx, ny, nz] = g.dimensions;
  const eps = 1e-6;
  if (x < -eps || y < -eps || z < -eps || x > nx - 1 + eps || y > ny - 1 + eps || z > nz - 1 + eps) return NaN;
  const i = Math.min(Math.max(0, Math.floor(x)), Math.max(0, nx - 2));
  const j = Math.min(Math.max(0, Math.floor(y)), Math.max(0, ny - 2));
  const k = Math.min(Math.max(0, Math.floor(z)), Math.max(0, nz - 2));
  const tx = nx > 1 ? Math.min(1, Math.max(0, x - i)) : 0;
  const ty = ny > 1 ? Math.min(1, Math.max(0, y - j)) : 0;
  const tz = nz > 1 ? Math.min(1, Math.max(0, z - k)) : 0;
  const sx = nx > 1 ? 1 : 0;
  const sy = ny > 1 ? nx : 0;
  const sz = nz > 1 ? nx * ny : 0;
  const o = i + nx * (j + ny * k);
  const c00 = data[o] + (data[o + sx] - data[o]) * tx;
  const c10 = data[o + sy] + (data[o + sy + sx] - data[o + sy]) * tx;
  const c01 = data[o + sz] + (data[o + sz + sx] - data[o + sz]) * tx;
  const c11 = data[o + sz + sy] + (data[o + sz + sy + sx] - data[o + sz + sy]) * tx;
  const c0 = c00 + (c10 - c00) * ty;
  const c1 = c01 + (c11 - c01) * ty;
  return c0 + (c1 - c0) * tz;
}

/** Samples a scalar field on a plane (row-major, u fastest). */
export function samplePlane(plane: PlaneGrid, sampler: (pMm: Vec3) => number): Float32Array {
  const out = new Float32Array(plane.width * plane.height);
  for (let v = 0; v < plane.height; v++) for (let u = 0; u < plane.width; u++) out[u + v * plane.width] = sampler(planePoint(plane, u, v));
  return out;
}

/** Converts levels to Gy (percentages need the prescription). */
export function levelsInGy(levels: readonly IsodoseLevel[], prescriptionGy?: number): number[] {
  return levels.map((l) => {
    if ('gy' in l) return l.gy;
    if (!(prescriptionGy && prescriptionGy > 0)) throw new Error('isodose levels in % of prescription need a prescription dose > 0 Gy');
    return (l.percentOfPrescription / 100) * prescriptionGy;
  });
}

/**
 * Marching squares on a width × height field (NaN counts as below every level). Returns polylines in
 * fractional sample coordinates [u, v]; closed polylines repeat their first point.
 */
export function contourLines(values: ArrayLike<number>, width: number, height: number, level: number): [number, number][][] {
  const val = (u: number, v: number): number => {
    const x = values[u + v * width];
    return Number.isNaN(x) ? -Infinity : x;
  };
  // Edge ids: horizontal edge from (u,v) to (u+1,v) → 2·(u + v·width); vertical (u,v)→(u,v+1) → +1.
  const point = (edge: number): [number, number] => {
    const base = edge >> 1;
    const u = base % width;
    const v = (base - u) / width;
    const [u2, v2] = edge & 1 ? [u, v + 1] : [u + 1, v];
    const a = val(u, v);
    const b = val(u2, v2);
    let t = a === -Infinity ? 1 : b === -Infinity ? 0 : (level - a) / (b - a);
    if (!Number.isFinite(t)) t = 0.5;
    return [u + (u2 - u) * t, v + (v2 - v) * t];
  };
  const segs: [number, number][] = [];
  for (let v = 0; v + 1 < height; v++) {
    for (let u = 0; u + 1 < width; u++) {
      const a = val(u, v) >= level ? 1 : 0; // (u, v)
      const b = val(u + 1, v) >= level ? 1 : 0; // (u+1, v)
      const c = val(u + 1, v + 1) >= level ? 1 : 0; // (u+1, v+1)
      const d = val(u, v + 1) >= level ? 1 : 0; // (u, v+1)
      const code = a | (b << 1) | (c << 2) | (d << 3);
      if (code === 0 || code === 15) continue;
      const bottom = 2 * (u + v * width);
      const top = 2 * (u + (v + 1) * width);
      const left = 2 * (u + v * width) + 1;
      const right = 2 * (u + 1 + v * width) + 1;
      switch (code) {
        case 1: case 14: segs.push([left, bottom]); break;
        case 2: case 13: segs.push([bottom, right]); break;
        case 3: case 12: segs.push([left, right]); break;
        case 4: case 11: segs.push([right, top]); break;
        case 6: case 9: segs.push([bottom, top]); break;
        case 7: case 8: segs.push([left, top]); break;
        case 5: case 10: {
          const centre = (val(u, v) + val(u + 1, v) + val(u + 1, v + 1) + val(u, v + 1)) / 4;
          const joined = centre >= level ? code === 5 : code === 10;
          if (joined) {
            segs.push([left, top]);
            segs.push([bottom, right]);
          } else {
            segs.push([left, bottom]);
            segs.push([right, top]);
          }
          break;
        }
      }
    }
  }
  // Join segments sharing edge points.
  const byEdge = new Map<number, number[]>();
  segs.forEach(([e1, e2], i) => {
    for (const e of [e1, e2]) {
      const l = byEdge.get(e);
      if (l) l.push(i);
      else byEdge.set(e, [i]);
    }
  });
  const used = new Uint8Array(segs.length);
  const lines: [number, number][][] = [];
  const extend = (chain: number[]): void => {
    for (;;) {
      const end = chain[chain.length - 1];
      const next = (byEdge.get(end) ?? []).find((s) => !used[s]);
      if (next === undefined) return;
      used[next] = 1;
      const [e1, e2] = segs[next];
      chain.push(e1 === end ? e2 : e1);
      if (chain[chain.length - 1] === chain[0]) return;
    }
  };
  for (let s = 0; s < segs.length; s++) {
    if (used[s]) continue;
    used[s] = 1;
    const chain = [segs[s][0], segs[s][1]];
    extend(chain);
    if (chain[chain.length - 1] !== chain[0]) {
      chain.reverse();
      extend(chain);
    }
    lines.push(chain.map(point));
  }
  return lines;
}

/** Isodose polylines (patient mm) of sampled plane values for each level in Gy. */
export function isodoseContours(values: ArrayLike<number>, plane: PlaneGrid, levelsGy: readonly number[]): IsodoseContour[] {
  return levelsGy.map((levelGy) => ({
    levelGy,
    polylines: contourLines(values, plane.width, plane.height, levelGy).map((line) => line.map(([u, v]) => planePoint(plane, u, v))),
  }));
}
