// The phantom as a DICOM study: dciodvfy-clean CT and SEG, exact round trip of the ground truth, deterministic UIDs.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPhantomStudy, generatePhantom, type Phantom, type PhantomStudy } from '../../../src/phantom';
import { readCtSeries, readSeg, isValidUid, DicomInputError } from '../../../src/dicom';
import { readCtSeriesDir, readSegFile } from '../../../src/dicom/ctSeriesNode';
import { main } from '../../../src/cli';
import { dciodvfy, hasDciodvfy, mutate } from './helpers';

let phantom: Phantom;
let study: PhantomStudy;
beforeAll(() => {
  phantom = generatePhantom({ seed: 1 });
  study = buildPhantomStudy(phantom);
});

describe('phantom study', () => {
  it('has one CT file per slice with valid, distinct UIDs', () => {
    expect(study.ctFiles).toHaveLength(phantom.ct.geometry.dimensions[2]);
    const uids = [...study.ctFiles.map((f) => f.sopInstanceUID), ...Object.values(study.uids)];
    expect(new Set(uids).size).toBe(uids.length);
    for (const u of uids) expect(isValidUid(u)).toBe(true);
  });

  it('reads back the CT exactly (HU and geometry)', () => {
    const { volume, meta } = readCtSeries(study.ctFiles.map((f) => f.bytes));
    expect(volume.geometry.dimensions).toEqual(phantom.ct.geometry.dimensions);
    expect(volume.geometry.originMm).toEqual(phantom.ct.geometry.originMm);
    expect(volume.geometry.spacingMm[2]).toBeCloseTo(1.5, 9);
    expect(Buffer.from(volume.data.buffer).equals(Buffer.from(phantom.ct.data.buffer))).toBe(true);
    expect(meta.frameOfReferenceUID).toBe(study.uids.frameOfReferenceUID);
    expect(meta.studyInstanceUID).toBe(study.uids.studyInstanceUID);
  });

  it('reads back every ground-truth segment exactly from the SEG', () => {
    const ct = readCtSeries(study.ctFiles.map((f) => f.bytes));
    const seg = readSeg(study.seg.bytes, ct.volume.geometry);
    expect(seg.segments.map((s) => s.label)).toEqual(study.seg.segments.map((s) => s.label));
    expect(seg.segments.map((s) => s.label)).toEqual(expect.arrayContaining([
      'L1 Vertebral body', 'L1 Left pedicle', 'L1 Right pedicle', 'L1 Posterior elements', 'L1 Spinal canal', 'L1 Lesion', 'T12-L1 Disc', 'T11 Vertebral body', 'L3 Spinal canal',
    ]));
    study.seg.segments.forEach((def, s) => {
      const mask = seg.segmentMask(s + 1);
      const wanted = new Set(def.labelValues);
      let diff = 0;
      let n = 0;
      for (let v = 0; v < mask.length; v++) {
        const w = wanted.has(phantom.labels.data[v]) ? 1 : 0;
        if (w !== mask[v]) diff++;
        n += w;
      }
      expect(diff).toBe(0);
      expect(n).toBeGreaterThan(0);
    });
    const lesion = seg.segments.find((s) => s.label === 'L1 Lesion');
    expect(lesion?.type?.codeValue).toBe('14799000');
    expect(seg.segments.find((s) => s.label === 'L1 Left pedicle')?.type?.codeValue).toBe('78972004');
    expect(seg.segments.find((s) => s.label === 'L1 Spinal canal')?.type?.codeValue).toBe('61853006');
    expect(seg.segments.find((s) => s.label === 'L1 Vertebral body')?.anatomicRegion?.codeValue).toBe('66794005');
  });

  it('publishes UIDs and analytic parameters in phantom.json', () => {
    const json = JSON.parse(study.parametersJson) as { uids: Record<string, string>; levels: Array<{ name: string; pedicles: { left: { optimalAxisClearanceMm: number } } }>; lesions: unknown[]; labels: unknown[] };
    expect(json.uids.studyInstanceUID).toBe(study.uids.studyInstanceUID);
    expect(json.levels.find((l) => l.name === 'L1')?.pedicles.left.optimalAxisClearanceMm).toBe(4);
    expect(json.lesions).toHaveLength(1);
    expect(json.labels.length).toBeGreaterThan(30);
  });
});

(hasDciodvfy ? describe : describe.skip)('dciodvfy', () => {
  it('finds no errors or warnings in the phantom CT slices (first, middle, last)', () => {
    for (const f of [study.ctFiles[0], study.ctFiles[60], study.ctFiles[study.ctFiles.length - 1]]) {
      const r = dciodvfy(f.bytes, f.fileName);
      expect(r.output).toMatch(/CTImage/);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
    }
  });

  it('finds no errors or warnings in the ground-truth SEG', () => {
    const r = dciodvfy(study.seg.bytes, 'seg.dcm');
    expect(r.output).toMatch(/Segmentation/);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('does report errors on a deliberately broken file (the check can fail)', () => {
    const broken = mutate(study.ctFiles[0].bytes, (ds) => { delete ds.ImagePositionPatient; delete ds.PatientID; });
    expect(dciodvfy(broken).errors.length).toBeGreaterThan(0);
  });
});
if (!hasDciodvfy) {
  // eslint-disable-next-line no-console
  console.warn('\n*** dciodvfy (dicom3tools) is NOT installed: DICOM conformance tests SKIPPED. apt-get install dicom3tools ***\n');
}

describe('pvpi phantom CLI', () => {
  it('writes DIR/ct, DIR/seg/ground-truth.dcm and DIR/phantom.json, identically on a re-run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pvpi-phantom-'));
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    expect(await main(['phantom', '--out', dir, '--seed', '1'], io)).toBe(0);
    expect(lines.join('\n')).toContain(study.uids.studyInstanceUID);
    const ctNames = readdirSync(path.join(dir, 'ct'));
    expect(ctNames).toHaveLength(study.ctFiles.length);
    expect(existsSync(path.join(dir, 'seg', 'ground-truth.dcm'))).toBe(true);
    const first = readFileSync(path.join(dir, 'seg', 'ground-truth.dcm'));
    expect(await main(['phantom', '--out', dir, '--seed', '1'], io)).toBe(0);
    expect(readFileSync(path.join(dir, 'seg', 'ground-truth.dcm')).equals(first)).toBe(true);
    const { volume } = readCtSeriesDir(path.join(dir, 'ct'));
    expect(Buffer.from(volume.data.buffer).equals(Buffer.from(phantom.ct.data.buffer))).toBe(true);
    const seg = readSegFile(path.join(dir, 'seg', 'ground-truth.dcm'), volume.geometry);
    expect(seg.segments).toHaveLength(study.seg.segments.length);
  });

  it('fails with a usage error on a bad seed and a clear error on a directory without DICOM', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await main(['phantom', '--out', tmpdir(), '--seed', '-3'], io)).toBe(2);
    expect(lines.join('\n')).toMatch(/--seed/);
    const empty = mkdtempSync(path.join(tmpdir(), 'pvpi-empty-'));
    expect(() => readCtSeriesDir(empty)).toThrow(DicomInputError);
  });
});
