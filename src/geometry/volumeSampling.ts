/** Trilinear sampling of scalar volumes at patient points (mm). */
import { patientToVoxel, type ScalarVolume, type Vec3 } from './volume';

/** Trilinear value at a patient point; NaN outside the grid (voxel centres ± half a voxel, clamped to the edge). */
export function sampleVolume(volume: ScalarVolume, pMm: Vec3): number {
  const g = volume.geometry;
  const [nx, ny, nz] = g.dimensions;
  const v = patientToVoxel(g, pMm);
  if (v[0] < -0.5 || v[1] < -0.5 || v[2] < -0.5 || v[0] > nx - 0.5 || v[1] > ny - 0.5 || v[2] > nz - 0.5) return NaN;
  const x = Math.min(Math.max(v[0], 0), nx - 1);
  const y = Math.min(Math.max(v[1], 0), ny - 1);
  const z = Math.min(Math.max(v[2], 0), nz - 1);
  const ix = Math.min(Math.floor(x), Math.max(0, nx - 2));
  const iy = Math.min(Math.floor(y), Math.max(0, ny - 2));
  const iz = Math.min(Math.floor(z), Math.max(0, nz - 2));
  const fx = nx > 1 ? x - ix : 0, fy = ny > 1 ? y - iy : 0, fz = nz > 1 ? z - iz : 0;
  const dx = nx > 1 ? 1 : 0, dy = ny > 1 ? nx : 0, dz = nz > 1 ? nx * ny : 0;
  const d = volume.data;
  const b = ix + nx * (iy + ny * iz);
  const c00 = d[b] * (1 - fx) + d[b + dx] * fx;
  const c10 = d[b + dy] * (1 - fx) + d[b + dy + dx] * fx;
  const c01 = d[b + dz] * (1 - fx) + d[b + dz + dx] * fx;
  const c11 = d[b + dz + dy] * (1 - fx) + d[b + dz + dy + dx] * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}
