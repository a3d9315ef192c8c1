/**
 * Image volumes in DICOM patient coordinates (LPS, millimetres).
 *
 * A volume is a regular grid: voxel (i, j, k) has its centre at
 *   originMm + i·spacingMm[0]·direction[0] + j·spacingMm[1]·direction[1] + k·spacingMm[2]·direction[2]
 * where direction[0] is the row direction (Image Orientation (Patient) (0020,0037) first triplet, along i = column index),
 * direction[1] the column direction (second triplet, along j = row index), and direction[2] the slice normal.
 * Data are stored i fastest, then j, then k: index = i + j·nx + k·nx·ny.
 */

export type Vec3 = [number, number, number];

export interface VolumeGeometry {
  /** Grid size [nx (columns), ny (rows), nz (slices)]. */
  dimensions: [number, number, number];
  /** Voxel spacing along i, j, k in mm. */
  spacingMm: Vec3;
  /** Patient position of the centre of voxel (0, 0, 0) in mm. */
  originMm: Vec3;
  /** Unit vectors of the i, j and k axes in patient coordinates. */
  direction: [Vec3, Vec3, Vec3];
  /** Frame of Reference UID the coordinates belong to, when known. */
  frameOfReferenceUID?: string;
}

export type TypedVoxelArray = Int16Array | Uint8Array | Uint16Array | Float32Array | Float64Array | Int32Array;

export interface ScalarVolume<T extends TypedVoxelArray = TypedVoxelArray> {
  geometry: VolumeGeometry;
  data: T;
}

export function voxelCount(g: VolumeGeometry): number {
  return g.dimensions[0] * g.dimensions[1] * g.dimensions[2];
}

export function voxelIndex(g: VolumeGeometry, i: number, j: number, k: number): number {
  return i + g.dimensions[0] * (j + g.dimensions[1] * k);
}

/** Patient coordinates (mm) of a (possibly fractional) voxel index. */
export function voxelToPatient(g: VolumeGeometry, i: number, j: number, k: number): Vec3 {
  const [d0, d1, d2] = g.direction;
  const a = i * g.spacingMm[0];
  const b = j * g.spacingMm[1];
  const c = k * g.spacingMm[2];
  return [
    g.originMm[0] + a * d0[0] + b * d1[0] + c * d2[0],
    g.originMm[1] + a * d0[1] + b * d1[1] + c * d2[1],
    g.originMm[2] + a * d0[2] + b * d1[2] + c * d2[2],
  ];
}

/** Fractional voxel index of a patient point (mm); assumes orthonormal direction cosines. */
export function patientToVoxel(g: VolumeGeometry, p: Vec3): Vec3 {
  const dx = p[0] - g.originMm[0];
  const dy = p[1] - g.originMm[1];
  const dz = p[2] - g.originMm[2];
  const [d0, d1, d2] = g.direction;
  return [
    (dx * d0[0] + dy * d0[1] + dz * d0[2]) / g.spacingMm[0],
    (dx * d1[0] + dy * d1[1] + dz * d1[2]) / g.spacingMm[1],
    (dx * d2[0] + dy * d2[1] + dz * d2[2]) / g.spacingMm[2],
  ];
}

/** True when the fractional voxel index lies within the grid (voxel centres ± half a voxel). */
export function containsVoxel(g: VolumeGeometry, v: Vec3): boolean {
  return (
    v[0] >= -0.5 && v[0] <= g.dimensions[0] - 0.5 &&
    v[1] >= -0.5 && v[1] <= g.dimensions[1] - 0.5 &&
    v[2] >= -0.5 && v[2] <= g.dimensions[2] - 0.5
  );
}
