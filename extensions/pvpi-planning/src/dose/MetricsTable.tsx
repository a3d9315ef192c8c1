/** Dose metrics per structure with pass/fail colouring against the plan's goals and constraints. */
import { METRIC_COLUMNS, type MetricsRowView } from '../../../../src/planning/viewModels/doseMetricsView';
import { rgbCss } from '../../../../src/planning/viewModels/dvhChart';
import { colors } from '../panels/theme';

const STATUS_BG = { pass: 'rgba(40,160,60,0.35)', fail: 'rgba(210,40,40,0.55)', none: 'transparent' } as const;

export function MetricsTable({ rows }: { rows: MetricsRowView[] }) {
  const cell = { padding: '1px 4px', borderBottom: `1px solid ${colors.border}`, textAlign: 'right' as const, whiteSpace: 'nowrap' as const };
  return (
    <div style={{ overflowX: 'auto' }}>
      <table data-pvpi="dose-metrics" style={{ borderCollapse: 'collapse', fontSize: 11 }}>
        <thead>
          <tr>
            <th style={{ ...cell, textAlign: 'left' }}>Structure</th>
            {METRIC_COLUMNS.map((c) => (
              <th key={c.key} style={{ ...cell, cursor: 'help' }} title={`${c.label} (${c.unit}): ${c.description}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} data-pvpi="dose-metrics-row" data-label={r.label} data-status={r.status}>
              <td style={{ ...cell, textAlign: 'left' }}>
                {r.rgb && <span style={{ display: 'inline-block', width: 8, height: 8, marginRight: 4, background: rgbCss(r.rgb) }} />}
                {r.label}
                {r.isTarget ? ' ◎' : ''}
              </td>
              {r.cells.map((c) => (
                <td key={c.key} data-metric={c.key} data-value={c.value ?? ''} data-status={c.status} title={c.title} style={{ ...cell, background: STATUS_BG[c.status] }}>
                  {c.text}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
