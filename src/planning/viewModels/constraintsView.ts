/**
 * View model of the plan's dose constraints (organ-at-risk limits such as the spinal canal's Dmax and D0.1cc):
 * one editable row per constraint with its unit and where the number comes from. Editing a limit keeps the
 * constraint but records in its source that the value was changed in this plan, and from what.
 */
import type { DoseConstraint, DoseMetricName } from '../plan';
import { parseDecimalInput } from './decimalInput';

export interface ConstraintRowView {
  index: number;
  structureLabel: string;
  metric: DoseMetricName;
  limit: number;
  /** 'Gy' for dose metrics, '%' for V-metrics (% of the structure volume). */
  unit: 'Gy' | '%';
  /** e.g. "Spinal canal D0.1cc ≤ 80 Gy". */
  text: string;
  source: string;
}

export function constraintUnit(metric: DoseMetricName): 'Gy' | '%' {
  return metric.startsWith('V') ? '%' : 'Gy';
}

const fmt = (v: number): string => String(Number(v.toFixed(2)));

export function constraintRows(constraints: readonly DoseConstraint[]): ConstraintRowView[] {
  return constraints.map((c, index) => {
    const unit = constraintUnit(c.metric);
    return { index, structureLabel: c.structureLabel, metric: c.metric, limit: c.limit, unit, text: `${c.structureLabel} ${c.metric} ≤ ${fmt(c.limit)} ${unit}`, source: c.source };
  });
}

const EDITED = /; edited in this plan \(was ([^)]*)\)$/;

/**
 * The constraints with the limit of one of them replaced by what the user typed. Throws with a sentence for the
 * user when the text is not a non-negative number (or a V-limit above 100 %).
 */
export function withConstraintLimit(constraints: readonly DoseConstraint[], index: number, text: string): DoseConstraint[] {
  const c = constraints[index];
  if (!c) throw new Error(`no constraint number ${index + 1}`);
  const unit = constraintUnit(c.metric);
  const value = parseDecimalInput(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`The ${c.structureLabel} ${c.metric} limit must be a number ≥ 0 (${unit})`);
  if (unit === '%' && value > 100) throw new Error(`The ${c.structureLabel} ${c.metric} limit is a percentage of the volume: at most 100 %`);
  if (value === c.limit) return constraints.map((x) => ({ ...x }));
  const original = c.source.replace(EDITED, '');
  const was = EDITED.exec(c.source)?.[1] ?? `${fmt(c.limit)} ${unit}`;
  const source = `${original}; edited in this plan (was ${was})`;
  return constraints.map((x, i) => (i === index ? { ...x, limit: value, source } : { ...x }));
}
