import type { VolumeGeometry } from '../../../src/geometry/volume';
import { DoseEngine } from '../../../src/dose/doseEngine';
import { axialPlane, contourLines, isodoseContours, levelsInGy, obliquePlane, samplePlane } from '../../../src/dose/isodose';
import { getSourceModel } from '../../../src/dose/sourceModel';

describe('isodose contours', () => {
  it('a point source A/r² gives a closed circle of radius √(A/level)', () => {
    const n = 101;
    const c = 50;
    const v = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) v[i + n * j] = 400 / Math.max(1e-6, (i - c) ** 2 + (j - c) ** 2);
    const lines = contourLines(v, n, n, 1); // radius 20 samples
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line[0]).toEqual(line[line.length - 1]);
    for (const [x, y] of line) expect(Math.abs(Math.hypot(x - c, y - c) - 20)).toBeLessThan(0.1);
  });

  it('TG-43 seed along z: the isodose Λ·S_K in its transverse plane is the 1 cm circle (patient mm)', () => {
    const g: VolumeGeometry = { dimensions: [61, 61, 5], spacingMm: [0.5, 0.5, 1], originMm: [-15, -15, -2], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
    const model = getSourceModel('6711');
    const e = new DoseEngine(g, model, { blockSize: 1 }); // every voxel exact: this tests the contouring
    e.setSeeds([{ id: 'a', positionMm: [0, 0, 0], axis: [0, 0, 1], airKermaStrengthU: 1 }]);
    const plane = axialPlane(g, 2); // z = 0
    const values = samplePlane(plane, (p) => e.doseRateAtPoint(p));
    const [contour] = isodoseContours(values, plane, [0.965]);
    expect(contour.polylines).toHaveLength(1);
    for (const p of contour.polylines[0]) {
      expect(Math.abs(Math.hypot(p[0], p[1]) - 10)).toBeLessThan(0.05);
      expect(p[2]).toBeCloseTo(0, 9);
    }
    // Oblique plane through the seed containing its axis: the contour crosses the transverse direction at 10 mm.
    const ob = obliquePlane([0, 0, 0], [1, 1, 0], [0, 0, 1], 28, 0.5);
    const ov = samplePlane(ob, (p) => e.doseRateAtPoint(p));
    const [oc] = isodoseContours(ov, ob, [0.965]);
    const nearTransverse = oc.polylines.flat().filter((p) => Math.abs(p[2]) < 0.3);
    expect(nearTransverse.length).toBeGreaterThan(1);
    for (const p of nearTransverse) expect(Math.abs(Math.hypot(p[0], p[1]) - 10)).toBeLessThan(0.1);
  });

  it('converts % of prescription to Gy and requires the prescription', () => {
    expect(levelsInGy([{ gy: 50 }, { percentOfPrescription: 150 }], 120)).toEqual([50, 180]);
    expect(() => levelsInGy([{ percentOfPrescription: 100 }])).toThrow(/prescription/);
  });
});
