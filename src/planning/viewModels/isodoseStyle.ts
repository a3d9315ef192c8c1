/**
 * Isodose line levels and colours, and the dose colour-wash colour map with its legend. Pure data + functions.
 */

/** One isodose line: % of the prescription and its colour. */
export interface IsodoseLineStyle {
  percentOfPrescription: number;
  /** CSS hex colour "#rrggbb". */
  colour: string;
}

/** Default lines: 50/100/150/200% of the prescription (100% yellow, the prescription isodose). */
export const DEFAULT_ISODOSE_LINES: readonly IsodoseLineStyle[] = [
  { percentOfPrescription: 50, colour: '#00a0ff' },
  { percentOfPrescription: 100, colour: '#ffff00' },
  { percentOfPrescription: 150, colour: '#ff8000' },
  { percentOfPrescription: 200, colour: '#ff0000' },
];

/** Validates and sorts edited levels: positive %, valid hex colours, no duplicates; throws a clear error. */
export function normaliseIsodoseLines(lines: readonly IsodoseLineStyle[]): IsodoseLineStyle[] {
  const seen = new Set<number>();
  for (const l of lines) {
    if (!(l.percentOfPrescription > 0) || l.percentOfPrescription > 1000) throw new Error(`isodose level ${l.percentOfPrescription}% must be between 0 and 1000% of the prescription`);
    if (!/^#[0-9a-fA-F]{6}$/.test(l.colour)) throw new Error(`isodose colour "${l.colour}" must be #rrggbb`);
    if (seen.has(l.percentOfPrescription)) throw new Error(`isodose level ${l.percentOfPrescription}% is listed twice`);
    seen.add(l.percentOfPrescription);
  }
  return [...lines].sort((a, b) => a.percentOfPrescription - b.percentOfPrescription).map((l) => ({ ...l, colour: l.colour.toLowerCase() }));
}

/** Colour-wash stops as % of the prescription → RGB (blue … red), transparent below the first stop. */
export const DOSE_WASH_STOPS: readonly { percent: number; rgb: [number, number, number] }[] = [
  { percent: 25, rgb: [0, 0, 255] },
  { percent: 50, rgb: [0, 200, 255] },
  { percent: 100, rgb: [0, 255, 0] },
  { percent: 150, rgb: [255, 255, 0] },
  { percent: 200, rgb: [255, 0, 0] },
];

/** RGBA of the colour wash for a dose (alpha 0 below the lowest stop; `alpha` otherwise, 0–255). */
export function doseWashRgba(doseGy: number, prescriptionGy: number, alpha = 110): [number, number, number, number] {
  if (!(prescriptionGy > 0) || !Number.isFinite(doseGy)) return [0, 0, 0, 0];
  const p = (100 * doseGy) / prescriptionGy;
  const s = DOSE_WASH_STOPS;
  if (p < s[0].percent) return [0, 0, 0, 0];
  if (p >= s[s.length - 1].percent) return [...s[s.length - 1].rgb, alpha];
  for (let i = 1; i < s.length; i++) {
    if (p < s[i].percent) {
      const t = (p - s[i - 1].percent) / (s[i].percent - s[i - 1].percent);
      const c = s[i - 1].rgb.map((a, k) => Math.round(a + t * (s[i].rgb[k] - a))) as [number, number, number];
      return [...c, alpha];
    }
  }
  return [0, 0, 0, 0];
}
