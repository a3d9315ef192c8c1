/**
 * Panel section "Needles": suggest per pedicle, gauge and margin for new needles, the planned needles with their
 * status (green / amber / red), every finding with its reason, angles / clearance / lengths, bull's-eye view,
 * explicit override (with a reason) of a needle with errors, removal, undo/redo.
 */
import { useState } from 'react';
import type { Needle, NeedleGauge } from '../../../../src/planning/plan';
import { mutedStyle } from '../panels/theme';
import { usePlan } from '../plan/planSession';
import { aimThroughPedicle, anatomyChanged, bullsEyeView, clearOverride, needleStatus, overrideNeedle, removeNeedle, selectNeedle, setNeedleApproach, setNeedleGauge, STATUS_COLOURS, suggestNeedle } from './controller';
import { PlanHistory } from './PlanHistory';
import { setNeedleState, useNeedleState, type NeedleEvaluationEntry } from './store';
import { buttonStyle, errorStyle, infoStyle, rowStyle } from './styles';

const GAUGES: NeedleGauge[] = [11, 13];
const APPROACHES: { value: Needle['approach']; label: string; title: string }[] = [
  { value: 'transpedicular', label: 'transpedicular', title: 'Through the pedicle: pedicle corridor, canal and vertebral-body checks' },
  { value: 'anterolateral', label: 'anterolateral (cervical)', title: 'Cervical anterolateral approach: canal and vertebral-body checks only; the pedicle corridor does not apply' },
];

function ApproachSelect({ value, onChange, pvpi }: { value: Needle['approach']; onChange: (a: Needle['approach']) => void; pvpi: string }) {
  return (
    <select
      data-pvpi={pvpi}
      value={value}
      onChange={(ev) => onChange(ev.target.value === 'anterolateral' ? 'anterolateral' : 'transpedicular')}
      style={{ fontSize: 12 }}
      title={APPROACHES.find((a) => a.value === value)?.title}
    >
      {APPROACHES.map((a) => (
        <option key={a.value} value={a.value} title={a.title}>
          {a.label}
        </option>
      ))}
    </select>
  );
}
const STATUS_TEXT = { ok: 'all constraints met', warning: 'warnings', error: 'blocked: errors' } as const;

function Details({ entry }: { entry: NeedleEvaluationEntry | undefined }) {
  const e = entry?.evaluation;
  if (!e) return <div style={mutedStyle}>{entry?.problem ?? 'Checking…'}</div>;
  return (
    <div style={mutedStyle} data-pvpi="needle-metrics" data-min-clearance-mm={e.minClearanceMm.toFixed(2)}>
      {entry?.level} · clearance {e.minClearanceMm.toFixed(1)} mm · canal {e.canalDistanceMm.toFixed(1)} mm · medial {e.medialAngleDeg.toFixed(0)}° · craniocaudal{' '}
      {e.craniocaudalAngleDeg.toFixed(0)}° · {e.lengthMm.toFixed(0)} mm ({e.boneLengthMm.toFixed(0)} mm in bone)
    </div>
  );
}

function OverrideForm({ needle }: { needle: Needle }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (needle.override) {
    return (
      <div style={infoStyle} data-pvpi="needle-override">
        Overridden: “{needle.override.reason}” ({new Date(needle.override.atDateTime).toLocaleString()}){' '}
        <button type="button" style={buttonStyle} onClick={() => clearOverride(needle.id)}>
          Withdraw
        </button>
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" style={buttonStyle} data-pvpi="needle-override-open" onClick={() => setOpen(true)} title="Allow seeds on this needle despite its errors (recorded in the plan with your reason)">
        Override…
      </button>
    );
  }
  return (
    <form
      style={{ display: 'flex', gap: 4, marginTop: 4 }}
      onSubmit={(ev) => {
        ev.preventDefault();
        if (overrideNeedle(needle.id, reason)) setOpen(false);
      }}
    >
      <input data-pvpi="needle-override-reason" placeholder="Reason (recorded in the plan)" value={reason} onChange={(ev) => setReason(ev.target.value)} style={{ flex: 1, fontSize: 12 }} />
      <button type="submit" style={buttonStyle} data-pvpi="needle-override-confirm" disabled={!reason.trim()}>
        Confirm override
      </button>
      <button type="button" style={buttonStyle} onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

function NeedleRow({ needle, entry, selected }: { needle: Needle; entry: NeedleEvaluationEntry | undefined; selected: boolean }) {
  const status = needleStatus(needle);
  return (
    <li
      data-pvpi="needle-row"
      data-needle-id={needle.id}
      data-approach={needle.approach}
      data-status={status}
      data-checked={entry ? 'true' : 'false'}
      data-entry-mm={needle.entryMm.map((x) => x.toFixed(3)).join(',')}
      data-tip-mm={needle.tipMm.map((x) => x.toFixed(3)).join(',')} style={{ ...rowStyle, listStyle: 'none', outline: selected ? '1px solid rgba(255,255,255,0.3)' : undefined }} onClick={() => selectNeedle(needle.id)}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span aria-hidden style={{ width: 10, height: 10, borderRadius: 5, background: STATUS_COLOURS[status], display: 'inline-block' }} />
        <strong>{needle.label}</strong>
        <select value={needle.gauge} onChange={(ev) => setNeedleGauge(needle.id, Number(ev.target.value) as NeedleGauge)} style={{ fontSize: 12 }} title="Needle gauge (outer diameter)">
          {GAUGES.map((g) => (
            <option key={g} value={g}>
              {g}G
            </option>
          ))}
        </select>
        <ApproachSelect pvpi="needle-approach" value={needle.approach} onChange={(a) => setNeedleApproach(needle.id, a)} />
        <span style={mutedStyle} title={needle.findings.map((f) => `${f.code}: ${f.message}`).join('\n')}>
          {STATUS_TEXT[status]}
        </span>
      </div>
      <Details entry={entry} />
      {needle.approach === 'anterolateral' && (
        <div style={mutedStyle} data-pvpi="needle-approach-note">
          Anterolateral approach: the pedicle corridor does not apply; only the spinal canal and the vertebral-body (tip) checks are made.
        </div>
      )}
      {needle.findings.length > 0 && (
        <ul style={{ margin: '2px 0', paddingLeft: 16 }}>
          {needle.findings.map((f, i) => (
            <li key={`${f.code}-${i}`} data-pvpi="needle-finding" data-code={f.code} data-severity={f.severity} style={{ color: f.severity === 'error' ? STATUS_COLOURS.error : STATUS_COLOURS.warning, fontSize: 12 }}>
              <span style={{ fontWeight: 600 }}>{f.code}</span>: {f.message}
            </li>
          ))}
        </ul>
      )}
      <div style={{ display: 'flex', gap: 4, flexWrap: 'wrap', marginTop: 2 }}>
        <button type="button" style={buttonStyle} data-pvpi="needle-bullseye" onClick={() => bullsEyeView({ needleId: needle.id })} title="Turn the active viewport to look down this needle (pedicle ring and needle dot)">
          Bull's-eye view
        </button>
        {needle.approach === 'transpedicular' && (
          <button
            type="button"
            style={buttonStyle}
            data-pvpi="needle-aim"
            onClick={() => void aimThroughPedicle(needle.id)}
            title="Keep this needle's tip (your target) and move its entry onto the largest-clearance path through the pedicle on the tip's side"
          >
            Best path to this tip
          </button>
        )}
        {status === 'error' && <OverrideForm needle={needle} />}
        <button type="button" style={buttonStyle} data-pvpi="needle-remove" onClick={() => removeNeedle(needle.id)} title="Remove this needle and its seeds">
          Remove
        </button>
      </div>
    </li>
  );
}

/** The Needles section of the planning panel. */
export function NeedlesSection() {
  const plan = usePlan();
  const st = useNeedleState();
  const needles = plan?.needles ?? [];
  return (
    <div data-pvpi="needles-section">
      <div style={{ display: 'flex', gap: 4, flexWrap: 'wrap', alignItems: 'center' }}>
        <button type="button" style={buttonStyle} data-pvpi="suggest-left" disabled={!!st.busy} onClick={() => void suggestNeedle({ side: 'left' })} title="Largest-clearance path through the left pedicle of the selected level">
          Suggest left
        </button>
        <button type="button" style={buttonStyle} data-pvpi="suggest-right" disabled={!!st.busy} onClick={() => void suggestNeedle({ side: 'right' })} title="Largest-clearance path through the right pedicle of the selected level">
          Suggest right
        </button>
        <label style={mutedStyle}>
          New{' '}
          <select value={st.gauge} onChange={(ev) => setNeedleState({ gauge: Number(ev.target.value) as NeedleGauge })} style={{ fontSize: 12 }}>
            {GAUGES.map((g) => (
              <option key={g} value={g}>
                {g}G
              </option>
            ))}
          </select>
        </label>
        <label style={mutedStyle} title="Approach of needles drawn with the Needle tool">
          approach <ApproachSelect pvpi="new-needle-approach" value={st.approach} onChange={(a) => setNeedleState({ approach: a })} />
        </label>
        <label style={mutedStyle} title="Required distance between the needle surface and the pedicle cortex">
          margin{' '}
          <input
            type="number"
            min={0}
            max={5}
            step={0.5}
            value={st.marginMm}
            onChange={(ev) => {
              const v = Number(ev.target.value);
              if (Number.isFinite(v) && v >= 0) {
                setNeedleState({ marginMm: v });
                anatomyChanged();
              }
            }}
            style={{ width: 44, fontSize: 12 }}
          />{' '}
          mm
        </label>
        <PlanHistory where="plan" />
      </div>
      {st.busy && (
        <p style={infoStyle} data-pvpi="needles-busy">
          {st.busy}
        </p>
      )}
      {st.error && (
        <p style={errorStyle} data-pvpi="needles-error">
          {st.error}
        </p>
      )}
      {st.info && !st.error && (
        <p style={mutedStyle} data-pvpi="needles-info">
          {st.info}
        </p>
      )}
      {!plan && <p style={mutedStyle}>Show the planning CT to start a plan.</p>}
      {plan && needles.length === 0 && (
        <p style={mutedStyle}>No needle yet: “Suggest left/right” after segmenting the level, or the Needle tool (click the skin entry, then the target).</p>
      )}
      <ul style={{ margin: 0, padding: 0 }} data-pvpi="needle-list" data-count={needles.length}>
        {needles.map((n) => (
          <NeedleRow key={n.id} needle={n} entry={st.evaluations[n.id]} selected={st.selectedNeedleId === n.id} />
        ))}
      </ul>
    </div>
  );
}
