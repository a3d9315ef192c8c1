/** "Export report": builds the printable HTML (pure core function) and opens it in a new window / downloads it. */
import { getSourceModel } from '../../../../src/dose/sourceModel';
import { dvhChart, dvhSvg } from '../../../../src/planning/viewModels/dvhChart';
import { metricsTable, planRules } from '../../../../src/planning/viewModels/doseMetricsView';
import { implantSummary, PLAN_STATUS_TEXT, planSaveStatus } from '../../../../src/planning/viewModels/seedSourceView';
import { planReportHtml } from '../../../../src/report/planReport';
import { currentPlanEditor } from '../plan/planSession';
import { cementText } from './cementView';
import { keyImageOf, overlayViewportIds } from './overlay';
import { getDoseState } from './store';

/** The report HTML for the current plan, or an error message. */
export function buildReportHtml(): string {
  const plan = currentPlanEditor()?.plan;
  if (!plan) throw new Error('No plan is open: load a CT in the PVPI mode first');
  const st = getDoseState();
  const rules = planRules(plan.prescription, plan.constraints);
  const rows = metricsTable(st.structures.map((s) => ({ label: s.label, rgb: s.rgb, metrics: s.metrics })), rules, plan.prescription.targetLabel);
  const chart = st.structures.length ? dvhChart(st.structures.map((s) => ({ label: s.label, rgb: s.rgb, dvh: s.dvh })), { mode: 'cumulative', prescriptionGy: plan.prescription.doseGy, width: 520, height: 300 }) : undefined;
  const keyImages = overlayViewportIds()
    .map((id) => ({ caption: id.replace(/^mpr-/, ''), dataUrl: keyImageOf(id) }))
    .filter((k): k is { caption: string; dataUrl: string } => typeof k.dataUrl === 'string');
  let modelName: string | undefined;
  try {
    modelName = getSourceModel(plan.source.modelId).name;
  } catch {
    modelName = undefined;
  }
  const g = st.grid;
  return planReportHtml({
    plan,
    summary: implantSummary(plan),
    rows,
    dvhSvg: chart ? dvhSvg(chart) : undefined,
    keyImages,
    sourceModelName: modelName,
    generatedDateTime: new Date().toISOString(),
    status: PLAN_STATUS_TEXT[planSaveStatus(plan.modifiedDateTime, st.savedModifiedDateTime)],
    cementText: cementText(),
    notes: [
      'Dose: AAPM TG-43U1 2D formalism, total dose of the permanent implant (decay to infinity), strength decay-corrected to the implant date.',
      g ? `Dose grid ${g.dimensions.join(' × ')} voxels of ${g.spacingMm[0]} mm (planning region of the CT).` : 'No dose grid.',
    ],
  });
}

/** Opens the report in a new tab (print from there); falls back to a download when pop-ups are blocked. */
export function exportReport(): string {
  const html = buildReportHtml();
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  const win = window.open(url, '_blank');
  if (!win) {
    const a = document.createElement('a');
    a.href = url;
    a.download = 'pvpi-plan-report.html';
    a.click();
  }
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return html;
}
