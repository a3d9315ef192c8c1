/**
 * Dose-volume histograms and the dose metrics of permanent seed implants.
 *
 * Partial voxels: a structure is given per voxel either as a label/binary mask (a voxel belongs to the
 * structure entirely when its label matches, i.e. voxel-centre inclusion, no supersampling) or as
 * fractional occupancy weights in [0, 1] (a voxel contributes weight × voxel volume). The dose of a
 * voxel is the dose at its centre. Volumes are in cm³, doses in Gy.
 *
 * Metric definitions (GEC-ESTRO / AAPM TG-137 usage for permanent implants):
 * - Dx% : minimum dose received by the hottest x% of the volume (D90, D100 = minimum dose).
 * - Dxcc: minimum dose received by the hottest x cm³ (D0.1cc, D1cc, D2cc); null if the structure is smaller.
 * - Vx% : percentage of the volume receiving at least x% of the prescription (V100, V150, V200).
 * - COIN (Baltas 1998) = (PTV_ref / PTV) · (PTV_ref / V_ref): PTV_ref the structure volume receiving
 *   ≥ Rx, V_ref the whole volume (dose grid) receiving ≥ Rx. 1 is perfect.
 * - HI, dose homogeneity index (Saw & Suntharalingam) = (V100 − V150) / V100 (volumes, not %).
 */
import { selectDescending } from './select';

/** Voxels of one structure: flat grid indices and optional fractional weights. */
export interface StructureVoxels {
  indices: Uint32Array;
  /** Occupancy in [0, 1] per index; null means every voxel counts fully. */
  weights: Float32Array | null;
  /** Volume of one whole voxel, cm³. */
  voxelVolumeCm3: number;
}

/** Selects the voxels of a structure from a label mask (`label` matches) or fractional occupancy (> 0). */
export function structureVoxels(mask: Uint8Array | Uint16Array | Float32Array, voxelVolumeCm3: number, label = 1): StructureVoxels {
  if (!(voxelVolumeCm3 > 0)) throw new Error(`voxel volume must be > 0 cm³, got ${voxelVolumeCm3}`);
  const fractional = mask instanceof Float32Array;
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (fractional ? mask[i] > 0 : mask[i] === label) n++;
  const indices = new Uint32Array(n);
  const weights = fractional ? new Float32Array(n) : null;
  n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (fractional ? mask[i] > 0 : mask[i] === label) {
      if (weights) weights[n] = Math.min(1, mask[i]);
      indices[n++] = i;
    }
  }
  return { indices, weights, voxelVolumeCm3 };
}

/** Dose samples of a structure: dose per voxel (Gy) and the volume each represents (cm³). */
export interface DoseSamples {
  doseGy: Float64Array;
  volumeCm3: Float64Array;
}

/** Gathers the doses of a structure's voxels from a dose grid, scaled (e.g. cGy/h × τ / 100 → Gy). */
export function gatherDoseSamples(dose: ArrayLike<number>, s: StructureVoxels, scale = 1): DoseSamples {
  const n = s.indices.length;
  const doseGy = new Float64Array(n);
  const volumeCm3 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    doseGy[i] = dose[s.indices[i]] * scale;
    volumeCm3[i] = s.weights ? s.weights[i] * s.voxelVolumeCm3 : s.voxelVolumeCm3;
  }
  return { doseGy, volumeCm3 };
}

/** A DVH in fixed-width dose bins starting at 0 Gy. */
export interface Dvh {
  binWidthGy: number;
  /** Volume with dose in [b·w, (b+1)·w), cm³. */
  differentialCm3: Float64Array;
  /** Volume with dose ≥ b·w, cm³ (cumulative[0] = total volume). */
  cumulativeCm3: Float64Array;
  totalVolumeCm3: number;
}

/** Bins at most; doses beyond the last bin are counted in it (overflow), e.g. voxels containing a seed. */
export const MAX_DVH_BINS = 100_000;

/** Differential and cumulative DVH with bins of `binWidthGy` (default: 200 bins up to the maximum). */
export function computeDvh(samples: DoseSamples, binWidthGy?: number): Dvh {
  let max = 0;
  let total = 0;
  for (let i = 0; i < samples.doseGy.length; i++) {
    if (samples.doseGy[i] > max) max = samples.doseGy[i];
    total += samples.volumeCm3[i];
  }
  const w = binWidthGy ?? (max > 0 ? max / 200 : 1);
  if (!(w > 0)) throw new Error(`DVH bin width must be > 0 Gy, got ${w}`);
  const nBins = Math.min(MAX_DVH_BINS, Math.floor(max / w) + 1);
  const diff = new Float64Array(nBins);
  for (let i = 0; i < samples.doseGy.length; i++) diff[Math.min(nBins - 1, Math.max(0, Math.floor(samples.doseGy[i] / w)))] += samples.volumeCm3[i];
  const cum = new Float64Array(nBins);
  let acc = 0;
  for (let b = nBins - 1; b >= 0; b--) {
    acc += diff[b];
    cum[b] = acc;
  }
  return { binWidthGy: w, differentialCm3: diff, cumulativeCm3: cum, totalVolumeCm3: total };
}

/** Dose metrics of one structure (see module comment for definitions). */
export interface DoseMetrics {
  volumeCm3: number;
  prescriptionGy: number;
  D90Gy: number;
  D100Gy: number;
  DmaxGy: number;
  DmeanGy: number;
  V100Pct: number;
  V150Pct: number;
  V200Pct: number;
  D0_1ccGy: number | null;
  D1ccGy: number | null;
  D2ccGy: number | null;
  /** Conformal index COIN; null when the reference isodose volume is unknown or zero. */
  COIN: number | null;
  /** Dose homogeneity index (V100 − V150)/V100; null when V100 = 0. */
  HI: number | null;
}

/** Samples sorted by decreasing dose. */
function sortedDescending(s: DoseSamples): DoseSamples {
  const n = s.doseGy.length;
  let uniform = true;
  for (let i = 1; i < n; i++) if (s.volumeCm3[i] !== s.volumeCm3[0]) uniform = false;
  if (uniform) {
    const d = Float64Array.from(s.doseGy).sort().reverse();
    return { doseGy: d, volumeCm3: s.volumeCm3.slice() };
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s.doseGy[b] - s.doseGy[a]);
  return { doseGy: Float64Array.from(order, (i) => s.doseGy[i]), volumeCm3: Float64Array.from(order, (i) => s.volumeCm3[i]) };
}

/** Index (in decreasing-dose order) where the hottest `volume` cm³ is reached with equal voxel volumes `v`; same sums as doseToHottest. */
function rankOfHottest(n: number, v: number, volume: number, total: number): number | null {
  if (volume > total * (1 + 1e-9)) return null;
  const tol = 1e-9 * Math.max(total, 1e-12);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += v;
    if (acc >= volume - tol) return i;
  }
  return n - 1;
}

/** Minimum dose of the hottest `volume` cm³ of sorted samples; null when the structure is smaller. */
function doseToHottest(sorted: DoseSamples, volume: number, total: number): number | null {
  if (volume > total * (1 + 1e-9)) return null;
  let acc = 0;
  const tol = 1e-9 * Math.max(total, 1e-12);
  for (let i = 0; i < sorted.doseGy.length; i++) {
    acc += sorted.volumeCm3[i];
    if (acc >= volume - tol) return sorted.doseGy[i];
  }
  return sorted.doseGy[sorted.doseGy.length - 1];
}

/**
 * Minimum dose of the hottest `volume` cm³ for each requested volume (null when the structure is smaller). Equal voxel
 * volumes (the usual case): ranks found by selection, O(n); otherwise a full sort by dose.
 */
function hottestDoses(samples: DoseSamples, total: number, volumes: readonly number[]): Array<number | null> {
  const n = samples.doseGy.length;
  const v0 = samples.volumeCm3[0];
  let uniform = true;
  for (let i = 1; i < n; i++) if (samples.volumeCm3[i] !== v0) uniform = false;
  if (!uniform) {
    const sorted = sortedDescending(samples);
    return volumes.map((v) => doseToHottest(sorted, v, total));
  }
  const ranks = volumes.map((v) => rankOfHottest(n, v0, v, total));
  const a = Float64Array.from(samples.doseGy);
  const out: Array<number | null> = volumes.map(() => null);
  // Select in increasing rank order, each within what is left to the right of the previous one.
  const order = ranks.map((r, q) => ({ r, q })).filter((x): x is { r: number; q: number } => x.r !== null).sort((x, y) => x.r - y.r);
  let lo = 0;
  for (const { r, q } of order) {
    out[q] = selectDescending(a, r, lo, n - 1);
    lo = r;
  }
  return out;
}

/**
 * Metrics of a structure for a prescription dose. `referenceIsodoseVolumeCm3` is the volume of the
 * whole dose grid receiving ≥ the prescription (needed for COIN).
 */
export function doseMetrics(samples: DoseSamples, prescriptionGy: number, referenceIsodoseVolumeCm3?: number): DoseMetrics {
  if (!(prescriptionGy > 0)) throw new Error(`prescription dose must be > 0 Gy, got ${prescriptionGy}`);
  const n = samples.doseGy.length;
  if (n === 0) throw new Error('the structure has no voxels in the dose grid');
  let total = 0;
  let sum = 0;
  let max = -Infinity;
  let v100 = 0;
  let v150 = 0;
  let v200 = 0;
  for (let i = 0; i < n; i++) {
    const d = samples.doseGy[i];
    const v = samples.volumeCm3[i];
    total += v;
    sum += d * v;
    if (d > max) max = d;
    if (d >= prescriptionGy) v100 += v;
    if (d >= 1.5 * prescriptionGy) v150 += v;
    if (d >= 2 * prescriptionGy) v200 += v;
  }
  const coin = referenceIsodoseVolumeCm3 && referenceIsodoseVolumeCm3 > 0 ? (v100 / total) * (v100 / referenceIsodoseVolumeCm3) : null;
  const dx = hottestDoses(samples, total, [0.9 * total, 0.1, 1, 2]);
  let min = Infinity;
  for (let i = 0; i < n; i++) if (samples.doseGy[i] < min) min = samples.doseGy[i];
  return {
    volumeCm3: total,
    prescriptionGy,
    D90Gy: dx[0] ?? NaN,
    D100Gy: min,
    DmaxGy: max,
    DmeanGy: sum / total,
    V100Pct: (100 * v100) / total,
    V150Pct: (100 * v150) / total,
    V200Pct: (100 * v200) / total,
    D0_1ccGy: dx[1],
    D1ccGy: dx[2],
    D2ccGy: dx[3],
    COIN: coin,
    HI: v100 > 0 ? (v100 - v150) / v100 : null,
  };
}

/** Volume (cm³) of a whole dose grid receiving at least `levelGy` (for COIN's V_ref). */
export function volumeAtLeast(dose: ArrayLike<number>, levelGy: number, voxelVolumeCm3: number, scale = 1): number {
  let n = 0;
  for (let i = 0; i < dose.length; i++) if (dose[i] * scale >= levelGy) n++;
  return n * voxelVolumeCm3;
}
