/**
 * Panel controls of the plan store: "Save plan" (Retry after a failure), "Load plan" with the "Plans in PACS"
 * list (complete PVPI plans of the study, plus RT Plans of other systems found in the study), and the one-line
 * save/load state. Used by the Plan section of the planning panel.
 */
import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import type { PlanSummary } from '../../../../src/planStore';
import { peekHostContext } from '../host/hostContext';
import { colors, mutedStyle } from '../panels/theme';
import { openRtPlan, rtPlanRefOf } from '../rtplan/openRtPlan';
import { currentStudyInstanceUID, listPacsPlans, loadPacsPlan, savePlanToPacs, usePlanSaveState } from './planStoreService';

const buttonStyle: CSSProperties = { background: 'transparent', color: colors.highlight, border: `1px solid ${colors.border}`, borderRadius: 4, padding: '2px 8px', fontSize: 12, cursor: 'pointer' };
const disabledStyle: CSSProperties = { ...buttonStyle, opacity: 0.5, cursor: 'not-allowed' };

interface OtherRtPlan {
  displaySetInstanceUID: string;
  description: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
}

function otherRtPlans(pvpiSeries: Set<string>): OtherRtPlan[] {
  const sets = peekHostContext()?.servicesManager.services.displaySetService?.getActiveDisplaySets() ?? [];
  const out: OtherRtPlan[] = [];
  for (const ds of sets) {
    if (ds.Modality !== 'RTPLAN' || !ds.SeriesInstanceUID || pvpiSeries.has(ds.SeriesInstanceUID)) continue;
    const ref = rtPlanRefOf(ds);
    if (ref) out.push({ displaySetInstanceUID: ds.displaySetInstanceUID, description: ds.SeriesDescription ?? 'RT Plan', ...ref });
  }
  return out;
}

function when(dt: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?/.exec(dt);
  return m ? `${m[1]}-${m[2]}-${m[3]}${m[4] ? ` ${m[4]}:${m[5] ?? '00'}` : ''}` : '';
}

/** "Plans in PACS": the study's plans with a Load button each. */
export function PlansInPacs({ onClose }: { onClose: () => void }) {
  const study = currentStudyInstanceUID();
  const [state, setState] = useState<{ loading: boolean; plans?: PlanSummary[]; error?: string; others: OtherRtPlan[] }>({ loading: false, others: [] });
  const [busy, setBusy] = useState<string | undefined>();
  const [result, setResult] = useState<{ ok: boolean; message: string } | undefined>();
  const saveState = usePlanSaveState();
  const refresh = () => {
    if (!study) return;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    void listPacsPlans(study).then((r) => {
      const plans = r.ok ? r.plans : [];
      setState({ loading: false, plans, others: otherRtPlans(new Set(plans.map((p) => p.rtPlanSeriesInstanceUID))), ...(r.ok ? {} : { error: r.message }) });
    });
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => refresh(), [study]);
  const unsaved = saveState.status === 'modified' || saveState.status === 'failed' || saveState.status === 'draft';
  return (
    <div data-pvpi="pacs-plans" data-loading={state.loading} style={{ marginTop: 6, border: `1px solid ${colors.border}`, borderRadius: 4, padding: 6 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <b>Plans in PACS</b>
        <span style={{ display: 'flex', gap: 4 }}>
          <button type="button" style={buttonStyle} onClick={refresh} data-pvpi="pacs-plans-refresh">
            Refresh
          </button>
          <button type="button" style={buttonStyle} onClick={onClose} data-pvpi="pacs-plans-close">
            Close
          </button>
        </span>
      </div>
      {!study && <p style={mutedStyle}>Open a study first.</p>}
      {state.loading && <p style={mutedStyle}>Asking the PACS…</p>}
      {state.error && (
        <p data-pvpi="pacs-plans-error" style={{ color: '#f88', margin: '2px 0' }}>
          {state.error}
        </p>
      )}
      {unsaved && <p style={{ ...mutedStyle, margin: '2px 0' }}>Loading replaces the plan being edited (a backup of it stays in this browser).</p>}
      {state.plans && state.plans.length === 0 && !state.error && <p style={mutedStyle}>No saved PVPI plan in this study.</p>}
      <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }}>
        {(state.plans ?? []).map((p) => (
          <li key={p.rtPlanSopInstanceUID} data-pvpi="pacs-plan" data-uid={p.rtPlanSopInstanceUID} style={{ display: 'flex', gap: 6, alignItems: 'center', marginTop: 2 }}>
            <span style={{ flex: 1 }} title={p.seriesDescription}>
              {p.name} <span style={mutedStyle}>{when(p.seriesDateTime)}</span>
            </span>
            <button
              type="button"
              data-pvpi="pacs-plan-load"
              style={busy ? disabledStyle : buttonStyle}
              disabled={busy !== undefined}
              onClick={() => {
                setBusy(p.rtPlanSopInstanceUID);
                void loadPacsPlan(p.studyInstanceUID, p.rtPlanSopInstanceUID).then((r) => {
                  setBusy(undefined);
                  setResult({ ok: r.ok, message: r.ok ? `Loaded "${r.plan.name}": ${r.plan.needles.length} needle(s), ${r.plan.seeds.length} seed(s).` : r.message });
                });
              }}
            >
              {busy === p.rtPlanSopInstanceUID ? 'Loading…' : 'Load'}
            </button>
          </li>
        ))}
        {state.others.map((o) => (
          <li key={o.displaySetInstanceUID} data-pvpi="other-rtplan" data-uid={o.sopInstanceUID} style={{ display: 'flex', gap: 6, alignItems: 'center', marginTop: 2 }}>
            <span style={{ flex: 1 }}>
              {o.description} <span style={mutedStyle}>(RT Plan, seeds only)</span>
            </span>
            <button
              type="button"
              data-pvpi="other-rtplan-open"
              style={busy ? disabledStyle : buttonStyle}
              disabled={busy !== undefined}
              onClick={() => {
                setBusy(o.sopInstanceUID);
                void openRtPlan(o).then((r) => {
                  setBusy(undefined);
                  setResult({ ok: r.ok, message: r.message });
                });
              }}
            >
              {busy === o.sopInstanceUID ? 'Opening…' : 'Open'}
            </button>
          </li>
        ))}
      </ul>
      {result && (
        <p data-pvpi="pacs-plans-result" data-ok={result.ok} style={{ color: result.ok ? colors.foreground : '#f88', margin: '4px 0 0' }}>
          {result.message}
        </p>
      )}
    </div>
  );
}

/** Save plan / Retry, Load plan (toggles "Plans in PACS") and the save state line. */
export function PlanStoreControls({ extraButtons }: { extraButtons?: ReactNode }) {
  const st = usePlanSaveState();
  const [showList, setShowList] = useState(false);
  const saving = st.status === 'saving' || st.status === 'loading';
  const retry = st.status === 'failed' && st.retryable && st.pendingSave?.sameAsPlan;
  const progress = st.progress ? ` ${st.progress.done}/${st.progress.total}` : '';
  return (
    <>
      <div style={{ display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap', marginTop: 4 }}>
        <button
          type="button"
          data-pvpi="save-plan"
          data-retry={retry ? 'true' : 'false'}
          style={saving ? disabledStyle : buttonStyle}
          disabled={saving}
          title="Saves the plan as DICOM to the PACS: SEG, RT Structure Set, RT Dose, then RT Plan (4 new series)"
          onClick={() => void savePlanToPacs()}
        >
          {st.status === 'saving' ? `Saving${progress}…` : retry ? 'Retry save' : 'Save plan'}
        </button>
        <button type="button" data-pvpi="load-plan" style={saving ? disabledStyle : buttonStyle} disabled={saving} title="Lists the study's plans in the PACS" onClick={() => setShowList((v) => !v)}>
          Load plan
        </button>
        {extraButtons}
      </div>
      {st.message && (
        <p data-pvpi="plan-save-state" data-status={st.status} data-retryable={st.retryable ? 'true' : 'false'} style={{ margin: '4px 0 0', color: st.status === 'failed' ? '#f88' : colors.muted, fontSize: 12 }}>
          {st.message}
        </p>
      )}
      {!st.message && <span data-pvpi="plan-save-state" data-status={st.status} style={{ display: 'none' }} />}
      {showList && <PlansInPacs onClose={() => setShowList(false)} />}
    </>
  );
}
