/**
 * Sub-voxel boundaries of binary masks. A segmentation sampled at voxel centres only says on which side of a
 * boundary each centre lies; smoothing the 0/1 indicator with a small Gaussian and taking its 0.5 level set with
 * trilinear interpolation anti-aliases the staircase of oblique and curved surfaces (the pedicle walls), which is
 * what makes 0.5 mm wall clearances meaningful on 1 mm × 1 mm × 1.5 mm CT voxels.
 */
import { patientToVoxel, voxelToPatient, type Vec3, type VolumeGeometry } from './volume';

/** A smoothed 0…1 indicator of a mask, stored on a crop of the CT grid around the mask. */
export interface SmoothedIndicator {
  /** The full CT grid the crop belongs to. */
  geometry: VolumeGeometry;
  /** First voxel index of the crop along i, j, k. */
  origin: [number, number, number];
  /** Crop size along i, j, k. */
  size: [number, number, number];
  /** Smoothed indicator on the crop (i fastest). */
  values: Float32Array;
  /** Number of mask voxels. */
  voxelCount: number;
  /** Centroid of the mask voxels (patient mm). */
  centroidMm: Vec3;
}

/** Default Gaussian width of the indicator smoothing (mm): about 0.7 of an in-plane voxel. */
export const DEFAULT_INDICATOR_SIGMA_MM = 0.7;

function gaussianKernel(sigmaVoxels: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigmaVoxels));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    const w = Math.exp(-(t * t) / (2 * sigmaVoxels * sigmaVoxels));
    k[t + radius] = w;
    sum += w;
  }
  for (let t = 0; t < k.length; t++) k[t] /= sum;
  return k;
}

/** In-place separable convolution of a crop along one axis (zero outside the crop). */
function convolveAxis(values: Float32Array, size: [number, number, number], axis: 0 | 1 | 2, kernel: Float64Array): void {
  const [nx, ny] = size;
  const n = size[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const radius = (kernel.length - 1) / 2;
  const line = new Float64Array(n);
  const outer0 = axis === 0 ? ny * size[2] : axis === 1 ? nx * size[2] : nx * ny;
  for (let o = 0; o < outer0; o++) {
    let base: number;
    if (axis === 0) base = o * nx;
    else if (axis === 1) base = (o % nx) + Math.floor(o / nx) * nx * ny;
    else base = o;
    for (let t = 0; t < n; t++) line[t] = values[base + t * stride];
    for (let t = 0; t < n; t++) {
      let acc = 0;
      const lo = Math.max(0, t - radius);
      const hi = Math.min(n - 1, t + radius);
      for (let s = lo; s <= hi; s++) acc += line[s] * kernel[s - t + radius];
      values[base + t * stride] = acc;
    }
  }
}

/**
 * Smoothed indicator of a 0/1 mask on the CT grid; undefined when the mask is empty.
 * @param sigmaMm Gaussian width in mm (per axis converted to voxels with the spacing).
 */
export function smoothedIndicator(geometry: VolumeGeometry, mask: Uint8Array, sigmaMm = DEFAULT_INDICATOR_SIGMA_MM): SmoothedIndicator | undefined {
  const [nx, ny, nz] = geometry.dimensions;
  let i0 = nx, j0 = ny, k0 = nz, i1 = -1, j1 = -1, k1 = -1;
  let count = 0;
  let si = 0, sj = 0, sk = 0;
  for (let k = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        if (!mask[v]) continue;
        count++;
        si += i; sj += j; sk += k;
        if (i < i0) i0 = i;
        if (i > i1) i1 = i;
        if (j < j0) j0 = j;
        if (j > j1) j1 = j;
        if (k < k0) k0 = k;
        if (k > k1) k1 = k;
      }
    }
  }
  if (count === 0) return undefined;
  const pad = geometry.spacingMm.map((s) => Math.ceil((3 * sigmaMm) / s) + 2);
  const origin: [number, number, number] = [i0 - pad[0], j0 - pad[1], k0 - pad[2]];
  const size: [number, number, number] = [i1 - i0 + 1 + 2 * pad[0], j1 - j0 + 1 + 2 * pad[1], k1 - k0 + 1 + 2 * pad[2]];
  const values = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = 0; k < size[2]; k++) {
    const gk = k + origin[2];
    if (gk < 0 || gk >= nz) continue;
    for (let j = 0; j < size[1]; j++) {
      const gj = j + origin[1];
      if (gj < 0 || gj >= ny) continue;
      const src = (gk * ny + gj) * nx;
      const dst = (k * size[1] + j) * size[0];
      for (let i = 0; i < size[0]; i++) {
        const gi = i + origin[0];
        if (gi >= 0 && gi < nx && mask[src + gi]) values[dst + i] = 1;
      }
    }
  }
  for (const axis of [0, 1, 2] as const) {
    const sigmaVoxels = sigmaMm / geometry.spacingMm[axis];
    if (sigmaVoxels >= 0.15) convolveAxis(values, size, axis, gaussianKernel(sigmaVoxels));
  }
  return { geometry, origin, size, values, voxelCount: count, centroidMm: voxelToPatient(geometry, si / count, sj / count, sk / count) };
}

/** Trilinear value of the indicator at fractional crop coordinates (0 outside the crop). */
function sampleCrop(ind: SmoothedIndicator, x: number, y: number, z: number): number {
  const [nx, ny, nz] = ind.size;
  if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) return 0;
  const ix = Math.min(nx - 2, Math.floor(x));
  const iy = Math.min(ny - 2, Math.floor(y));
  const iz = Math.min(nz - 2, Math.floor(z));
  const fx = x - ix, fy = y - iy, fz = z - iz;
  const v = ind.values;
  const b = ix + nx * (iy + ny * iz);
  const sxy = nx * ny;
  const c00 = v[b] * (1 - fx) + v[b + 1] * fx;
  const c10 = v[b + nx] * (1 - fx) + v[b + nx + 1] * fx;
  const c01 = v[b + sxy] * (1 - fx) + v[b + sxy + 1] * fx;
  const c11 = v[b + sxy + nx] * (1 - fx) + v[b + sxy + nx + 1] * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}

/** Smoothed indicator (0…1) at a patient point; ≥ 0.5 means inside the mask's sub-voxel surface. */
export function sampleIndicator(ind: SmoothedIndicator, pMm: Vec3): number {
  const v = patientToVoxel(ind.geometry, pMm);
  return sampleCrop(ind, v[0] - ind.origin[0], v[1] - ind.origin[1], v[2] - ind.origin[2]);
}

/** Points on the 0.5 level set of an indicator, with outward unit normals. */
export interface SurfacePoints {
  count: number;
  /** x, y, z per point (patient mm). */
  positionsMm: Float64Array;
  /** Outward unit normal per point (minus the indicator gradient). */
  normals: Float64Array;
}

/**
 * Samples the 0.5 level set of the indicator where it crosses the edges of a grid `refine` times finer than the CT
 * grid (the trilinear interpolant is linear along those edges, so each crossing is exact for the interpolant).
 */
export function extractSurface(ind: SmoothedIndicator, refine = 2): SurfacePoints {
  const [nx, ny, nz] = ind.size;
  const fx = (nx - 1) * refine + 1;
  const fy = (ny - 1) * refine + 1;
  const fz = (nz - 1) * refine + 1;
  const f = new Float32Array(fx * fy * fz);
  for (let c = 0, v = 0; c < fz; c++) for (let b = 0; b < fy; b++) for (let a = 0; a < fx; a++, v++) {
    f[v] = sampleCrop(ind, a / refine, b / refine, c / refine) - 0.5;
  }
  const pts: number[] = [];
  const strides = [1, fx, fx * fy];
  for (let c = 0, v = 0; c < fz; c++) for (let b = 0; b < fy; b++) for (let a = 0; a < fx; a++, v++) {
    const here = f[v];
    const idx = [a, b, c];
    const lim = [fx, fy, fz];
    for (let axis = 0; axis < 3; axis++) {
      if (idx[axis] + 1 >= lim[axis]) continue;
      const there = f[v + strides[axis]];
      if ((here < 0) === (there < 0)) continue;
      const t = here / (here - there);
      const p = [a / refine, b / refine, c / refine];
      p[axis] += t / refine;
      pts.push(p[0] + ind.origin[0], p[1] + ind.origin[1], p[2] + ind.origin[2]);
    }
  }
  const count = pts.length / 3;
  const positionsMm = new Float64Array(pts.length);
  const normals = new Float64Array(pts.length);
  const h = 0.5;
  for (let n = 0; n < count; n++) {
    const p = voxelToPatient(ind.geometry, pts[3 * n], pts[3 * n + 1], pts[3 * n + 2]);
    positionsMm[3 * n] = p[0];
    positionsMm[3 * n + 1] = p[1];
    positionsMm[3 * n + 2] = p[2];
    const g: Vec3 = [0, 0, 0];
    for (let axis = 0; axis < 3; axis++) {
      const plus: Vec3 = [p[0], p[1], p[2]];
      const minus: Vec3 = [p[0], p[1], p[2]];
      plus[axis] += h;
      minus[axis] -= h;
      g[axis] = sampleIndicator(ind, plus) - sampleIndicator(ind, minus);
    }
    const len = Math.hypot(g[0], g[1], g[2]) || 1;
    normals[3 * n] = -g[0] / len;
    normals[3 * n + 1] = -g[1] / len;
    normals[3 * n + 2] = -g[2] / len;
  }
  return { count, positionsMm, normals };
}

/** Keeps the surface points for which keep(index) is true. */
export function filterSurface(s: SurfacePoints, keep: (index: number) => boolean): SurfacePoints {
  const idx: number[] = [];
  for (let n = 0; n < s.count; n++) if (keep(n)) idx.push(n);
  const positionsMm = new Float64Array(idx.length * 3);
  const normals = new Float64Array(idx.length * 3);
  idx.forEach((n, m) => {
    for (let c = 0; c < 3; c++) {
      positionsMm[3 * m + c] = s.positionsMm[3 * n + c];
      normals[3 * m + c] = s.normals[3 * n + c];
    }
  });
  return { count: idx.length, positionsMm, normals };
}

/** Uniform-grid bucket index of surface points for neighbourhood queries. */
export interface PointBuckets {
  cellMm: number;
  min: Vec3;
  dims: [number, number, number];
  /** Start offset of each cell in `order` (length cells + 1). */
  starts: Int32Array;
  /** Point indices sorted by cell. */
  order: Int32Array;
}

export function bucketPoints(s: SurfacePoints, cellMm: number): PointBuckets {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let n = 0; n < s.count; n++) for (let c = 0; c < 3; c++) {
    const v = s.positionsMm[3 * n + c];
    if (v < min[c]) min[c] = v;
    if (v > max[c]) max[c] = v;
  }
  if (s.count === 0) { min[0] = min[1] = min[2] = 0; max[0] = max[1] = max[2] = 0; }
  const dims: [number, number, number] = [0, 1, 2].map((c) => Math.max(1, Math.floor((max[c] - min[c]) / cellMm) + 1)) as [number, number, number];
  const cellOf = new Int32Array(s.count);
  const counts = new Int32Array(dims[0] * dims[1] * dims[2] + 1);
  for (let n = 0; n < s.count; n++) {
    const i = Math.floor((s.positionsMm[3 * n] - min[0]) / cellMm);
    const j = Math.floor((s.positionsMm[3 * n + 1] - min[1]) / cellMm);
    const k = Math.floor((s.positionsMm[3 * n + 2] - min[2]) / cellMm);
    cellOf[n] = i + dims[0] * (j + dims[1] * k);
    counts[cellOf[n] + 1]++;
  }
  for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
  const fill = counts.slice();
  const order = new Int32Array(s.count);
  for (let n = 0; n < s.count; n++) order[fill[cellOf[n]]++] = n;
  return { cellMm, min, dims, starts: counts, order };
}

/** Calls fn for every point within radiusMm of q (bucketed search). */
export function forEachPointNear(s: SurfacePoints, b: PointBuckets, q: Vec3, radiusMm: number, fn: (index: number, d2: number) => void): void {
  const r2 = radiusMm * radiusMm;
  const lo = [0, 1, 2].map((c) => Math.max(0, Math.floor((q[c] - radiusMm - b.min[c]) / b.cellMm)));
  const hi = [0, 1, 2].map((c) => Math.min(b.dims[c] - 1, Math.floor((q[c] + radiusMm - b.min[c]) / b.cellMm)));
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) {
    const cell = i + b.dims[0] * (j + b.dims[1] * k);
    for (let o = b.starts[cell]; o < b.starts[cell + 1]; o++) {
      const n = b.order[o];
      const dx = s.positionsMm[3 * n] - q[0], dy = s.positionsMm[3 * n + 1] - q[1], dz = s.positionsMm[3 * n + 2] - q[2];
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 <= r2) fn(n, d2);
    }
  }
}

/** Solves the symmetric 6×6 system A x = b in place (Gaussian elimination with partial pivoting); false if singular. */
function solve6(A: Float64Array, b: Float64Array): boolean {
  const n = 6;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (Math.abs(A[piv * n + c]) < 1e-12) return false;
    if (piv !== c) {
      for (let k = 0; k < n; k++) { const t = A[c * n + k]; A[c * n + k] = A[piv * n + k]; A[piv * n + k] = t; }
      const t = b[c]; b[c] = b[piv]; b[piv] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
      b[r] -= f * b[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let acc = b[r];
    for (let k = r + 1; k < n; k++) acc -= A[r * n + k] * b[k];
    b[r] = acc / A[r * n + r];
  }
  return true;
}

/**
 * Moving-least-squares denoising of surface points: each point is moved along its normal onto a local quadratic
 * height field h(u, v) = a + b·u + c·v + d·u² + e·u·v + f·v² fitted (Gaussian weights) to its neighbours within
 * radiusMm. The quadratic term keeps curved walls unbiased while the voxel staircase averages out.
 */
export function smoothSurfacePoints(s: SurfacePoints, radiusMm = 2): SurfacePoints {
  const buckets = bucketPoints(s, radiusMm);
  const positionsMm = new Float64Array(s.positionsMm);
  const normals = new Float64Array(s.normals);
  const A = new Float64Array(36);
  const rhs = new Float64Array(6);
  const w2 = (radiusMm / 2) * (radiusMm / 2);
  for (let n = 0; n < s.count; n++) {
    const p: Vec3 = [s.positionsMm[3 * n], s.positionsMm[3 * n + 1], s.positionsMm[3 * n + 2]];
    const nrm: Vec3 = [s.normals[3 * n], s.normals[3 * n + 1], s.normals[3 * n + 2]];
    // Tangent frame.
    const helper: Vec3 = Math.abs(nrm[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    let t1: Vec3 = [nrm[1] * helper[2] - nrm[2] * helper[1], nrm[2] * helper[0] - nrm[0] * helper[2], nrm[0] * helper[1] - nrm[1] * helper[0]];
    const l1 = Math.hypot(t1[0], t1[1], t1[2]);
    t1 = [t1[0] / l1, t1[1] / l1, t1[2] / l1];
    const t2: Vec3 = [nrm[1] * t1[2] - nrm[2] * t1[1], nrm[2] * t1[0] - nrm[0] * t1[2], nrm[0] * t1[1] - nrm[1] * t1[0]];
    A.fill(0);
    rhs.fill(0);
    let used = 0;
    forEachPointNear(s, buckets, p, radiusMm, (m, d2) => {
      const nd = s.normals[3 * m] * nrm[0] + s.normals[3 * m + 1] * nrm[1] + s.normals[3 * m + 2] * nrm[2];
      if (nd < 0.5) return; // another sheet of the surface
      const dx = s.positionsMm[3 * m] - p[0], dy = s.positionsMm[3 * m + 1] - p[1], dz = s.positionsMm[3 * m + 2] - p[2];
      const u = dx * t1[0] + dy * t1[1] + dz * t1[2];
      const v = dx * t2[0] + dy * t2[1] + dz * t2[2];
      const h = dx * nrm[0] + dy * nrm[1] + dz * nrm[2];
      const w = Math.exp(-d2 / (2 * w2));
      const basis = [1, u, v, u * u, u * v, v * v];
      for (let r = 0; r < 6; r++) {
        rhs[r] += w * basis[r] * h;
        for (let c = 0; c < 6; c++) A[r * 6 + c] += w * basis[r] * basis[c];
      }
      used++;
    });
    if (used < 10 || !solve6(A, rhs)) continue;
    const a = Math.max(-1, Math.min(1, rhs[0]));
    positionsMm[3 * n] = p[0] + a * nrm[0];
    positionsMm[3 * n + 1] = p[1] + a * nrm[1];
    positionsMm[3 * n + 2] = p[2] + a * nrm[2];
    // Normal of the fitted height field at the point: n − h_u·t1 − h_v·t2.
    const gx = nrm[0] - rhs[1] * t1[0] - rhs[2] * t2[0];
    const gy = nrm[1] - rhs[1] * t1[1] - rhs[2] * t2[1];
    const gz = nrm[2] - rhs[1] * t1[2] - rhs[2] * t2[2];
    const gl = Math.hypot(gx, gy, gz);
    normals[3 * n] = gx / gl;
    normals[3 * n + 1] = gy / gl;
    normals[3 * n + 2] = gz / gl;
  }
  return { count: s.count, positionsMm, normals };
}
