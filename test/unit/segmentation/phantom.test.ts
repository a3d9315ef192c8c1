// Accuracy against the synthetic phantom's analytic ground truth, level labelling, bad input, and the CLI contract.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli';
import { readSegFile } from '../../../src/dicom/ctSeriesNode';
import { buildPhantomStudy } from '../../../src/phantom/study';
import type { ScalarVolume, Vec3 } from '../../../src/geometry/volume';
import { labelLevels, LABEL_VALUES, SegmentationError, segmentVertebra, type VertebraSegmentation } from '../../../src/segmentation';
import { bodyCentreMm, dicePerStructure, groundTruthValue, phantom } from './phantomFixture';

// Issue #4 acceptance thresholds.
const THRESHOLDS = { body: 0.9, canal: 0.9, leftPedicle: 0.85, rightPedicle: 0.85, lesion: 0.8 } as const;

const p = phantom();
const results = new Map<string, VertebraSegmentation>();
const segmentLevel = (level: string): VertebraSegmentation => {
  let r = results.get(level);
  if (!r) {
    r = segmentVertebra(p.ct, bodyCentreMm(p, level));
    results.set(level, r);
  }
  return r;
};

describe.each(['T11', 'T12', 'L1', 'L2', 'L3'])('Dice against the phantom ground truth, %s', (level) => {
  it('meets the issue thresholds for body, canal, pedicles and (L1) lesion', () => {
    const d = dicePerStructure(p, level, segmentLevel(level));
    expect(d.body).toBeGreaterThanOrEqual(THRESHOLDS.body);
    expect(d.canal).toBeGreaterThanOrEqual(THRESHOLDS.canal);
    expect(d.leftPedicle).toBeGreaterThanOrEqual(THRESHOLDS.leftPedicle);
    expect(d.rightPedicle).toBeGreaterThanOrEqual(THRESHOLDS.rightPedicle);
    if (groundTruthValue(p, level, 'lesion') !== undefined) {
      expect(d.lesion).toBeGreaterThanOrEqual(THRESHOLDS.lesion);
    } else {
      expect(segmentLevel(level).segments.map((s) => s.key)).not.toContain('lesion');
    }
  });
});

describe.each(['T11', 'T12'])('ribs at %s (costovertebral joint space, partial-volumed above the bone threshold)', (level) => {
  it('no rib voxel is part of the segmented vertebra', () => {
    const rib = p.labelTable.find((l) => l.name === `${level} Ribs`)?.value;
    expect(rib).toBeDefined();
    const labels = segmentLevel(level).labels;
    let ribVoxels = 0;
    let inSegmentation = 0;
    for (let i = 0; i < labels.length; i++) {
      if (p.labels.data[i] !== rib) continue;
      ribVoxels++;
      if (labels[i]) inSegmentation++;
    }
    expect(ribVoxels).toBeGreaterThan(1000);
    expect(inSegmentation).toBeLessThanOrEqual(20);
  });
});

describe('phantom L1 (osteolytic metastasis)', () => {
  it('a click inside the lytic lesion (no bone there) segments the same vertebra', () => {
    const r = segmentVertebra(p.ct, [...p.parameters.lesions[0].centreMm] as Vec3);
    expect(r.seedHU).toBeLessThan(100); // the 40 HU lesion
    expect(r.segments.map((s) => s.label)).toEqual(['Vertebral body', 'Left pedicle', 'Right pedicle', 'Posterior elements', 'Spinal canal', 'Lesion']);
    const ref = segmentLevel('L1');
    let differ = 0;
    for (let i = 0; i < ref.labels.length; i++) if (ref.labels[i] !== r.labels[i]) differ++;
    expect(differ).toBe(0);
  });

  it('lesion volume within 15 % of the analytic ellipsoid', () => {
    const analytic = p.parameters.lesions[0].volumeMm3 / 1000;
    const lesion = segmentLevel('L1').segments.find((s) => s.key === 'lesion');
    expect(lesion).toBeDefined();
    expect(Math.abs((lesion?.volumeCm3 ?? 0) - analytic) / analytic).toBeLessThan(0.15);
  });

  it('endplates match the analytic body height within one slice', () => {
    const b = p.parameters.levels.find((l) => l.name === 'L1')?.body;
    if (!b) throw new Error('no L1');
    const r = segmentLevel('L1');
    const dz = p.ct.geometry.spacingMm[2];
    expect(Math.abs(r.endplatesZMm.superior - (b.centreMm[2] + b.heightMm / 2))).toBeLessThanOrEqual(dz);
    expect(Math.abs(r.endplatesZMm.inferior - (b.centreMm[2] - b.heightMm / 2))).toBeLessThanOrEqual(dz);
  });

  it('gives the same labels on a volume stored with flipped axes (direction cosines, not array order)', () => {
    const g = p.ct.geometry;
    const [nx, ny, nz] = g.dimensions;
    const flipped = new Int16Array(p.ct.data.length);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      flipped[nx - 1 - i + nx * (ny - 1 - j + ny * (nz - 1 - k))] = p.ct.data[i + nx * (j + ny * k)];
    }
    const last: Vec3 = [g.originMm[0] + (nx - 1) * g.spacingMm[0], g.originMm[1] + (ny - 1) * g.spacingMm[1], g.originMm[2] + (nz - 1) * g.spacingMm[2]];
    const ct: ScalarVolume<Int16Array> = { geometry: { ...g, originMm: last, direction: [[-1, 0, 0], [0, -1, 0], [0, 0, -1]] }, data: flipped };
    const r = segmentVertebra(ct, bodyCentreMm(p, 'L1'));
    const ref = segmentLevel('L1');
    let differ = 0;
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      if (r.labels[nx - 1 - i + nx * (ny - 1 - j + ny * (nz - 1 - k))] !== ref.labels[i + nx * (j + ny * k)]) differ++;
    }
    expect(differ).toBe(0);
  });
});

describe('level labelling', () => {
  it('numbers the segmented vertebrae from the one the user named', () => {
    const levels = ['L2', 'T12', 'L1', 'L3'];
    const centres = levels.map((l) => segmentLevel(l).bodyCenterMm);
    expect(labelLevels(centres, { index: 2, level: 'L1' })).toEqual(levels);
    expect(labelLevels(centres, { index: 1, level: 't12' })).toEqual(levels);
  });

  it('rejects unknown names, duplicates and numbering beyond the sacrum', () => {
    const z = (v: number): Vec3 => [0, 0, v];
    expect(() => labelLevels([z(0)], { index: 0, level: 'X1' })).toThrow(/unknown vertebral level/);
    expect(() => labelLevels([z(0), z(1)], { index: 0, level: 'L1' })).toThrow(/same level/);
    expect(() => labelLevels([z(0), z(-30)], { index: 0, level: 'S1' })).toThrow(/past S1/);
    expect(labelLevels([z(0), z(-30), z(30)], { index: 0, level: 'L5' }, { formula: { lumbar: 6 } })).toEqual(['L5', 'L6', 'L4']);
  });
});

describe('bad input', () => {
  const expectError = (point: Vec3, code: string, message: RegExp): void => {
    try {
      segmentVertebra(p.ct, point);
      throw new Error('expected a SegmentationError');
    } catch (e) {
      expect(e).toBeInstanceOf(SegmentationError);
      expect((e as SegmentationError).code).toBe(code);
      expect((e as Error).message).toMatch(message);
    }
  };
  it('point outside the image', () => expectError([0, 0, 500], 'point-outside-image', /^the point \(0\.0, 0\.0, 500\.0\) mm is outside the image$/));
  it('point in air / fat, with its HU in the message', () => {
    expectError([0, -100, 0], 'point-not-in-bone', /^the point \(0\.0, -100\.0, 0\.0\) mm is at -?\d+ HU, not inside bone; click inside the vertebral body$/);
    expectError([60, 60, 0], 'point-not-in-bone', /not inside bone/);
  });
  it('point in the spinal canal or a disc', () => {
    const c = p.parameters.levels.find((l) => l.name === 'L1')?.canal.centreMm as Vec3;
    expectError(c, 'vertebra-not-found', /not inside a vertebral body/);
    const disc = p.parameters.discs.find((d) => d.name === 'L1-L2')?.centreMm as Vec3;
    expect(() => segmentVertebra(p.ct, disc)).toThrow(SegmentationError);
  });
});

describe('pvpi segment CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pvpi-segment-'));
  const ctDir = path.join(dir, 'ct');
  const study = buildPhantomStudy(p);
  execFileSync('mkdir', ['-p', ctDir]);
  for (const f of study.ctFiles) writeFileSync(path.join(ctDir, f.fileName), new Uint8Array(f.bytes));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it('writes a SEG with the exact segment labels that passes dciodvfy and matches the ground truth', async () => {
    const segFile = path.join(dir, 'l1.dcm');
    const [x, y, z] = bodyCentreMm(p, 'L1');
    const r = await run('segment', '--ct', ctDir, '--point', `${x},${y},${z}`, '--out', segFile);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/Vertebral body\s+\d+\.\d\d cm³/);
    expect(r.out.join('\n')).toMatch(/Lesion\s+\d+\.\d\d cm³/);

    const v = spawnSync('dciodvfy', [segFile], { encoding: 'utf8' });
    expect(v.error).toBeUndefined();
    const errors = (v.stdout + v.stderr).split('\n').filter((l) => /^Error/i.test(l));
    expect(errors).toEqual([]);

    const back = readSegFile(segFile, p.ct.geometry);
    expect(back.segments.map((s) => s.label)).toEqual(['Vertebral body', 'Left pedicle', 'Right pedicle', 'Posterior elements', 'Spinal canal', 'Lesion']);
    // Round trip: the SEG's body segment equals the in-memory result voxel for voxel.
    const ref = segmentLevel('L1');
    const bodySeg = back.segments.find((s) => s.label === 'Vertebral body');
    expect(bodySeg).toBeDefined();
    let differ = 0;
    const mask = back.segmentMask(bodySeg?.segmentNumber ?? 1);
    for (let i = 0; i < ref.labels.length; i++) if ((ref.labels[i] === LABEL_VALUES.body ? 1 : 0) !== (mask[i] ? 1 : 0)) differ++;
    expect(differ).toBe(0);
  });

  it('bad input: a clear one-line error and exit code 1', async () => {
    const air = await run('segment', '--ct', ctDir, '--point', '0,-100,0', '--out', path.join(dir, 'x.dcm'));
    expect(air.code).toBe(1);
    expect(air.err).toHaveLength(1);
    expect(air.err[0]).toMatch(/^pvpi segment: the point \(0\.0, -100\.0, 0\.0\) mm is at -?\d+ HU, not inside bone; click inside the vertebral body$/);

    const outside = await run('segment', '--ct', ctDir, '--point', '0,0,900', '--out', path.join(dir, 'x.dcm'));
    expect(outside.code).toBe(1);
    expect(outside.err).toEqual(['pvpi segment: the point (0.0, 0.0, 900.0) mm is outside the image']);

    const junk = path.join(dir, 'junk');
    execFileSync('mkdir', ['-p', junk]);
    writeFileSync(path.join(junk, 'a.dcm'), 'not dicom');
    const unreadable = await run('segment', '--ct', junk, '--point', '0,0,0', '--out', path.join(dir, 'x.dcm'));
    expect(unreadable.code).toBe(1);
    expect(unreadable.err).toHaveLength(1);
    expect(unreadable.err[0]).toMatch(/a\.dcm/);

    // Remove one slice in the middle: the spacing is no longer uniform.
    const gap = path.join(dir, 'gap');
    execFileSync('cp', ['-r', ctDir, gap]);
    const files = readdirSync(gap).sort();
    unlinkSync(path.join(gap, files[Math.floor(files.length / 2)]));
    const nonUniform = await run('segment', '--ct', gap, '--point', '0,0,0', '--out', path.join(dir, 'x.dcm'));
    expect(nonUniform.code).toBe(1);
    expect(nonUniform.err).toHaveLength(1);
    expect(nonUniform.err[0]).toMatch(/spacing is not uniform/);

    const usage = await run('segment', '--ct', ctDir, '--point', '1,2', '--out', path.join(dir, 'x.dcm'));
    expect(usage.code).toBe(2);
  });
});
