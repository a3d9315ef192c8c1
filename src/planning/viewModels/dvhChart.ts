/**
 * View model of the DVH chart: curves in chart pixel coordinates, axes with round ticks, the prescription
 * line and the hover readout. Pure: the panel renders it with React, the report with {@link dvhSvg}.
 *
 * Cumulative DVH: % of the structure volume receiving at least D. Differential DVH: % of the volume per Gy
 * (bin volume / total / bin width, so the curve does not depend on the bin width).
 */
import type { Dvh } from '../../dose/dvh';

export type DvhMode = 'cumulative' | 'differential';

/** One structure's DVH and display colour. */
export interface DvhCurveInput {
  label: string;
  rgb: [number, number, number];
  dvh: Dvh;
}

export interface DvhChartOptions {
  mode: DvhMode;
  prescriptionGy: number;
  width: number;
  height: number;
  /** Upper end of the dose axis; default: the largest dose with volume, at most 3 × the prescription. */
  maxDoseGy?: number;
}

export interface AxisTick {
  value: number;
  /** Pixel position along the axis (x for the dose axis, y for the volume axis). */
  px: number;
  label: string;
}

export interface DvhCurveView {
  label: string;
  colour: string;
  /** SVG path data ("M x y L x y …") in chart pixels. */
  path: string;
  /** Dose (Gy) and y value (% or %/Gy) of each vertex, for the hover readout. */
  doseGy: Float64Array;
  value: Float64Array;
}

export interface DvhChartView {
  mode: DvhMode;
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  maxDoseGy: number;
  maxValue: number;
  xTicks: AxisTick[];
  yTicks: AxisTick[];
  xLabel: string;
  yLabel: string;
  prescriptionX: number | null;
  curves: DvhCurveView[];
}

/** CSS colour of an RGB triplet. */
export function rgbCss(rgb: readonly [number, number, number]): string {
  return `rgb(${Math.round(rgb[0])}, ${Math.round(rgb[1])}, ${Math.round(rgb[2])})`;
}

/** Round tick step (1, 2 or 5 × 10^n) giving about `target` intervals over [0, max]. */
export function niceStep(max: number, target = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function fmt(v: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return v.toFixed(decimals);
}

/** Largest dose at which a DVH still has volume (upper edge of the last non-empty bin). */
function maxDoseWithVolume(d: Dvh): number {
  for (let b = d.differentialCm3.length - 1; b >= 0; b--) if (d.differentialCm3[b] > 0) return (b + 1) * d.binWidthGy;
  return 0;
}

/** Vertices of one curve (dose, value) before scaling to pixels. */
export function dvhCurveValues(d: Dvh, mode: DvhMode, maxDoseGy: number): { doseGy: Float64Array; value: Float64Array } {
  const total = d.totalVolumeCm3 > 0 ? d.totalVolumeCm3 : 1;
  const w = d.binWidthGy;
  const nIn = Math.min(d.cumulativeCm3.length, Math.ceil(maxDoseGy / w) + 1);
  const doseGy: number[] = [];
  const value: number[] = [];
  if (mode === 'cumulative') {
    // cumulative[b] = volume with dose ≥ b·w: a point at each bin's lower edge.
    for (let b = 0; b < nIn; b++) {
      doseGy.push(b * w);
      value.push((100 * d.cumulativeCm3[b]) / total);
    }
    if (nIn === d.cumulativeCm3.length && nIn * w <= maxDoseGy) {
      doseGy.push(nIn * w);
      value.push(0);
    }
  } else {
    // Differential: a step per bin (flat over [b·w, (b+1)·w)).
    for (let b = 0; b < nIn; b++) {
      const v = (100 * d.differentialCm3[b]) / total / w;
      doseGy.push(b * w, Math.min((b + 1) * w, maxDoseGy));
      value.push(v, v);
    }
  }
  return { doseGy: Float64Array.from(doseGy), value: Float64Array.from(value) };
}

/** Lays out the chart. */
export function dvhChart(curves: readonly DvhCurveInput[], options: DvhChartOptions): DvhChartView {
  const { mode, width, height, prescriptionGy } = options;
  const plot = { left: 44, top: 8, right: width - 8, bottom: height - 30 };
  const dataMax = Math.max(0, ...curves.map((c) => maxDoseWithVolume(c.dvh)));
  const cap = prescriptionGy > 0 ? 3 * prescriptionGy : dataMax;
  const wantedMax = options.maxDoseGy ?? Math.max(prescriptionGy > 0 ? 1.2 * prescriptionGy : 1, Math.min(dataMax, cap));
  const xStep = niceStep(wantedMax);
  const maxDoseGy = Math.ceil(wantedMax / xStep - 1e-9) * xStep;
  const values = curves.map((c) => dvhCurveValues(c.dvh, mode, maxDoseGy));
  const maxValue = mode === 'cumulative' ? 100 : (() => {
    const m = Math.max(0, ...values.map((v) => v.value.reduce((a, x) => Math.max(a, x), 0)));
    const s = niceStep(m > 0 ? m : 1);
    return Math.ceil((m > 0 ? m : 1) / s - 1e-9) * s;
  })();
  const xPx = (d: number) => plot.left + ((plot.right - plot.left) * d) / maxDoseGy;
  const yPx = (v: number) => plot.bottom - ((plot.bottom - plot.top) * Math.min(v, maxValue)) / maxValue;
  const xTicks: AxisTick[] = [];
  for (let v = 0; v <= maxDoseGy + 1e-9; v += xStep) xTicks.push({ value: v, px: xPx(v), label: fmt(v, xStep) });
  const yStep = mode === 'cumulative' ? 20 : niceStep(maxValue, 4);
  const yTicks: AxisTick[] = [];
  for (let v = 0; v <= maxValue + 1e-9; v += yStep) yTicks.push({ value: v, px: yPx(v), label: fmt(v, yStep) });
  const views = curves.map((c, i): DvhCurveView => {
    const { doseGy, value } = values[i];
    let path = '';
    for (let k = 0; k < doseGy.length; k++) path += `${k === 0 ? 'M' : ' L'}${xPx(doseGy[k]).toFixed(1)} ${yPx(value[k]).toFixed(1)}`;
    return { label: c.label, colour: rgbCss(c.rgb), path, doseGy, value };
  });
  return {
    mode,
    width,
    height,
    plot,
    maxDoseGy,
    maxValue,
    xTicks,
    yTicks,
    xLabel: 'Dose (Gy)',
    yLabel: mode === 'cumulative' ? 'Volume (%)' : 'Volume (% / Gy)',
    prescriptionX: prescriptionGy > 0 && prescriptionGy <= maxDoseGy ? xPx(prescriptionGy) : null,
    curves: views,
  };
}

/** Value of a curve at a dose (linear between vertices; 0 beyond the last). */
export function curveValueAt(curve: Pick<DvhCurveView, 'doseGy' | 'value'>, doseGy: number): number {
  const d = curve.doseGy;
  if (d.length === 0) return 0;
  if (doseGy <= d[0]) return curve.value[0];
  for (let k = 1; k < d.length; k++) {
    if (doseGy <= d[k]) {
      const span = d[k] - d[k - 1];
      const t = span > 0 ? (doseGy - d[k - 1]) / span : 1;
      return curve.value[k - 1] + t * (curve.value[k] - curve.value[k - 1]);
    }
  }
  return 0;
}

/** Hover readout at a pixel x: the dose there and each curve's value, e.g. "Lesion: 92.3%". */
export function dvhReadout(chart: DvhChartView, x: number): { doseGy: number; rows: { label: string; colour: string; text: string }[] } | null {
  if (x < chart.plot.left || x > chart.plot.right) return null;
  const doseGy = ((x - chart.plot.left) / (chart.plot.right - chart.plot.left)) * chart.maxDoseGy;
  const unit = chart.mode === 'cumulative' ? '%' : '%/Gy';
  return {
    doseGy,
    rows: chart.curves.map((c) => ({ label: c.label, colour: c.colour, text: `${curveValueAt(c, doseGy).toFixed(1)}${unit}` })),
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Standalone SVG markup of a chart (for the printable report), with a legend under the plot. */
export function dvhSvg(chart: DvhChartView, options: { background?: string; foreground?: string } = {}): string {
  const fg = options.foreground ?? '#222';
  const bg = options.background ?? '#fff';
  const { plot } = chart;
  const legendH = 16 * chart.curves.length;
  const h = chart.height + legendH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${chart.width}" height="${h}" viewBox="0 0 ${chart.width} ${h}" font-family="sans-serif" font-size="10">`);
  parts.push(`<rect x="0" y="0" width="${chart.width}" height="${h}" fill="${bg}"/>`);
  for (const t of chart.yTicks) parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${t.px.toFixed(1)}" y2="${t.px.toFixed(1)}" stroke="#ccc" stroke-width="0.5"/><text x="${plot.left - 4}" y="${(t.px + 3).toFixed(1)}" text-anchor="end" fill="${fg}">${esc(t.label)}</text>`);
  for (const t of chart.xTicks) parts.push(`<line x1="${t.px.toFixed(1)}" x2="${t.px.toFixed(1)}" y1="${plot.bottom}" y2="${plot.bottom + 4}" stroke="${fg}"/><text x="${t.px.toFixed(1)}" y="${plot.bottom + 14}" text-anchor="middle" fill="${fg}">${esc(t.label)}</text>`);
  parts.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="${fg}" stroke-width="0.8"/>`);
  if (chart.prescriptionX !== null) parts.push(`<line data-role="prescription" x1="${chart.prescriptionX.toFixed(1)}" x2="${chart.prescriptionX.toFixed(1)}" y1="${plot.top}" y2="${plot.bottom}" stroke="#d33" stroke-dasharray="4 3"/>`);
  for (const c of chart.curves) parts.push(`<path d="${c.path}" fill="none" stroke="${c.colour}" stroke-width="1.5"><title>${esc(c.label)}</title></path>`);
  parts.push(`<text x="${(plot.left + plot.right) / 2}" y="${chart.height - 4}" text-anchor="middle" fill="${fg}">${esc(chart.xLabel)}</text>`);
  parts.push(`<text transform="translate(10 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="${fg}">${esc(chart.yLabel)}</text>`);
  chart.curves.forEach((c, i) => {
    const y = chart.height + 12 + 16 * i;
    parts.push(`<line x1="${plot.left}" x2="${plot.left + 18}" y1="${y - 3}" y2="${y - 3}" stroke="${c.colour}" stroke-width="2"/><text x="${plot.left + 24}" y="${y}" fill="${fg}">${esc(c.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
