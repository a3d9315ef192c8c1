/**
 * Fast evaluation of the TG-43U1 2D dose rate on voxel grids.
 *
 * A per-model lookup table holds Ḋ/S_K (cGy·h⁻¹·U⁻¹) at nodes that are geometric in r² and in the
 * angle variable x = sin²θ (θ < 45°) or x = cos²θ (θ ≥ 45°): the node index is read straight from the
 * IEEE-754 float32 bits of r² and x (exponent and top mantissa bits), so there is no log, sqrt or trig
 * per voxel, and nodes crowd near the axis and near the transverse plane where F(r,θ) bends. Between
 * nodes the value is bilinear in (r², x). With 64 nodes per octave of r² and 16 per octave of x the
 * error is ≈ 0.13% of the exact formalism at worst (test/unit/dose/doseKernelTable.test.ts), so no
 * accuracy is traded: no distance truncation is applied. Two zones use the exact formula instead:
 * beyond the table (r > 45 cm), and close to the seed (r < half the capsule length + 0.75 mm, at least
 * 3 mm), where the inside-source rule (values held at the capsule wall) puts kinks between table
 * nodes that bilinear interpolation would smear by up to ≈ 13% next to the capsule ends. That zone
 * holds about a hundred 1 mm voxels per seed, so the cost is negligible.
 */
import type { VolumeGeometry, Vec3 } from '../geometry/volume';
import type { SourceModel } from './sourceModel';
import { doseRatePerUnitSk, R_MIN_CM } from './tg43';

/** A seed placed in the patient: position (LPS, mm), unit axis along its needle, and S_K at implant (U). */
export interface SeedPlacement {
  positionMm: Vec3;
  axis: Vec3;
  airKermaStrengthU: number;
}

/** Ḋ/S_K lookup table of one model (see module comment). */
export interface DoseRateTable {
  modelId: string;
  /** values[ir * stride + is], cGy·h⁻¹·U⁻¹. */
  values: Float32Array;
  stride: number;
  nR: number;
  nS: number;
  /** Squared distances below this (cm²) are evaluated with the exact formula (see module comment). */
  r2ExactBelowCm2: number;
}

const R_BITS = 6; // nodes per octave of r²: 2^6
const S_BITS = 4; // nodes per octave of the angle variable: 2^4
const R_SHIFT = 23 - R_BITS;
const S_SHIFT = 23 - S_BITS;
const R2_MIN_EXP = -7; // 2^-7 cm² (r = 0.088 cm < R_MIN_CM: below it the value no longer depends on r)
const R2_MAX_EXP = 11; // 2^11 cm² (r = 45 cm)
const S_MIN_EXP = -24; // x = 2^-24 (θ within 0.014° of the axis or of the transverse plane)
const S_MAX_EXP = -1; // x ≤ 1/2 (θ = 45°, where the two angle blocks meet)
const R_BASE_BITS = (R2_MIN_EXP + 127) << 23;
const S_BASE_BITS = (S_MIN_EXP + 127) << 23;
const R_CELLS = (R2_MAX_EXP - R2_MIN_EXP) << R_BITS;
const S_CELLS = (S_MAX_EXP - S_MIN_EXP) << S_BITS;
const R_FRAC_MASK = (1 << R_SHIFT) - 1;
const S_FRAC_MASK = (1 << S_SHIFT) - 1;
const R_FRAC_SCALE = 1 / (1 << R_SHIFT);
const S_FRAC_SCALE = 1 / (1 << S_SHIFT);
/** Squared distances below this are evaluated at it (the inside-source rule makes them equal anyway). */
export const TABLE_R2_MIN_CM2 = Math.pow(2, R2_MIN_EXP);
/** Squared distances at or beyond this use the exact formula. */
export const TABLE_R2_MAX_CM2 = Math.pow(2, R2_MAX_EXP);
const S_MIN = Math.pow(2, S_MIN_EXP);
const S_BLOCK = S_CELLS + 2; // column offset of the cos²θ block

if (TABLE_R2_MIN_CM2 > R_MIN_CM * R_MIN_CM) throw new Error('dose table must start inside R_MIN_CM');

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

function floatFromBits(bits: number): number {
  scratchU32[0] = bits;
  return scratchF32[0];
}

const tableCache = new Map<SourceModel, DoseRateTable>();

/** Builds (once per model object, then cached) the Ḋ/S_K lookup table of a model, 2D formalism. */
export function doseRateTable(model: SourceModel): DoseRateTable {
  const cached = tableCache.get(model);
  if (cached) return cached;
  const nR = R_CELLS + 1;
  const nS = 2 * (S_CELLS + 2); // two angle blocks (sin²θ, then cos²θ), each with one padding node
  const stride = nS;
  const values = new Float32Array((nR + 1) * stride);
  const sinTheta = new Float64Array(nS);
  const cosTheta = new Float64Array(nS);
  for (let is = 0; is < S_CELLS + 2; is++) {
    const x = Math.min(0.5, floatFromBits(S_BASE_BITS + (is << S_SHIFT)));
    sinTheta[is] = Math.sqrt(x); // block 0: x = sin²θ
    cosTheta[is] = Math.sqrt(1 - x);
    sinTheta[S_BLOCK + is] = Math.sqrt(1 - x); // block 1: x = cos²θ
    cosTheta[S_BLOCK + is] = Math.sqrt(x);
  }
  for (let ir = 0; ir < nR; ir++) {
    const r = Math.sqrt(floatFromBits(R_BASE_BITS + (ir << R_SHIFT)));
    const row = ir * stride;
    for (let is = 0; is < nS; is++) values[row + is] = doseRatePerUnitSk(model, r * cosTheta[is], r * sinTheta[is], '2D');
  }
  // Padding row: r² at the table end reads its upper neighbour only with weight 0.
  values.copyWithin(nR * stride, (nR - 1) * stride, nR * stride);
  const nearCm = Math.max(0.3, model.capsule.lengthCm / 2 + 0.075);
  const t: DoseRateTable = { modelId: model.id, values, stride, nR, nS, r2ExactBelowCm2: nearCm * nearCm };
  tableCache.set(model, t);
  return t;
}

/** Ḋ/S_K from the table at squared distance r2 (cm²) and distance z along the axis (cm); exact formula beyond the table. */
export function lookupDoseRatePerUnitSk(model: SourceModel, table: DoseRateTable, r2: number, z: number): number {
  if (r2 >= TABLE_R2_MAX_CM2 || r2 < table.r2ExactBelowCm2) return doseRatePerUnitSk(model, z, Math.sqrt(Math.max(0, r2 - z * z)), '2D');
  const c = r2 > 1e-20 ? (z * z) / r2 : 0;
  let x = c > 0.5 ? 1 - c : c;
  if (x < S_MIN) x = S_MIN;
  scratchF32[0] = r2 < TABLE_R2_MIN_CM2 ? TABLE_R2_MIN_CM2 : r2;
  const br = scratchU32[0] - R_BASE_BITS;
  scratchF32[0] = x;
  const bs = scratchU32[0] - S_BASE_BITS;
  const o = (br >>> R_SHIFT) * table.stride + (bs >>> S_SHIFT) + (c > 0.5 ? 0 : S_BLOCK);
  const fr = (br & R_FRAC_MASK) * R_FRAC_SCALE;
  const fs = (bs & S_FRAC_MASK) * S_FRAC_SCALE;
  const v = table.values;
  const a = v[o] + (v[o + 1] - v[o]) * fs;
  const b = v[o + table.stride] + (v[o + table.stride + 1] - v[o + table.stride]) * fs;
  return a + (b - a) * fr;
}

/** Grid vectors in cm: origin and the patient-space step of one voxel along i, j, k. */
export interface GridCm {
  o: Vec3;
  a: Vec3;
  b: Vec3;
  c: Vec3;
  dims: [number, number, number];
}

/** The grid of a geometry in cm (origin and voxel step vectors). */
export function gridCm(g: VolumeGeometry): GridCm {
  const s = g.spacingMm;
  const d = g.direction;
  const v = (dir: Vec3, sp: number): Vec3 => [(dir[0] * sp) / 10, (dir[1] * sp) / 10, (dir[2] * sp) / 10];
  return {
    o: [g.originMm[0] / 10, g.originMm[1] / 10, g.originMm[2] / 10],
    a: v(d[0], s[0]),
    b: v(d[1], s[1]),
    c: v(d[2], s[2]),
    dims: [g.dimensions[0], g.dimensions[1], g.dimensions[2]],
  };
}

function unit(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`seed axis must be a non-zero vector, got [${v.join(', ')}]`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** A seed in cm with a unit axis. */
export interface SeedCm {
  p: Vec3;
  u: Vec3;
  sk: number;
}

/** Validates a seed and returns it in cm with a unit axis. */
export function seedInCm(seed: SeedPlacement): SeedCm {
  const p = seed.positionMm;
  if (!Array.isArray(p) || p.length !== 3 || !p.every((x) => Number.isFinite(x))) throw new Error(`seed position must be 3 finite numbers (mm), got [${String(p)}]`);
  if (!(seed.airKermaStrengthU >= 0) || !Number.isFinite(seed.airKermaStrengthU)) {
    throw new Error(`seed air-kerma strength must be ≥ 0 U, got ${seed.airKermaStrengthU}`);
  }
  return { p: [p[0] / 10, p[1] / 10, p[2] / 10], u: unit(seed.axis), sk: seed.airKermaStrengthU };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Adds weight × Ḋ (cGy/h) of `seeds` at the voxels (i0 + n·iStep, j, k), n = 0 … count-1, of `grid`
 * (fractional i allowed) into out[outBase + n·outStep]. `scratch` must hold `count` numbers.
 */
export function addSeedsAlongRow(
  out: Float64Array,
  outBase: number,
  outStep: number,
  grid: GridCm,
  j: number,
  k: number,
  i0: number,
  iStep: number,
  count: number,
  seeds: readonly SeedCm[],
  weight: number,
  model: SourceModel,
  scratch: Float64Array,
): void {
  const table = doseRateTable(model);
  const tv = table.values;
  const stride = table.stride;
  // Hot loop: constants copied to locals so the optimiser keeps them in registers.
  const r2Max = TABLE_R2_MAX_CM2;
  const r2Min = TABLE_R2_MIN_CM2;
  const r2Near = table.r2ExactBelowCm2;
  const sMin = S_MIN;
  const sBlock = S_BLOCK;
  const rBase = R_BASE_BITS;
  const sBase = S_BASE_BITS;
  const rShift = R_SHIFT;
  const sShift = S_SHIFT;
  const rMask = R_FRAC_MASK;
  const sMask = S_FRAC_MASK;
  const rScale = R_FRAC_SCALE;
  const sScale = S_FRAC_SCALE;
  const fb = f32;
  const ub = u32;
  const { o, a, b, c } = grid;
  const ax = a[0] * iStep;
  const ay = a[1] * iStep;
  const az = a[2] * iStep;
  const q2 = ax * ax + ay * ay + az * az;
  const rx = o[0] + i0 * a[0] + j * b[0] + k * c[0];
  const ry = o[1] + i0 * a[1] + j * b[1] + k * c[1];
  const rz = o[2] + i0 * a[2] + j * b[2] + k * c[2];
  for (let n = 0; n < count; n++) scratch[n] = 0;
  for (let m = 0; m < seeds.length; m++) {
    const s = seeds[m];
    const sk = s.sk * weight;
    if (sk === 0) continue;
    const dx = rx - s.p[0];
    const dy = ry - s.p[1];
    const dz = rz - s.p[2];
    const u = s.u;
    const q0 = dx * dx + dy * dy + dz * dz;
    const q1 = 2 * (dx * ax + dy * ay + dz * az);
    const z0 = dx * u[0] + dy * u[1] + dz * u[2];
    const za = ax * u[0] + ay * u[1] + az * u[2];
    for (let n = 0; n < count; n++) {
      const r2 = q0 + n * (q1 + n * q2);
      const z = z0 + n * za;
      let v: number;
      if (r2 < r2Max && r2 >= r2Near) {
        const cc = r2 > 1e-20 ? (z * z) / r2 : 0;
        let x: number;
        let col: number;
        if (cc > 0.5) {
          x = 1 - cc;
          col = 0;
        } else {
          x = cc;
          col = sBlock;
        }
        if (x < sMin) x = sMin;
        fb[0] = r2 < r2Min ? r2Min : r2;
        const br = ub[0] - rBase;
        fb[0] = x;
        const bs = ub[0] - sBase;
        const idx = (br >>> rShift) * stride + (bs >>> sShift) + col;
        const fr = (br & rMask) * rScale;
        const fs = (bs & sMask) * sScale;
        const t0 = tv[idx];
        const t1 = tv[idx + stride];
        const lo = t0 + (tv[idx + 1] - t0) * fs;
        const hi = t1 + (tv[idx + stride + 1] - t1) * fs;
        v = lo + (hi - lo) * fr;
      } else {
        v = doseRatePerUnitSk(model, z, Math.sqrt(Math.max(0, r2 - z * z)), '2D');
      }
      scratch[n] += sk * v;
    }
  }
  for (let n = 0; n < count; n++) out[outBase + n * outStep] += scratch[n];
}

/**
 * Adds weight × Ḋ (cGy/h) of `seeds` at every voxel of the box [i0,i1)×[j0,j1)×[k0,k1) into `out`
 * (full-grid indexing i + j·nx + k·nx·ny). Table-driven fast path.
 */
export function accumulateDoseRateBox(
  out: Float64Array,
  grid: GridCm,
  box: { i0: number; i1: number; j0: number; j1: number; k0: number; k1: number },
  model: SourceModel,
  seeds: readonly SeedCm[],
  weight = 1,
  scratch: Float64Array = new Float64Array(box.i1 - box.i0),
): void {
  const [nx, ny] = grid.dims;
  const count = box.i1 - box.i0;
  if (count <= 0) return;
  for (let k = box.k0; k < box.k1; k++) {
    for (let j = box.j0; j < box.j1; j++) {
      addSeedsAlongRow(out, box.i0 + j * nx + k * nx * ny, 1, grid, j, k, box.i0, 1, count, seeds, weight, model, scratch);
    }
  }
}

/**
 * Reference implementation: the exact formalism evaluated directly at every voxel for every seed
 * (no tables, no truncation, no interpolation). Slow; the accuracy reference and the benchmark
 * baseline. Fills slices kStart … kEnd-1 into `out` (index i + j·nx + (k − kStart)·nx·ny).
 */
export function accumulateDoseRateNaive(
  out: Float64Array,
  geometry: VolumeGeometry,
  kStart: number,
  kEnd: number,
  model: SourceModel,
  seeds: readonly SeedPlacement[],
  weight = 1,
): void {
  const g = gridCm(geometry);
  const [nx, ny] = g.dims;
  const sp = seeds.map(seedInCm);
  for (let k = kStart; k < kEnd; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = g.o[0] + i * g.a[0] + j * g.b[0] + k * g.c[0];
        const y = g.o[1] + i * g.a[1] + j * g.b[1] + k * g.c[1];
        const zz = g.o[2] + i * g.a[2] + j * g.b[2] + k * g.c[2];
        let sum = 0;
        for (const s of sp) {
          const dx = x - s.p[0];
          const dy = y - s.p[1];
          const dz = zz - s.p[2];
          const along = dx * s.u[0] + dy * s.u[1] + dz * s.u[2];
          const away = Math.sqrt(Math.max(0, dx * dx + dy * dy + dz * dz - along * along));
          sum += s.sk * doseRatePerUnitSk(model, along, away, '2D');
        }
        out[(k - kStart) * nx * ny + j * nx + i] += weight * sum;
      }
    }
  }
}
