import { execSync } from 'child_process';
import { existsSync, readdirSync, statSync } from 'fs';
import * as path from 'path';
import type { VolumeGeometry } from '../../../src/geometry/volume';
import { DoseEngine, type Seed } from '../../../src/dose/doseEngine';
import { doseIntegrationHours } from '../../../src/dose/decay';
import { getSourceModel } from '../../../src/dose/sourceModel';
import { createDoseWorkerHandler } from '../../../src/dose/worker/handler';
import { DoseWorkerPool, inProcessEndpoint } from '../../../src/dose/worker/pool';
import { createNodeDoseWorkerPool } from '../../../src/dose/worker/workerPoolNode';
import { computeDvh, doseMetrics } from '../../../src/dose/dvh';
import { coronalPlane, isodoseContours } from '../../../src/dose/isodose';

const root = path.resolve(__dirname, '..', '..', '..');
const geometry: VolumeGeometry = { dimensions: [30, 28, 26], spacingMm: [1.5, 1.5, 2], originMm: [-22, -20, -25], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
const seeds: Seed[] = [
  { id: 'a', positionMm: [0, 0, 0], axis: [0, 0, 1], airKermaStrengthU: 0.8 },
  { id: 'b', positionMm: [6, -4, 5], axis: [1, 1, 0], airKermaStrengthU: 0.6 },
  { id: 'c', positionMm: [-5, 3, -7], axis: [0, 1, 1], airKermaStrengthU: 0.7 },
];

/**
 * Reference: one engine over the whole grid, in-process. blockSize 1 (no interpolated blocks) on both
 * sides, since slabs place their interpolation lattices differently from a whole-grid engine.
 */
function reference(list: Seed[]): DoseEngine {
  const e = new DoseEngine(geometry, getSourceModel('6711'), { blockSize: 1 });
  e.setSeeds(list);
  return e;
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** worker_threads cannot load .ts: make sure build/core holds a current compiled dose worker. */
function ensureBuilt(): void {
  const entry = path.join(root, 'build', 'core', 'dose', 'worker', 'doseWorkerNode.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(path.join(root, 'src', 'dose'))) return;
  try {
    execSync('npx tsc -p tsconfig.build.json', { cwd: root, stdio: 'ignore' });
  } catch {
    // Errors elsewhere in src/ do not stop tsc from emitting the dose files.
  }
  if (!existsSync(entry)) throw new Error('could not build the dose worker (npm run build:core)');
}

async function exercise(pool: DoseWorkerPool): Promise<void> {
  await pool.init(geometry, '6711', { blockSize: 1 });
  await pool.setSeeds(seeds.slice(0, 2));
  await pool.addSeed(seeds[2]);
  const moved = { ...seeds[1], positionMm: [7, -3, 9] as [number, number, number] };
  await pool.updateSeed(moved);
  const now = [seeds[0], moved, seeds[2]];
  const ref = reference(now);
  const tau = doseIntegrationHours() / 100;
  // Whole grid, total dose in Gy.
  const all = await pool.dose({ kind: 'totalDoseGy' });
  const [nx, ny, nz] = geometry.dimensions;
  for (const [i, j, k] of [[0, 0, 0], [15, 14, 13], [29, 27, 25], [10, 20, 12], [3, 9, 14]]) {
    expect(all[i + nx * (j + ny * k)] / (ref.doseRateAt(i, j, k) * tau)).toBeCloseTo(1, 5);
  }
  // Slices across the slab boundary.
  const cor = await pool.slice('coronal', 14);
  expect(cor.width).toBe(nx);
  expect(cor.height).toBe(nz);
  for (const k of [0, 12, 13, 14, 25]) expect(cor.values[15 + k * nx] / ref.doseRateAt(15, 14, k)).toBeCloseTo(1, 5);
  const ax = await pool.slice('axial', 20);
  expect(ax.values[5 + 7 * nx] / ref.doseRateAt(5, 7, 20)).toBeCloseTo(1, 5);
  // Points straddling the slab boundary (trilinear).
  const pts = new Float64Array([0.3, 0.2, 0.5, 1, 2, 1, -30, 0, 0]);
  const sv = await pool.samplePoints(pts);
  expect(sv[0] / ref.doseRateAtPoint([0.3, 0.2, 0.5])).toBeCloseTo(1, 5);
  expect(sv[1] / ref.doseRateAtPoint([1, 2, 1])).toBeCloseTo(1, 5);
  expect(Number.isNaN(sv[2])).toBe(true);
  // DVH of a box structure spanning both slabs, against the reference grid.
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 8; k < 18; k++) for (let j = 9; j < 19; j++) for (let i = 10; i < 20; i++) mask[i + nx * (j + ny * k)] = 1;
  expect(await pool.setStructure('ctv', mask)).toBe(1000);
  const { metrics, dvh } = await pool.dvh('ctv', 60);
  expect(metrics.volumeCm3).toBeCloseTo(1000 * 1.5 * 1.5 * 2 / 1000, 9);
  expect(dvh.totalVolumeCm3).toBeCloseTo(metrics.volumeCm3, 9);
  let min = Infinity;
  for (let k = 8; k < 18; k++) for (let j = 9; j < 19; j++) for (let i = 10; i < 20; i++) min = Math.min(min, ref.doseRateAt(i, j, k) * tau);
  expect(metrics.D100Gy / min).toBeCloseTo(1, 5);
  // The worker-computed DVH and metrics (getDvh, both slabs' voxels in one worker) equal those of the reference
  // grid's voxels computed here.
  const refDose: number[] = [];
  for (let k = 8; k < 18; k++) for (let j = 9; j < 19; j++) for (let i = 10; i < 20; i++) refDose.push(ref.doseRateAt(i, j, k) * tau);
  const refSamples = { doseGy: Float64Array.from(refDose), volumeCm3: new Float64Array(refDose.length).fill((1.5 * 1.5 * 2) / 1000) };
  const refMetrics = doseMetrics(refSamples, 60);
  for (const key of ['D90Gy', 'DmeanGy', 'DmaxGy', 'V100Pct', 'V150Pct', 'D0_1ccGy'] as const) {
    expect(metrics[key] ?? NaN).toBeCloseTo(refMetrics[key] ?? NaN, 3);
  }
  expect(dvh.cumulativeCm3.length).toBe(computeDvh(refSamples).cumulativeCm3.length);
  // Isodoses on a coronal plane crossing both slabs (contoured in one worker from both slabs' samples, getIsodoses)
  // equal the contours of the reference grid's plane.
  const corIso = await pool.isodoses({ plane: 'coronal', index: 14 }, [{ gy: 150 }]);
  const cp = coronalPlane(geometry, 14);
  const refValues = new Float32Array(cp.width * cp.height);
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) refValues[i + k * nx] = ref.doseRateAt(i, 14, k) * tau;
  const refIso = isodoseContours(refValues, cp, [150]);
  const pointsOf = (c: { polylines: number[][][] }[]): number[][] => c.flatMap((x) => x.polylines.flat());
  expect(corIso[0].polylines.length).toBeGreaterThan(0);
  expect(corIso[0].polylines.length).toBe(refIso[0].polylines.length);
  const a = pointsOf(corIso);
  const b = pointsOf(refIso);
  expect(a.length).toBe(b.length);
  for (let q = 0; q < a.length; q++) for (let d = 0; d < 3; d++) expect(Math.abs(a[q][d] - b[q][d])).toBeLessThan(1e-3);
  // Isodoses.
  const iso = await pool.isodoses({ plane: 'axial', index: 12 }, [{ percentOfPrescription: 100 }, { gy: 200 }], { prescriptionGy: 60 });
  expect(iso.map((c) => c.levelGy)).toEqual([60, 200]);
  expect(iso[0].polylines.length).toBeGreaterThan(0);
  // Errors come back as rejections, the worker keeps working.
  await expect(pool.updateSeed({ ...seeds[0], id: 'nope' })).rejects.toThrow(/no seed "nope"/);
  await expect(pool.slice('axial', 999)).rejects.toThrow(/outside/);
  const info = await pool.info();
  expect(info.reduce((a, i) => a + (i.kEnd - i.kStart), 0)).toBe(nz);
  expect(info.every((i) => i.seedCount === 3)).toBe(true);
}

describe('dose worker protocol', () => {
  it('handler answers malformed and premature messages with errors', () => {
    const h = createDoseWorkerHandler();
    expect(h({ hello: 1 }).response).toMatchObject({ ok: false, error: 'not a dose worker request' });
    expect(h({ type: 'setSeeds', requestId: 3, seeds: [] }).response).toMatchObject({ ok: false, requestId: 3, error: expect.stringMatching(/init/) });
    const r = h({ type: 'init', requestId: 4, geometry, modelId: 'nope', kStart: 0, kEnd: 26 });
    expect(r.response).toMatchObject({ ok: false, error: expect.stringMatching(/unknown seed model/) });
  });

  it('transfers slices instead of copying them', () => {
    const h = createDoseWorkerHandler();
    h({ type: 'init', requestId: 1, geometry, modelId: '6711', kStart: 0, kEnd: 26 });
    h({ type: 'setSeeds', requestId: 2, seeds });
    const { response, transfer } = h({ type: 'getSlice', requestId: 3, plane: 'axial', index: 5, quantity: { kind: 'doseRateCGyPerH' } });
    expect(response.ok).toBe(true);
    expect(transfer).toHaveLength(1);
    expect(transfer[0].byteLength).toBe(30 * 28 * 4);
  });

  it('in-process pool of 2 slabs matches a single whole-grid engine', async () => {
    const pool = new DoseWorkerPool([inProcessEndpoint(), inProcessEndpoint()]);
    await exercise(pool);
    await pool.close();
  });

  it('Node worker_threads pool (compiled worker) speaks the same protocol', async () => {
    ensureBuilt();
    const pool = createNodeDoseWorkerPool(2);
    try {
      await exercise(pool);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
