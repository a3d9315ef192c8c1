/**
 * Panel sections of the dose feature: "Plan" (prescription, seed source, totals, cement, status, save/load/report)
 * and "Dose" (status, isodose lines and colour wash, metrics table, DVH). State: plan session + dose store.
 */
import { useState, type CSSProperties } from 'react';
import { listSourceModels } from '../../../../src/dose/sourceModel';
import { I125_U_PER_MCI } from '../../../../src/dose/decay';
import { PRESCRIPTION_LITERATURE_RANGE_GY, type Plan } from '../../../../src/planning/plan';
import { metricsTable, planRules } from '../../../../src/planning/viewModels/doseMetricsView';
import { normaliseIsodoseLines } from '../../../../src/planning/viewModels/isodoseStyle';
import { constraintRows, withConstraintLimit } from '../../../../src/planning/viewModels/constraintsView';
import { formatStrength, implantSummary, PLAN_STATUS_TEXT, planSaveStatus, strengthInputToU } from '../../../../src/planning/viewModels/seedSourceView';
import { colors, mutedStyle } from '../panels/theme';
import { editPlan, usePlan } from '../plan/planSession';
import { useSegmentationState } from '../segmentation/store';
import { cementText } from './cementView';
import { refreshAllPlanes } from './controller';
import { DvhChartView } from './DvhChartView';
import { MetricsTable } from './MetricsTable';
import { exportReport } from './report';
import { PlanStoreControls } from '../planStore/PlanStoreControls';
import { setDoseState, useDoseState } from './store';

const buttonStyle: CSSProperties = { background: 'transparent', color: colors.highlight, border: `1px solid ${colors.border}`, borderRadius: 4, padding: '2px 8px', fontSize: 12, cursor: 'pointer' };
const inputStyle: CSSProperties = { background: 'transparent', color: colors.foreground, border: `1px solid ${colors.border}`, borderRadius: 4, padding: '1px 4px', fontSize: 12, width: 70 };
const rowStyle: CSSProperties = { display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap', marginTop: 4 };

function tryEdit(apply: () => void, setError: (m: string | undefined) => void): void {
  try {
    apply();
    setError(undefined);
  } catch (e) {
    setError(e instanceof Error ? e.message : String(e));
  }
}

/** A number field that commits on blur/Enter (keeps what the user types until then). */
function NumberField({ value, onCommit, pvpi, title, step = 'any', id }: { value: number; onCommit: (v: string) => void; pvpi: string; title?: string; step?: string; id?: string }) {
  const [text, setText] = useState<string | undefined>(undefined);
  return (
    <input
      id={id}
      data-pvpi={pvpi}
      title={title}
      style={inputStyle}
      type="number"
      step={step}
      value={text ?? String(Number(value.toFixed(4)))}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => {
        if (text !== undefined) onCommit(text);
        setText(undefined);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
      }}
    />
  );
}

/** Prescription, source, totals, cement, plan status and the save/load/report buttons. */
export function PlanHeaderSection() {
  const plan = usePlan();
  const dose = useDoseState();
  useSegmentationState(); // re-render when volumes change (cement estimate)
  const [error, setError] = useState<string | undefined>();
  const [unit, setUnit] = useState<'U' | 'mCi'>('U');
  if (!plan) return <p style={mutedStyle}>Open a CT in this mode to start a plan.</p>;
  const s = implantSummary(plan);
  const status = planSaveStatus(plan.modifiedDateTime, dose.savedModifiedDateTime);
  const [lo, hi] = PRESCRIPTION_LITERATURE_RANGE_GY;
  const models = listSourceModels();
  const strength = unit === 'U' ? plan.source.airKermaStrengthU : plan.source.airKermaStrengthU / I125_U_PER_MCI;
  return (
    <div data-pvpi="plan-header" style={{ fontSize: 12 }}>
      <div style={rowStyle}>
        <label htmlFor="pvpi-rx">Prescription</label>
        <NumberField id="pvpi-rx" pvpi="prescription-input" value={plan.prescription.doseGy} title="Matched peripheral dose (Gy), total dose of the permanent implant" onCommit={(t) => tryEdit(() => editPlan({ type: 'setPrescription', prescription: { doseGy: Number(t) } }), setError)} />
        <span>Gy to {plan.prescription.targetLabel}</span>
      </div>
      <p style={{ ...mutedStyle, margin: '2px 0' }} data-pvpi="prescription-help">
        Total dose over the full decay of the permanent implant. Published series for spinal metastases prescribe {lo}–{hi} Gy (matched peripheral dose); choose per protocol.
        {plan.prescription.doseGy < lo || plan.prescription.doseGy > hi ? <b style={{ color: '#f88' }}> Outside the literature range.</b> : null}
      </p>
      <div style={rowStyle}>
        <label>Seed model</label>
        <select data-pvpi="seed-model" style={{ ...inputStyle, width: 'auto' }} value={plan.source.modelId} onChange={(e) => tryEdit(() => editPlan({ type: 'setSource', source: { modelId: e.target.value } }), setError)}>
          {models.map((m) => (
            <option key={m.id} value={m.id} style={{ color: '#000' }}>
              {m.id} — {m.name}
            </option>
          ))}
        </select>
      </div>
      <div style={rowStyle}>
        <label>Strength / seed</label>
        <NumberField
          key={unit}
          pvpi="seed-strength"
          value={strength}
          title={`Air-kerma strength per seed at calibration. 1 U = 1 µGy·m²·h⁻¹; apparent activity 1 mCi = ${I125_U_PER_MCI} U for I-125.`}
          onCommit={(t) => {
            const u = strengthInputToU(t, unit);
            if (u === undefined) setError('The strength must be a positive number');
            else tryEdit(() => editPlan({ type: 'setSource', source: { airKermaStrengthU: u } }), setError);
          }}
        />
        <select data-pvpi="strength-unit" style={{ ...inputStyle, width: 'auto' }} value={unit} onChange={(e) => setUnit(e.target.value === 'mCi' ? 'mCi' : 'U')}>
          <option value="U" style={{ color: '#000' }}>U</option>
          <option value="mCi" style={{ color: '#000' }}>mCi</option>
        </select>
        <span style={mutedStyle} data-pvpi="strength-both">= {formatStrength(plan.source.airKermaStrengthU)}</span>
      </div>
      <div style={rowStyle}>
        <label>Calibration date</label>
        <input
          data-pvpi="calibration-date"
          type="date"
          style={{ ...inputStyle, width: 130 }}
          value={plan.source.calibrationDateTime.slice(0, 10)}
          onChange={(e) => {
            const d = Date.parse(`${e.target.value}T00:00:00Z`);
            if (Number.isFinite(d)) tryEdit(() => editPlan({ type: 'setSource', source: { calibrationDateTime: new Date(d).toISOString() } }), setError);
          }}
        />
        <label>Implant</label>
        <input
          data-pvpi="implant-date"
          type="date"
          style={{ ...inputStyle, width: 130 }}
          value={plan.implantDateTime.slice(0, 10)}
          onChange={(e) => {
            const d = Date.parse(`${e.target.value}T00:00:00Z`);
            if (Number.isFinite(d)) tryEdit(() => editPlan({ type: 'setImplantDateTime', implantDateTime: new Date(d).toISOString() }), setError);
          }}
        />
      </div>
      <dl style={{ margin: '4px 0 0', display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '1px 8px' }}>
        <dt style={mutedStyle}>Seeds</dt>
        <dd style={{ margin: 0 }} data-pvpi="seed-count" data-count={s.seedCount}>
          {s.seedCount}
        </dd>
        <dt style={mutedStyle}>Total strength</dt>
        <dd style={{ margin: 0 }} data-pvpi="total-strength" title={`At the implant date: ${s.totalStrengthAtImplantU.toFixed(3)} U (decay ×${s.decayToImplant.toFixed(3)} over ${s.daysCalibrationToImplant.toFixed(0)} days)`}>
          {formatStrength(s.totalStrengthU)}
        </dd>
        <dt style={mutedStyle}>Cement</dt>
        <dd style={{ margin: 0 }} data-pvpi="cement-estimate">
          {cementText()}
        </dd>
        <dt style={mutedStyle}>Status</dt>
        <dd style={{ margin: 0 }} data-pvpi="plan-status" data-status={status}>
          {PLAN_STATUS_TEXT[status]}
          {plan.approval === 'APPROVED' ? ', approved' : ''}
        </dd>
        <dt style={mutedStyle}>Approval</dt>
        <dd style={{ margin: 0 }}>
          <label title="Stored as the RT Plan's Approval Status (APPROVED / UNAPPROVED). Approve only after reviewing the dose and constraints; any later change to the plan withdraws the approval.">
            <input
              type="checkbox"
              data-pvpi="plan-approved"
              checked={plan.approval === 'APPROVED'}
              onChange={(e) => tryEdit(() => editPlan({ type: 'setApproval', approval: e.target.checked ? 'APPROVED' : 'UNAPPROVED' }), setError)}
            />{' '}
            {plan.approval === 'APPROVED' ? 'approved' : 'not approved (UNAPPROVED in the RT Plan)'}
          </label>
        </dd>
      </dl>
      <PlanStoreControls
        extraButtons={
          <button type="button" style={buttonStyle} data-pvpi="export-report" title="Printable HTML report: plan summary, metrics, DVH and key images of the viewports" onClick={() => tryEdit(() => void exportReport(), setError)}>
            Export report
          </button>
        }
      />
      {error && (
        <p data-pvpi="plan-error" style={{ color: '#f88', margin: '4px 0 0' }}>
          {error}
        </p>
      )}
    </div>
  );
}

function IsodoseControls({ plan }: { plan: Plan }) {
  const dose = useDoseState();
  const [error, setError] = useState<string | undefined>();
  const update = (i: number, patch: { percentOfPrescription?: number; colour?: string }) => {
    try {
      const lines = normaliseIsodoseLines(dose.isodoseLines.map((l, k) => (k === i ? { ...l, ...patch } : l)));
      setDoseState({ isodoseLines: lines });
      setError(undefined);
      refreshAllPlanes();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div data-pvpi="isodose-controls" style={{ fontSize: 12 }}>
      <div style={rowStyle}>
        <label>
          <input type="checkbox" data-pvpi="show-isodoses" checked={dose.showIsodoses} onChange={(e) => setDoseState({ showIsodoses: e.target.checked })} /> isodose lines
        </label>
        <label>
          <input type="checkbox" data-pvpi="show-wash" checked={dose.showWash} onChange={(e) => setDoseState({ showWash: e.target.checked })} /> colour wash
        </label>
      </div>
      <div style={rowStyle}>
        {dose.isodoseLines.map((l, i) => (
          <span key={`${i}-${l.percentOfPrescription}`} style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }} title={`${l.percentOfPrescription}% of ${plan.prescription.doseGy} Gy = ${((l.percentOfPrescription / 100) * plan.prescription.doseGy).toFixed(1)} Gy`}>
            <input type="color" data-pvpi="isodose-colour" value={l.colour} onChange={(e) => update(i, { colour: e.target.value })} style={{ width: 18, height: 18, padding: 0, border: 'none', background: 'transparent' }} />
            <NumberField pvpi="isodose-level" value={l.percentOfPrescription} step="5" onCommit={(t) => update(i, { percentOfPrescription: Number(t) })} />%
          </span>
        ))}
      </div>
      {error && <p style={{ color: '#f88', margin: 0 }}>{error}</p>}
    </div>
  );
}

/** The plan's organ-at-risk limits: editable, each with the source of its number. */
function ConstraintsEditor({ plan }: { plan: Plan }) {
  const [error, setError] = useState<string | undefined>();
  const rows = constraintRows(plan.constraints);
  return (
    <div data-pvpi="constraints" style={{ fontSize: 12, marginTop: 4 }}>
      <div style={mutedStyle}>Dose constraints (upper limits, total dose)</div>
      {rows.length === 0 ? <p style={{ ...mutedStyle, margin: 0 }}>None.</p> : null}
      {rows.map((r) => (
        <div key={`${r.index}-${r.structureLabel}-${r.metric}`} style={rowStyle} data-pvpi="constraint-row" data-metric={r.metric} data-structure={r.structureLabel} title={`Source: ${r.source}`}>
          <span>
            {r.structureLabel} {r.metric} ≤
          </span>
          <NumberField
            pvpi="constraint-limit"
            value={r.limit}
            title={`${r.structureLabel} ${r.metric} limit (${r.unit}). Source: ${r.source}`}
            onCommit={(t) => tryEdit(() => editPlan({ type: 'setConstraints', constraints: withConstraintLimit(plan.constraints, r.index, t) }), setError)}
          />
          <span>{r.unit}</span>
          <span style={{ ...mutedStyle, flexBasis: '100%' }} data-pvpi="constraint-source">
            {r.source}
          </span>
        </div>
      ))}
      {error && (
        <p data-pvpi="constraint-error" style={{ color: '#f88', margin: 0 }}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Dose status, isodose settings, metrics table and DVH. */
export function DoseSection() {
  const plan = usePlan();
  const dose = useDoseState();
  if (!plan) return <p style={mutedStyle}>No plan yet.</p>;
  const rows = metricsTable(dose.structures.map((s) => ({ label: s.label, rgb: s.rgb, metrics: s.metrics })), planRules(plan.prescription, plan.constraints), plan.prescription.targetLabel);
  const last = dose.latencies[dose.latencies.length - 1];
  return (
    <div data-pvpi="dose-section" data-status={dose.status}>
      <p style={{ ...mutedStyle, margin: 0 }} data-pvpi="dose-status">
        {dose.status === 'computing' ? 'Computing dose…' : dose.status === 'ready' ? `Dose ready${dose.engine === 'in-page' ? ' (in page)' : ''}.` : dose.message ?? 'No dose yet.'}
        {dose.grid ? ` Grid ${dose.grid.dimensions.join('×')} @ ${dose.grid.spacingMm[0]} mm.` : ''}
        {last ? ` Last update ${last.ms.toFixed(0)} ms.` : ''}
      </p>
      {dose.error && (
        <p data-pvpi="dose-error" style={{ color: '#f88', margin: '2px 0' }}>
          {dose.error}
        </p>
      )}
      <IsodoseControls plan={plan} />
      <ConstraintsEditor plan={plan} />
      {rows.length > 0 ? (
        <>
          <MetricsTable rows={rows} />
          <p style={{ ...mutedStyle, margin: '2px 0' }}>Green: goal/constraint met; red: not met (hover a cell for the rule). Target goals: D90 ≥ prescription, V100 ≥ 95%.</p>
          <DvhChartView structures={dose.structures} prescriptionGy={plan.prescription.doseGy} />
        </>
      ) : (
        <p style={mutedStyle}>{plan.seeds.length === 0 ? 'Place seeds to see dose metrics and the DVH.' : 'Segment the vertebra to see metrics and DVH per structure.'}</p>
      )}
    </div>
  );
}
