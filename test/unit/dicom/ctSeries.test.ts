// CT series writer/reader: exact round trip (geometry, HU) and specific errors on broken or unsuitable input.
import { readCtSeries, writeCtSeries, DicomInputError, uidFromName, isValidUid, type DicomFileOut } from '../../../src/dicom';
import { data as dcmjsData } from 'dcmjs';
import { ctInfo, mutate, rampVolume } from './helpers';

const expectCode = (fn: () => unknown, code: string, message?: RegExp): void => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DicomInputError);
  expect((err as DicomInputError).code).toBe(code);
  if (message) expect((err as DicomInputError).message).toMatch(message);
};

describe('CT series round trip', () => {
  it.each(['int16', 'uint16'] as const)('writes and reads back geometry and HU exactly (%s pixels)', (pixelEncoding) => {
    const vol = rampVolume();
    const info = ctInfo(4, pixelEncoding, { pixelEncoding });
    const files = writeCtSeries(vol, info);
    expect(files).toHaveLength(4);
    // Shuffle: the reader must sort by position, not by file order.
    const shuffled = [files[2], files[0], files[3], files[1]].map((f) => f.bytes);
    const { volume, meta } = readCtSeries(shuffled);
    expect(volume.geometry.dimensions).toEqual([7, 5, 4]);
    expect(volume.geometry.spacingMm[0]).toBeCloseTo(0.8, 9);
    expect(volume.geometry.spacingMm[1]).toBeCloseTo(0.9, 9);
    expect(volume.geometry.spacingMm[2]).toBeCloseTo(2.5, 9);
    expect(volume.geometry.originMm).toEqual([-10.5, 20.25, -33]);
    expect(volume.geometry.direction).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(volume.geometry.frameOfReferenceUID).toBe(info.frameOfReferenceUID);
    expect(Array.from(volume.data)).toEqual(Array.from(vol.data));
    expect(meta.sopInstanceUIDs).toEqual(info.sopInstanceUIDs);
    expect(meta.seriesInstanceUID).toBe(info.seriesInstanceUID);
    expect(meta.studyInstanceUID).toBe(info.studyInstanceUID);
    expect(meta.patientId).toBe('T1');
  });

  it('derives valid, deterministic, distinct UIDs', () => {
    const a = uidFromName('x/1');
    expect(uidFromName('x/1')).toBe(a);
    expect(uidFromName('x/2')).not.toBe(a);
    expect(isValidUid(a)).toBe(true);
    expect(a.startsWith('2.25.')).toBe(true);
    const uids = new Set(Array.from({ length: 2000 }, (_, i) => uidFromName(`series/${i}`)));
    expect(uids.size).toBe(2000);
    for (const u of uids) expect(isValidUid(u)).toBe(true);
  });
});

describe('CT series reader errors', () => {
  let files: DicomFileOut[];
  beforeAll(() => {
    files = writeCtSeries(rampVolume(), ctInfo(4));
  });
  const buffers = (): ArrayBuffer[] => files.map((f) => f.bytes);

  it('rejects a file that is not DICOM', () => {
    expectCode(() => readCtSeries([new TextEncoder().encode('hello world, not a dicom file at all').buffer]), 'NOT_DICOM', /not a DICOM/);
  });

  it('rejects a truncated file as corrupt', () => {
    const cut = files[0].bytes.slice(0, files[0].bytes.byteLength - 40);
    expectCode(() => readCtSeries([cut, ...buffers().slice(1)]), 'CORRUPT', /corrupt or truncated|shorter than/);
  });

  it('rejects Explicit VR Big Endian (retired) instead of reading its pixels byte-swapped', () => {
    const parsed = dcmjsData.DicomMessage.readFile(files[0].bytes.slice(0));
    parsed.meta['00020010'] = { vr: 'UI', Value: ['1.2.840.10008.1.2.2'] };
    const be = parsed.write();
    expectCode(() => readCtSeries([be, ...buffers().slice(1)]), 'UNSUPPORTED', /Big Endian \(retired, PS3\.5 A\.3\) is not supported/);
  });

  it('rejects an empty list', () => {
    expectCode(() => readCtSeries([]), 'EMPTY');
  });

  it('rejects mixed series', () => {
    const other = writeCtSeries(rampVolume(), ctInfo(4, 'other'));
    expectCode(() => readCtSeries([...buffers().slice(0, 2), other[2].bytes]), 'MIXED_SERIES', /2 different series/);
  });

  it('rejects non-uniform slice spacing (a missing slice)', () => {
    expectCode(() => readCtSeries([files[0].bytes, files[1].bytes, files[3].bytes]), 'NON_UNIFORM_SPACING', /not uniform/);
  });

  it('rejects gantry tilt (positions not stacked along the normal)', () => {
    const tilted = files.map((f, k) =>
      mutate(f.bytes, (ds) => {
        const p = (ds.ImagePositionPatient as unknown[]).map(Number);
        ds.ImagePositionPatient = [p[0], p[1] + k * 0.5, p[2]].map(String); // 0.5 mm per 2.5 mm slice ≈ 11°
      }),
    );
    expectCode(() => readCtSeries(tilted), 'GANTRY_TILT', /tilt/);
  });

  it('rejects non-axial (coronal) slices', () => {
    const coronal = files.map((f) => mutate(f.bytes, (ds) => { ds.ImageOrientationPatient = ['1', '0', '0', '0', '0', '-1']; }));
    expectCode(() => readCtSeries(coronal), 'NON_AXIAL', /not axial/);
  });

  it('rejects missing geometry tags', () => {
    const noPos = mutate(files[1].bytes, (ds) => { delete ds.ImagePositionPatient; });
    expectCode(() => readCtSeries([files[0].bytes, noPos, files[2].bytes]), 'MISSING_GEOMETRY', /ImagePositionPatient/);
    const noSpacing = mutate(files[1].bytes, (ds) => { delete ds.PixelSpacing; });
    expectCode(() => readCtSeries([noSpacing]), 'MISSING_GEOMETRY', /PixelSpacing/);
    const noFor = files.map((f) => mutate(f.bytes, (ds) => { delete ds.FrameOfReferenceUID; }));
    expectCode(() => readCtSeries(noFor), 'MISSING_GEOMETRY', /Frame of Reference/);
  });

  it('rejects duplicate slice positions', () => {
    expectCode(() => readCtSeries([files[0].bytes, files[0].bytes, files[1].bytes]), 'DUPLICATE_POSITION');
  });

  it('rejects inconsistent matrices', () => {
    const bigger = mutate(files[1].bytes, (ds) => { ds.PixelSpacing = ['1', '1']; });
    expectCode(() => readCtSeries([files[0].bytes, bigger]), 'INCONSISTENT_GEOMETRY');
  });

  it('rejects short pixel data as corrupt', () => {
    const short = mutate(files[1].bytes, (ds) => { ds.PixelData = [new ArrayBuffer(10)]; });
    expectCode(() => readCtSeries([files[0].bytes, short, files[2].bytes, files[3].bytes]), 'CORRUPT', /pixel data/);
  });

  it('applies rescale slope and intercept', () => {
    const rescaled = files.map((f) =>
      mutate(f.bytes, (ds) => { ds.RescaleSlope = '2'; ds.RescaleIntercept = '-5'; }),
    );
    const orig = readCtSeries(buffers()).volume.data;
    const { volume } = readCtSeries(rescaled);
    for (let v = 0; v < orig.length; v++) expect(volume.data[v]).toBe(Math.max(-32768, Math.min(32767, orig[v] * 2 - 5)));
  });
});
