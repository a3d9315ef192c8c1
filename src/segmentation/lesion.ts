/**
 * Metastasis (lesion) detection inside a segmented vertebral body by an HU range:
 * lytic (default) = soft-tissue density replacing bone, blastic = sclerotic bone denser than cancellous bone.
 */
import type { Dims } from './morphology';
import { erodeBox, labelComponents, openBox } from './morphology';

export type LesionKind = 'lytic' | 'blastic';

export interface LesionOptions {
  /** 'lytic' (default) or 'blastic'; picks the default HU range. */
  kind?: LesionKind;
  /** Lowest HU (after the in-plane smoothing) counted as lesion; default −50 (lytic) or 500 (blastic). */
  minHU?: number;
  /** Highest HU counted as lesion; default 110 (lytic) or 3000 (blastic). */
  maxHU?: number;
  /** Smallest lesion kept, in cm³ (default 0.1 cm³ ≈ a 5.8 mm sphere). Smaller islands are noise. */
  minVolumeCm3?: number;
}

/**
 * Default HU windows.
 * Lytic: tumour tissue replacing trabecular bone has soft-tissue attenuation (~20–60 HU); normal
 * cancellous bone is ≥ ~150 HU in adults (lumbar trabecular attenuation > 160 HU is normal and
 * ≤ 110 HU osteoporotic, Pickhardt et al., Ann Intern Med 2013). Upper bound 110 HU: no healthy
 * trabecular voxel qualifies, lower bound −50 HU keeps fatty marrow / fat out.
 * Blastic: sclerotic metastases are usually > 500 HU, well above cancellous bone; the cortex
 * (> 1000 HU) is excluded geometrically by eroding the body mask.
 */
export const LESION_HU_DEFAULTS: Readonly<Record<LesionKind, { minHU: number; maxHU: number }>> = {
  lytic: { minHU: -50, maxHU: 110 },
  blastic: { minHU: 500, maxHU: 3000 },
};

/**
 * Finds the lesion voxels inside `bodyMask` (Uint8Array on the same grid as `smoothedHU`).
 * `interiorMask` restricts the search to the body's interior (excluding endplates/disc and, for blastic
 * lesions, the cortical shell). Returns a mask (possibly empty).
 */
export function detectLesion(
  smoothedHU: Float32Array,
  bodyMask: Uint8Array,
  dims: Dims,
  spacingMm: readonly [number, number, number],
  options: LesionOptions = {},
): Uint8Array {
  const kind = options.kind ?? 'lytic';
  const minHU = options.minHU ?? LESION_HU_DEFAULTS[kind].minHU;
  const maxHU = options.maxHU ?? LESION_HU_DEFAULTS[kind].maxHU;
  const minVoxels = Math.max(1, Math.round(((options.minVolumeCm3 ?? 0.1) * 1000) / (spacingMm[0] * spacingMm[1] * spacingMm[2])));
  // Stay clear of the body's surface: one voxel in z (endplate / disc partial volume) and, for
  // blastic lesions, ~2 mm in-plane (the cortical shell is itself dense).
  const rxy = kind === 'blastic' ? Math.max(1, Math.round(2 / spacingMm[0])) : 0;
  const interior = erodeBox(bodyMask, dims, [rxy, rxy, 1]);
  const candidate = new Uint8Array(bodyMask.length);
  for (let i = 0; i < candidate.length; i++) {
    candidate[i] = interior[i] && smoothedHU[i] >= minHU && smoothedHU[i] <= maxHU ? 1 : 0;
  }
  // Remove speckle (single noisy voxels) before sizing the components.
  const opened = openBox(candidate, dims, [1, 1, 0]);
  return keepLargeComponents(opened, dims, minVoxels);
}

/** Keeps the 6-connected components of at least `minVoxels` voxels. */
export function keepLargeComponents(mask: Uint8Array, dims: Dims, minVoxels: number): Uint8Array {
  const { ids, sizes } = labelComponents(mask, dims);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (ids[i] && sizes[ids[i]] >= minVoxels) out[i] = 1;
  return out;
}
