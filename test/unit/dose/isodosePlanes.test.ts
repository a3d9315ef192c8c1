/**
 * The fast isodose path of the viewer: view planes (grid-aligned for axial/sagittal/coronal cameras), dose on a plane
 * from the workers (`samplePlane`, against a whole-grid engine's trilinear point dose), the seeds' dose reach
 * (against the TG-43U1 dose on the transverse axis), and contours restricted to the reachable region of a plane
 * (identical to those of the whole plane).
 */
import type { Vec3, VolumeGeometry } from '../../../src/geometry/volume';
import { voxelToPatient } from '../../../src/geometry/volume';
import { DoseEngine, type Seed } from '../../../src/dose/doseEngine';
import {
  axialPlane,
  doseReachMm,
  doseReachSpheres,
  isodoseContours,
  obliquePlane,
  planePoint,
  planeRegion,
  samplePlane,
  viewPlaneGrid,
  type PlaneGrid,
} from '../../../src/dose/isodose';
import { getSourceModel } from '../../../src/dose/sourceModel';
import { doseRateCGyPerH } from '../../../src/dose/tg43';
import { createDoseWorkerHandler } from '../../../src/dose/worker/handler';
import { DoseWorkerPool, inProcessEndpoint } from '../../../src/dose/worker/pool';

const model = getSourceModel('6711');
const geometry: VolumeGeometry = { dimensions: [40, 36, 30], spacingMm: [1, 1, 1.5], originMm: [-20, -18, -22], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
const seeds: Seed[] = [
  { id: 'a', positionMm: [0.3, 0.1, 0.2], axis: [0, 0, 1], airKermaStrengthU: 0.8 },
  { id: 'b', positionMm: [7.2, -4.1, 6], axis: [1, 1, 0], airKermaStrengthU: 0.6 },
];

function reference(list: Seed[]): DoseEngine {
  const e = new DoseEngine(geometry, model, { blockSize: 1 });
  e.setSeeds(list);
  return e;
}

describe('viewPlaneGrid', () => {
  it('axial / sagittal / coronal cameras give the grid planes at the focal point (samples on voxel centres)', () => {
    const f = voxelToPatient(geometry, 11.2, 7.6, 13.25);
    const ax = viewPlaneGrid(geometry, [0, 0, -1], [0, -1, 0], f);
    expect(ax).not.toBeNull();
    expect(ax?.width).toBe(40);
    expect(ax?.height).toBe(36);
    expect(ax?.originMm[0]).toBeCloseTo(-20, 12);
    expect(ax?.originMm[1]).toBeCloseTo(-18, 12);
    expect(ax?.originMm[2]).toBeCloseTo(-22 + 13.25 * 1.5, 12);
    const sag = viewPlaneGrid(geometry, [1, 0, 0], [0, 0, 1], f);
    expect([sag?.width, sag?.height]).toEqual([36, 30]);
    expect(sag?.originMm[0]).toBeCloseTo(-20 + 11.2, 12);
    const cor = viewPlaneGrid(geometry, [0, 1, 0], [0, 0, 1], f);
    expect([cor?.width, cor?.height]).toEqual([40, 30]);
    expect(cor?.originMm[1]).toBeCloseTo(-18 + 7.6, 12);
    // Beyond the grid (more than half a voxel past the last slice): nothing to show.
    expect(viewPlaneGrid(geometry, [0, 0, 1], [0, 1, 0], [0, 0, -22 - 1])).toBeNull();
  });

  it('an oblique camera gives a plane through the focal point covering the whole grid', () => {
    const n: Vec3 = [0, Math.SQRT1_2, Math.SQRT1_2];
    const up: Vec3 = [0, -Math.SQRT1_2, Math.SQRT1_2];
    const f: Vec3 = [2, 1, -1];
    const p = viewPlaneGrid(geometry, n, up, f) as PlaneGrid;
    expect(p).not.toBeNull();
    const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    for (const [u, v] of [[0, 0], [p.width - 1, 0], [5, p.height - 1]]) {
      const q = planePoint(p, u, v);
      expect(dot([q[0] - f[0], q[1] - f[1], q[2] - f[2]], n)).toBeCloseTo(0, 9);
    }
    // Every grid corner projected on the plane is inside the sampled square.
    const side = (p.width - 1) * 1;
    for (const c of [[0, 0, 0], [39, 0, 0], [0, 35, 29], [39, 35, 29]] as const) {
      const w = voxelToPatient(geometry, c[0], c[1], c[2]);
      const d: Vec3 = [w[0] - p.originMm[0], w[1] - p.originMm[1], w[2] - p.originMm[2]];
      const u = dot(d, p.uStepMm);
      const v = dot(d, p.vStepMm);
      expect(u).toBeGreaterThanOrEqual(-1e-9);
      expect(v).toBeGreaterThanOrEqual(-1e-9);
      expect(u).toBeLessThanOrEqual(side + 1e-9);
      expect(v).toBeLessThanOrEqual(side + 1e-9);
    }
  });
});

describe('samplePlane (worker protocol)', () => {
  it('2 slabs: grid-aligned and oblique planes equal the whole-grid trilinear point dose', async () => {
    const pool = new DoseWorkerPool([inProcessEndpoint(), inProcessEndpoint()]);
    await pool.init(geometry, '6711', { blockSize: 1 });
    await pool.setSeeds(seeds);
    const ref = reference(seeds);
    const planes: PlaneGrid[] = [
      axialPlane(geometry, 14.5), // straddles the slab boundary at k = 15
      viewPlaneGrid(geometry, [1, 0, 0], [0, 0, 1], [0.4, 0, 0]) as PlaneGrid,
      obliquePlane([1, -2, 0.5], [1, 0.3, 0.2], [0, 0.4, 1], 50, 0.7), // partly outside the grid
    ];
    for (const plane of planes) {
      const got = await pool.samplePlane(plane);
      const want = samplePlane(plane, (p) => ref.doseRateAtPoint(p));
      expect(got).toHaveLength(want.length);
      let compared = 0;
      for (let i = 0; i < want.length; i++) {
        if (Number.isNaN(want[i])) {
          expect(Number.isNaN(got[i])).toBe(true);
          continue;
        }
        expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, want[i]));
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
    }
    await pool.close();
  });

  it('a grid-aligned plane on one slab is answered by that slab only, transferred', () => {
    const h = createDoseWorkerHandler();
    h({ type: 'init', requestId: 1, geometry, modelId: '6711', kStart: 0, kEnd: 15 });
    h({ type: 'setSeeds', requestId: 2, seeds });
    const inside = h({ type: 'samplePlane', requestId: 3, plane: axialPlane(geometry, 4), quantity: { kind: 'doseRateCGyPerH' } });
    expect(inside.response.ok).toBe(true);
    expect(inside.transfer).toHaveLength(1);
    const values = (inside.response as { result: { values: Float32Array } }).result.values;
    expect(values.every((x) => Number.isFinite(x))).toBe(true);
    const outside = h({ type: 'samplePlane', requestId: 4, plane: axialPlane(geometry, 20), quantity: { kind: 'doseRateCGyPerH' } });
    expect((outside.response as { result: { values: Float32Array } }).result.values.every((x) => Number.isNaN(x))).toBe(true);
  });
});

describe('dose reach of seeds', () => {
  it('beyond the reach the seed is below the level; the reach is no more than 10 % + 1 mm beyond the transverse-axis distance', () => {
    for (const [sk, level] of [[0.8, 2.9], [0.5, 10], [1, 0.3]] as const) {
      const reach = doseReachMm(model, sk, level);
      expect(Number.isFinite(reach)).toBe(true);
      // Below the level in every direction at the reach (TG-43U1 2D, 2° steps).
      for (let t = 0; t <= 180; t += 2) {
        const th = (t * Math.PI) / 180;
        const rCm = reach / 10;
        expect(doseRateCGyPerH(model, sk, rCm * Math.cos(th), rCm * Math.sin(th))).toBeLessThan(level);
      }
      // The transverse axis reaches the level at r⊥ (bisection on the monotone fall-off).
      let lo = 0.1;
      let hi = 20;
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        if (doseRateCGyPerH(model, sk, 0, mid) >= level) lo = mid;
        else hi = mid;
      }
      expect(reach).toBeGreaterThan(10 * lo);
      expect(reach).toBeLessThan(1.1 * 10 * lo + 1.5);
    }
    expect(doseReachMm(model, 0, 1)).toBe(0);
    expect(doseReachMm(model, 1, 0)).toBe(Infinity);
  });

  it('the level is shared among the seeds by strength', () => {
    const [a, b] = doseReachSpheres(model, seeds, 3, 2);
    expect(a.radiusMm).toBeCloseTo(doseReachMm(model, 0.8, (3 * 0.8) / 1.4) + 2, 12);
    expect(b.radiusMm).toBeCloseTo(doseReachMm(model, 0.6, (3 * 0.6) / 1.4) + 2, 12);
    expect(a.centreMm).toEqual(seeds[0].positionMm);
  });
});

describe('planeRegion', () => {
  it('a ball cut by an axial plane: the padded bounding square of its circle', () => {
    const plane = axialPlane(geometry, 10); // z = −7 mm
    const r = planeRegion(plane, [{ centreMm: [0, 0, -4], radiusMm: 5 }]) as PlaneGrid; // circle of radius 4 around (0, 0)
    expect(r).not.toBeNull();
    // u = i: 20 ± 4 → 16 … 24, padded → 15 … 25; v = j: 18 ± 4 → 13 … 23.
    expect(r.width).toBe(11);
    expect(r.height).toBe(11);
    expect(r.originMm[0]).toBeCloseTo(-5, 12);
    expect(r.originMm[1]).toBeCloseTo(-5, 12);
    expect(r.originMm[2]).toBeCloseTo(-7, 12);
    expect(planeRegion(plane, [{ centreMm: [0, 0, 10], radiusMm: 5 }])).toBeNull();
    expect(planeRegion(plane, [])).toBeNull();
  });

  it('isodose contours on the reachable region equal those on the whole plane', () => {
    const ref = reference(seeds);
    const levels = [2, 4, 8]; // cGy/h
    const spheres = doseReachSpheres(model, seeds, Math.min(...levels), 2);
    for (const plane of [axialPlane(geometry, 15), viewPlaneGrid(geometry, [0, 1, 0], [0, 0, 1], [0, -1.2, 0]) as PlaneGrid]) {
      const full = isodoseContours(samplePlane(plane, (p) => ref.doseRateAtPoint(p)), plane, levels);
      const region = planeRegion(plane, spheres) as PlaneGrid;
      expect(region.width * region.height).toBeLessThan(plane.width * plane.height);
      const part = isodoseContours(samplePlane(region, (p) => ref.doseRateAtPoint(p)), region, levels);
      for (let l = 0; l < levels.length; l++) {
        expect(full[l].polylines.length).toBeGreaterThan(0);
        const key = (ls: Vec3[][]) => ls.flat().map((p) => p.map((x) => x.toFixed(6)).join(',')).sort();
        expect(key(part[l].polylines)).toEqual(key(full[l].polylines));
      }
    }
  });
});
