/**
 * The printable plan report: one self-contained HTML page (metrics, DVH, key images, plan summary) built by a
 * pure function, so the viewer only has to open it and the content is unit-tested.
 */
import { METRIC_COLUMNS, type MetricsRowView } from '../planning/viewModels/doseMetricsView';
import { formatStrength, type ImplantSummary } from '../planning/viewModels/seedSourceView';
import type { Plan } from '../planning/plan';

/** Everything the report shows. Images are data: URLs (e.g. a viewport canvas's toDataURL()). */
export interface PlanReportInput {
  plan: Plan;
  summary: ImplantSummary;
  rows: MetricsRowView[];
  /** SVG markup of the DVH (dvhSvg). */
  dvhSvg?: string;
  keyImages: { caption: string; dataUrl: string }[];
  /** Source model name, e.g. "Amersham/GE OncoSeed 6711". */
  sourceModelName?: string;
  /** ISO date-time of the report. */
  generatedDateTime: string;
  status: string;
  /** Estimated cement volume text (or a note that it is not available). */
  cementText?: string;
  /** Lines appended under the metrics (e.g. dose grid and calculation notes). */
  notes?: string[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STATUS_MARK = { pass: '✓', fail: '✗', none: '' } as const;

function metricsTableHtml(rows: MetricsRowView[]): string {
  const head = `<tr><th>Structure</th>${METRIC_COLUMNS.map((c) => `<th title="${escapeHtml(c.description)}">${escapeHtml(c.label)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr data-structure="${escapeHtml(r.label)}"><td>${r.rgb ? `<span class="sw" style="background:rgb(${r.rgb.join(',')})"></span>` : ''}${escapeHtml(r.label)}${r.isTarget ? ' (target)' : ''}</td>${r.cells
          .map((c) => `<td class="${c.status}" data-metric="${escapeHtml(c.key)}" title="${escapeHtml(c.title)}">${escapeHtml(c.text)}${STATUS_MARK[c.status] ? ` ${STATUS_MARK[c.status]}` : ''}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="metrics">${head}${body}</table>`;
}

/** The report as a complete HTML document (UTF-8, print styles, no external resources). */
export function planReportHtml(input: PlanReportInput): string {
  const { plan, summary } = input;
  const p = plan.references;
  const dt = (s: string) => escapeHtml(s.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
  const rows: [string, string][] = [
    ['Patient', `${p.patientName ?? '—'} (ID ${p.patientID ?? '—'})`],
    ['Study / CT series', `${p.studyInstanceUID} / ${p.seriesInstanceUID}`],
    ['Plan', `${plan.name} — ${input.status}, ${plan.approval === 'APPROVED' ? 'approved' : 'not approved'}`],
    ['Prescription', `${plan.prescription.doseGy} Gy to ${plan.prescription.targetLabel} (total dose of the permanent implant)`],
    ['Source', `${input.sourceModelName ?? plan.source.modelId}, ${formatStrength(plan.source.airKermaStrengthU)} per seed, calibrated ${plan.source.calibrationDateTime}`],
    ['Implant date', plan.implantDateTime],
    ['Seeds', `${summary.seedCount} seeds, total ${formatStrength(summary.totalStrengthU)} at calibration, ${summary.totalStrengthAtImplantU.toFixed(3)} U at implant`],
    ['Needles', String(plan.needles.length)],
    ['Cement', input.cementText ?? '—'],
  ];
  const constraints = plan.constraints.map((c) => `<li>${escapeHtml(`${c.structureLabel}: ${c.metric} ≤ ${c.limit}${c.metric.startsWith('V') ? '%' : ' Gy'} (${c.source})`)}</li>`).join('');
  const images = input.keyImages.map((k) => `<figure><img alt="${escapeHtml(k.caption)}" src="${escapeHtml(k.dataUrl)}"/><figcaption>${escapeHtml(k.caption)}</figcaption></figure>`).join('');
  const notes = (input.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>${escapeHtml(`PVPI plan report — ${plan.name}`)}</title>
<style>
body{font:12px/1.4 sans-serif;color:#111;margin:16px;}
h1{font-size:18px;margin:0 0 4px}h2{font-size:14px;margin:16px 0 4px}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 5px;text-align:right}td:first-child,th:first-child{text-align:left}
.summary td{text-align:left}.pass{background:#d8f5d8}.fail{background:#f9d0d0;font-weight:bold}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #555}
figure{display:inline-block;margin:4px}img{max-width:320px;border:1px solid #999}
.warn{color:#800}@media print{button{display:none}}
</style></head><body>
<h1>PVPI plan report</h1>
<p class="warn">Investigational use only. Check every number against an independent calculation before clinical use.</p>
<p>Generated ${dt(input.generatedDateTime)}</p>
<table class="summary">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>Dose metrics</h2>
${metricsTableHtml(input.rows)}
<ul>${constraints}${notes}</ul>
<h2>Dose-volume histogram</h2>
${input.dvhSvg ?? '<p>No DVH (no seeds or no structures).</p>'}
<h2>Key images</h2>
${images || '<p>No key image.</p>'}
</body></html>`;
}
