// Seed placement rules on constructed geometry: exact expected positions from the rules, worked by hand.
import type { Vec3, VolumeGeometry } from '../../../src/geometry/volume';
import { voxelToPatient } from '../../../src/geometry/volume';
import { distanceToMaskMm } from '../../../src/planning/gridBox';
import {
  capsulesOverlap,
  checkSeedAnatomy,
  placeSeedsAlongNeedle,
  preparePlacement,
  segmentDistanceMm,
} from '../../../src/planning/seedPlacement';

// 1 mm grid, 61³ voxels, voxel (30, 30, 30) at the origin.
const N = 61;
const g: VolumeGeometry = { dimensions: [N, N, N], spacingMm: [1, 1, 1], originMm: [-30, -30, -30], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };

/** Mask of voxel centres inside the closed box [lo, hi] (mm). */
function box(lo: Vec3, hi: Vec3): Uint8Array {
  const m = new Uint8Array(N * N * N);
  for (let k = 0, v = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++, v++) {
    const p = voxelToPatient(g, i, j, k);
    if (p.every((x, d) => x >= lo[d] && x <= hi[d])) m[v] = 1;
  }
  return m;
}

const ys = (r: { seeds: Array<{ positionMm: Vec3 }> }): number[] => r.seeds.map((s) => Number(s.positionMm[1].toFixed(6)));

describe('placeSeedsAlongNeedle', () => {
  // Body y ∈ [-25, -2] (posterior wall: the voxel edge at y = -1.5), target y ∈ [-20, -4]; needle along -y (anterior).
  const body = box([-15, -25, -10], [15, -2, 10]);
  const target = box([-5, -20, -5], [5, -4, 5]);
  const needle = { id: 'n1', entryMm: [0, 28, 0] as Vec3, tipMm: [0, -18, 0] as Vec3 };

  it('places seeds from the tip backwards at the spacing, inside target + margin, away from the posterior wall', () => {
    const ctx = preparePlacement({ geometry: g, target, body });
    const r = placeSeedsAlongNeedle(ctx, needle, [], { spacingMm: 5 });
    // Lattice -18, -13, -8, -3, 2, …; -3: centre 1.4 mm from the posterior wall (< 3 mm); ≥ 2: outside the 3 mm margin.
    expect(ys(r)).toEqual([-18, -13, -8]);
    expect(r.seeds.every((s) => s.axis[1] === -1 && s.positionMm[0] === 0 && s.positionMm[2] === 0)).toBe(true);
    expect(r.seeds.map((s) => s.depthFromTipMm)).toEqual([0, 5, 10]);
    expect(r.rejected[0]).toMatchObject({ depthFromTipMm: 15, reason: 'near-posterior-wall' });
    expect(r.rejected[1]).toMatchObject({ depthFromTipMm: 20, reason: 'outside-target-margin' });
  });

  it('default spacing is 10 mm; the posterior wall rule applies to the capsule end', () => {
    const ctx = preparePlacement({ geometry: g, target, body });
    expect(ys(placeSeedsAlongNeedle(ctx, needle))).toEqual([-18, -8]);
    // Tip at -16.5: lattice -16.5, -6.5: the posterior end of the -6.5 seed is at -4.25, 2.6 mm from the wall (< 3).
    const r = placeSeedsAlongNeedle(ctx, { ...needle, tipMm: [0, -16.5, 0] });
    expect(ys(r)).toEqual([-16.5]);
    expect(r.rejected[0].reason).toBe('near-posterior-wall');
    // With a 2 mm minimum the same seed is allowed.
    expect(ys(placeSeedsAlongNeedle(ctx, { ...needle, tipMm: [0, -16.5, 0] }, [], { minPosteriorWallMm: 2 }))).toEqual([-16.5, -6.5]);
  });

  it('never puts any part of a seed in the canal', () => {
    const canal = box([-3, -11, -3], [3, -9, 3]);
    const ctx = preparePlacement({ geometry: g, target, canal });
    // Without a body: lattice (5 mm) -18, -13, -8, -3, 2; -13: end at -10.75 → canal; -8: end at -10.25 → canal; 2 outside margin.
    const r = placeSeedsAlongNeedle(ctx, needle, [], { spacingMm: 5 });
    expect(ys(r)).toEqual([-18, -3]);
    expect(r.rejected.slice(0, 2).map((x) => x.reason)).toEqual(['in-canal', 'in-canal']);
  });

  it('the margin widens the allowed region around the target', () => {
    const ctx = preparePlacement({ geometry: g, target });
    // Target ends at y = -4: with a 5 mm margin a seed centred at 1 (5 mm away) is allowed, at 2 (6 mm) not.
    expect(ys(placeSeedsAlongNeedle(ctx, { ...needle, tipMm: [0, -19, 0] }, [], { spacingMm: 10, marginMm: 5 }))).toEqual([-19, -9, 1]);
    expect(ys(placeSeedsAlongNeedle(ctx, { ...needle, tipMm: [0, -18, 0] }, [], { spacingMm: 10, marginMm: 5 }))).toEqual([-18, -8]);
    expect(ys(placeSeedsAlongNeedle(ctx, { ...needle, tipMm: [0, -18, 0] }, [], { spacingMm: 10, marginMm: 0 }))).toEqual([-18, -8]);
  });

  it('skips positions overlapping seeds of other needles', () => {
    const ctx = preparePlacement({ geometry: g, target, body });
    // A seed of another needle crossing the track at y = -13 (axis along x).
    const other = [{ positionMm: [0, -13, 0] as Vec3, axis: [1, 0, 0] as Vec3 }];
    const r = placeSeedsAlongNeedle(ctx, needle, other, { spacingMm: 5 });
    expect(ys(r)).toEqual([-18, -8]);
    expect(r.rejected[0]).toMatchObject({ depthFromTipMm: 5, reason: 'overlaps-seed' });
    // Parallel seed 1 mm beside the track: capsules 0.8 mm wide do not touch.
    expect(ys(placeSeedsAlongNeedle(ctx, needle, [{ positionMm: [1, -13, 0], axis: [0, -1, 0] }], { spacingMm: 5 }))).toEqual([-18, -13, -8]);
  });

  it('rejects a spacing outside 5–15 mm', () => {
    const ctx = preparePlacement({ geometry: g, target });
    expect(() => placeSeedsAlongNeedle(ctx, needle, [], { spacingMm: 4.9 })).toThrow(/5–15 mm/);
    expect(() => placeSeedsAlongNeedle(ctx, needle, [], { spacingMm: 16 })).toThrow(/5–15 mm/);
  });

  it('checkSeedAnatomy reports the first broken rule', () => {
    const ctx = preparePlacement({ geometry: g, target, body });
    expect(checkSeedAnatomy(ctx, { positionMm: [0, -12, 0], axis: [0, 1, 0] })).toBeUndefined();
    expect(checkSeedAnatomy(ctx, { positionMm: [0, -12, 9], axis: [0, 1, 0] })).toBe('outside-target-margin');
    expect(checkSeedAnatomy(ctx, { positionMm: [0, 40, 0], axis: [0, 1, 0] })).toBe('outside-image');
  });
});

describe('capsule geometry', () => {
  it('segment distance: skew perpendicular segments, parallel and end-to-end cases', () => {
    expect(segmentDistanceMm([-1, 0, 0], [1, 0, 0], [0, -1, 2], [0, 1, 2])).toBeCloseTo(2, 12);
    expect(segmentDistanceMm([0, 0, 0], [0, 4, 0], [3, 1, 0], [3, 2, 0])).toBeCloseTo(3, 12);
    expect(segmentDistanceMm([0, 0, 0], [0, 4, 0], [0, 7, 0], [0, 9, 0])).toBeCloseTo(3, 12);
    expect(segmentDistanceMm([0, 0, 0], [3, 4, 0], [0, 0, 0], [0, 0, 5])).toBe(0);
  });

  it('overlap: 0.8 mm diameter, 4.5 mm long capsules', () => {
    const a = { positionMm: [0, 0, 0] as Vec3, axis: [0, 0, 1] as Vec3 };
    expect(capsulesOverlap(a, { positionMm: [0.79, 0, 0], axis: [0, 0, 1] })).toBe(true);
    expect(capsulesOverlap(a, { positionMm: [0.81, 0, 0], axis: [0, 0, 1] })).toBe(false);
    // Coaxial: 4.5 mm long cylinders touch when the centres are < 4.5 mm apart (5 mm spacing leaves a 0.5 mm gap).
    expect(capsulesOverlap(a, { positionMm: [0, 0, 4.4], axis: [0, 0, 1] })).toBe(true);
    expect(capsulesOverlap(a, { positionMm: [0, 0, 4.6], axis: [0, 0, -1] })).toBe(false);
    expect(capsulesOverlap(a, { positionMm: [0.5, 0, 4.4], axis: [0, 0, 1] })).toBe(true);
    expect(capsulesOverlap(a, { positionMm: [0.5, 0, 4.6], axis: [0, 0, 1] })).toBe(false);
    // Oblique: conservative bound (axis segments closer than 0.8 mm).
    expect(capsulesOverlap(a, { positionMm: [0.5, 0, 0], axis: [0, 0.6, 0.8] })).toBe(true);
    // Crossing at right angles 0.7 mm apart.
    expect(capsulesOverlap(a, { positionMm: [0, 0.7, 0], axis: [1, 0, 0] })).toBe(true);
  });
});

describe('distanceToMaskMm', () => {
  it('equals the brute-force Euclidean distance on an anisotropic grid', () => {
    const gg: VolumeGeometry = { dimensions: [9, 7, 5], spacingMm: [0.8, 1.1, 2.5], originMm: [0, 0, 0], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
    const n = 9 * 7 * 5;
    const m = new Uint8Array(n);
    [3, 40, 122, 200, 301].forEach((v) => (m[v] = 1));
    const d = distanceToMaskMm(m, gg);
    for (let v = 0; v < n; v++) {
      const p = voxelToPatient(gg, v % 9, Math.floor(v / 9) % 7, Math.floor(v / 63));
      let best = Infinity;
      for (let w = 0; w < n; w++) {
        if (!m[w]) continue;
        const q = voxelToPatient(gg, w % 9, Math.floor(w / 9) % 7, Math.floor(w / 63));
        best = Math.min(best, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
      }
      expect(d[v]).toBeCloseTo(best, 5);
    }
  });
});
