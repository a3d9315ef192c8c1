// `pvpi plan` end to end on the phantom through main(): plan.json with the exact metric fields, values recomputed
// independently from the written RT Dose and the phantom's ground-truth lesion, DICOM objects dciodvfy-clean.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../../src/cli';
import { generatePhantom } from '../../../src/phantom';
import { buildPhantomStudy } from '../../../src/phantom/study';
import { readRtDose } from '../../../src/dicom/rtDose';
import { readRtPlan } from '../../../src/dicom/rtPlan';
import { patientToVoxel } from '../../../src/geometry/volume';

jest.setTimeout(120_000);

describe('pvpi plan', () => {
  const p = generatePhantom({ seed: 1 });
  const dir = mkdtempSync(path.join(tmpdir(), 'pvpi-plan-'));
  const ctDir = path.join(dir, 'ct');
  mkdirSync(ctDir);
  for (const f of buildPhantomStudy(p).ctFiles) writeFileSync(path.join(ctDir, f.fileName), new Uint8Array(f.bytes));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it('writes plan.json (plan + lesion D90/V100/V150/V200, canal Dmax/D0.1cc) and SEG/RT objects', async () => {
    const out = path.join(dir, 'plan');
    const r = await run('plan', '--ct', ctDir, '--point', '0,-20,0', '--out', out, '--prescription-gy', '120', '--gauge', '11');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/V100 \d+\.\d %/);
    const json = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(json.schemaVersion).toBe(1);
    expect(json.prescription).toEqual({ doseGy: 120, targetLabel: 'Lesion' });
    expect(Object.keys(json.metrics.lesion).sort()).toEqual(
      ['D90', 'V100', 'V150', 'V200', 'D90Gy', 'V100Pct', 'V150Pct', 'V200Pct', 'label', 'volumeCm3'].sort(),
    );
    expect(Object.keys(json.metrics.spinalCanal).sort()).toEqual(['Dmax', 'D0.1cc', 'D0_1ccGy', 'DmaxGy', 'label', 'volumeCm3'].sort());
    // The contract names carry the same values as the unit-suffixed names.
    expect(json.metrics.lesion.D90).toBe(json.metrics.lesion.D90Gy);
    expect(json.metrics.lesion.V100).toBe(json.metrics.lesion.V100Pct);
    expect(json.metrics.spinalCanal['D0.1cc']).toBe(json.metrics.spinalCanal.D0_1ccGy);
    expect(json.metrics.units.D).toBe('Gy');
    expect(json.metrics.lesion.V100Pct).toBeGreaterThanOrEqual(95);
    expect(json.metrics.spinalCanal.DmaxGy).toBeLessThanOrEqual(100);
    expect(json.metrics.spinalCanal.D0_1ccGy).toBeLessThanOrEqual(80);
    expect(json.needles.length).toBeGreaterThanOrEqual(2);
    expect(json.needles.every((n: { gauge: number; outerDiameterMm: number }) => n.gauge === 11 && n.outerDiameterMm === 3.05)).toBe(true);
    expect(json.seeds.length).toBe(json.autoPlan.seedCount);
    expect(json.cement.levelAverageMl).toBeUndefined();
    expect(json.cement.fill14PctMl).toBeCloseTo(0.14 * json.cement.bodyVolumeMl, 9);

    for (const f of ['seg.dcm', 'rtstruct.dcm', 'rtplan.dcm', 'rtdose.dcm']) {
      expect(existsSync(path.join(out, f))).toBe(true);
      const v = spawnSync('dciodvfy', [path.join(out, f)], { encoding: 'utf8' });
      expect((v.stdout + v.stderr).split('\n').filter((l) => /^Error/i.test(l))).toEqual([]);
    }
    expect(readRtPlan(new Uint8Array(readFileSync(path.join(out, 'rtplan.dcm')))).seeds.length).toBe(json.seeds.length);

    // Independent V100 of the ground-truth lesion from the written RT Dose (16-bit scaling: ≤ 0.05% of max per voxel).
    const dose = readRtDose(new Uint8Array(readFileSync(path.join(out, 'rtdose.dcm'))));
    const lesionValue = p.labelTable.find((l) => l.name === 'L1 Lesion')!.value;
    const [nx, ny] = p.ct.geometry.dimensions;
    const [dx, dy] = dose.geometry.dimensions;
    let inside = 0;
    let covered = 0;
    for (let v = 0; v < p.labels.data.length; v++) {
      if (p.labels.data[v] !== lesionValue) continue;
      const q = patientToVoxel(dose.geometry, [p.ct.geometry.originMm[0] + (v % nx), p.ct.geometry.originMm[1] + (Math.floor(v / nx) % ny), p.ct.geometry.originMm[2] + 1.5 * Math.floor(v / (nx * ny))]);
      const d = dose.doseGy[Math.round(q[0]) + dx * (Math.round(q[1]) + dy * Math.round(q[2]))];
      inside++;
      if (d >= 120) covered++;
    }
    // The segmented lesion differs slightly from the ground truth: a few % of its margin voxels.
    expect((100 * covered) / inside).toBeGreaterThan(90);
  });

  it('bad input: one line, exit 1; usage errors exit 2', async () => {
    const r = await run('plan', '--ct', path.join(dir, 'nope'), '--point', '0,-20,0', '--out', path.join(dir, 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^pvpi plan: /);
    expect((await run('plan', '--ct', ctDir, '--point', '0,-20,0', '--out', path.join(dir, 'x'), '--gauge', '12')).code).toBe(2);
    const air = await run('plan', '--ct', ctDir, '--point', '0,100,0', '--out', path.join(dir, 'y'));
    expect(air.code).toBe(1);
    expect(air.err).toHaveLength(1);
  });
});
