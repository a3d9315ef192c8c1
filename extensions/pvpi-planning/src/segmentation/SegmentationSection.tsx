/**
 * The "Segmentation" section of the PVPI planning panel: segmented levels with segment volumes (cm³), progress,
 * errors, undo, lesion HU range, level naming, and saving as DICOM SEG (with retry on failure).
 */
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { colors, mutedStyle } from '../panels/theme';
import { nameLevel, segmentLesion, selectLevel, setLesionRange, undoLastRun } from './controller';
import { autoRestoreTick, restorableSeries, restoreSegmentation, type SavedSegSeries } from './restore';
import { saveSegmentation } from './save';
import { useSegmentationState, type LevelEntry } from './store';

const buttonStyle: CSSProperties = {
  background: 'transparent',
  color: colors.highlight,
  border: `1px solid ${colors.border}`,
  borderRadius: 4,
  padding: '2px 8px',
  fontSize: 12,
  cursor: 'pointer',
};
const inputStyle: CSSProperties = {
  background: 'transparent',
  color: colors.foreground,
  border: `1px solid ${colors.border}`,
  borderRadius: 4,
  padding: '1px 4px',
  fontSize: 12,
  width: 64,
};
const rowStyle: CSSProperties = { display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap', marginTop: 6 };

function swatch(rgb: [number, number, number]): CSSProperties {
  return { display: 'inline-block', width: 10, height: 10, borderRadius: 2, background: `rgb(${rgb.join(',')})`, marginRight: 6 };
}

function LevelTable({ level, selected }: { level: LevelEntry; selected: boolean }) {
  return (
    <div data-pvpi="segmentation-level" data-level={level.name} style={{ marginTop: 6, borderLeft: `2px solid ${selected ? colors.highlight : 'transparent'}`, paddingLeft: 6 }}>
      <label style={{ display: 'flex', gap: 6, alignItems: 'center', cursor: 'pointer' }}>
        <input type="radio" name="pvpi-level" checked={selected} onChange={() => selectLevel(level.slot)} />
        <strong>{level.name}</strong>
        {!level.named && <span style={mutedStyle}>(unnamed: use Level labels)</span>}
        {level.elapsedMs !== undefined && <span style={mutedStyle}>{(level.elapsedMs / 1000).toFixed(1)} s</span>}
      </label>
      <table style={{ width: '100%', fontSize: 12, borderCollapse: 'collapse' }}>
        <tbody>
          {level.segments.map((row) => (
            <tr key={row.key} data-pvpi="segment-row" data-label={row.label} data-volume-cm3={row.volumeCm3.toFixed(3)}>
              <td>
                <span style={swatch(row.rgb)} />
                {row.label}
              </td>
              <td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>{row.volumeCm3.toFixed(2)} cm³</td>
            </tr>
          ))}
        </tbody>
      </table>
      {level.warnings.map((w) => (
        <p key={w} style={{ ...mutedStyle, margin: '2px 0' }}>
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}

/** The Segmentation section body. */
export function SegmentationSection() {
  const st = useSegmentationState();
  const [levelName, setLevelName] = useState('');
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (st.focusLevelForm) nameInput.current?.focus();
  }, [st.focusLevelForm]);
  // Reopening a study: restore the latest saved PVPI SEG of the CT once it is loaded; offer any later one.
  const [saved, setSaved] = useState<SavedSegSeries | undefined>(undefined);
  useEffect(() => {
    const tick = () => {
      autoRestoreTick();
      const next = restorableSeries();
      setSaved((prev) => (prev?.seriesInstanceUID === next?.seriesInstanceUID ? prev : next));
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, []);
  const offerRestore = saved !== undefined && saved.seriesInstanceUID !== st.restoredFrom && saved.seriesInstanceUID !== st.save.seriesInstanceUID;
  const selected = st.levels.find((l) => l.slot === st.selectedSlot) ?? st.levels[st.levels.length - 1];
  const busy = st.busy !== undefined;

  return (
    <div data-pvpi="segmentation-section" data-restored-from={st.restoredFrom ?? ''} data-restored-draft={st.restoredDraftMs ?? ''}>
      {st.levels.length === 0 && !busy && (
        <p style={mutedStyle}>Choose “Segment vertebra” in the toolbar, then click inside a vertebral body in any view.</p>
      )}
      {busy && (
        <p data-pvpi="segmentation-busy" role="status" style={{ margin: '4px 0', color: colors.highlight }}>
          ⏳ {st.busy}
        </p>
      )}
      {st.error && (
        <p data-pvpi="segmentation-error" role="alert" style={{ margin: '4px 0', color: '#ff6b6b', fontWeight: 600 }}>
          {st.error}
        </p>
      )}
      {st.info && !st.error && (
        <p data-pvpi="segmentation-info" style={{ margin: '4px 0', ...mutedStyle }}>
          {st.info}
        </p>
      )}
      {st.levels.map((level) => (
        <LevelTable key={level.slot} level={level} selected={level.slot === selected?.slot} />
      ))}
      {st.levels.length > 0 && (
        <>
          <div style={{ ...rowStyle, outline: st.focusLevelForm ? `1px solid ${colors.highlight}` : 'none', padding: 2 }}>
            <span>Level of {selected?.name ?? '—'}:</span>
            <input
              ref={nameInput}
              data-pvpi="level-name-input"
              style={inputStyle}
              placeholder="e.g. L1"
              value={levelName}
              onChange={(e) => setLevelName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && selected) nameLevel(selected.slot, levelName);
              }}
            />
            <button type="button" data-pvpi="level-name-apply" style={buttonStyle} disabled={!selected || busy} onClick={() => selected && nameLevel(selected.slot, levelName)}>
              Name level
            </button>
          </div>
          <div style={rowStyle}>
            <span>Lesion</span>
            <select
              data-pvpi="lesion-kind"
              style={{ ...inputStyle, width: 80 }}
              value={st.lesion.kind}
              onChange={(e) => setLesionRange({ kind: e.target.value === 'blastic' ? 'blastic' : 'lytic' })}
            >
              <option value="lytic">lytic</option>
              <option value="blastic">blastic</option>
            </select>
            <input data-pvpi="lesion-min-hu" type="number" style={inputStyle} value={st.lesion.minHU} onChange={(e) => setLesionRange({ minHU: Number(e.target.value) })} />
            <span>to</span>
            <input data-pvpi="lesion-max-hu" type="number" style={inputStyle} value={st.lesion.maxHU} onChange={(e) => setLesionRange({ maxHU: Number(e.target.value) })} />
            <span>HU</span>
            <button type="button" data-pvpi="segment-lesion" style={buttonStyle} disabled={busy} onClick={() => void segmentLesion()}>
              Segment lesion
            </button>
          </div>
        </>
      )}
      <div style={rowStyle}>
        <button type="button" data-pvpi="segmentation-undo" style={buttonStyle} disabled={!st.canUndo || busy} onClick={() => undoLastRun()}>
          Undo last run
        </button>
        {offerRestore && (
          <button
            type="button"
            data-pvpi="restore-segmentation"
            data-series-uid={saved.seriesInstanceUID}
            style={buttonStyle}
            disabled={busy}
            title="Replace the current segmentation with the one saved in the PACS"
            onClick={() => void restoreSegmentation({ seriesInstanceUID: saved.seriesInstanceUID })}
          >
            Load saved segmentation (series {saved.seriesNumber})
          </button>
        )}
        <button
          type="button"
          data-pvpi="save-segmentation"
          style={buttonStyle}
          disabled={st.levels.length === 0 || busy || st.save.status === 'saving'}
          onClick={() => void saveSegmentation()}
        >
          Save segmentation
        </button>
      </div>
      {st.save.status !== 'idle' && (
        <p
          data-pvpi="save-status"
          data-status={st.save.status}
          data-series-uid={st.save.seriesInstanceUID ?? ''}
          role={st.save.status === 'failed' ? 'alert' : 'status'}
          style={{ margin: '4px 0', color: st.save.status === 'failed' ? '#ff6b6b' : colors.muted, fontSize: 12 }}
        >
          {st.save.message}{' '}
          {st.save.status === 'failed' && st.save.retryable && (
            <button type="button" data-pvpi="save-retry" style={buttonStyle} onClick={() => void saveSegmentation()}>
              Retry
            </button>
          )}
        </p>
      )}
    </div>
  );
}
