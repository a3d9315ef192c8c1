import type { Vec3, VolumeGeometry } from '../../../src/geometry/volume';
import { voxelToPatient } from '../../../src/geometry/volume';
import { DoseEngine, type Seed } from '../../../src/dose/doseEngine';
import { accumulateDoseRateNaive } from '../../../src/dose/doseKernel';
import { getSourceModel } from '../../../src/dose/sourceModel';
import { doseRateCGyPerH } from '../../../src/dose/tg43';

const model = getSourceModel('6711');

function cube(n: number, spacingMm: number, direction: [Vec3, Vec3, Vec3] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]): VolumeGeometry {
  const half = ((n - 1) * spacingMm) / 2;
  // Origin chosen so that the grid centre is the patient origin whatever the direction cosines.
  const o: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) for (let d = 0; d < 3; d++) o[d] -= half * direction[a][d];
  return { dimensions: [n, n, n], spacingMm: [spacingMm, spacingMm, spacingMm], originMm: o, direction };
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

function randomSeeds(count: number, spreadMm: number, seed = 7): Seed[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    positionMm: [(r() - 0.5) * spreadMm, (r() - 0.5) * spreadMm, (r() - 0.5) * spreadMm] as Vec3,
    axis: [r() - 0.5, r() - 0.5, r() - 0.5] as Vec3,
    airKermaStrengthU: 0.5 + r(),
  }));
}

/** Exact dose at a voxel from the seed list (independent of the engine's tables and refinement). */
function exactAt(g: VolumeGeometry, seeds: Seed[], i: number, j: number, k: number): number {
  const p = voxelToPatient(g, i, j, k);
  let sum = 0;
  for (const s of seeds) {
    const n = Math.hypot(...s.axis);
    const d = [(p[0] - s.positionMm[0]) / 10, (p[1] - s.positionMm[1]) / 10, (p[2] - s.positionMm[2]) / 10];
    const along = (d[0] * s.axis[0] + d[1] * s.axis[1] + d[2] * s.axis[2]) / n;
    const away = Math.sqrt(Math.max(0, d[0] ** 2 + d[1] ** 2 + d[2] ** 2 - along ** 2));
    sum += doseRateCGyPerH(model, s.airKermaStrengthU, along, away);
  }
  return sum;
}

function insideAnyCapsule(g: VolumeGeometry, seeds: Seed[], idx: number): boolean {
  const [nx, ny] = g.dimensions;
  const p = voxelToPatient(g, idx % nx, Math.floor(idx / nx) % ny, Math.floor(idx / (nx * ny)));
  return seeds.some((s) => {
    const n = Math.hypot(...s.axis);
    const d = [(p[0] - s.positionMm[0]) / 10, (p[1] - s.positionMm[1]) / 10, (p[2] - s.positionMm[2]) / 10];
    const along = (d[0] * s.axis[0] + d[1] * s.axis[1] + d[2] * s.axis[2]) / n;
    const away = Math.sqrt(Math.max(0, d[0] ** 2 + d[1] ** 2 + d[2] ** 2 - along ** 2));
    return Math.abs(along) <= model.capsule.lengthCm / 2 && away <= model.capsule.outerRadiusCm;
  });
}

describe('DoseEngine accuracy against the exact formalism', () => {
  it('stays within 0.5% of the naive direct formalism wherever the dose exceeds 5% of the maximum', () => {
    const g = cube(40, 2.5);
    const seeds = randomSeeds(14, 30);
    const engine = new DoseEngine(g, model);
    engine.setSeeds(seeds);
    // The refinement must actually be exercised: part of the grid is interpolated.
    expect(engine.refinedFraction()).toBeLessThan(0.9);
    const fast = new Float64Array(40 ** 3);
    engine.fillDoseRate(fast);
    const exact = new Float64Array(40 ** 3);
    accumulateDoseRateNaive(exact, g, 0, 40, model, seeds);
    let max = 0;
    for (const v of exact) max = Math.max(max, v);
    let worst = 0;
    let checked = 0;
    for (let i = 0; i < exact.length; i++) {
      if (exact[i] <= 0.05 * max || insideAnyCapsule(g, seeds, i)) continue;
      checked++;
      worst = Math.max(worst, Math.abs(fast[i] / exact[i] - 1));
    }
    expect(checked).toBeGreaterThan(500);
    expect(worst).toBeLessThan(0.005);
    expect(engine.maxDoseRateCGyPerH() / max).toBeCloseTo(1, 2);
  });

  it('matches the exact dose at every voxel on an oblique grid (rotated direction cosines), blockSize 1', () => {
    const c = Math.cos(0.4);
    const s = Math.sin(0.4);
    const g = cube(12, 3, [[c, s, 0], [-s * 0.8, c * 0.8, 0.6], [s * 0.6, -c * 0.6, 0.8]]);
    const seeds = randomSeeds(3, 15, 3);
    const engine = new DoseEngine(g, model, { blockSize: 1 });
    engine.setSeeds(seeds);
    for (let k = 0; k < 12; k += 3) {
      for (let j = 0; j < 12; j += 2) {
        for (let i = 0; i < 12; i++) {
          const idx = i + 12 * (j + 12 * k);
          if (insideAnyCapsule(g, seeds, idx)) continue;
          expect(engine.doseRateAt(i, j, k) / exactAt(g, seeds, i, j, k)).toBeCloseTo(1, 2);
        }
      }
    }
  });
});

describe('superposition and incremental updates', () => {
  it('the dose of two seeds is the sum of their doses', () => {
    const g = cube(24, 2);
    const [a, b] = randomSeeds(2, 20, 11);
    const ea = new DoseEngine(g, model, { blockSize: 1 });
    const eb = new DoseEngine(g, model, { blockSize: 1 });
    const eab = new DoseEngine(g, model, { blockSize: 1 });
    ea.setSeeds([a]);
    eb.setSeeds([b]);
    eab.setSeeds([a, b]);
    for (const [i, j, k] of [[0, 0, 0], [5, 7, 9], [12, 12, 12], [23, 1, 17], [20, 20, 3]]) {
      expect(eab.doseRateAt(i, j, k)).toBeCloseTo(ea.doseRateAt(i, j, k) + eb.doseRateAt(i, j, k), 9);
    }
  });

  it('moving, adding and removing seeds incrementally gives the grid of a fresh full computation', () => {
    const g = cube(36, 2);
    const seeds = randomSeeds(10, 24, 5);
    const inc = new DoseEngine(g, model);
    inc.setSeeds(seeds);
    const r = rng(99);
    for (let step = 0; step < 25; step++) {
      const s = seeds[step % seeds.length];
      seeds[step % seeds.length] = { ...s, positionMm: [s.positionMm[0] + (r() - 0.5) * 8, s.positionMm[1] + (r() - 0.5) * 8, s.positionMm[2] + (r() - 0.5) * 8], axis: [r(), r(), r() + 0.1] };
      inc.updateSeed(seeds[step % seeds.length]);
    }
    inc.removeSeed('s3');
    const extra: Seed = { id: 'extra', positionMm: [3, -4, 5], axis: [0, 0, 1], airKermaStrengthU: 0.9 };
    inc.addSeed(extra);
    const now = seeds.filter((s) => s.id !== 's3').concat([extra]);
    const fresh = new DoseEngine(g, model);
    fresh.setSeeds(now);
    const a = new Float64Array(36 ** 3);
    const b = new Float64Array(36 ** 3);
    inc.fillDoseRate(a);
    fresh.fillDoseRate(b);
    const max = fresh.maxDoseRateCGyPerH();
    expect(inc.maxDoseRateCGyPerH()).toBeCloseTo(max, 6);
    let worst = 0;
    for (let i = 0; i < a.length; i++) if (b[i] > 0.05 * max) worst = Math.max(worst, Math.abs(a[i] / b[i] - 1));
    expect(worst).toBeLessThan(1e-9);
    expect(inc.listSeeds().map((s) => s.id).sort()).toEqual(now.map((s) => s.id).sort());
  });

  it('rejects bad seeds and unknown ids with specific errors', () => {
    const e = new DoseEngine(cube(8, 2), model);
    expect(() => e.setSeeds([{ id: 'a', positionMm: [0, 0, 0], axis: [0, 0, 0], airKermaStrengthU: 1 }])).toThrow(/axis/);
    expect(() => e.setSeeds([{ id: 'a', positionMm: [0, NaN, 0], axis: [0, 0, 1], airKermaStrengthU: 1 }])).toThrow(/position/);
    expect(() => e.updateSeed({ id: 'zz', positionMm: [0, 0, 0], axis: [0, 0, 1], airKermaStrengthU: 1 })).toThrow(/no seed "zz"/);
    const s: Seed = { id: 'a', positionMm: [0, 0, 0], axis: [0, 0, 1], airKermaStrengthU: 1 };
    expect(() => e.setSeeds([s, s])).toThrow(/duplicate/);
  });
});
