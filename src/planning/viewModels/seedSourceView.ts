/**
 * View model of the seed source and implant summary: strength in U and apparent activity in mCi, totals,
 * decay to the implant date. Pure functions over the plan.
 */
import { decayCorrectedStrengthU, I125_U_PER_MCI, uToMCi, mCiToU } from '../../dose/decay';
import type { Plan } from '../plan';
import { parseDecimalInput } from './decimalInput';

/** Strength with its mCi equivalent, e.g. "0.800 U (0.630 mCi)". 1 U = 1 µGy·m²·h⁻¹; 1.270 U/mCi for ¹²⁵I. */
export function formatStrength(airKermaStrengthU: number, uPerMCi: number = I125_U_PER_MCI): string {
  if (!Number.isFinite(airKermaStrengthU)) return '—';
  return `${airKermaStrengthU.toFixed(3)} U (${uToMCi(airKermaStrengthU, uPerMCi).toFixed(3)} mCi)`;
}

/** Parses a user-entered strength in U or mCi into U; undefined for non-positive or non-numeric input. */
export function strengthInputToU(text: string, unit: 'U' | 'mCi', uPerMCi: number = I125_U_PER_MCI): number | undefined {
  const v = parseDecimalInput(text);
  if (!Number.isFinite(v) || !(v > 0)) return undefined;
  return unit === 'U' ? v : mCiToU(v, uPerMCi);
}

/** Per-seed strength at calibration (U): the seed's own or the plan's. */
export function seedStrengthU(plan: Plan, seed: Plan['seeds'][number]): number {
  return seed.airKermaStrengthU ?? plan.source.airKermaStrengthU;
}

/** Summary numbers of the implant shown in the panel and the report. */
export interface ImplantSummary {
  seedCount: number;
  /** Sum of per-seed strengths at the calibration date (U). */
  totalStrengthU: number;
  totalActivityMCi: number;
  /** Decay factor from the calibration to the implant date (≤ 1 when the implant is later). */
  decayToImplant: number;
  /** Total strength on the implant date (U). */
  totalStrengthAtImplantU: number;
  /** Days from the calibration to the implant date (negative when the implant is earlier). */
  daysCalibrationToImplant: number;
}

const MS_PER_DAY = 86_400_000;

export function implantSummary(plan: Plan, uPerMCi: number = I125_U_PER_MCI): ImplantSummary {
  const total = plan.seeds.reduce((a, s) => a + seedStrengthU(plan, s), 0);
  const t0 = Date.parse(plan.source.calibrationDateTime);
  const t1 = Date.parse(plan.implantDateTime);
  const valid = Number.isFinite(t0) && Number.isFinite(t1);
  const decay = valid ? decayCorrectedStrengthU(1, t0, t1) : 1;
  return {
    seedCount: plan.seeds.length,
    totalStrengthU: total,
    totalActivityMCi: uToMCi(total, uPerMCi),
    decayToImplant: decay,
    totalStrengthAtImplantU: total * decay,
    daysCalibrationToImplant: valid ? (t1 - t0) / MS_PER_DAY : 0,
  };
}

/** Plan status shown next to Save: never saved, saved and unchanged, or modified after the last save. */
export type PlanSaveStatus = 'draft' | 'saved' | 'modified';

/** Status from the plan's modification time and the time it was last saved (ISO date-times). */
export function planSaveStatus(modifiedDateTime: string, lastSavedModifiedDateTime: string | undefined): PlanSaveStatus {
  if (!lastSavedModifiedDateTime) return 'draft';
  return modifiedDateTime === lastSavedModifiedDateTime ? 'saved' : 'modified';
}

export const PLAN_STATUS_TEXT: Record<PlanSaveStatus, string> = {
  draft: 'Draft (not saved to the PACS)',
  saved: 'Saved',
  modified: 'Modified since last save',
};
