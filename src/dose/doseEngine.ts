/**
 * Dose-rate grid for a set of seeds, with incremental single-seed updates and adaptive refinement.
 *
 * The grid is cut into blocks of B×B×B voxels (B = 4 by default) whose corners form a coarse lattice.
 * 1. Ḋ is evaluated at every lattice node (all seeds, table-driven TG-43U1 2D, see doseKernel.ts).
 * 2. A block is *refined* (Ḋ evaluated at every one of its voxels, all seeds) when a seed is near it,
 *    or when the dose inside it could reach 4.5% of the maximum: each seed's Ḋ inside a block is at most
 *    ρ(d) times its Ḋ at any corner, d being the distance from the block to the nearest seed (inverse
 *    square × the steepest angular and radial variation of F and g_L × the line-source shape, see
 *    {@link blockRatioBound}); summing over seeds, Ḋ(inside) ≤ ρ(d)·min(corner Ḋ).
 * 3. Other blocks (dose certainly < 5% of the maximum) are trilinearly interpolated from the lattice.
 * So wherever Ḋ ≥ 5% of the maximum the value is the table-driven formalism (≤ 0.15% from the exact
 * formula), and elsewhere it is an interpolation (a few % at worst, below 5% of the maximum).
 *
 * Values are the initial dose rate Ḋ₀ in cGy/h (Float64, so thousands of add/subtract moves do not
 * drift); total dose is Ḋ₀·τ (decay.ts). Moving a seed subtracts its old and adds its new contribution
 * on the lattice and in refined blocks, then refines blocks the move made hot.
 */
import type { VolumeGeometry, Vec3 } from '../geometry/volume';
import { patientToVoxel } from '../geometry/volume';
import type { SourceModel } from './sourceModel';
import { addSeedsAlongRow, gridCm, seedInCm, type GridCm, type SeedCm, type SeedPlacement } from './doseKernel';

/** A seed with a stable identifier (one per planned seed). */
export interface Seed extends SeedPlacement {
  id: string;
}

/** Options of a {@link DoseEngine}. */
export interface DoseEngineOptions {
  /** Block edge in voxels (default 4). 1 disables interpolation (every voxel evaluated). */
  blockSize?: number;
  /** Fraction of the maximum above which the dose must be exact (default 0.05). */
  exactAboveFractionOfMax?: number;
}

const RATIO_STEP_CM = 0.01;
const RATIO_MAX_CM = 60;

interface Axis {
  nodes: Int32Array;
  /** Block of each voxel. */
  block: Int32Array;
  /** Trilinear weight of the upper node for each voxel. */
  t: Float64Array;
  /** Number of blocks. */
  nb: number;
}

function makeAxis(n: number, B: number): Axis {
  const list: number[] = [];
  for (let v = 0; v < n - 1; v += B) list.push(v);
  list.push(n - 1);
  if (n === 1) list.splice(0, list.length, 0);
  const nodes = Int32Array.from(list);
  const nb = Math.max(1, nodes.length - 1);
  const block = new Int32Array(n);
  const t = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const b = Math.min(Math.floor(v / B), nb - 1);
    block[v] = b;
    const lo = nodes[b];
    const hi = nodes[Math.min(b + 1, nodes.length - 1)];
    t[v] = hi > lo ? (v - lo) / (hi - lo) : 0;
  }
  return { nodes, block, t, nb };
}

/**
 * Largest factors by which one seed's Ḋ/S_K can change between points at distance ≥ d cm from it, from
 * the model tables: log-slope of F per radian of θ, ratio max F / min F, log-slope of g_L and F per cm.
 */
export function variationBound(model: SourceModel, dCm: number): { perRad: number; fRatio: number; perCm: number } {
  const { rCm, thetaDeg, F } = model.anisotropyFunction;
  let i0 = 0;
  while (i0 + 1 < rCm.length && rCm[i0 + 1] <= dCm) i0++;
  let perRad = 0;
  let fMin = Infinity;
  let fMax = 0;
  for (let i = i0; i < rCm.length; i++) {
    for (let j = 0; j < thetaDeg.length; j++) {
      fMin = Math.min(fMin, F[j][i]);
      fMax = Math.max(fMax, F[j][i]);
      if (j + 1 < thetaDeg.length) {
        const dth = ((thetaDeg[j + 1] - thetaDeg[j]) * Math.PI) / 180;
        perRad = Math.max(perRad, Math.abs(Math.log(F[j + 1][i] / F[j][i])) / dth);
      }
    }
  }
  let perCm = 0;
  for (let j = 0; j < thetaDeg.length; j++) {
    for (let i = i0; i + 1 < rCm.length; i++) perCm = Math.max(perCm, Math.abs(Math.log(F[j][i + 1] / F[j][i])) / (rCm[i + 1] - rCm[i]));
  }
  const { rCm: gr, gL } = model.radialDoseFunction;
  let gPerCm = 0;
  for (let i = 0; i + 1 < gr.length; i++) if (gr[i + 1] > dCm || i + 2 === gr.length) gPerCm = Math.max(gPerCm, Math.abs(Math.log(gL[i + 1] / gL[i])) / (gr[i + 1] - gr[i]));
  return { perRad, fRatio: fMax / fMin, perCm: perCm + gPerCm };
}

/**
 * ρ(d): bound on Ḋ(x)/Ḋ(y) for one seed and any two points x, y of a block of diagonal `diagCm` whose
 * nearest point is d cm from the seed: inverse square × angular (F) × radial (g_L, F) × line-source
 * shape (G_L·r² between its on-axis and transverse values at d).
 */
export function blockRatioBound(model: SourceModel, dCm: number, diagCm: number): number {
  const v = variationBound(model, dCm);
  const L = model.activeLengthCm;
  const inverseSquare = ((dCm + diagCm) / dCm) ** 2;
  const dTheta = 2 * Math.asin(Math.min(1, diagCm / 2 / (dCm + diagCm / 2)));
  const angular = Math.min(v.fRatio, Math.exp(v.perRad * dTheta));
  const radial = Math.exp(v.perCm * diagCm);
  const shape = (dCm * dCm) / (dCm * dCm - (L * L) / 4) / ((2 * Math.atan(L / (2 * dCm)) * dCm) / L);
  return inverseSquare * angular * radial * shape;
}

/** Dose-rate grid (cGy/h) of one seed model over a CT geometry (or a slab of one). */
export class DoseEngine {
  readonly geometry: VolumeGeometry;
  readonly model: SourceModel;
  private readonly grid: GridCm;
  private readonly B: number;
  private readonly fraction: number;
  private readonly ax: [Axis, Axis, Axis];
  private readonly lattice: Float64Array;
  private readonly fine: Float64Array;
  private readonly refined: Uint8Array;
  private readonly dMin: Float64Array;
  private readonly argMin: Int32Array;
  private readonly blockCentre: Float64Array;
  private readonly halfDiagCm: number;
  private readonly nearCm: number;
  /** ρ(d) sampled every RATIO_STEP_CM from nearCm (value at the lower end of each step: conservative). */
  private readonly ratioTable: Float64Array;
  private readonly scratch: Float64Array;
  private slots: (Seed | null)[] = [];
  private slotsCm: (SeedCm | null)[] = [];
  private readonly slotOf = new Map<string, number>();
  private maxCGyPerH = 0;

  constructor(geometry: VolumeGeometry, model: SourceModel, options: DoseEngineOptions = {}) {
    const [nx, ny, nz] = geometry.dimensions;
    if (![nx, ny, nz].every((n) => Number.isInteger(n) && n > 0)) throw new Error(`dose grid dimensions must be positive integers, got ${geometry.dimensions.join('×')}`);
    if (!geometry.spacingMm.every((s) => s > 0 && Number.isFinite(s))) throw new Error(`dose grid spacing must be positive (mm), got ${geometry.spacingMm.join(', ')}`);
    this.geometry = geometry;
    this.model = model;
    this.grid = gridCm(geometry);
    this.B = Math.max(1, Math.floor(options.blockSize ?? 4));
    this.fraction = options.exactAboveFractionOfMax ?? 0.05;
    this.ax = [makeAxis(nx, this.B), makeAxis(ny, this.B), makeAxis(nz, this.B)];
    const [X, Y, Z] = this.ax;
    this.lattice = new Float64Array(X.nodes.length * Y.nodes.length * Z.nodes.length);
    this.fine = new Float64Array(nx * ny * nz);
    const nBlocks = X.nb * Y.nb * Z.nb;
    this.refined = new Uint8Array(nBlocks);
    this.dMin = new Float64Array(nBlocks).fill(Infinity);
    this.argMin = new Int32Array(nBlocks).fill(-1);
    this.blockCentre = new Float64Array(nBlocks * 3);
    const g = this.grid;
    for (let bz = 0; bz < Z.nb; bz++) {
      for (let by = 0; by < Y.nb; by++) {
        for (let bx = 0; bx < X.nb; bx++) {
          const ci = (X.nodes[bx] + X.nodes[Math.min(bx + 1, X.nodes.length - 1)]) / 2;
          const cj = (Y.nodes[by] + Y.nodes[Math.min(by + 1, Y.nodes.length - 1)]) / 2;
          const ck = (Z.nodes[bz] + Z.nodes[Math.min(bz + 1, Z.nodes.length - 1)]) / 2;
          const b = 3 * (bx + X.nb * (by + Y.nb * bz));
          for (let d = 0; d < 3; d++) this.blockCentre[b + d] = g.o[d] + ci * g.a[d] + cj * g.b[d] + ck * g.c[d];
        }
      }
    }
    const len2 = (v: Vec3): number => v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    // Block diagonal (direction cosines orthonormal, as for every CT geometry).
    const diag = this.B * Math.sqrt(len2(g.a) + len2(g.b) + len2(g.c));
    this.halfDiagCm = diag / 2;
    this.nearCm = Math.max(0.5, diag);
    this.ratioTable = new Float64Array(Math.ceil((RATIO_MAX_CM - this.nearCm) / RATIO_STEP_CM) + 1);
    for (let q = 0; q < this.ratioTable.length; q++) this.ratioTable[q] = blockRatioBound(model, this.nearCm + q * RATIO_STEP_CM, diag);
    this.scratch = new Float64Array(Math.max(nx, X.nodes.length));
  }

  /** Seeds currently in the plan. */
  listSeeds(): Seed[] {
    return this.slots.filter((s): s is Seed => s !== null).map(copySeed);
  }

  /** Replaces every seed and recomputes the grid from scratch. */
  setSeeds(seeds: readonly Seed[]): void {
    const ids = new Set<string>();
    const cm = seeds.map((s) => {
      if (ids.has(s.id)) throw new Error(`duplicate seed id "${s.id}"`);
      ids.add(s.id);
      return seedInCm(s);
    });
    this.slots = seeds.map(copySeed);
    this.slotsCm = cm;
    this.slotOf.clear();
    this.slots.forEach((s, i) => s && this.slotOf.set(s.id, i));
    this.lattice.fill(0);
    this.addToLattice(cm);
    this.dMin.fill(Infinity);
    this.argMin.fill(-1);
    for (let i = 0; i < cm.length; i++) this.lowerDistances(i);
    this.refined.fill(0);
    this.maxCGyPerH = this.latticeMax();
    this.refreshRefinement(true);
  }

  /** Adds one seed (its contribution only). */
  addSeed(seed: Seed): void {
    if (this.slotOf.has(seed.id)) throw new Error(`seed "${seed.id}" already exists`);
    const cm = seedInCm(seed);
    const slot = this.slots.length;
    this.slots.push(copySeed(seed));
    this.slotsCm.push(cm);
    this.slotOf.set(seed.id, slot);
    this.applyDelta([cm]);
    this.lowerDistances(slot);
    this.afterChange();
  }

  /** Removes one seed (subtracts its contribution). */
  removeSeed(id: string): void {
    const slot = this.slotOf.get(id);
    const old = slot === undefined ? null : this.slotsCm[slot];
    if (slot === undefined || !old) throw new Error(`no seed "${id}"`);
    this.slots[slot] = null;
    this.slotsCm[slot] = null;
    this.slotOf.delete(id);
    this.applyDelta([{ ...old, sk: -old.sk }]);
    this.recomputeDistancesOf(slot);
    this.afterChange();
  }

  /** Moves / re-orients / re-strengths one seed: subtracts the old contribution and adds the new one. */
  updateSeed(seed: Seed): void {
    const slot = this.slotOf.get(seed.id);
    const old = slot === undefined ? null : this.slotsCm[slot];
    if (slot === undefined || !old) throw new Error(`no seed "${seed.id}"`);
    const cm = seedInCm(seed);
    this.slots[slot] = copySeed(seed);
    this.slotsCm[slot] = cm;
    this.applyDelta([{ ...old, sk: -old.sk }, cm]);
    this.recomputeDistancesOf(slot);
    this.lowerDistances(slot);
    this.afterChange();
  }

  /** Largest Ḋ₀ on the grid, cGy/h. */
  maxDoseRateCGyPerH(): number {
    return this.maxCGyPerH;
  }

  /** Fraction of blocks evaluated voxel by voxel (the rest is interpolated below 5% of the maximum). */
  refinedFraction(): number {
    let n = 0;
    for (let b = 0; b < this.refined.length; b++) n += this.refined[b];
    return n / this.refined.length;
  }

  /** Ḋ₀ (cGy/h) at voxel (i, j, k). */
  doseRateAt(i: number, j: number, k: number): number {
    const [X, Y, Z] = this.ax;
    const [nx, ny] = this.geometry.dimensions;
    const b = X.block[i] + X.nb * (Y.block[j] + Y.nb * Z.block[k]);
    if (this.refined[b]) return this.fine[i + nx * (j + ny * k)];
    return this.interpolate(i, j, k);
  }

  /**
   * Number of voxels of slices 0 … kLimit-1 with Ḋ₀ ≥ `levelCGyPerH`. Interpolated blocks never exceed
   * their largest corner, so blocks whose corners are all below the level are skipped.
   */
  countAtLeast(levelCGyPerH: number, kLimit = this.geometry.dimensions[2]): number {
    const [nx, ny, nz] = this.geometry.dimensions;
    const [X, Y, Z] = this.ax;
    let count = 0;
    for (let b = 0; b < this.refined.length; b++) {
      const refined = this.refined[b] === 1;
      if (!refined && this.corner(b, true) < levelCGyPerH) continue;
      const [i0, i1] = this.range(X, b % X.nb, nx);
      const [j0, j1] = this.range(Y, Math.floor(b / X.nb) % Y.nb, ny);
      const [k0, k1] = this.range(Z, Math.floor(b / (X.nb * Y.nb)), nz);
      for (let k = k0; k < Math.min(k1, kLimit); k++) {
        for (let j = j0; j < j1; j++) {
          const base = nx * (j + ny * k);
          for (let i = i0; i < i1; i++) if ((refined ? this.fine[base + i] : this.interpolate(i, j, k)) >= levelCGyPerH) count++;
        }
      }
    }
    return count;
  }

  /** Ḋ₀ (cGy/h) at a patient point (mm), trilinear between voxel centres; NaN outside the grid. */
  doseRateAtPoint(pMm: Vec3): number {
    const [x, y, z] = patientToVoxel(this.geometry, pMm);
    const [nx, ny, nz] = this.geometry.dimensions;
    const eps = 1e-6;
    if (x < -eps || y < -eps || z < -eps || x > nx - 1 + eps || y > ny - 1 + eps || z > nz - 1 + eps) return NaN;
    const i = Math.min(Math.max(0, Math.floor(x)), Math.max(0, nx - 2));
    const j = Math.min(Math.max(0, Math.floor(y)), Math.max(0, ny - 2));
    const k = Math.min(Math.max(0, Math.floor(z)), Math.max(0, nz - 2));
    const tx = nx > 1 ? Math.min(1, Math.max(0, x - i)) : 0;
    const ty = ny > 1 ? Math.min(1, Math.max(0, y - j)) : 0;
    const tz = nz > 1 ? Math.min(1, Math.max(0, z - k)) : 0;
    const i1 = Math.min(i + 1, nx - 1);
    const j1 = Math.min(j + 1, ny - 1);
    const k1 = Math.min(k + 1, nz - 1);
    const f = (a: number, b: number, c: number): number => this.doseRateAt(a, b, c);
    const c00 = f(i, j, k) + (f(i1, j, k) - f(i, j, k)) * tx;
    const c10 = f(i, j1, k) + (f(i1, j1, k) - f(i, j1, k)) * tx;
    const c01 = f(i, j, k1) + (f(i1, j, k1) - f(i, j, k1)) * tx;
    const c11 = f(i, j1, k1) + (f(i1, j1, k1) - f(i, j1, k1)) * tx;
    const c0 = c00 + (c10 - c00) * ty;
    const c1 = c01 + (c11 - c01) * ty;
    return c0 + (c1 - c0) * tz;
  }

  /**
   * Writes Ḋ₀ (cGy/h) of slices k0 … k1-1 into `out` (index i + j·nx + (k − k0)·nx·ny, default the
   * whole grid), scaled by `scale` (e.g. τ/100 for total dose in Gy).
   */
  fillDoseRate(out: Float32Array | Float64Array, k0 = 0, k1 = this.geometry.dimensions[2], scale = 1): void {
    const [X, Y, Z] = this.ax;
    const [nx, ny] = this.geometry.dimensions;
    if (out.length < nx * ny * (k1 - k0)) throw new Error('output array too small for the requested slices');
    for (let k = k0; k < k1; k++) {
      for (let j = 0; j < ny; j++) {
        const rowB = X.nb * (Y.block[j] + Y.nb * Z.block[k]);
        const src = nx * (j + ny * k);
        const dst = nx * (j + ny * (k - k0));
        for (let i = 0; i < nx; i++) {
          const v = this.refined[X.block[i] + rowB] ? this.fine[src + i] : this.interpolate(i, j, k);
          out[dst + i] = (v > 0 ? v : 0) * scale;
        }
      }
    }
  }

  private interpolate(i: number, j: number, k: number): number {
    const [X, Y, Z] = this.ax;
    const nnx = X.nodes.length;
    const nny = Y.nodes.length;
    const bx = X.block[i];
    const by = Y.block[j];
    const bz = Z.block[k];
    const tx = X.t[i];
    const ty = Y.t[j];
    const tz = Z.t[k];
    const x1 = Math.min(bx + 1, nnx - 1) - bx;
    const y1 = (Math.min(by + 1, nny - 1) - by) * nnx;
    const z1 = (Math.min(bz + 1, Z.nodes.length - 1) - bz) * nnx * nny;
    const L = this.lattice;
    const o = bx + nnx * (by + nny * bz);
    const c00 = L[o] + (L[o + x1] - L[o]) * tx;
    const c10 = L[o + y1] + (L[o + y1 + x1] - L[o + y1]) * tx;
    const c01 = L[o + z1] + (L[o + z1 + x1] - L[o + z1]) * tx;
    const c11 = L[o + z1 + y1] + (L[o + z1 + y1 + x1] - L[o + z1 + y1]) * tx;
    const c0 = c00 + (c10 - c00) * ty;
    const c1 = c01 + (c11 - c01) * ty;
    return c0 + (c1 - c0) * tz;
  }

  private addToLattice(seeds: SeedCm[]): void {
    const [X, Y, Z] = this.ax;
    const nnx = X.nodes.length;
    const nny = Y.nodes.length;
    const regular = X.nodes.length > 1 && X.nodes[nnx - 1] - X.nodes[nnx - 2] !== this.B ? nnx - 1 : nnx;
    for (let kz = 0; kz < Z.nodes.length; kz++) {
      for (let jy = 0; jy < nny; jy++) {
        const base = nnx * (jy + nny * kz);
        addSeedsAlongRow(this.lattice, base, 1, this.grid, Y.nodes[jy], Z.nodes[kz], 0, this.B, regular, seeds, 1, this.model, this.scratch);
        if (regular < nnx) {
          addSeedsAlongRow(this.lattice, base + nnx - 1, 1, this.grid, Y.nodes[jy], Z.nodes[kz], X.nodes[nnx - 1], 1, 1, seeds, 1, this.model, this.scratch);
        }
      }
    }
  }

  private latticeMax(): number {
    let m = 0;
    for (let i = 0; i < this.lattice.length; i++) if (this.lattice[i] > m) m = this.lattice[i];
    return m;
  }

  /** Voxel range of block b along an axis. */
  private range(A: Axis, b: number, n: number): [number, number] {
    const lo = A.nodes[b];
    const hi = b === A.nb - 1 ? n : A.nodes[b + 1];
    return [lo, hi];
  }

  /**
   * Calls `span` for every voxel row span of the blocks flagged in `which`, consecutive flagged blocks along i
   * joined into one span: (first flat index, length, j, k, i0).
   */
  private forEachFlaggedSpan(which: Uint8Array, span: (base: number, count: number, j: number, k: number, i0: number) => void): void {
    const [X, Y, Z] = this.ax;
    const [nx, ny, nz] = this.geometry.dimensions;
    for (let bz = 0; bz < Z.nb; bz++) {
      const [k0, k1] = this.range(Z, bz, nz);
      for (let by = 0; by < Y.nb; by++) {
        const [j0, j1] = this.range(Y, by, ny);
        const row = X.nb * (by + Y.nb * bz);
        let bx = 0;
        while (bx < X.nb) {
          if (!which[bx + row]) {
            bx++;
            continue;
          }
          let ex = bx;
          while (ex + 1 < X.nb && which[ex + 1 + row]) ex++;
          const i0 = X.nodes[bx];
          const i1 = this.range(X, ex, nx)[1];
          for (let k = k0; k < k1; k++) for (let j = j0; j < j1; j++) span(i0 + nx * (j + ny * k), i1 - i0, j, k, i0);
          bx = ex + 1;
        }
      }
    }
  }

  /** Evaluates `seeds` (weight 1) voxel by voxel over runs of blocks flagged in `which`; zeroes first when `reset`. */
  private addToBlocks(which: Uint8Array, seeds: SeedCm[], reset: boolean): void {
    this.forEachFlaggedSpan(which, (base, count, j, k, i0) => {
      if (reset) this.fine.fill(0, base, base + count);
      addSeedsAlongRow(this.fine, base, 1, this.grid, j, k, i0, 1, count, seeds, 1, this.model, this.scratch);
    });
  }

  private liveSeedsCm(): SeedCm[] {
    return this.slotsCm.filter((s): s is SeedCm => s !== null);
  }

  private applyDelta(seeds: SeedCm[]): void {
    this.addToLattice(seeds);
    this.addToBlocks(this.refined, seeds, false);
  }

  /** Ratio bound ρ(d) between Ḋ anywhere in a block and Ḋ at any of its corners, nearest seed d cm away. */
  private ratioBound(d: number): number {
    if (d < this.nearCm) return Infinity;
    const q = Math.min(this.ratioTable.length - 1, Math.floor((d - this.nearCm) / RATIO_STEP_CM));
    return this.ratioTable[q];
  }

  /** Smallest (or, with `largest`, largest) lattice value at the corners of block b. */
  private corner(b: number, largest: boolean): number {
    const [X, Y] = this.ax;
    const bx = b % X.nb;
    const by = Math.floor(b / X.nb) % Y.nb;
    const bz = Math.floor(b / (X.nb * Y.nb));
    const nnx = X.nodes.length;
    const nny = Y.nodes.length;
    const nnz = this.ax[2].nodes.length;
    let m = this.lattice[bx + nnx * (by + nny * bz)];
    for (let dz = 0; dz < 2; dz++) {
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const v = this.lattice[Math.min(bx + dx, nnx - 1) + nnx * (Math.min(by + dy, nny - 1) + nny * Math.min(bz + dz, nnz - 1))];
          if (largest ? v > m : v < m) m = v;
        }
      }
    }
    return m;
  }

  /** Lowers per-block nearest-seed distances with the seed in `slot`. */
  private lowerDistances(slot: number): void {
    const s = this.slotsCm[slot];
    if (!s) return;
    const c = this.blockCentre;
    for (let b = 0; b < this.dMin.length; b++) {
      const d = Math.max(0, dist(c, b, s.p) - this.halfDiagCm);
      if (d < this.dMin[b]) {
        this.dMin[b] = d;
        this.argMin[b] = slot;
      }
    }
  }

  /** Recomputes nearest-seed distances of blocks whose nearest seed was `slot`. */
  private recomputeDistancesOf(slot: number): void {
    const c = this.blockCentre;
    for (let b = 0; b < this.dMin.length; b++) {
      if (this.argMin[b] !== slot) continue;
      let best = Infinity;
      let arg = -1;
      for (let i = 0; i < this.slotsCm.length; i++) {
        const s = this.slotsCm[i];
        if (!s) continue;
        const d = Math.max(0, dist(c, b, s.p) - this.halfDiagCm);
        if (d < best) {
          best = d;
          arg = i;
        }
      }
      this.dMin[b] = best;
      this.argMin[b] = arg;
    }
  }

  private afterChange(): void {
    this.maxCGyPerH = Math.max(this.latticeMax(), this.fineMax(this.refined));
    this.refreshRefinement(false);
  }

  /**
   * Refines every block that is near a seed or whose dose could reach the exact-dose threshold;
   * un-refines (hysteresis) blocks now far below it. First pass of a full computation when `full`.
   */
  private refreshRefinement(full: boolean): void {
    const seeds = this.liveSeedsCm();
    const n = this.refined.length;
    const add = new Uint8Array(n);
    let any = false;
    // Near-seed blocks first: they hold the maximum.
    for (let b = 0; b < n; b++) {
      if (!this.refined[b] && this.dMin[b] < this.nearCm) {
        add[b] = 1;
        any = true;
      }
    }
    if (any) this.commit(add, seeds);
    if (full || any) this.maxCGyPerH = Math.max(this.maxCGyPerH, this.fineMax(add));
    const threshold = 0.9 * this.fraction * this.maxCGyPerH;
    add.fill(0);
    any = false;
    // Block by block (bx fastest, b = bx + nbx·(by + nby·bz)) with the smallest Ḋ at its 8 lattice corners.
    const [X, Y, Z] = this.ax;
    const nnx = X.nodes.length;
    const nny = Y.nodes.length;
    const nnz = Z.nodes.length;
    const L = this.lattice;
    let b = 0;
    for (let bz = 0; bz < Z.nb; bz++) {
      const z0 = nnx * nny * bz;
      const z1 = nnx * nny * Math.min(bz + 1, nnz - 1);
      for (let by = 0; by < Y.nb; by++) {
        const y0 = nnx * by;
        const y1 = nnx * Math.min(by + 1, nny - 1);
        for (let bx = 0; bx < X.nb; bx++, b++) {
          const x1 = Math.min(bx + 1, nnx - 1);
          const minCorner = Math.min(
            L[bx + y0 + z0], L[x1 + y0 + z0], L[bx + y1 + z0], L[x1 + y1 + z0],
            L[bx + y0 + z1], L[x1 + y0 + z1], L[bx + y1 + z1], L[x1 + y1 + z1],
          );
          const rho = this.ratioBound(this.dMin[b]);
          const bound = rho * minCorner;
          if (!this.refined[b]) {
            if (bound >= threshold) {
              add[b] = 1;
              any = true;
            }
          } else if (rho !== Infinity && bound < 0.4 * threshold) {
            this.refined[b] = 0; // far below the threshold now: interpolate (fine values become stale)
          }
        }
      }
    }
    if (any) this.commit(add, seeds);
  }

  private commit(add: Uint8Array, seeds: SeedCm[]): void {
    this.addToBlocks(add, seeds, true);
    for (let b = 0; b < add.length; b++) if (add[b]) this.refined[b] = 1;
  }

  /** Largest fine value over the blocks flagged in `which`. */
  private fineMax(which: Uint8Array): number {
    let m = 0;
    const fine = this.fine;
    this.forEachFlaggedSpan(which, (base, count) => {
      for (let i = base, e = base + count; i < e; i++) if (fine[i] > m) m = fine[i];
    });
    return m;
  }
}

function copySeed(s: Seed): Seed {
  return {
    id: s.id,
    positionMm: [s.positionMm[0], s.positionMm[1], s.positionMm[2]],
    axis: [s.axis[0], s.axis[1], s.axis[2]],
    airKermaStrengthU: s.airKermaStrengthU,
  };
}

function dist(c: Float64Array, b: number, p: Vec3): number {
  const dx = c[3 * b] - p[0];
  const dy = c[3 * b + 1] - p[1];
  const dz = c[3 * b + 2] - p[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}
