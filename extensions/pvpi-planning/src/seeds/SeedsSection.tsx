/**
 * Panel section "Seeds": seed count and total air-kerma strength, the seeds per needle (depth from the tip, remove),
 * automatic planning with progress and cancel, undo/redo. Dose, isodoses and DVH follow every change (dose view).
 */
import { PRESCRIPTION_LITERATURE_RANGE_GY, type Needle, type Seed } from '../../../../src/planning/plan';
import { mutedStyle } from '../panels/theme';
import { usePlan } from '../plan/planSession';
import { PlanHistory } from '../needles/PlanHistory';
import { buttonStyle, errorStyle, infoStyle, rowStyle } from '../needles/styles';
import { cancelAutoPlan, runAutoPlan } from './autoPlanRunner';
import { depthFromTipMm, removeSeeds, selectSeed } from './controller';
import { setSeedState, useSeedState } from './store';
import { fillNeedle } from './fillNeedle';
import { useNeedleState } from '../needles/store';
import { parseSeedSpacingMm } from '../../../../src/planning/viewModels/seedFillView';
import { SEED_SPACING_RANGE_MM } from '../../../../src/planning/seedPlacement';
import { useState } from 'react';

/** Spacing field + "Fill needle" for the selected (or the only) needle. */
function FillNeedle({ needles }: { needles: Needle[] }) {
  const st = useSeedState();
  const sel = useNeedleState().selectedNeedleId;
  const [text, setText] = useState<string | undefined>(undefined);
  const target = needles.find((n) => n.id === sel) ?? (needles.length === 1 ? needles[0] : undefined);
  const [lo, hi] = SEED_SPACING_RANGE_MM;
  const commit = (): number | undefined => {
    if (text === undefined) return st.spacingMm;
    const r = parseSeedSpacingMm(text);
    setText(undefined);
    if ('error' in r) {
      setSeedState({ error: r.error });
      return undefined;
    }
    setSeedState({ spacingMm: r.spacingMm, error: undefined });
    return r.spacingMm;
  };
  return (
    <div style={{ display: 'flex', gap: 4, alignItems: 'center', flexWrap: 'wrap', marginTop: 4 }}>
      <label style={mutedStyle} title={`Centre-to-centre distance of seeds along a needle, ${lo}–${hi} mm`}>
        spacing{' '}
        <input
          data-pvpi="seed-spacing"
          type="number"
          min={lo}
          max={hi}
          step={0.5}
          value={text ?? String(st.spacingMm)}
          onChange={(ev) => setText(ev.target.value)}
          onBlur={() => void commit()}
          onKeyDown={(ev) => {
            if (ev.key === 'Enter') (ev.target as HTMLInputElement).blur();
          }}
          style={{ width: 48, fontSize: 12 }}
        />{' '}
        mm
      </label>
      <button
        type="button"
        style={buttonStyle}
        data-pvpi="fill-needle"
        disabled={!target}
        onClick={() => {
          const spacing = commit();
          if (target && spacing !== undefined) void fillNeedle(target.id, spacing);
        }}
        title={target ? `Seeds along ${target.label} from its tip at this spacing, where the placement rules allow (replaces its seeds; undoable)` : 'Select a needle (Needles section) first'}
      >
        Fill {target ? target.label : 'needle'}
      </button>
    </div>
  );
}

function seedStrengthU(seed: Seed, sourceU: number): number {
  return seed.airKermaStrengthU ?? sourceU;
}

/** The Seeds section of the planning panel. */
export function SeedsSection() {
  const plan = usePlan();
  const st = useSeedState();
  if (!plan) return <p style={mutedStyle}>Show the planning CT to start a plan.</p>;
  const sourceU = plan.source.airKermaStrengthU;
  const total = plan.seeds.reduce((s, seed) => s + seedStrengthU(seed, sourceU), 0);
  const byNeedle = new Map<string, Seed[]>();
  for (const s of plan.seeds) byNeedle.set(s.needleId ?? '', [...(byNeedle.get(s.needleId ?? '') ?? []), s]);
  const needleOf = (id: string): Needle | undefined => plan.needles.find((n) => n.id === id);
  const ap = st.autoPlan;
  const flags = st.checks.flags;
  const flagged = plan.seeds.filter((s) => flags[s.id]);
  const flaggedErrors = flagged.filter((s) => flags[s.id]?.severity === 'error').length;
  return (
    <div data-pvpi="seeds-section">
      <div data-pvpi="seed-summary" data-seed-count={plan.seeds.length} data-total-strength-u={total.toFixed(3)}>
        <strong data-pvpi="seeds-count">{plan.seeds.length}</strong> {plan.seeds.length === 1 ? 'seed' : 'seeds'} · total{' '}
        <strong data-pvpi="seed-total-strength">{total.toFixed(2)}</strong> U ({plan.source.modelId}, {sourceU} U per seed at{' '}
        {new Date(plan.source.calibrationDateTime).toLocaleDateString()})
      </div>
      <div
        data-pvpi="seed-checks"
        data-status={st.checks.status}
        data-flagged={flagged.length}
        data-flagged-errors={flaggedErrors}
        style={flaggedErrors ? errorStyle : mutedStyle}
        title="Every seed is checked after each change against the anatomy: inside the lesion (+3 mm) and the vertebral body, out of the spinal canal, ≥ 3 mm from the posterior wall"
      >
        {plan.seeds.length === 0
          ? null
          : st.checks.status === 'checking'
            ? 'Checking the seed positions…'
            : flagged.length
              ? `${flagged.length} ${flagged.length === 1 ? 'seed breaks' : 'seeds break'} a placement rule (${flaggedErrors} unacceptable): see the marked seeds below`
              : 'All seed positions respect the placement rules.'}
      </div>
      <div style={mutedStyle} title={`Published range for permanent 125I spine implants: ${PRESCRIPTION_LITERATURE_RANGE_GY[0]}–${PRESCRIPTION_LITERATURE_RANGE_GY[1]} Gy`}>
        Prescription {plan.prescription.doseGy} Gy to the {plan.prescription.targetLabel.toLowerCase()} (literature {PRESCRIPTION_LITERATURE_RANGE_GY[0]}–{PRESCRIPTION_LITERATURE_RANGE_GY[1]} Gy)
      </div>
      <div style={{ display: 'flex', gap: 4, alignItems: 'center', flexWrap: 'wrap', marginTop: 4 }}>
        {ap.running ? (
          <button type="button" style={buttonStyle} data-pvpi="autoplan-cancel" onClick={cancelAutoPlan}>
            Cancel auto-plan
          </button>
        ) : (
          <button
            type="button"
            style={buttonStyle}
            data-pvpi="autoplan"
            disabled={plan.needles.length === 0}
            onClick={() => void runAutoPlan()}
            title="Choose seed positions on the needles to cover the lesion with the prescription (V100 ≥ 95 %) within the spinal-canal limits; replaces the current seeds (undoable)"
          >
            Auto-plan
          </button>
        )}
        <PlanHistory where="seeds" />
      </div>
      <FillNeedle needles={plan.needles} />
      {ap.running && (
        <div data-pvpi="autoplan-progress" style={infoStyle}>
          <progress data-pvpi="autoplan-progress-bar" value={ap.fraction} max={1} style={{ width: '100%' }} />
          <div style={mutedStyle}>{ap.message}</div>
        </div>
      )}
      {ap.summary && !ap.running && (
        <div data-pvpi="autoplan-summary" data-outcome={ap.outcome ?? ''} data-v100-pct={ap.v100Pct === undefined ? '' : ap.v100Pct.toFixed(2)} style={infoStyle}>
          {ap.summary}
          {(ap.findings ?? []).map((f, i) => (
            <div key={i} style={{ color: f.severity === 'error' ? 'rgb(255, 110, 110)' : 'rgb(255, 176, 0)' }}>
              {f.code}: {f.message}
            </div>
          ))}
        </div>
      )}
      {st.error && (
        <p style={errorStyle} data-pvpi="seeds-error">
          {st.error}
        </p>
      )}
      {st.info && !st.error && <p style={mutedStyle}>{st.info}</p>}
      {plan.seeds.length === 0 && <p style={mutedStyle}>“Place seed”: click on a needle to add a seed on its axis; drag it along the needle; Delete removes the selected seed.</p>}
      {[...byNeedle.entries()].map(([needleId, seeds]) => {
        const needle = needleOf(needleId);
        return (
          <div key={needleId || 'free'} style={rowStyle} data-pvpi="seed-group" data-needle-id={needleId}>
            <div>
              {needle ? needle.label : 'Not on a needle'} · {seeds.length}{' '}
              <button type="button" style={buttonStyle} onClick={() => removeSeeds(seeds.map((s) => s.id))} title="Remove these seeds">
                Remove all
              </button>
            </div>
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {seeds.map((s) => {
                const depth = depthFromTipMm(s, needle);
                const flag = flags[s.id];
                return (
                  <li key={s.id} data-pvpi="seed-row" data-seed-id={s.id} data-flag={flag?.code ?? ''} style={{ fontSize: 12, cursor: 'pointer', color: st.selectedSeedId === s.id ? 'rgb(0, 255, 255)' : undefined }} onClick={() => selectSeed(s.id)}>
                    {depth !== undefined ? `${depth.toFixed(1)} mm from the tip` : `(${s.positionMm.map((x) => x.toFixed(1)).join(', ')}) mm`} · {seedStrengthU(s, sourceU)} U{' '}
                    <button type="button" style={buttonStyle} data-pvpi="seed-remove" onClick={(ev) => { ev.stopPropagation(); removeSeeds([s.id]); }}>
                      ✕
                    </button>
                    {flag && (
                      <div data-pvpi="seed-finding" data-code={flag.code} data-severity={flag.severity} style={{ color: flag.severity === 'error' ? 'rgb(255, 110, 110)' : 'rgb(255, 176, 0)' }}>
                        {flag.severity === 'error' ? '✖' : '⚠'} {flag.code}: {flag.message}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </div>
  );
}
