/**
 * The viewport OHIF shows when an RT Plan display set is opened in our mode: it loads the plan into the plan
 * session (seeds, and needles for PVPI plans; see openRtPlan.ts), reports what was loaded or why not, and
 * puts the CT back into the viewport on request (the seeds are drawn on the CT views by the seed overlays).
 */
import { useEffect, useState } from 'react';
import { createHostComponent, type HostProps } from '../host/reactBridge';
import { peekHostContext } from '../host/hostContext';
import { colors, mutedStyle } from '../panels/theme';
import { RTPLAN_MODULE_NAME } from './ids';
import type { OpenRtPlanResult } from './openRtPlan';
import type { RtPlanDisplaySet } from './sopClassHandler';

function isRtPlanDisplaySet(v: unknown): v is RtPlanDisplaySet {
  return typeof v === 'object' && v !== null && (v as RtPlanDisplaySet).Modality === 'RTPLAN' && typeof (v as RtPlanDisplaySet).load === 'function';
}

function backToCt(viewportId: string | undefined, seriesInstanceUID: string | undefined): void {
  const services = peekHostContext()?.servicesManager.services;
  const ct = services?.displaySetService?.getActiveDisplaySets().find((d) => d.Modality === 'CT' && (!seriesInstanceUID || d.SeriesInstanceUID === seriesInstanceUID));
  const grid = services?.viewportGridService as { setDisplaySetsForViewport?(o: { viewportId: string; displaySetInstanceUIDs: string[] }): void } | undefined;
  if (ct && viewportId) grid?.setDisplaySetsForViewport?.({ viewportId, displaySetInstanceUIDs: [ct.displaySetInstanceUID] });
}

function RtPlanViewport({ displaySets, viewportId }: { displaySets: unknown[]; viewportId?: string }) {
  const ds = displaySets.find(isRtPlanDisplaySet);
  const [result, setResult] = useState<OpenRtPlanResult | undefined>(ds?.lastLoad);
  const [busy, setBusy] = useState(false);
  const uid = ds?.displaySetInstanceUID;
  useEffect(() => {
    if (!ds) return;
    let live = true;
    setBusy(true);
    setResult(undefined);
    void ds.load().then((r) => {
      if (!live) return;
      setResult(r);
      setBusy(false);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [uid]);
  const box = { color: colors.foreground, padding: 16, fontSize: 13, lineHeight: 1.5, background: '#000', height: '100%', boxSizing: 'border-box' as const };
  if (!ds) return <div style={box}>No RT Plan in this viewport.</div>;
  return (
    <div data-pvpi="rtplan-viewport" data-status={busy ? 'loading' : result?.ok ? 'loaded' : 'failed'} style={box}>
      <h3 style={{ margin: 0, color: colors.highlight, fontSize: 14 }}>{ds.SeriesDescription}</h3>
      {busy && <p>Loading the RT Plan into the plan…</p>}
      {result?.ok && (
        <p data-pvpi="rtplan-loaded" data-seeds={result.plan.seeds.length} data-needles={result.plan.needles.length}>
          {result.message} The seeds are shown on the CT views.
        </p>
      )}
      {result && !result.ok && (
        <p data-pvpi="rtplan-error" style={{ color: '#f88' }}>
          {result.message}
        </p>
      )}
      <p style={mutedStyle}>RT Plan {ds.SOPInstanceUID}</p>
      <button
        type="button"
        data-pvpi="rtplan-back-to-ct"
        style={{ background: 'transparent', color: colors.highlight, border: `1px solid ${colors.border}`, borderRadius: 4, padding: '2px 8px', cursor: 'pointer' }}
        onClick={() => backToCt(viewportId, result?.ok ? result.plan.references.seriesInstanceUID : undefined)}
      >
        Show the CT in this viewport
      </button>
    </div>
  );
}

const RtPlanViewportForHost = createHostComponent(RTPLAN_MODULE_NAME, (props: HostProps) => (
  <RtPlanViewport displaySets={Array.isArray(props.displaySets) ? props.displaySets : []} viewportId={typeof props.viewportId === 'string' ? props.viewportId : undefined} />
));

/** OHIF viewport module. */
export function getRtPlanViewportModule() {
  return [{ name: RTPLAN_MODULE_NAME, component: RtPlanViewportForHost }];
}
