import type { VolumeGeometry } from '../../../src/geometry/volume';
import { voxelToPatient } from '../../../src/geometry/volume';
import { doseGridForBox, gridContains, labelsOnDoseGrid, regionBox } from '../../../src/planning/viewModels/doseGridRegion';

// The phantom's CT grid: 256 × 256 × 120, 1 × 1 × 1.5 mm.
const ct: VolumeGeometry = { dimensions: [256, 256, 120], spacingMm: [1, 1, 1.5], originMm: [-127.5, -127.5, -98.5], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };

describe('dose grid of the planning region', () => {
  it('box + 10 mm margin at 1 mm: corner and size computed by hand', () => {
    const g = doseGridForBox(ct, { min: [100, 90, 50], max: [150, 140, 80] });
    // i: 90…160 (71 voxels at 1 mm); k: 30 slices × 1.5 mm + 2 × 10 mm = 65 mm → 66 voxels.
    expect(g.dimensions).toEqual([71, 71, 66]);
    expect(g.originMm[0]).toBeCloseTo(-127.5 + 90, 9);
    expect(g.originMm[2]).toBeCloseTo(-98.5 + (50 - 10 / 1.5) * 1.5, 9);
    expect(g.spacingMm).toEqual([1, 1, 1]);
    expect(gridContains(ct, g)).toBe(true);
  });
  it('clipped to the CT; seeds extend the region', () => {
    const g = doseGridForBox(ct, { min: [0, 0, 0], max: [5, 5, 5] });
    expect(g.originMm).toEqual(voxelToPatient(ct, 0, 0, 0));
    const box = regionBox(ct, [{ min: [100, 100, 50], max: [110, 110, 60] }], [[10, 0, 0]]);
    expect(box?.max[0]).toBe(138); // x = 10 mm is i = 137.5
    expect(regionBox(ct, [], [])).toBeUndefined();
  });
  it('labels resampled at dose voxel centres (nearest CT voxel)', () => {
    const small: VolumeGeometry = { dimensions: [4, 4, 2], spacingMm: [1, 1, 2], originMm: [0, 0, 0], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
    const slices = [Uint8Array.from({ length: 16 }, (_, p) => p), Uint8Array.from({ length: 16 }, (_, p) => 100 + p)];
    const grid: VolumeGeometry = { dimensions: [2, 1, 3], spacingMm: [1, 1, 1], originMm: [1, 2, 0], direction: small.direction };
    const out = labelsOnDoseGrid(small, (k) => slices[k], grid);
    // z = 0 → k 0; z = 1 → k 0.5 rounds to 1; z = 2 → k 1. (x, y) = (1, 2), (2, 2) → p = 9, 10.
    expect(Array.from(out)).toEqual([9, 10, 109, 110, 109, 110]);
  });
});
