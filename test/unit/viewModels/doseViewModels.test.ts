import { computeDvh, doseMetrics, type DoseMetrics } from '../../../src/dose/dvh';
import { createPlan, DEFAULT_CANAL_CONSTRAINTS } from '../../../src/planning/plan';
import { checkMetric, formatDoseGy, formatMetric, formatPercent, formatVolumeCm3, metricsTable, planRules, structureMatches } from '../../../src/planning/viewModels/doseMetricsView';
import { curveValueAt, dvhChart, dvhReadout, dvhSvg, niceStep } from '../../../src/planning/viewModels/dvhChart';
import { doseWashRgba, normaliseIsodoseLines } from '../../../src/planning/viewModels/isodoseStyle';
import { formatStrength, implantSummary, planSaveStatus, strengthInputToU } from '../../../src/planning/viewModels/seedSourceView';
import { planReportHtml } from '../../../src/report/planReport';

const refs = { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', frameOfReferenceUID: '1.2.3.5', patientName: 'Doe^Jane <x>', patientID: 'P1' };

function metrics(over: Partial<DoseMetrics>): DoseMetrics {
  return {
    volumeCm3: 5,
    prescriptionGy: 120,
    D90Gy: 130,
    D100Gy: 80,
    DmaxGy: 2500,
    DmeanGy: 200,
    V100Pct: 95,
    V150Pct: 60,
    V200Pct: 30,
    D0_1ccGy: 900,
    D1ccGy: 400,
    D2ccGy: 250,
    COIN: null,
    HI: null,
    ...over,
  };
}

describe('metric formatting', () => {
  it('writes every value with its unit, one decimal for doses and %', () => {
    expect(formatDoseGy(119.96)).toBe('120.0 Gy');
    expect(formatDoseGy(2499.6)).toBe('2500 Gy');
    expect(formatPercent(90.04)).toBe('90.0%');
    expect(formatVolumeCm3(2.345)).toBe('2.35 cm³');
    expect(formatVolumeCm3(12.34)).toBe('12.3 cm³');
    expect(formatMetric('D90', 101.25)).toBe('101.3 Gy');
    expect(formatMetric('V150', 33.333)).toBe('33.3%');
    expect(formatMetric('volumeCm3', 0.5)).toBe('0.50 cm³');
  });
  it('shows an em dash for undefined values (structure smaller than 2 cm³, NaN)', () => {
    expect(formatMetric('D2cc', null)).toBe('—');
    expect(formatDoseGy(NaN)).toBe('—');
  });
});

describe('pass/fail rules', () => {
  const plan = createPlan({ id: 'p', nowDateTime: '2024-01-01T00:00:00.000Z', references: refs });
  const rules = planRules(plan.prescription, plan.constraints);

  it('matches structures by label with or without the level prefix', () => {
    expect(structureMatches('L1 Spinal canal', 'Spinal canal')).toBe(true);
    expect(structureMatches('spinal canal', 'Spinal canal')).toBe(true);
    expect(structureMatches('L1 Spinal canal wall', 'Spinal canal')).toBe(false);
    expect(structureMatches('L1 Lesion', 'Lesion')).toBe(true);
  });

  it('target goals: D90 ≥ prescription and V100 ≥ 95% (the auto-plan goal; boundary passes, just below fails)', () => {
    expect(checkMetric('L1 Lesion', 'D90', 120, rules).status).toBe('pass');
    expect(checkMetric('L1 Lesion', 'D90', 119.9, rules).status).toBe('fail');
    expect(checkMetric('L1 Lesion', 'V100', 95, rules).status).toBe('pass');
    expect(checkMetric('L1 Lesion', 'V100', 94.5, rules).status).toBe('fail');
    // A goal follows the prescription.
    const r150 = planRules({ doseGy: 150, targetLabel: 'Lesion' }, []);
    expect(checkMetric('L1 Lesion', 'D90', 140, r150).status).toBe('fail');
  });

  it('canal constraints are upper limits from the plan (institutional defaults)', () => {
    const dmax = DEFAULT_CANAL_CONSTRAINTS.find((c) => c.metric === 'Dmax');
    expect(dmax?.limit).toBe(100);
    expect(checkMetric('L1 Spinal canal', 'Dmax', 100, rules).status).toBe('pass');
    const over = checkMetric('L1 Spinal canal', 'Dmax', 100.5, rules);
    expect(over.status).toBe('fail');
    expect(over.notes.join(' ')).toMatch(/institutional default/);
    expect(checkMetric('L1 Spinal canal', 'D0.1cc', 81, rules).status).toBe('fail');
    // No rule for the body's Dmax.
    expect(checkMetric('L1 Vertebral body', 'Dmax', 5000, rules).status).toBe('none');
    // An undefined value is not evaluable, not a pass.
    expect(checkMetric('L1 Spinal canal', 'D0.1cc', null, rules)).toEqual({ status: 'none', notes: [expect.stringMatching(/not evaluable/)] });
  });

  it('table: target row first, cells coloured, tooltips explain the metric', () => {
    const rows = metricsTable(
      [
        { label: 'L1 Spinal canal', rgb: [0, 0, 255], metrics: metrics({ DmaxGy: 150, D0_1ccGy: 70 }) },
        { label: 'L1 Lesion', rgb: [255, 0, 0], metrics: metrics({ D90Gy: 110, V100Pct: 97 }) },
      ],
      rules,
      'Lesion',
    );
    expect(rows.map((r) => r.label)).toEqual(['L1 Lesion', 'L1 Spinal canal']);
    const cell = (r: number, k: string) => rows[r].cells.find((c) => c.key === k);
    expect(cell(0, 'D90')?.status).toBe('fail');
    expect(cell(0, 'V100')?.status).toBe('pass');
    expect(cell(1, 'Dmax')?.status).toBe('fail');
    expect(cell(1, 'D0.1cc')?.status).toBe('pass');
    expect(rows[1].status).toBe('fail');
    expect(cell(0, 'D90')?.title).toMatch(/hottest 90%/);
    expect(cell(0, 'V100')?.text).toBe('97.0%');
  });
});

describe('seed source', () => {
  it('U ↔ mCi with 1.270 U/mCi (TG-43 Γδ × 0.876 cGy/R)', () => {
    expect(formatStrength(1.27)).toBe('1.270 U (1.000 mCi)');
    expect(strengthInputToU('0.5', 'mCi')).toBeCloseTo(0.635, 12);
    expect(strengthInputToU('0,8', 'U')).toBe(0.8);
    expect(strengthInputToU('-1', 'U')).toBeUndefined();
    expect(strengthInputToU('abc', 'U')).toBeUndefined();
  });
  it('totals and decay to the implant date (one half-life halves the strength)', () => {
    const plan = createPlan({ id: 'p', nowDateTime: '2024-01-01T00:00:00.000Z', references: refs, source: { airKermaStrengthU: 0.8, calibrationDateTime: '2024-01-01T00:00:00.000Z' } });
    const withSeeds = {
      ...plan,
      implantDateTime: new Date(Date.parse('2024-01-01T00:00:00.000Z') + 59.4 * 86_400_000).toISOString(),
      seeds: [
        { id: 'a', positionMm: [0, 0, 0] as [number, number, number], axis: [0, 0, 1] as [number, number, number] },
        { id: 'b', positionMm: [0, 0, 5] as [number, number, number], axis: [0, 0, 1] as [number, number, number], airKermaStrengthU: 0.5 },
      ],
    };
    const s = implantSummary(withSeeds);
    expect(s.seedCount).toBe(2);
    expect(s.totalStrengthU).toBeCloseTo(1.3, 12);
    expect(s.totalActivityMCi).toBeCloseTo(1.3 / 1.27, 12);
    expect(s.decayToImplant).toBeCloseTo(0.5, 6);
    expect(s.totalStrengthAtImplantU).toBeCloseTo(0.65, 6);
  });
  it('plan status: draft, saved, modified', () => {
    expect(planSaveStatus('2024-01-01T00:00:00Z', undefined)).toBe('draft');
    expect(planSaveStatus('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')).toBe('saved');
    expect(planSaveStatus('2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z')).toBe('modified');
  });
});

describe('DVH chart', () => {
  // Analytic DVH: 100 voxels of 0.01 cm³ with doses 1, 2, …, 100 Gy → V(≥D) = (101 − ⌈D⌉)%.
  const doseGy = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  const samples = { doseGy, volumeCm3: new Float64Array(100).fill(0.01) };
  const dvh = computeDvh(samples, 1);

  it('cumulative curve in % volume, prescription line and readout', () => {
    const chart = dvhChart([{ label: 'Lesion', rgb: [255, 0, 0], dvh }], { mode: 'cumulative', prescriptionGy: 50, width: 300, height: 200 });
    expect(chart.maxValue).toBe(100);
    expect(chart.maxDoseGy).toBeGreaterThanOrEqual(100);
    expect(curveValueAt(chart.curves[0], 0)).toBeCloseTo(100, 9);
    expect(curveValueAt(chart.curves[0], 50)).toBeCloseTo(51, 9); // doses 50…100
    expect(curveValueAt(chart.curves[0], 101)).toBeCloseTo(0, 9);
    expect(chart.prescriptionX).toBeCloseTo(chart.plot.left + ((chart.plot.right - chart.plot.left) * 50) / chart.maxDoseGy, 9);
    const r = dvhReadout(chart, chart.prescriptionX ?? 0);
    expect(r?.doseGy).toBeCloseTo(50, 9);
    expect(r?.rows[0].text).toBe('51.0%');
    expect(chart.curves[0].colour).toBe('rgb(255, 0, 0)');
  });
  it('differential curve in % per Gy (uniform 1 %/Gy here)', () => {
    const chart = dvhChart([{ label: 'Lesion', rgb: [255, 0, 0], dvh }], { mode: 'differential', prescriptionGy: 50, width: 300, height: 200 });
    expect(curveValueAt(chart.curves[0], 30.5)).toBeCloseTo(1, 9);
    expect(chart.yLabel).toMatch(/% \/ Gy/);
  });
  it('dose axis capped at 3 × the prescription (seed voxels reach thousands of Gy)', () => {
    const hot = computeDvh({ doseGy: Float64Array.from([100, 200, 5000]), volumeCm3: Float64Array.from([1, 1, 1]) }, 10);
    const chart = dvhChart([{ label: 'x', rgb: [0, 0, 0], dvh: hot }], { mode: 'cumulative', prescriptionGy: 120, width: 300, height: 200 });
    expect(chart.maxDoseGy).toBeLessThanOrEqual(400);
    expect(chart.maxDoseGy).toBeGreaterThanOrEqual(360);
  });
  it('nice ticks', () => {
    expect(niceStep(100)).toBe(20);
    expect(niceStep(360)).toBe(100);
    expect(niceStep(7)).toBe(2);
  });
  it('SVG has one path per curve and the prescription line', () => {
    const chart = dvhChart([{ label: 'A & B', rgb: [1, 2, 3], dvh }], { mode: 'cumulative', prescriptionGy: 50, width: 300, height: 200 });
    const svg = dvhSvg(chart);
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg).toContain('data-role="prescription"');
    expect(svg).toContain('A &amp; B');
  });
});

describe('isodose styles', () => {
  it('validates edited levels', () => {
    expect(normaliseIsodoseLines([{ percentOfPrescription: 150, colour: '#FF8000' }, { percentOfPrescription: 100, colour: '#ffff00' }]).map((l) => l.percentOfPrescription)).toEqual([100, 150]);
    expect(() => normaliseIsodoseLines([{ percentOfPrescription: -5, colour: '#ffffff' }])).toThrow(/between 0 and 1000/);
    expect(() => normaliseIsodoseLines([{ percentOfPrescription: 100, colour: 'red' }])).toThrow(/#rrggbb/);
    expect(() => normaliseIsodoseLines([{ percentOfPrescription: 100, colour: '#ffffff' }, { percentOfPrescription: 100, colour: '#000000' }])).toThrow(/twice/);
  });
  it('colour wash: transparent below 25% of Rx, green at Rx, red from 200%', () => {
    expect(doseWashRgba(20, 120)[3]).toBe(0);
    expect(doseWashRgba(120, 120)).toEqual([0, 255, 0, 110]);
    expect(doseWashRgba(300, 120)).toEqual([255, 0, 0, 110]);
  });
});

describe('plan report HTML', () => {
  it('contains the metric values, the DVH, the key image and escapes text', () => {
    const base = createPlan({ id: 'p', nowDateTime: '2024-01-01T00:00:00.000Z', references: refs });
    const plan = { ...base, seeds: [{ id: 'a', positionMm: [0, 0, 0] as [number, number, number], axis: [0, 0, 1] as [number, number, number] }] };
    // Metrics computed by the dose core on an analytic sample set of ten 0.1 cm³ voxels (Rx 120 Gy):
    // V100 = 7/10 = 70%, D90 = 9th hottest = 100 Gy, D100 = 50 Gy, Dmax = 260 Gy, Dmean = 1400/10 = 140 Gy.
    const m = doseMetrics({ doseGy: Float64Array.from([50, 100, 110, 125, 130, 135, 140, 150, 200, 260]), volumeCm3: new Float64Array(10).fill(0.1) }, 120);
    const rows = metricsTable([{ label: 'L1 Lesion', rgb: [255, 0, 0], metrics: m }], planRules(plan.prescription, plan.constraints), 'Lesion');
    const chart = dvhChart([{ label: 'L1 Lesion', rgb: [255, 0, 0], dvh: computeDvh({ doseGy: Float64Array.from([50, 100]), volumeCm3: Float64Array.from([1, 1]) }, 1) }], { mode: 'cumulative', prescriptionGy: 120, width: 300, height: 200 });
    const html = planReportHtml({
      plan,
      summary: implantSummary(plan),
      rows,
      dvhSvg: dvhSvg(chart),
      keyImages: [{ caption: 'Axial', dataUrl: 'data:image/png;base64,AAAA' }],
      generatedDateTime: '2024-01-02T10:00:00.000Z',
      status: 'Draft',
      cementText: '3.2 mL',
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const cell = (k: string) => html.match(new RegExp(`data-metric="${k}"[^>]*>([^<]*)<`))?.[1];
    expect(cell('V100')).toBe('70.0% ✗');
    expect(cell('D90')).toBe('100.0 Gy ✗');
    expect(cell('D100')).toBe('50.0 Gy');
    expect(cell('Dmax')).toBe('260.0 Gy');
    expect(cell('Dmean')).toBe('140.0 Gy');
    expect(cell('D2cc')).toBe('—');
    expect(html).toMatch(/<td class="fail" data-metric="D90"/);
    expect(html).toContain('<svg');
    expect(html).toContain('src="data:image/png;base64,AAAA"');
    expect(html).toContain('120 Gy to Lesion');
    expect(html).toContain('Doe^Jane &lt;x&gt;');
    expect(html).not.toContain('<x>');
    expect(html).toContain('1 seeds');
  });
});
