/** The DVH chart (SVG): one curve per structure in its segment colour, prescription line, hover readout. */
import { useMemo, useState } from 'react';
import { dvhChart, dvhReadout, type DvhMode } from '../../../../src/planning/viewModels/dvhChart';
import { colors, mutedStyle } from '../panels/theme';
import type { StructureDose } from './store';

export function DvhChartView({ structures, prescriptionGy, width = 300, height = 200 }: { structures: StructureDose[]; prescriptionGy: number; width?: number; height?: number }) {
  const [mode, setMode] = useState<DvhMode>('cumulative');
  const [hoverX, setHoverX] = useState<number | null>(null);
  const chart = useMemo(
    () => dvhChart(structures.map((s) => ({ label: s.label, rgb: s.rgb, dvh: s.dvh })), { mode, prescriptionGy, width, height }),
    [structures, mode, prescriptionGy, width, height],
  );
  const readout = hoverX === null ? null : dvhReadout(chart, hoverX);
  const { plot } = chart;
  return (
    <div data-pvpi="dvh" data-mode={mode}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', fontSize: 12 }}>
        <label>
          <input type="checkbox" data-pvpi="dvh-differential" checked={mode === 'differential'} onChange={(e) => setMode(e.target.checked ? 'differential' : 'cumulative')} /> differential
        </label>
        <span style={mutedStyle}>{mode === 'cumulative' ? 'cumulative: % volume receiving ≥ dose' : 'differential: % volume per Gy'}</span>
      </div>
      <svg
        width={width}
        height={height}
        style={{ display: 'block', background: 'rgba(0,0,0,0.25)' }}
        onMouseMove={(e) => setHoverX(e.clientX - e.currentTarget.getBoundingClientRect().left)}
        onMouseLeave={() => setHoverX(null)}
      >
        {chart.yTicks.map((t) => (
          <g key={`y${t.value}`}>
            <line x1={plot.left} x2={plot.right} y1={t.px} y2={t.px} stroke="rgba(255,255,255,0.15)" />
            <text x={plot.left - 4} y={t.px + 3} textAnchor="end" fontSize={10} fill={colors.muted}>
              {t.label}
            </text>
          </g>
        ))}
        {chart.xTicks.map((t) => (
          <g key={`x${t.value}`}>
            <line x1={t.px} x2={t.px} y1={plot.bottom} y2={plot.bottom + 4} stroke={colors.muted} />
            <text x={t.px} y={plot.bottom + 14} textAnchor="middle" fontSize={10} fill={colors.muted}>
              {t.label}
            </text>
          </g>
        ))}
        <rect x={plot.left} y={plot.top} width={plot.right - plot.left} height={plot.bottom - plot.top} fill="none" stroke={colors.border} />
        {chart.prescriptionX !== null && <line data-pvpi="dvh-prescription" x1={chart.prescriptionX} x2={chart.prescriptionX} y1={plot.top} y2={plot.bottom} stroke="#ff5555" strokeDasharray="4 3" />}
        {chart.curves.map((c) => (
          <path key={c.label} data-pvpi="dvh-curve" data-label={c.label} d={c.path} fill="none" stroke={c.colour} strokeWidth={1.5} />
        ))}
        <text x={(plot.left + plot.right) / 2} y={height - 3} textAnchor="middle" fontSize={10} fill={colors.muted}>
          {chart.xLabel}
        </text>
        <text transform={`translate(10 ${(plot.top + plot.bottom) / 2}) rotate(-90)`} textAnchor="middle" fontSize={10} fill={colors.muted}>
          {chart.yLabel}
        </text>
        {readout && hoverX !== null && <line x1={hoverX} x2={hoverX} y1={plot.top} y2={plot.bottom} stroke="rgba(255,255,255,0.5)" />}
      </svg>
      <div data-pvpi="dvh-readout" style={{ fontSize: 11, minHeight: 16 }}>
        {readout ? (
          <>
            <b>{readout.doseGy.toFixed(1)} Gy</b>
            {readout.rows.map((r) => (
              <span key={r.label} style={{ marginLeft: 8, color: r.colour }}>
                {r.label}: {r.text}
              </span>
            ))}
          </>
        ) : (
          <span style={mutedStyle}>Hover the chart for values.</span>
        )}
      </div>
    </div>
  );
}
