/**
 * The anatomical working frame of the segmentation: a cropped copy of the CT re-indexed so that
 * x grows towards the patient's left, y towards posterior and z towards superior (DICOM LPS axes).
 *
 * Only series whose voxel axes are (up to sign and order) the patient axes are accepted: an axial
 * CT with a tilted gantry or an oblique / sagittal / coronal acquisition is rejected with a clear
 * message, because the algorithm relies on axial slices (discs are horizontal bands, the canal a
 * vertical tube). Re-indexing is exact (a permutation with flips), no interpolation.
 */
import type { ScalarVolume, TypedVoxelArray, Vec3, VolumeGeometry } from '../geometry/volume';
import { patientToVoxel } from '../geometry/volume';
import { SegmentationError } from './errors';

/** Largest angle between a voxel axis and the nearest patient axis we still treat as aligned. */
export const MAX_AXIS_DEVIATION_DEG = 1;

/** How the canonical axes (0: left, 1: posterior, 2: superior) map onto the source voxel axes. */
export interface AxisMapping {
  /** sourceAxis[d] = index (0 = i, 1 = j, 2 = k) of the source voxel axis along canonical axis d. */
  sourceAxis: [number, number, number];
  /** +1 when the source axis points along +d (left / posterior / superior), −1 when opposite. */
  sign: [1 | -1, 1 | -1, 1 | -1];
}

/**
 * Works out which voxel axis points left, posterior and superior.
 * @throws SegmentationError `non-axial-series` for tilted-gantry, oblique or non-axial series,
 *         `invalid-volume` for degenerate geometry.
 */
export function axisMappingOf(g: VolumeGeometry): AxisMapping {
  const dims = g.dimensions;
  if (dims.some((n) => !Number.isInteger(n) || n < 1) || g.spacingMm.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new SegmentationError('invalid-volume', `invalid volume geometry: dimensions ${dims.join('×')}, spacing ${g.spacingMm.join('×')} mm`);
  }
  const cosTol = Math.cos((MAX_AXIS_DEVIATION_DEG * Math.PI) / 180);
  const sourceAxis: [number, number, number] = [-1, -1, -1];
  const sign: [1 | -1, 1 | -1, 1 | -1] = [1, 1, 1];
  for (let a = 0; a < 3; a++) {
    const d = g.direction[a];
    const norm = Math.hypot(d[0], d[1], d[2]);
    if (!(norm > 0.99 && norm < 1.01)) {
      throw new SegmentationError('invalid-volume', `direction cosines of voxel axis ${a} are not a unit vector`);
    }
    let best = 0;
    for (let p = 1; p < 3; p++) if (Math.abs(d[p]) > Math.abs(d[best])) best = p;
    if (Math.abs(d[best]) / norm < cosTol) {
      const angle = (Math.acos(Math.min(1, Math.abs(d[best]) / norm)) * 180) / Math.PI;
      throw new SegmentationError(
        'non-axial-series',
        a === 2 || best === 2 || Math.abs(d[2]) > 1e-3
          ? `tilted gantry or oblique series: voxel axis ${a} is ${angle.toFixed(1)}° off the patient axes; reconstruct an axial series without tilt`
          : `oblique series: voxel axis ${a} is ${angle.toFixed(1)}° off the patient axes; reconstruct an axial series`,
      );
    }
    if (sourceAxis[best] !== -1) throw new SegmentationError('invalid-volume', 'direction cosines are not orthogonal');
    sourceAxis[best] = a;
    sign[best] = d[best] > 0 ? 1 : -1;
  }
  if (sourceAxis[2] !== 2) {
    throw new SegmentationError(
      'non-axial-series',
      'the series is not axial (slices are not perpendicular to the patient head-feet axis); use an axial CT series',
    );
  }
  return { sourceAxis, sign };
}

/** A cropped, re-indexed copy of the CT in the canonical frame (x → left, y → posterior, z → superior). */
export interface CanonicalRoi {
  /** Grid size of the crop [nx, ny, nz]. */
  dims: [number, number, number];
  /** Voxel spacing along canonical x, y, z in mm. */
  spacingMm: Vec3;
  /** HU values, x fastest then y then z. */
  hu: Float32Array;
  /** Source voxel index (into the CT's data array) of every crop voxel. */
  sourceIndex: Int32Array;
  /** Position of the crop's first voxel in the full canonical grid. */
  offset: [number, number, number];
  /** Canonical full-grid size. */
  fullDims: [number, number, number];
  mapping: AxisMapping;
}

/** Canonical full-grid index (fractional) of a patient point. */
export function patientToCanonical(g: VolumeGeometry, m: AxisMapping, pMm: Vec3): Vec3 {
  const v = patientToVoxel(g, pMm);
  const out: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const a = m.sourceAxis[d];
    out[d] = m.sign[d] > 0 ? v[a] : g.dimensions[a] - 1 - v[a];
  }
  return out;
}

/**
 * Copies the box [lo, hi] (inclusive, canonical full-grid indices, clipped to the image) of the CT
 * into a canonical ROI, converting stored values with `slope`·v + `intercept` (1 and 0 for HU data).
 */
export function extractCanonicalRoi(
  ct: ScalarVolume<TypedVoxelArray>,
  m: AxisMapping,
  lo: [number, number, number],
  hi: [number, number, number],
): CanonicalRoi {
  const g = ct.geometry;
  const fullDims: [number, number, number] = [0, 0, 0];
  for (let d = 0; d < 3; d++) fullDims[d] = g.dimensions[m.sourceAxis[d]];
  const a0: [number, number, number] = [0, 0, 0];
  const dims: [number, number, number] = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    a0[d] = Math.max(0, Math.min(fullDims[d] - 1, Math.floor(lo[d])));
    const a1 = Math.max(a0[d], Math.min(fullDims[d] - 1, Math.ceil(hi[d])));
    dims[d] = a1 - a0[d] + 1;
  }
  const n = dims[0] * dims[1] * dims[2];
  const hu = new Float32Array(n);
  const sourceIndex = new Int32Array(n);
  // Source stride of each canonical axis, and the source index of the crop origin.
  const srcStrides = [1, g.dimensions[0], g.dimensions[0] * g.dimensions[1]];
  const stride: number[] = [0, 0, 0];
  let base = 0;
  for (let d = 0; d < 3; d++) {
    const a = m.sourceAxis[d];
    const first = m.sign[d] > 0 ? a0[d] : fullDims[d] - 1 - a0[d];
    base += first * srcStrides[a];
    stride[d] = m.sign[d] * srcStrides[a];
  }
  const data = ct.data;
  let p = 0;
  for (let z = 0; z < dims[2]; z++) {
    for (let y = 0; y < dims[1]; y++) {
      let s = base + z * stride[2] + y * stride[1];
      for (let x = 0; x < dims[0]; x++, p++, s += stride[0]) {
        sourceIndex[p] = s;
        hu[p] = data[s];
      }
    }
  }
  const spacingMm: Vec3 = [g.spacingMm[m.sourceAxis[0]], g.spacingMm[m.sourceAxis[1]], g.spacingMm[m.sourceAxis[2]]];
  return { dims, spacingMm, hu, sourceIndex, offset: a0, fullDims, mapping: m };
}
