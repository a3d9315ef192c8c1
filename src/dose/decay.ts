/**
 * Permanent-implant dose accumulation and source-strength bookkeeping for 125I.
 *
 * D(t) = Ḋ₀ · τ · (1 − e^(−t/τ)), D(∞) = Ḋ₀ · τ, with the mean life τ = T½ / ln 2 (TG-43U1 Sec. II.E.3).
 */

/** Half-life of 125I used by TG-43U1: 59.40 days. */
export const I125_HALF_LIFE_DAYS = 59.4;
/** 125I apparent-activity conversion, U per mCi: (Γδ)_X = 1.45 R·cm²·mCi⁻¹·h⁻¹ × 0.876 cGy/R (TG-43 1995 Table I; TG-43U1 Sec. III.B). */
export const I125_U_PER_MCI = 1.27;
const MS_PER_DAY = 86_400_000;

/** Mean life τ = T½ / ln 2, in hours. */
export function meanLifeHours(halfLifeDays: number = I125_HALF_LIFE_DAYS): number {
  return (halfLifeDays * 24) / Math.LN2;
}

/** Fraction of the initial dose rate left after `elapsedHours`: e^(−t ln2 / T½). */
export function decayFactor(elapsedHours: number, halfLifeDays: number = I125_HALF_LIFE_DAYS): number {
  return Math.exp((-elapsedHours * Math.LN2) / (halfLifeDays * 24));
}

/**
 * Hours by which an initial dose rate (cGy/h) is multiplied to get the dose (cGy) delivered from the
 * implant until `durationHours` (Infinity = permanent implant: τ).
 */
export function doseIntegrationHours(durationHours: number = Infinity, halfLifeDays: number = I125_HALF_LIFE_DAYS): number {
  const tau = meanLifeHours(halfLifeDays);
  if (durationHours === Infinity) return tau;
  if (!(durationHours >= 0)) throw new Error(`dose duration must be ≥ 0 h, got ${durationHours}`);
  return tau * (1 - Math.exp(-durationHours / tau));
}

/** Total dose in Gy from an initial dose rate in cGy/h (permanent implant unless `durationHours` is given). */
export function totalDoseGy(initialDoseRateCGyPerH: number, durationHours: number = Infinity, halfLifeDays: number = I125_HALF_LIFE_DAYS): number {
  return (initialDoseRateCGyPerH * doseIntegrationHours(durationHours, halfLifeDays)) / 100;
}

/** Converts an apparent activity in mCi to air-kerma strength in U. */
export function mCiToU(activityMCi: number, uPerMCi: number = I125_U_PER_MCI): number {
  return activityMCi * uPerMCi;
}

/** Converts an air-kerma strength in U to apparent activity in mCi (for display next to U only). */
export function uToMCi(airKermaStrengthU: number, uPerMCi: number = I125_U_PER_MCI): number {
  return airKermaStrengthU / uPerMCi;
}

/**
 * S_K on the implant date from S_K on the calibration date (dates as ms since epoch or Date).
 * An implant before the calibration date is allowed (the strength is then higher).
 */
export function decayCorrectedStrengthU(
  calibrationStrengthU: number,
  calibrationDate: Date | number,
  implantDate: Date | number,
  halfLifeDays: number = I125_HALF_LIFE_DAYS,
): number {
  const t0 = typeof calibrationDate === 'number' ? calibrationDate : calibrationDate.getTime();
  const t1 = typeof implantDate === 'number' ? implantDate : implantDate.getTime();
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) throw new Error('calibration and implant dates must be valid dates');
  const days = (t1 - t0) / MS_PER_DAY;
  return calibrationStrengthU * Math.exp((-days * Math.LN2) / halfLifeDays);
}
