// Slice-stack regularity (shared by readCtSeries and the viewer): analytic stacks with known spacing, tilt and gaps.
import { checkSlicePlanes, checkSliceStack, sliceNormal, type SlicePlane, type SliceStackCheck } from '../../../src/geometry/sliceStack';
import type { Vec3 } from '../../../src/geometry/volume';

const AXIAL: Vec3 = [0, 0, 1];
const axialAt = (zs: number[], shift: (k: number) => [number, number] = () => [0, 0]): Vec3[] =>
  zs.map((z, k) => [-100 + shift(k)[0], -120 + shift(k)[1], z]);
const problemOf = (c: SliceStackCheck): { code: string; message: string } => {
  if (c.ok) throw new Error('expected a problem');
  return c.problem;
};

describe('checkSliceStack', () => {
  it('sorts a shuffled regular stack along the normal and measures its spacing', () => {
    const c = checkSliceStack(axialAt([5, -2.5, 2.5, 0]), AXIAL);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.stack.order).toEqual([1, 3, 2, 0]);
    expect(c.stack.distancesMm).toEqual([-2.5, 0, 2.5, 5]);
    expect(c.stack.spacingMm).toBeCloseTo(2.5, 12);
  });

  it('accepts an untilted oblique stack (positions move along the tilted normal)', () => {
    const t = (20 * Math.PI) / 180;
    const n: Vec3 = [0, -Math.sin(t), Math.cos(t)];
    const c = checkSliceStack([0, 1, 2, 3].map((k) => [10, 3 + 1.25 * k * n[1], 7 + 1.25 * k * n[2]] as Vec3), n);
    expect(c.ok && c.stack.spacingMm).toBeCloseTo(1.25, 12);
  });

  it('refuses non-uniform spacing (a missing slice), giving the smallest and largest gap', () => {
    const p = problemOf(checkSliceStack(axialAt([0, 2.5, 5, 10, 12.5]), AXIAL));
    expect(p.code).toBe('NON_UNIFORM_SPACING');
    expect(p.message).toBe('slice spacing is not uniform (from 2.500 to 5.000 mm; missing or extra slices?)');
  });

  it('tolerates spacing jitter within 1 % of the spacing, not beyond', () => {
    // Gaps 2.5, 2.52, 2.5: mean 2.5067, worst deviation 0.0133 < 0.025.
    expect(checkSliceStack(axialAt([0, 2.5, 5.02, 7.52]), AXIAL).ok).toBe(true);
    // Gaps 2.5, 2.6, 2.5: mean 2.5333, worst deviation 0.0667 > 0.0253.
    expect(problemOf(checkSliceStack(axialAt([0, 2.5, 5.1, 7.6]), AXIAL)).code).toBe('NON_UNIFORM_SPACING');
  });

  it('refuses a tilted gantry (positions shifted sideways) with the tilt angle', () => {
    // 0.5 mm posterior shift per 2.5 mm slice: atan(0.5 / 2.5) = 11.31°.
    const p = problemOf(checkSliceStack(axialAt([0, 2.5, 5, 7.5], (k) => [0, 0.5 * k]), AXIAL));
    expect(p.code).toBe('GANTRY_TILT');
    expect(p.message).toBe('slice positions are not stacked along the slice normal (gantry tilt ≈ 11.3°); resample to an untilted volume first');
    // A shift below 0.01 mm per slice is rounding in Image Position (Patient), not tilt.
    expect(checkSliceStack(axialAt([0, 2.5, 5, 7.5], (k) => [0.004 * k, 0]), AXIAL).ok).toBe(true);
  });

  it('refuses duplicate positions, naming both slices', () => {
    const p = problemOf(checkSliceStack(axialAt([0, 2.5, 2.5, 5]), AXIAL, ['a.dcm', 'b.dcm', 'c.dcm', 'd.dcm']));
    expect(p.code).toBe('DUPLICATE_POSITION');
    expect(p.message).toMatch(/^(b\.dcm and c\.dcm|c\.dcm and b\.dcm) have the same slice position$/);
  });

  it('accepts a single slice, without a spacing', () => {
    const c = checkSliceStack([[0, 0, 3]], AXIAL);
    expect(c.ok && c.stack.spacingMm).toBeUndefined();
    expect(c.ok && c.stack.order).toEqual([0]);
  });
});

describe('checkSlicePlanes (viewer image plane metadata)', () => {
  const plane = (z: number, row: Vec3 = [1, 0, 0], col: Vec3 = [0, 1, 0]): SlicePlane => ({ positionMm: [0, 0, z], rowCosines: row, columnCosines: col });

  it('uses row × column as the stacking axis', () => {
    expect(sliceNormal([1, 0, 0], [0, 1, 0])).toEqual([0, 0, 1]);
    // Sagittal (rows along y, columns along −z): normal −x; stacked along x, 3 mm apart.
    expect(sliceNormal([0, 1, 0], [0, 0, -1])).toEqual([-1, 0, 0]);
    const sag = [0, 3, 6].map((x): SlicePlane => ({ positionMm: [x, 0, 0], rowCosines: [0, 1, 0], columnCosines: [0, 0, -1] }));
    const c = checkSlicePlanes(sag);
    expect(c.ok && c.stack.spacingMm).toBeCloseTo(3, 12);
    expect(c.ok && c.stack.order).toEqual([2, 1, 0]);
  });

  it('refuses unknown geometry and mixed orientations', () => {
    expect(problemOf(checkSlicePlanes([plane(0), undefined, plane(2)])).code).toBe('MISSING_GEOMETRY');
    expect(problemOf(checkSlicePlanes([plane(0), undefined, plane(2)])).message).toMatch(/^slice #2 has no Image Position\/Orientation/);
    expect(problemOf(checkSlicePlanes([])).code).toBe('MISSING_GEOMETRY');
    const p = problemOf(checkSlicePlanes([plane(0), plane(1, [0.999, 0.0447, 0], [-0.0447, 0.999, 0]), plane(2)]));
    expect(p.code).toBe('INCONSISTENT_GEOMETRY');
    expect(p.message).toBe('slice #2: orientation differs from the other slices');
  });

  it('passes the stack checks through (tilt, spacing)', () => {
    expect(problemOf(checkSlicePlanes([plane(0), plane(1), plane(3)])).code).toBe('NON_UNIFORM_SPACING');
    const tilted = [0, 1, 2].map((k): SlicePlane => ({ positionMm: [0, 0.3 * k, 1.5 * k], rowCosines: [1, 0, 0], columnCosines: [0, 1, 0] }));
    expect(problemOf(checkSlicePlanes(tilted)).code).toBe('GANTRY_TILT');
  });
});
