/** `pvpi check-trajectory` / `pvpi suggest-trajectory` on the phantom written as DICOM: JSON contract and errors. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/index';
import { CT_IMAGE_STORAGE } from '../../../src/dicom/dataset';
import { writeSeg, type SegmentDefinition } from '../../../src/dicom/seg';
import { buildPhantomStudy, phantomSegments } from '../../../src/phantom';
import type { Vec3 } from '../../../src/geometry/volume';
import { analyticWallClearance } from './analyticReference';
import { levelParams, phantom } from './phantomLevel';

jest.setTimeout(180_000);

let dir = '';
const files = { ct: '', seg: '', plainSeg: '', badLabels: '', otherFrame: '' };

function segVariant(segments: SegmentDefinition[], frameOfReferenceUID: string, name: string): string {
  const p = phantom();
  const st = buildPhantomStudy(p);
  const seg = writeSeg(p.labels, segments, {
    study: st.study, seriesInstanceUID: st.uids.ctSeriesInstanceUID, frameOfReferenceUID, sopClassUID: CT_IMAGE_STORAGE,
    sopInstanceUIDs: st.ctFiles.map((f) => f.sopInstanceUID),
  }, {
    seriesInstanceUID: `${st.uids.segSeriesInstanceUID}.9`, sopInstanceUID: `${st.uids.segSopInstanceUID}.9`, seriesNumber: 101,
    seriesDescription: name, contentLabel: 'TEST', contentDescription: name, contentCreatorName: 'TEST', manufacturer: 'PVPI Planner',
    manufacturerModelName: 'test', deviceSerialNumber: '1', softwareVersions: '0', contentDate: '20250101', contentTime: '090000',
    dimensionOrganizationUID: `${st.uids.segSopInstanceUID}.8`,
  });
  const file = path.join(dir, `${name}.dcm`);
  writeFileSync(file, new Uint8Array(seg.bytes));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pvpi-trajectory-'));
  const p = phantom();
  const st = buildPhantomStudy(p);
  files.ct = path.join(dir, 'ct');
  mkdirSync(files.ct);
  for (const f of st.ctFiles) writeFileSync(path.join(files.ct, f.fileName), new Uint8Array(f.bytes));
  files.seg = path.join(dir, 'ground-truth.dcm');
  writeFileSync(files.seg, new Uint8Array(st.seg.bytes));
  const l1 = phantomSegments(p.parameters).filter((s) => s.label.startsWith('L1 ') && !s.label.endsWith('Disc'));
  // What `pvpi segment` writes: one vertebra, labels without the level prefix.
  files.plainSeg = segVariant(l1.map((s) => ({ ...s, label: s.label.slice(3) })), st.uids.frameOfReferenceUID, 'plain');
  files.badLabels = segVariant(l1.map((s, i) => ({ ...s, label: `Structure ${i + 1}` })), st.uids.frameOfReferenceUID, 'bad-labels');
  files.otherFrame = segVariant(l1, '1.2.826.0.1.3680043.8.498.1', 'other-frame');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const fmt = (p: Vec3): string => p.map((v) => v.toFixed(3)).join(',');
const CONTRACT = ['feasible', 'minClearanceMm', 'violations', 'medialAngleDeg', 'craniocaudalAngleDeg', 'lengthMm'];

function expectContractShape(json: Record<string, unknown>): void {
  for (const k of CONTRACT) expect(json).toHaveProperty(k);
  expect(typeof json.feasible).toBe('boolean');
  for (const k of ['minClearanceMm', 'medialAngleDeg', 'craniocaudalAngleDeg', 'lengthMm']) expect(typeof json[k]).toBe('number');
  expect(Array.isArray(json.violations)).toBe(true);
  for (const v of json.violations as Array<Record<string, unknown>>) {
    expect(Object.keys(v).sort()).toEqual(['code', 'message', 'severity']);
    expect(['error', 'warning']).toContain(v.severity);
    expect(typeof v.code).toBe('string');
    expect(typeof v.message).toBe('string');
  }
}

it('check-trajectory on the multi-level ground truth: one JSON object, level picked from the target, MEDIAL_WALL for a medial graze (13G)', async () => {
  const lv = levelParams('L1');
  const p = lv.pedicles.left;
  const r13 = 2.41 / 2;
  const shift = p.optimalAxisClearanceMm - r13 - 0.4; // 0.4 mm analytic medial clearance < 1 mm margin
  const at = (t: number): Vec3 => [0, 1, 2].map((k) => p.isthmusCentreMm[k] - shift * p.widthDirection[k] + t * p.axisDirection[k]) as Vec3;
  const entry = at(-40);
  const target = at(28);
  const analytic = analyticWallClearance(lv, 'left', entry, target, r13);
  expect(analytic.walls.medial).toBeLessThan(0.7);
  const r = await run(['check-trajectory', '--ct', files.ct, '--seg', files.seg, '--entry', fmt(entry), '--target', fmt(target), '--gauge', '13', '--margin-mm', '1']);
  expect(r.err).toEqual([]);
  expect(r.code).toBe(0);
  expect(r.out).toHaveLength(1);
  const json = JSON.parse(r.out[0]) as Record<string, unknown>;
  expectContractShape(json);
  expect(json.level).toBe('L1');
  expect(json.feasible).toBe(false);
  expect((json.violations as Array<{ code: string; severity: string }>).find((v) => v.code === 'MEDIAL_WALL')?.severity).toBe('error');
  expect(Math.abs((json.minClearanceMm as number) - analytic.walls.medial)).toBeLessThanOrEqual(0.5);
  expect(json.outerDiameterMm).toBe(2.41);
});

it('suggest-trajectory on a single-vertebra SEG with plain labels: feasible, entry and target in mm', async () => {
  const r = await run(['suggest-trajectory', '--ct', files.ct, '--seg', files.plainSeg, '--side', 'right', '--gauge', '11']);
  expect(r.err).toEqual([]);
  expect(r.code).toBe(0);
  expect(r.out).toHaveLength(1);
  const json = JSON.parse(r.out[0]) as Record<string, unknown>;
  expectContractShape(json);
  for (const k of ['entry', 'target']) {
    expect(Array.isArray(json[k])).toBe(true);
    expect((json[k] as unknown[]).every((v) => typeof v === 'number')).toBe(true);
    expect(json[k]).toHaveLength(3);
  }
  expect(json.feasible).toBe(true);
  const lv = levelParams('L1');
  const optimum = lv.pedicles.right.optimalAxisClearanceMm - 3.05 / 2;
  expect(Math.abs((json.minClearanceMm as number) - optimum)).toBeLessThanOrEqual(0.5);
  expect((json.entry as number[])[0]).toBeLessThan(0); // patient right = −x (LPS)
});

describe('errors: one line on stderr, exit 1, nothing on stdout', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['SEG without the expected labels', () => ['check-trajectory', '--ct', files.ct, '--seg', files.badLabels, '--entry', '30,80,4', '--target', '8,-26,4'], /segment labels/],
    ['Frame of Reference mismatch', () => ['suggest-trajectory', '--ct', files.ct, '--seg', files.otherFrame, '--side', 'left'], /Frame of Reference/],
    ['entry outside the image', () => ['check-trajectory', '--ct', files.ct, '--seg', files.seg, '--entry', '30,400,4', '--target', '8,-26,4'], /outside the CT image/],
  ];
  for (const [name, argv, pattern] of cases) {
    it(name, async () => {
      const r = await run(argv());
      expect(r.code).toBe(1);
      expect(r.out).toEqual([]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(pattern);
    });
  }
});
