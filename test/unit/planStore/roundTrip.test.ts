// Plan → SEG + RT Structure Set + RT Plan + RT Dose → plan: everything comes back (numbers to DS precision,
// masks voxel-exact, dose within half a Dose Grid Scaling step), checked against the fixture's own inputs.
import { encodePlan, decodePlan, planObjectUids, planSeriesDescription, planNameFromSeriesDescription, structureMasks, type PlanBundle } from '../../../src/planStore';
import { readRtStruct } from '../../../src/dicom/rtStruct';
import { readRtPlan } from '../../../src/dicom/rtPlan';
import { readRtDose } from '../../../src/dicom/rtDose';
import type { Plan } from '../../../src/planning/plan';
import { fixtureBundle } from './fixture';

let bundle: PlanBundle;
let original: Plan;
beforeAll(() => {
  bundle = fixtureBundle();
  original = JSON.parse(JSON.stringify(bundle.plan)) as Plan;
});

/** Deep equality where numbers may differ by DS rounding (≤ 1e-6 relative or absolute). */
function expectClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number');
    const a = actual as number;
    if (Math.abs(a - expected) > 1e-6 * Math.max(1, Math.abs(expected))) throw new Error(`${path}: ${a} ≠ ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object').toBeTruthy();
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  expect(actual).toEqual(expected);
}

describe('plan ↔ DICOM round trip (pure)', () => {
  it('restores needles, seeds, prescription, source, structures, constraints, approval and ids', () => {
    const enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.42' });
    expect(enc.uids).toEqual(planObjectUids('2.25.42'));
    const dec = decodePlan(enc.files, bundle.ct);
    const expected = { ...original, structures: original.structures.map((s) => ({ ...s, segSeriesInstanceUID: enc.uids.segSeriesInstanceUID })) };
    expectClose(dec.plan, expected);
    expect(dec.warnings).toEqual([]);
  });

  it('the standard attributes alone carry the seeds, strengths, needles and prescription (what another system reads)', () => {
    const enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.43' });
    const rp = readRtPlan(enc.files.rtplan);
    expect(rp.technique).toBe('PERMANENT');
    expect(rp.treatmentType).toBe('LDR');
    expect(rp.approval).toBe('UNAPPROVED');
    expect(rp.sources.map((s) => [s.isotope, s.halfLifeDays, s.airKermaStrengthU, s.modelId])).toEqual([
      ['I-125', 59.4, 0.8, '6711'],
      ['I-125', 59.4, 0.65, '6711'],
    ]);
    expect(rp.sources[0].referenceDateTime).toBe('2025-02-20T12:00:00');
    expect(rp.seeds).toHaveLength(5);
    rp.seeds.forEach((s, i) => s.positionMm.forEach((v, c) => expect(v).toBeCloseTo(original.seeds[i].positionMm[c], 6)));
    expect(rp.seeds.map((s) => s.airKermaStrengthU)).toEqual([0.8, 0.8, 0.8, 0.8, 0.65]);
    expect(rp.doseReferences.find((d) => d.type === 'TARGET')?.targetPrescriptionDoseGy).toBe(110);
    expect(rp.referencedStructureSetSopInstanceUID).toBe(enc.uids.rtStructSopInstanceUID);
    const ss = readRtStruct(enc.files.rtstruct);
    const needles = ss.rois.filter((r) => r.interpretedType === 'BRACHY_SRC_APP');
    expect(needles.map((n) => n.name)).toEqual(['L1 left transpedicular', 'L1 right transpedicular']);
    expect(needles[0].contours[0]).toMatchObject({ type: 'OPEN_NONPLANAR', pointsMm: [original.needles[0].entryMm, original.needles[0].tipMm] });
    expect(needles[0].description).toContain('11G');
    expect(needles[0].description).toContain('override: lesion reachable only this way');
    // The channels point at the needle ROIs.
    expect(rp.seeds.map((s) => s.applicatorRoiNumber)).toEqual([needles[0].number, needles[0].number, needles[0].number, needles[1].number, needles[1].number]);
    // Structures: lesion is a GTV, canal an organ.
    expect(ss.rois.filter((r) => r.interpretedType !== 'BRACHY_SRC_APP').map((r) => [r.name, r.interpretedType])).toEqual([
      ['L1 Vertebral body', 'ORGAN'],
      ['L1 Spinal canal', 'ORGAN'],
      ['L1 Lesion', 'GTV'],
    ]);
  });

  it('RT Structure Set contours fill back to exactly the segmentation masks; SEG masks are exact too', () => {
    const enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.44' });
    const dec = decodePlan(enc.files, bundle.ct);
    const masks = structureMasks(dec.structureSet, bundle.ct.geometry);
    const labels = bundle.segmentation.labels.data;
    bundle.segmentation.segments.forEach((seg, s) => {
      const want = Uint8Array.from(labels, (v) => (seg.labelValues.includes(v) ? 1 : 0));
      expect(want.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
      expect(Buffer.from(masks.get(s + 1)!).equals(Buffer.from(want))).toBe(true);
      expect(Buffer.from(dec.segments[s].mask).equals(Buffer.from(want))).toBe(true);
    });
  });

  it('dose comes back within half a Dose Grid Scaling step; DVHs match voxel counts of the masks', () => {
    const enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.45' });
    const rd = readRtDose(enc.files.rtdose);
    expect([rd.doseUnits, rd.doseType, rd.summationType]).toEqual(['GY', 'PHYSICAL', 'PLAN']);
    expect(rd.referencedRtPlanSopInstanceUID).toBe('2.25.45');
    expect(rd.geometry).toEqual(bundle.ct.geometry);
    const before = bundle.dose.doseGy;
    let max = 0;
    before.forEach((d) => (max = Math.max(max, d)));
    expect(rd.doseGridScaling).toBeGreaterThanOrEqual(max / 65535);
    expect(rd.doseGridScaling).toBeLessThan((max / 65535) * 1.0001);
    let worst = 0;
    for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(rd.doseGy[i] - before[i]));
    expect(worst).toBeLessThanOrEqual(rd.doseGridScaling / 2 + max * 1e-7);
    // DVH of the lesion: total volume and the volume ≥ a few dose levels, counted directly from labels and dose.
    const lesion = rd.dvhs.find((d) => d.roiNumber === 3)!;
    const voxelCm3 = (1 * 1 * 2) / 1000;
    const labels = bundle.segmentation.labels.data;
    const count = (levelGy: number): number => {
      let n = 0;
      for (let i = 0; i < labels.length; i++) if (labels[i] === 3 && before[i] >= levelGy) n++;
      return n;
    };
    expect(lesion.cumulativeCm3[0]).toBeCloseTo(count(0) * voxelCm3, 9);
    for (const b of [10, 50, 200]) {
      if (b >= lesion.cumulativeCm3.length) continue;
      expect(lesion.cumulativeCm3[b]).toBeCloseTo(count(b * lesion.binWidthGy) * voxelCm3, 9);
    }
    expect(rd.dvhs.map((d) => d.roiNumber)).toEqual([1, 2, 3]);
  });

  it('series descriptions are recognisable and parse back to the plan name', () => {
    expect(planSeriesDescription('L1 left+right', 'rtplan')).toBe('PVPI plan L1 left+right - seeds (RT Plan)');
    expect(planNameFromSeriesDescription('PVPI plan L1 left+right - seeds (RT Plan)')).toBe('L1 left+right');
    expect(planSeriesDescription('x'.repeat(80), 'rtstruct').length).toBe(64);
  });

  it('an approved plan carries Approval Status APPROVED with the reviewer', () => {
    const b: PlanBundle = { ...bundle, plan: { ...bundle.plan, approval: 'APPROVED' } };
    const enc = encodePlan(b, { rtPlanSopInstanceUID: '2.25.46', reviewerName: 'Doe^Jane' });
    const rp = readRtPlan(enc.files.rtplan);
    expect(rp.approval).toBe('APPROVED');
    expect(rp.reviewerName).toBe('Doe^Jane');
  });
});
