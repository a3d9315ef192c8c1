/**
 * The dose grid of the viewer: the CT's orientation, cropped to the planning region (segmented vertebrae and
 * seeds + a margin) and sampled at an isotropic spacing (1 mm by default), plus resampling of CT label maps
 * onto it (nearest CT voxel, i.e. voxel-centre inclusion).
 */
import type { Vec3, VolumeGeometry } from '../../geometry/volume';
import { patientToVoxel, voxelToPatient } from '../../geometry/volume';

export interface DoseGridOptions {
  /** Dose voxel size (mm), default 1. */
  spacingMm?: number;
  /** Margin around the region (mm), default 10. */
  marginMm?: number;
}

/** A box of CT voxel indices (inclusive). */
export interface VoxelBox {
  min: [number, number, number];
  max: [number, number, number];
}

/** Smallest CT voxel box holding the boxes and the points (patient mm); undefined when both are empty. */
export function regionBox(ct: VolumeGeometry, boxes: readonly VoxelBox[], pointsMm: readonly Vec3[]): VoxelBox | undefined {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const b of boxes) for (let a = 0; a < 3; a++) {
    min[a] = Math.min(min[a], b.min[a]);
    max[a] = Math.max(max[a], b.max[a]);
  }
  for (const p of pointsMm) {
    const v = patientToVoxel(ct, p);
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], Math.floor(v[a]));
      max[a] = Math.max(max[a], Math.ceil(v[a]));
    }
  }
  if (!Number.isFinite(min[0])) return undefined;
  return { min, max };
}

/**
 * Dose grid over a CT voxel box grown by the margin and clipped to the CT: same direction cosines as the CT,
 * spacing `spacingMm` on every axis, first voxel centre on the box corner.
 */
export function doseGridForBox(ct: VolumeGeometry, box: VoxelBox, options: DoseGridOptions = {}): VolumeGeometry {
  const spacing = options.spacingMm ?? 1;
  const margin = options.marginMm ?? 10;
  if (!(spacing > 0)) throw new Error(`dose grid spacing must be > 0 mm, got ${spacing}`);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    const m = margin / ct.spacingMm[a];
    lo.push(Math.max(0, box.min[a] - m));
    hi.push(Math.min(ct.dimensions[a] - 1, box.max[a] + m));
    if (hi[a] < lo[a]) throw new Error('the planning region lies outside the CT');
  }
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.floor(((hi[a] - lo[a]) * ct.spacingMm[a]) / spacing) + 1)) as [number, number, number];
  return {
    dimensions: dims,
    spacingMm: [spacing, spacing, spacing],
    originMm: voxelToPatient(ct, lo[0], lo[1], lo[2]),
    direction: ct.direction,
    frameOfReferenceUID: ct.frameOfReferenceUID,
  };
}

/** True when grid `inner` lies inside grid `outer` (same orientation assumed), within `tolMm`. */
export function gridContains(outer: VolumeGeometry, inner: VolumeGeometry, tolMm = 1e-6): boolean {
  const [nx, ny, nz] = inner.dimensions;
  for (const [i, j, k] of [[0, 0, 0], [nx - 1, ny - 1, nz - 1]]) {
    const v = patientToVoxel(outer, voxelToPatient(inner, i, j, k));
    for (let a = 0; a < 3; a++) {
      const t = tolMm / outer.spacingMm[a];
      if (v[a] < -t || v[a] > outer.dimensions[a] - 1 + t) return false;
    }
  }
  return true;
}

/**
 * Label values of a CT label map at the dose voxel centres (nearest CT voxel; 0 outside the CT).
 * `sliceOf(k)` returns CT slice k (i fastest), as the viewer's labelmap images are stored.
 */
export function labelsOnDoseGrid(ct: VolumeGeometry, sliceOf: (k: number) => ArrayLike<number> | undefined, grid: VolumeGeometry): Uint8Array {
  const [nx, ny, nz] = grid.dimensions;
  const out = new Uint8Array(nx * ny * nz);
  const [cx, cy, cz] = ct.dimensions;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const a = patientToVoxel(ct, voxelToPatient(grid, 0, j, k));
      const b = patientToVoxel(ct, voxelToPatient(grid, 1, j, k));
      const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      for (let i = 0; i < nx; i++, o++) {
        const vi = Math.round(a[0] + i * d[0]);
        const vj = Math.round(a[1] + i * d[1]);
        const vk = Math.round(a[2] + i * d[2]);
        if (vi < 0 || vj < 0 || vk < 0 || vi >= cx || vj >= cy || vk >= cz) continue;
        const s = sliceOf(vk);
        if (s) out[o] = s[vi + cx * vj];
      }
    }
  }
  return out;
}
