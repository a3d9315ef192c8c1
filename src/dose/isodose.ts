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
import type { SourceModel } from './sourceModel';
import { doseRatePerUnitSk } from './tg43';

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

/**
 * The plane of a view (camera normal, view-up, focal point) sampled over the dose grid.
 * - Grid-aligned view (normal along a grid axis, as axial/sagittal/coronal views of a CT-oriented dose grid): the
 *   grid's own plane at the focal point's fractional index ({@link axialPlane}, {@link sagittalPlane},
 *   {@link coronalPlane}), so samples fall on voxel columns (no in-plane interpolation) and cover exactly the grid.
 * - Otherwise (oblique, bull's-eye): a square plane through the focal point's plane, centred on the projection of the
 *   grid centre, as wide as the grid diagonal, sampled at the finest grid spacing (u = viewUp × normal, v = viewUp).
 * Null when the plane misses the grid.
 */
export function viewPlaneGrid(grid: VolumeGeometry, normal: Vec3, viewUp: Vec3, focalPointMm: Vec3): PlaneGrid | null {
  const nn = Math.hypot(normal[0], normal[1], normal[2]);
  if (!(nn > 0)) return null;
  const n: Vec3 = [normal[0] / nn, normal[1] / nn, normal[2] / nn];
  const dims = grid.dimensions;
  for (let a = 0; a < 3; a++) {
    const d = grid.direction[a];
    if (Math.abs(n[0] * d[0] + n[1] * d[1] + n[2] * d[2]) < 1 - 1e-6) continue;
    const index = patientToVoxel(grid, focalPointMm)[a];
    // Half a voxel beyond the outer centres still shows the edge slice's values (trilinear sampling clamps).
    if (index < -0.5 || index > dims[a] - 0.5) return null;
    const at = Math.min(Math.max(index, 0), dims[a] - 1);
    return a === 2 ? axialPlane(grid, at) : a === 0 ? sagittalPlane(grid, at) : coronalPlane(grid, at);
  }
  const [nx, ny, nz] = dims;
  const gc = voxelToPatient(grid, (nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2);
  const half = 0.5 * Math.hypot((nx - 1) * grid.spacingMm[0], (ny - 1) * grid.spacingMm[1], (nz - 1) * grid.spacingMm[2]);
  const dist = (gc[0] - focalPointMm[0]) * n[0] + (gc[1] - focalPointMm[1]) * n[1] + (gc[2] - focalPointMm[2]) * n[2];
  if (Math.abs(dist) > half) return null;
  const centre: Vec3 = [gc[0] - dist * n[0], gc[1] - dist * n[1], gc[2] - dist * n[2]];
  const step = Math.min(...grid.spacingMm);
  const right: Vec3 = [viewUp[1] * n[2] - viewUp[2] * n[1], viewUp[2] * n[0] - viewUp[0] * n[2], viewUp[0] * n[1] - viewUp[1] * n[0]];
  return obliquePlane(centre, right, viewUp, 2 * half + 2 * step, step);
}

/** Radial envelope of one seed model: max over θ of Ḋ/S_K at r ≥ rCm (cGy·h⁻¹·U⁻¹), every REACH_STEP_CM. */
const REACH_STEP_CM = 0.05;
const REACH_MAX_CM = 20;
const envelopes = new WeakMap<SourceModel, Float64Array>();

function reachEnvelope(model: SourceModel): Float64Array {
  const cached = envelopes.get(model);
  if (cached) return cached;
  const n = Math.round(REACH_MAX_CM / REACH_STEP_CM) + 1;
  const env = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const r = m * REACH_STEP_CM;
    let best = 0;
    // The formalism depends on |cos θ| only (TG-43U1 §III.B: symmetric about the transverse plane): θ in 0…90°.
    for (let t = 0; t <= 90; t++) {
      const th = (t * Math.PI) / 180;
      best = Math.max(best, doseRatePerUnitSk(model, r * Math.cos(th), r * Math.sin(th)));
    }
    env[m] = best;
  }
  for (let m = n - 2; m >= 0; m--) env[m] = Math.max(env[m], env[m + 1]); // max over r' ≥ r
  envelopes.set(model, env);
  return env;
}

/**
 * Distance (mm) from a seed beyond which its dose rate stays below `levelCGyPerH` (TG-43U1 2D formalism, maximum
 * over the polar angle; 10 % headroom covers the 1° / 0.5 mm tabulation of that maximum). Infinity when the level
 * is ≤ 0 or still reached 20 cm away; 0 for a seed without strength.
 */
export function doseReachMm(model: SourceModel, airKermaStrengthU: number, levelCGyPerH: number): number {
  if (!(airKermaStrengthU > 0)) return 0;
  if (!(levelCGyPerH > 0)) return Infinity;
  const env = reachEnvelope(model);
  const perU = (0.9 * levelCGyPerH) / airKermaStrengthU;
  if (env[env.length - 1] >= perU) return Infinity;
  let m = env.length - 1;
  while (m > 0 && env[m - 1] < perU) m--;
  // env[m] < perU: every point at r ≥ rₘ is below; one more step of headroom for the continuous maximum.
  return 10 * (m + 1) * REACH_STEP_CM;
}

/** A ball in patient mm. */
export interface DoseSphere {
  centreMm: Vec3;
  radiusMm: number;
}

/**
 * Balls outside whose union the total dose rate of the seeds is below `levelCGyPerH`: the level is shared among the
 * seeds in proportion to their strengths (if every seed stays below its share, the sum stays below the level), each
 * ball reaching {@link doseReachMm} of its share, plus `marginMm` (e.g. the engine's interpolation block and the
 * trilinear sampling cell, which can spread a voxel value that far).
 */
export function doseReachSpheres(
  model: SourceModel,
  seeds: readonly { positionMm: Vec3; airKermaStrengthU: number }[],
  levelCGyPerH: number,
  marginMm = 0,
): DoseSphere[] {
  const total = seeds.reduce((a, s) => a + Math.max(0, s.airKermaStrengthU), 0);
  if (!(total > 0)) return [];
  return seeds
    .filter((s) => s.airKermaStrengthU > 0)
    .map((s) => ({ centreMm: s.positionMm, radiusMm: doseReachMm(model, s.airKermaStrengthU, (levelCGyPerH * s.airKermaStrengthU) / total) + marginMm }));
}

/**
 * The rectangle of a plane's samples that can see the balls: the bounding box (in sample indices, padded by one
 * sample so every contour inside closes) of the circles where the balls cut the plane, as a plane grid of its own
 * (same steps, origin at its first sample). Null when no ball reaches the plane. Planes with non-orthogonal steps
 * are returned whole.
 */
export function planeRegion(plane: PlaneGrid, spheres: readonly DoseSphere[]): PlaneGrid | null {
  const { uStepMm: us, vStepMm: vs, originMm: o } = plane;
  const uu = us[0] * us[0] + us[1] * us[1] + us[2] * us[2];
  const vv = vs[0] * vs[0] + vs[1] * vs[1] + vs[2] * vs[2];
  const uv = us[0] * vs[0] + us[1] * vs[1] + us[2] * vs[2];
  if (!(uu > 0 && vv > 0)) return null;
  if (Math.abs(uv) > 1e-9 * Math.sqrt(uu * vv)) return spheres.length ? plane : null;
  const nrm: Vec3 = [us[1] * vs[2] - us[2] * vs[1], us[2] * vs[0] - us[0] * vs[2], us[0] * vs[1] - us[1] * vs[0]];
  const nl = Math.hypot(nrm[0], nrm[1], nrm[2]);
  let u0 = Infinity;
  let u1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  for (const s of spheres) {
    const q: Vec3 = [s.centreMm[0] - o[0], s.centreMm[1] - o[1], s.centreMm[2] - o[2]];
    const d = (q[0] * nrm[0] + q[1] * nrm[1] + q[2] * nrm[2]) / nl;
    if (!(Math.abs(d) < s.radiusMm)) continue;
    const rho = Math.sqrt(s.radiusMm * s.radiusMm - d * d);
    const uc = (q[0] * us[0] + q[1] * us[1] + q[2] * us[2]) / uu;
    const vc = (q[0] * vs[0] + q[1] * vs[1] + q[2] * vs[2]) / vv;
    const du = rho / Math.sqrt(uu);
    const dv = rho / Math.sqrt(vv);
    u0 = Math.min(u0, uc - du);
    u1 = Math.max(u1, uc + du);
    v0 = Math.min(v0, vc - dv);
    v1 = Math.max(v1, vc + dv);
  }
  const iu0 = Math.max(0, Math.floor(u0) - 1);
  const iu1 = Math.min(plane.width - 1, Math.ceil(u1) + 1);
  const iv0 = Math.max(0, Math.floor(v0) - 1);
  const iv1 = Math.min(plane.height - 1, Math.ceil(v1) + 1);
  if (!(iu0 <= iu1 && iv0 <= iv1)) return null;
  return { originMm: planePoint(plane, iu0, iv0), uStepMm: us, vStepMm: vs, width: iu1 - iu0 + 1, height: iv1 - iv0 + 1 };
}
