/**
 * Voxel boxes of a CT grid: cropping a geometry and masks to the region a plan works in, nearest-voxel mask
 * sampling at patient points, and an exact Euclidean distance transform (anisotropic spacing).
 */
import type { Vec3, VolumeGeometry } from '../geometry/volume';
import { patientToVoxel, voxelToPatient } from '../geometry/volume';

/** Inclusive voxel index box [min, max] of a grid. */
export interface VoxelBox {
  min: [number, number, number];
  max: [number, number, number];
}

/** Box of the non-zero voxels of a mask, or undefined when the mask is empty. */
export function maskBounds(mask: ArrayLike<number>, g: VolumeGeometry): VoxelBox | undefined {
  const [nx, ny, nz] = g.dimensions;
  const min: [number, number, number] = [nx, ny, nz];
  const max: [number, number, number] = [-1, -1, -1];
  for (let k = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        if (!mask[v]) continue;
        if (i < min[0]) min[0] = i;
        if (j < min[1]) min[1] = j;
        if (k < min[2]) min[2] = k;
        if (i > max[0]) max[0] = i;
        if (j > max[1]) max[1] = j;
        if (k > max[2]) max[2] = k;
      }
    }
  }
  return max[0] < 0 ? undefined : { min, max };
}

/** Union of boxes grown by `marginMm` on every side and clipped to the grid. */
export function growBox(g: VolumeGeometry, boxes: ReadonlyArray<VoxelBox | undefined>, marginMm: number): VoxelBox | undefined {
  const present = boxes.filter((b): b is VoxelBox => b !== undefined);
  if (present.length === 0) return undefined;
  const min: [number, number, number] = [0, 0, 0];
  const max: [number, number, number] = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const m = Math.ceil(marginMm / g.spacingMm[d]);
    min[d] = Math.max(0, Math.min(...present.map((b) => b.min[d])) - m);
    max[d] = Math.min(g.dimensions[d] - 1, Math.max(...present.map((b) => b.max[d])) + m);
  }
  return { min, max };
}

/** Box containing the given patient points (nearest voxels), clipped to the grid. */
export function pointsBox(g: VolumeGeometry, pointsMm: readonly Vec3[]): VoxelBox | undefined {
  if (pointsMm.length === 0) return undefined;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const p of pointsMm) {
    const v = patientToVoxel(g, p);
    for (let d = 0; d < 3; d++) {
      const x = Math.min(g.dimensions[d] - 1, Math.max(0, Math.round(v[d])));
      min[d] = Math.min(min[d], x);
      max[d] = Math.max(max[d], x);
    }
  }
  return { min, max };
}

/** Geometry of the sub-grid `box` (same spacing and orientation; voxel centres coincide with the parent's). */
export function cropGeometry(g: VolumeGeometry, box: VoxelBox): VolumeGeometry {
  return {
    dimensions: [box.max[0] - box.min[0] + 1, box.max[1] - box.min[1] + 1, box.max[2] - box.min[2] + 1],
    spacingMm: [g.spacingMm[0], g.spacingMm[1], g.spacingMm[2]],
    originMm: voxelToPatient(g, box.min[0], box.min[1], box.min[2]),
    direction: [[...g.direction[0]], [...g.direction[1]], [...g.direction[2]]] as [Vec3, Vec3, Vec3],
    ...(g.frameOfReferenceUID ? { frameOfReferenceUID: g.frameOfReferenceUID } : {}),
  };
}

/** Copies the voxels of `box` out of a full-grid mask (value ≠ 0 → 1, or == `label` → 1 when given). */
export function cropMask(mask: ArrayLike<number>, g: VolumeGeometry, box: VoxelBox, label?: number): Uint8Array {
  const [nx, ny] = g.dimensions;
  const cx = box.max[0] - box.min[0] + 1;
  const cy = box.max[1] - box.min[1] + 1;
  const cz = box.max[2] - box.min[2] + 1;
  const out = new Uint8Array(cx * cy * cz);
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      const src = box.min[0] + nx * (box.min[1] + j + ny * (box.min[2] + k));
      const dst = cx * (j + cy * k);
      for (let i = 0; i < cx; i++) {
        const m = mask[src + i];
        out[dst + i] = label === undefined ? (m ? 1 : 0) : m === label ? 1 : 0;
      }
    }
  }
  return out;
}

/** Value of a mask at the voxel nearest to a patient point; 0 outside the grid. */
export function sampleMaskNearest(mask: ArrayLike<number>, g: VolumeGeometry, pMm: Vec3): number {
  const v = patientToVoxel(g, pMm);
  const i = Math.round(v[0]);
  const j = Math.round(v[1]);
  const k = Math.round(v[2]);
  const [nx, ny, nz] = g.dimensions;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return 0;
  return mask[i + nx * (j + ny * k)];
}

/** Squared 1-D distance transform (Felzenszwalb & Huttenlocher 2012) of f along a line, sample step `h` mm. */
function edt1d(f: Float64Array, n: number, h: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  const h2 = h * h;
  for (let q = 1; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (f[v[k]] === Infinity) {
      v[k] = q;
      continue;
    }
    let s = (f[q] + h2 * q * q - (f[v[k]] + h2 * v[k] * v[k])) / (2 * h2 * (q - v[k]));
    while (k > 0 && s <= z[k]) {
      k--;
      s = (f[q] + h2 * q * q - (f[v[k]] + h2 * v[k] * v[k])) / (2 * h2 * (q - v[k]));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (f[v[0]] === Infinity) {
    out.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const d = q - v[k];
    out[q] = h2 * d * d + f[v[k]];
  }
}

/**
 * Exact Euclidean distance (mm) from every voxel centre to the nearest non-zero voxel centre of `mask`
 * (0 inside the mask, Infinity when the mask is empty), separable in i, j, k with the grid spacing.
 */
export function distanceToMaskMm(mask: ArrayLike<number>, g: VolumeGeometry): Float32Array {
  const [nx, ny, nz] = g.dimensions;
  const n = nx * ny * nz;
  const d2 = new Float64Array(n);
  for (let v = 0; v < n; v++) d2[v] = mask[v] ? 0 : Infinity;
  const len = Math.max(nx, ny, nz);
  const f = new Float64Array(len);
  const out = new Float64Array(len);
  const vv = new Int32Array(len);
  const zz = new Float64Array(len + 1);
  const pass = (count: number, stride: number, h: number, starts: (emit: (base: number) => void) => void): void => {
    starts((base) => {
      for (let q = 0; q < count; q++) f[q] = d2[base + q * stride];
      edt1d(f, count, h, out, vv, zz);
      for (let q = 0; q < count; q++) d2[base + q * stride] = out[q];
    });
  };
  pass(nx, 1, g.spacingMm[0], (emit) => {
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) emit(nx * (j + ny * k));
  });
  pass(ny, nx, g.spacingMm[1], (emit) => {
    for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) emit(i + nx * ny * k);
  });
  pass(nz, nx * ny, g.spacingMm[2], (emit) => {
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) emit(i + nx * j);
  });
  const dist = new Float32Array(n);
  for (let v = 0; v < n; v++) dist[v] = Math.sqrt(d2[v]);
  return dist;
}
