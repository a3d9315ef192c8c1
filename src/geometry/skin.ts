/**
 * Where a needle line crosses the skin: the air/skin boundary of the CT along the line through the entry and the
 * target. The entry the user gives may lie in air (outside the patient) or inside the body (e.g. on the lamina).
 */
import { addScaled, sub, unit } from './vec3';
import type { ScalarVolume, Vec3 } from './volume';
import { sampleVolume } from './volumeSampling';

export interface SkinCrossingOptions {
  /** Voxels below this are air (HU). */
  airThresholdHu?: number;
  /** Sampling step along the line (mm). */
  stepMm?: number;
  /** An outward air run at least this long ends the body (mm); shorter runs are gas inside the body. */
  minAirRunMm?: number;
}

export interface SkinCrossing {
  /** Skin point on the line (patient mm). */
  skinMm: Vec3;
  /** False when the line leaves the image before reaching air: skinMm is then the image-edge exit point. */
  found: boolean;
}

/** Finds the skin point on the line target → entry (continued outward beyond the entry). */
export function skinCrossing(ct: ScalarVolume, entryMm: Vec3, targetMm: Vec3, options: SkinCrossingOptions = {}): SkinCrossing {
  const air = options.airThresholdHu ?? -400;
  const step = options.stepMm ?? 0.5;
  const minRun = options.minAirRunMm ?? 4;
  const out = unit(sub(entryMm, targetMm));
  const hu = (t: number): number => sampleVolume(ct, addScaled(entryMm, out, t));
  const refine = (tTissue: number, tAir: number): Vec3 => {
    const a = hu(tTissue);
    const b = hu(tAir);
    const f = Number.isFinite(a) && Number.isFinite(b) && a !== b ? (a - air) / (a - b) : 0.5;
    return addScaled(entryMm, out, tTissue + Math.min(1, Math.max(0, f)) * (tAir - tTissue));
  };
  const h0 = hu(0);
  if (Number.isFinite(h0) && h0 < air) {
    // Entry in air: walk inwards to the first tissue sample.
    const length = Math.hypot(...sub(targetMm, entryMm));
    for (let t = -step; t >= -length; t -= step) {
      if (hu(t) >= air) return { skinMm: refine(t, t + step), found: true };
    }
    return { skinMm: entryMm, found: false };
  }
  let runStart = NaN;
  let lastInside = 0;
  for (let t = step; ; t += step) {
    const v = hu(t);
    if (!Number.isFinite(v)) return { skinMm: addScaled(entryMm, out, lastInside), found: false };
    lastInside = t;
    if (v < air) {
      if (Number.isNaN(runStart)) runStart = t;
      if (t - runStart >= minRun) return { skinMm: refine(runStart - step, runStart), found: true };
    } else {
      runStart = NaN;
    }
  }
}
