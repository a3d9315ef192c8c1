/**
 * View model of the dose metrics table: which columns, how each value is written (with its unit), what it
 * means (tooltip), and whether it meets the plan's goals and constraints. Pure: the panel and the printable
 * report both render what these functions return.
 */
import type { DoseMetrics } from '../../dose/dvh';
import type { DoseConstraint, DoseMetricName } from '../plan';

/** Columns of the metrics table, in display order. */
export type MetricKey = 'volumeCm3' | 'D90' | 'D100' | 'Dmean' | 'Dmax' | 'V100' | 'V150' | 'V200' | 'D0.1cc' | 'D1cc' | 'D2cc';

export type MetricUnit = 'cm³' | 'Gy' | '%';

/** One column: label, unit and the sentence a tooltip shows. */
export interface MetricColumn {
  key: MetricKey;
  label: string;
  unit: MetricUnit;
  description: string;
}

/** Definitions follow GEC-ESTRO / AAPM TG-137 usage for permanent implants (see src/dose/dvh.ts). */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'volumeCm3', label: 'Volume', unit: 'cm³', description: 'Volume of the structure inside the dose grid (voxel-centre inclusion).' },
  { key: 'D90', label: 'D90', unit: 'Gy', description: 'Minimum dose received by the hottest 90% of the volume (total dose of the permanent implant).' },
  { key: 'D100', label: 'D100', unit: 'Gy', description: 'Minimum dose received by the whole volume (the coldest voxel).' },
  { key: 'Dmean', label: 'Dmean', unit: 'Gy', description: 'Mean dose over the volume.' },
  { key: 'Dmax', label: 'Dmax', unit: 'Gy', description: 'Maximum voxel dose (voxels holding a seed dominate it).' },
  { key: 'V100', label: 'V100', unit: '%', description: 'Percentage of the volume receiving at least 100% of the prescription dose.' },
  { key: 'V150', label: 'V150', unit: '%', description: 'Percentage of the volume receiving at least 150% of the prescription dose.' },
  { key: 'V200', label: 'V200', unit: '%', description: 'Percentage of the volume receiving at least 200% of the prescription dose.' },
  { key: 'D0.1cc', label: 'D0.1cc', unit: 'Gy', description: 'Minimum dose received by the hottest 0.1 cm³ (— when the structure is smaller).' },
  { key: 'D1cc', label: 'D1cc', unit: 'Gy', description: 'Minimum dose received by the hottest 1 cm³ (— when the structure is smaller).' },
  { key: 'D2cc', label: 'D2cc', unit: 'Gy', description: 'Minimum dose received by the hottest 2 cm³ (— when the structure is smaller).' },
];

/** The value of one column in a metrics record (null when undefined for this structure). */
export function metricValue(m: DoseMetrics, key: MetricKey): number | null {
  const v: number | null = {
    volumeCm3: m.volumeCm3,
    D90: m.D90Gy,
    D100: m.D100Gy,
    Dmean: m.DmeanGy,
    Dmax: m.DmaxGy,
    V100: m.V100Pct,
    V150: m.V150Pct,
    V200: m.V200Pct,
    'D0.1cc': m.D0_1ccGy,
    D1cc: m.D1ccGy,
    D2cc: m.D2ccGy,
  }[key];
  return v === null || !Number.isFinite(v) ? null : v;
}

/** Dose in Gy: one decimal below 1000 Gy, whole Gy above (seed voxels reach thousands of Gy). */
export function formatDoseGy(doseGy: number | null): string {
  if (doseGy === null || !Number.isFinite(doseGy)) return '—';
  return doseGy >= 1000 ? `${Math.round(doseGy)} Gy` : `${doseGy.toFixed(1)} Gy`;
}

/** Percentage with one decimal. */
export function formatPercent(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return '—';
  return `${pct.toFixed(1)}%`;
}

/** Volume in cm³: two decimals below 10 cm³, one above. */
export function formatVolumeCm3(volumeCm3: number | null): string {
  if (volumeCm3 === null || !Number.isFinite(volumeCm3)) return '—';
  return `${volumeCm3 < 10 ? volumeCm3.toFixed(2) : volumeCm3.toFixed(1)} cm³`;
}

/** A value written with its column's unit ("—" when not defined). */
export function formatMetric(key: MetricKey, value: number | null): string {
  const unit = METRIC_COLUMNS.find((c) => c.key === key)?.unit;
  if (unit === 'Gy') return formatDoseGy(value);
  if (unit === '%') return formatPercent(value);
  return formatVolumeCm3(value);
}

/** A rule checked against one metric: a constraint (upper limit) or a goal (lower bound). */
export interface MetricRule {
  /** Structure it applies to, e.g. "Spinal canal" (matches "L1 Spinal canal"). */
  structureLabel: string;
  metric: MetricKey;
  comparator: '<=' | '>=';
  /** Gy for dose metrics, % for V-metrics. */
  limit: number;
  kind: 'goal' | 'constraint';
  source: string;
}

/** Target coverage goals, as a fraction of the prescription (D90) or % of the volume (V100). */
export const DEFAULT_TARGET_GOALS: readonly { metric: 'D90' | 'V100'; comparator: '>='; value: number; unit: 'xRx' | '%'; source: string }[] = [
  { metric: 'D90', comparator: '>=', value: 1, unit: 'xRx', source: 'institutional default: D90 at least the prescription' },
  { metric: 'V100', comparator: '>=', value: 95, unit: '%', source: 'planning goal (the auto-plan goal): at least 95% of the target receives the prescription' },
];

const METRIC_OF_CONSTRAINT: Record<DoseMetricName, MetricKey> = {
  Dmax: 'Dmax',
  'D0.1cc': 'D0.1cc',
  D1cc: 'D1cc',
  D2cc: 'D2cc',
  Dmean: 'Dmean',
  D90: 'D90',
  V100: 'V100',
  V150: 'V150',
  V200: 'V200',
};

/** Goals for the prescription target plus the plan's constraints (upper limits). */
export function planRules(prescription: { doseGy: number; targetLabel: string }, constraints: readonly DoseConstraint[]): MetricRule[] {
  const goals: MetricRule[] = DEFAULT_TARGET_GOALS.map((g) => ({
    structureLabel: prescription.targetLabel,
    metric: g.metric,
    comparator: g.comparator,
    limit: g.unit === 'xRx' ? g.value * prescription.doseGy : g.value,
    kind: 'goal',
    source: g.source,
  }));
  const limits: MetricRule[] = constraints.map((c) => ({
    structureLabel: c.structureLabel,
    metric: METRIC_OF_CONSTRAINT[c.metric],
    comparator: '<=',
    limit: c.limit,
    kind: 'constraint',
    source: c.source,
  }));
  return [...goals, ...limits];
}

/**
 * True when a structure (segment label such as "L1 Spinal canal") is the one a rule names ("Spinal canal"):
 * same label, or the label ends with " <rule label>" (level prefix), ignoring case.
 */
export function structureMatches(structureLabel: string, ruleLabel: string): boolean {
  const s = structureLabel.trim().toLowerCase();
  const r = ruleLabel.trim().toLowerCase();
  return s === r || s.endsWith(` ${r}`);
}

export type CheckStatus = 'pass' | 'fail' | 'none';

/** Result of checking one metric of one structure against every rule that applies. */
export interface MetricCheck {
  status: CheckStatus;
  /** One line per applicable rule, e.g. "constraint Dmax ≤ 100.0 Gy (institutional default): fails". */
  notes: string[];
}

function limitText(rule: MetricRule): string {
  return formatMetric(rule.metric, rule.limit);
}

/**
 * Checks a value against the rules for its structure and metric: 'fail' when any rule is not met, 'pass' when
 * all evaluable rules are met, 'none' when no rule applies or the value is undefined (e.g. D2cc of a 1 cm³
 * structure; the tooltip says "not evaluable").
 */
export function checkMetric(structureLabel: string, key: MetricKey, value: number | null, rules: readonly MetricRule[]): MetricCheck {
  const applicable = rules.filter((r) => r.metric === key && structureMatches(structureLabel, r.structureLabel));
  if (applicable.length === 0) return { status: 'none', notes: [] };
  let failed = false;
  let checked = false;
  const notes = applicable.map((r) => {
    const sign = r.comparator === '<=' ? '≤' : '≥';
    const head = `${r.kind} ${key} ${sign} ${limitText(r)} (${r.source})`;
    if (value === null) return `${head}: not evaluable`;
    checked = true;
    // A tiny tolerance so a value printed equal to the limit is not called a failure by rounding noise.
    const ok = r.comparator === '<=' ? value <= r.limit * (1 + 1e-9) : value >= r.limit * (1 - 1e-9);
    if (!ok) failed = true;
    return `${head}: ${ok ? 'met' : 'NOT met'}`;
  });
  return { status: !checked ? 'none' : failed ? 'fail' : 'pass', notes };
}

/** A structure's dose metrics as given to the table. */
export interface StructureMetricsInput {
  label: string;
  rgb?: [number, number, number];
  metrics: DoseMetrics;
}

export interface MetricCellView {
  key: MetricKey;
  value: number | null;
  text: string;
  status: CheckStatus;
  /** Tooltip: what the metric means, then the rule results. */
  title: string;
}

export interface MetricsRowView {
  label: string;
  rgb?: [number, number, number];
  isTarget: boolean;
  cells: MetricCellView[];
  /** Worst status over the row's cells. */
  status: CheckStatus;
}

/** The whole table: one row per structure, target first, then the others in input order. */
export function metricsTable(structures: readonly StructureMetricsInput[], rules: readonly MetricRule[], targetLabel: string): MetricsRowView[] {
  const rows = structures.map((s): MetricsRowView => {
    const cells = METRIC_COLUMNS.map((c): MetricCellView => {
      const value = metricValue(s.metrics, c.key);
      const check = checkMetric(s.label, c.key, value, rules);
      return { key: c.key, value, text: formatMetric(c.key, value), status: check.status, title: [c.description, ...check.notes].join('\n') };
    });
    const status: CheckStatus = cells.some((c) => c.status === 'fail') ? 'fail' : cells.some((c) => c.status === 'pass') ? 'pass' : 'none';
    return { label: s.label, rgb: s.rgb, isTarget: structureMatches(s.label, targetLabel), cells, status };
  });
  return [...rows.filter((r) => r.isTarget), ...rows.filter((r) => !r.isTarget)];
}
