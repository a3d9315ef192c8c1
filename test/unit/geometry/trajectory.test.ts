/**
 * Trajectory constraints on the analytic spine phantom. Every expected number and code comes from the phantom's
 * analytic parameters (analyticReference.ts), never from what the code printed.
 */
import { evaluateTrajectory, pedicleCorridor } from '../../../src/geometry/trajectory';
import { suggestBilateral, suggestTrajectory } from '../../../src/geometry/trajectorySuggest';
import type { Vec3 } from '../../../src/geometry/volume';
import { NEEDLE_OUTER_DIAMETER_MM } from '../../../src/planning/plan';
import { analyticSkin, analyticWallClearance, expectedCodes, insideBody } from './analyticReference';
import { levelModel, levelParams, phantom } from './phantomLevel';

jest.setTimeout(120_000);

const along = (p: Vec3, d: Vec3, t: number): Vec3 => [p[0] + t * d[0], p[1] + t * d[1], p[2] + t * d[2]];
const unit = (a: Vec3): Vec3 => { const n = Math.hypot(...a); return [a[0] / n, a[1] / n, a[2] / n]; };
const codesOf = (e: { violations: { code: string }[] }): string[] => e.violations.map((v) => v.code).sort();

const R11 = NEEDLE_OUTER_DIAMETER_MM[11] / 2;
const MARGIN = 1;

describe('suggested transpedicular trajectory (L1, 11G)', () => {
  for (const side of ['left', 'right'] as const) {
    it(`${side}: feasible, clearance within 0.5 mm of the analytic optimum`, () => {
      const lv = levelParams('L1');
      const ped = lv.pedicles[side];
      // Analytic optimum: the axis through the isthmus keeps min(half-width, half-height) from the outer cortex.
      const optimumMm = ped.optimalAxisClearanceMm - R11;
      const s = suggestTrajectory(levelModel('L1'), { side, gauge: 11 });
      expect(s.feasible).toBe(true);
      expect(s.violations.filter((v) => v.severity === 'error')).toEqual([]);
      expect(Math.abs(s.minClearanceMm - optimumMm)).toBeLessThanOrEqual(0.5);
      // The suggested line itself, measured on the analytic pedicle: truly clear of the margin and near-optimal.
      const analytic = analyticWallClearance(lv, side, s.entry, s.target, R11);
      const analyticMin = Math.min(...Object.values(analytic.walls));
      expect(analytic.entered).toBe(true);
      expect(analyticMin).toBeGreaterThanOrEqual(MARGIN);
      expect(analyticMin).toBeGreaterThanOrEqual(optimumMm - 0.5);
      expect(Math.abs(s.minClearanceMm - analyticMin)).toBeLessThanOrEqual(0.5);
      // Tip in the analytic body, on the needle's side; entry on the analytic skin; length skin → tip.
      expect(insideBody(lv, s.target)).toBe(true);
      expect((side === 'left' ? 1 : -1) * s.target[0]).toBeGreaterThan(0);
      const skin = analyticSkin(phantom().parameters, s.entry, s.target);
      expect(Math.hypot(skin[0] - s.entry[0], skin[1] - s.entry[1], skin[2] - s.entry[2])).toBeLessThan(1);
      expect(Math.abs(s.lengthMm - Math.hypot(s.target[0] - skin[0], s.target[1] - skin[1], s.target[2] - skin[2]))).toBeLessThan(1);
      // It passes through the isthmus.
      expect(Math.hypot(s.isthmusMm[0] - ped.isthmusCentreMm[0], s.isthmusMm[1] - ped.isthmusCentreMm[1])).toBeLessThan(3);
    });
  }

  it('bilateral plan: left tip in the upper half, right tip in the lower half, both feasible', () => {
    const lv = levelParams('L1');
    const b = suggestBilateral(levelModel('L1'), { gauge: 11 });
    expect(b.left.feasible && b.right.feasible).toBe(true);
    expect(b.left.target[2]).toBeGreaterThan(lv.body.centreMm[2] + 2);
    expect(b.right.target[2]).toBeLessThan(lv.body.centreMm[2] - 2);
    for (const [side, s] of [['left', b.left], ['right', b.right]] as const) {
      const analytic = analyticWallClearance(lv, side, s.entry, s.target, R11);
      expect(Math.min(...Object.values(analytic.walls))).toBeGreaterThanOrEqual(MARGIN);
    }
  });

  it('user-given target: the path goes through it and stays feasible', () => {
    const lv = levelParams('L1');
    const c = lv.body.centreMm;
    const target: Vec3 = [c[0] + 9, c[1] - 6, c[2] + 5];
    const s = suggestTrajectory(levelModel('L1'), { side: 'left', gauge: 13, targetMm: target });
    expect(s.target).toEqual(target);
    const analytic = analyticWallClearance(lv, 'left', s.entry, s.target, NEEDLE_OUTER_DIAMETER_MM[13] / 2);
    expect(Math.min(...Object.values(analytic.walls))).toBeGreaterThanOrEqual(MARGIN);
    expect(s.feasible).toBe(true);
  });
});

describe('sub-voxel accuracy of the pedicle walls', () => {
  it('the analytic pedicle axis of every fully labelled level has its exact clearance ± 0.3 mm', () => {
    for (const name of ['T11', 'T12', 'L1', 'L2', 'L3']) {
      for (const side of ['left', 'right'] as const) {
        const p = levelParams(name).pedicles[side];
        const m = levelModel(name);
        const from = along(p.isthmusCentreMm, p.axisDirection, -12);
        const to = along(p.isthmusCentreMm, p.axisDirection, 25);
        // Radius 0: the clearance of the axis itself = min(isthmus half-width, half-height) exactly.
        const c = pedicleCorridor(m, m.pedicles[side]!, from, to, 0);
        expect({ name, side, error: Math.abs(c.minClearanceMm - p.optimalAxisClearanceMm) < 0.3 }).toEqual({ name, side, error: true });
      }
    }
  });
});

describe('constructed paths raise exactly the codes the analytic geometry predicts (L1 left)', () => {
  const lv = (): ReturnType<typeof levelParams> => levelParams('L1');
  const check = (entry: Vec3, tip: Vec3, gauge: 11 | 13 = 11): { got: string[]; expected: string[] } => {
    const exp = expectedCodes(phantom().parameters, lv(), 'left', entry, tip, NEEDLE_OUTER_DIAMETER_MM[gauge] / 2, MARGIN);
    // The constructed paths stay ≥ 0.3 mm away from every decision threshold, so voxel effects cannot flip a code.
    expect(exp.closestToThresholdMm).toBeGreaterThanOrEqual(0.3);
    const e = evaluateTrajectory(levelModel('L1'), entry, tip, { gauge, marginMm: MARGIN });
    return { got: codesOf(e), expected: exp.codes };
  };

  it('through the spinal canal: CANAL_BREACH and MEDIAL_WALL', () => {
    const p = lv().pedicles.left;
    const inPedicle = along(p.isthmusCentreMm, p.axisDirection, -5);
    const inCanal: Vec3 = [3, -1, p.isthmusCentreMm[2]];
    const d = unit([inCanal[0] - inPedicle[0], inCanal[1] - inPedicle[1], inCanal[2] - inPedicle[2]]);
    const { got, expected } = check(along(inPedicle, d, -40), along(inCanal, d, 12));
    expect(expected).toEqual(expect.arrayContaining(['CANAL_BREACH', 'MEDIAL_WALL']));
    expect(got).toEqual(expected);
  });

  it('grazing the medial wall (0.4 mm analytic clearance): exactly MEDIAL_WALL', () => {
    const p = lv().pedicles.left;
    const shift = p.optimalAxisClearanceMm - R11 - 0.4;
    const start = along(p.isthmusCentreMm, p.widthDirection, -shift); // widthDirection points laterally
    const { got, expected } = check(along(start, p.axisDirection, -40), along(start, p.axisDirection, 28));
    expect(expected).toEqual(['MEDIAL_WALL']);
    expect(got).toEqual(expected);
  });

  it('axis on the inferior cortex (shifted by the half-height caudally): INFERIOR_WALL error at the analytic depth', () => {
    const p = lv().pedicles.left;
    const start = along(p.isthmusCentreMm, p.heightDirection, -p.isthmusHalfHeightMm);
    const entry = along(start, p.axisDirection, -40);
    const tip = along(start, p.axisDirection, 28);
    const analytic = analyticWallClearance(lv(), 'left', entry, tip, R11);
    const e = evaluateTrajectory(levelModel('L1'), entry, tip, { gauge: 11, marginMm: MARGIN });
    expect(e.violations.find((v) => v.code === 'INFERIOR_WALL')?.severity).toBe('error');
    expect(e.feasible).toBe(false);
    expect(e.minClearanceLocation?.wall).toBe('inferior');
    // A wall parallel to the slices is only known to within half the slice spacing (1.5 mm slices → 0.75 mm).
    const halfSliceMm = phantom().parameters.grid.spacingMm[2] / 2;
    expect(Math.abs((e.wallClearanceMm.inferior ?? NaN) - analytic.walls.inferior)).toBeLessThanOrEqual(halfSliceMm);
    expect(Math.abs(e.minClearanceMm - Math.min(...Object.values(analytic.walls)))).toBeLessThanOrEqual(halfSliceMm);
  });

  it('ending at the body centre (13G through the isthmus centre): exactly TIP_NEAR_CENTRE', () => {
    const p = lv().pedicles.left;
    const centre = lv().body.centreMm;
    const d = unit([centre[0] - p.isthmusCentreMm[0], centre[1] - p.isthmusCentreMm[1], centre[2] - p.isthmusCentreMm[2]]);
    const { got, expected } = check(along(p.isthmusCentreMm, d, -40), centre, 13);
    expect(expected).toEqual(['TIP_NEAR_CENTRE']);
    expect(got).toEqual(expected);
  });

  it('tip stopping in the pedicle: TIP_OUTSIDE_BODY', () => {
    const p = lv().pedicles.left;
    const { got, expected } = check(along(p.isthmusCentreMm, p.axisDirection, -40), along(p.isthmusCentreMm, p.axisDirection, 3));
    expect(expected).toEqual(['TIP_OUTSIDE_BODY']);
    expect(got).toEqual(expected);
  });
});

describe('angle conventions (constructed directions)', () => {
  const cases: Array<{ side: 'left' | 'right'; medialDeg: number; ccDeg: number }> = [
    { side: 'left', medialDeg: 20, ccDeg: 10 },
    { side: 'right', medialDeg: 15, ccDeg: -12 },
    { side: 'left', medialDeg: -5, ccDeg: 0 },
  ];
  for (const c of cases) {
    it(`${c.side} needle, medial ${c.medialDeg}°, craniocaudal ${c.ccDeg}°`, () => {
      const sx = c.side === 'left' ? 1 : -1;
      const rad = Math.PI / 180;
      // LPS: anterior = −y; medial for a left needle = −x; cranial = +z.
      const d = unit([-sx * Math.tan(c.medialDeg * rad), -1, Math.tan(c.ccDeg * rad)]);
      const tip: Vec3 = [sx * 8, -26, 4];
      const e = evaluateTrajectory(levelModel('L1'), along(tip, d, -70), tip, { side: c.side });
      expect(e.medialAngleDeg).toBeCloseTo(c.medialDeg, 6);
      expect(e.craniocaudalAngleDeg).toBeCloseTo(c.ccDeg, 6);
    });
  }
});

describe('anterolateral approach', () => {
  it('makes only canal and body checks, with a note', () => {
    const lv = levelParams('L1');
    const c = lv.body.centreMm;
    const tip: Vec3 = [c[0] + 6, c[1] - 4, c[2] + 5];
    const entry: Vec3 = [60, -80, c[2] + 5];
    const e = evaluateTrajectory(levelModel('L1'), entry, tip, { approach: 'anterolateral' });
    expect(e.notes.join(' ')).toMatch(/pedicle corridor does not apply/);
    expect(codesOf(e).filter((k) => k.endsWith('_WALL') || k === 'PEDICLE_MISSED')).toEqual([]);
    expect(e.feasible).toBe(true);
    expect(e.minClearanceMm).toBe(e.canalDistanceMm);
    // The needle advances posteriorly and medially from a left anterolateral entry, in one axial plane (LPS: +x left,
    // +y posterior): medial angle = atan(medial run / posterior run), craniocaudal 0.
    const skin = e.skinEntryMm;
    const expectedMedialDeg = (Math.atan2(skin[0] - tip[0], tip[1] - skin[1]) * 180) / Math.PI;
    expect(expectedMedialDeg).toBeGreaterThan(0);
    expect(expectedMedialDeg).toBeLessThan(90);
    expect(e.medialAngleDeg).toBeCloseTo(expectedMedialDeg, 6);
    expect(e.craniocaudalAngleDeg).toBeCloseTo(0, 6);
  });
});

describe('segmentation without the pedicle of the chosen side', () => {
  it('reports NO_PEDICLE_SEGMENT as an error with a finite clearance (JSON number, CLI contract)', () => {
    const full = levelModel('L1');
    const model = { ...full, pedicles: { ...full.pedicles, left: undefined } };
    const s = suggestTrajectory(full, { side: 'left', gauge: 11 });
    const e = evaluateTrajectory(model, s.entry, s.target, { side: 'left' });
    expect(codesOf(e)).toContain('NO_PEDICLE_SEGMENT');
    expect(e.feasible).toBe(false);
    expect(Number.isFinite(e.minClearanceMm)).toBe(true);
    expect(e.minClearanceMm).toBeLessThanOrEqual(-R11);
  });
});
