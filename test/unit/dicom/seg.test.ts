// SEG writer/reader: exact round trip of overlapping binary segments and their codes; Frame of Reference checks.
import type { ScalarVolume, Vec3 } from '../../../src/geometry/volume';
import { Codes, DicomInputError, readCtSeries, readSeg, rgbToDicomLab, uidFromName, writeCtSeries, writeSeg, type SegmentDefinition } from '../../../src/dicom';
import { ctInfo, rampVolume, study } from './helpers';

function labelVolume(): ScalarVolume<Uint8Array> {
  const ct = rampVolume();
  const [nx, ny, nz] = ct.geometry.dimensions;
  const data = new Uint8Array(nx * ny * nz);
  // Label 1: a box; label 2: one voxel inside it; label 3: only on the last slice; label 4: absent.
  for (let k = 1; k < 3; k++) for (let j = 1; j < 4; j++) for (let i = 2; i < 6; i++) data[i + nx * (j + ny * k)] = 1;
  data[3 + nx * (2 + ny * 2)] = 2;
  data[0 + nx * (0 + ny * 3)] = 3;
  data[6 + nx * (4 + ny * 3)] = 3;
  return { geometry: ct.geometry, data };
}

const segments: SegmentDefinition[] = [
  { label: 'Vertebral body', labelValues: [1, 2], category: Codes.anatomicalStructure, type: Codes.vertebralBody, algorithmType: 'AUTOMATIC', algorithmName: 'test', rgb: [241, 214, 145] },
  { label: 'Lesion', labelValues: [2], category: Codes.morphologicallyAbnormalStructure, type: Codes.neoplasmSecondary, algorithmType: 'SEMIAUTOMATIC', algorithmName: 'test' },
  { label: 'Left pedicle', labelValues: [3], category: Codes.anatomicalStructure, type: Codes.pedicleOfVertebra, typeModifier: Codes.left, algorithmType: 'MANUAL' },
  { label: 'Empty', labelValues: [4], category: Codes.anatomicalStructure, type: Codes.vertebralCanal, algorithmType: 'MANUAL' },
];

function writeTestSeg(): { bytes: ArrayBuffer; ctGeometry: ReturnType<typeof readCtSeries>['volume']['geometry']; labels: ScalarVolume<Uint8Array> } {
  const info = ctInfo(4);
  const ctFiles = writeCtSeries(rampVolume(), info);
  const ct = readCtSeries(ctFiles.map((f) => f.bytes));
  const labels = labelVolume();
  const seg = writeSeg(labels, segments, {
    study,
    seriesInstanceUID: info.seriesInstanceUID,
    frameOfReferenceUID: info.frameOfReferenceUID,
    sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUIDs: info.sopInstanceUIDs,
  }, {
    seriesInstanceUID: uidFromName('test/seg-series'),
    sopInstanceUID: uidFromName('test/seg'),
    seriesNumber: 50,
    seriesDescription: 'test seg',
    contentLabel: 'TEST',
    contentDescription: 'unit test',
    contentCreatorName: 'Test^Writer',
    manufacturer: 'Test',
    manufacturerModelName: 'Unit',
    deviceSerialNumber: '1',
    softwareVersions: '0',
    contentDate: '20240102',
    contentTime: '101010',
    dimensionOrganizationUID: uidFromName('test/dim'),
  });
  // Frames: segment 1 on slices 1,2; segment 2 on slice 2; segment 3 on slice 3; segment 4 one empty frame.
  expect(seg.numberOfFrames).toBe(5);
  return { bytes: seg.bytes, ctGeometry: ct.volume.geometry, labels };
}

describe('SEG round trip', () => {
  it('restores every segment mask exactly, with labels and codes', () => {
    const { bytes, ctGeometry, labels } = writeTestSeg();
    const r = readSeg(bytes, ctGeometry);
    expect(r.segments.map((s) => s.label)).toEqual(['Vertebral body', 'Lesion', 'Left pedicle', 'Empty']);
    expect(r.segments.map((s) => s.segmentNumber)).toEqual([1, 2, 3, 4]);
    expect(r.segments[0].type).toEqual(Codes.vertebralBody);
    expect(r.segments[1].category).toEqual(Codes.morphologicallyAbnormalStructure);
    expect(r.segments[2].typeModifier).toEqual(Codes.left);
    expect(r.segments[2].algorithmType).toBe('MANUAL');
    expect(r.segments[0].algorithmName).toBe('test');
    segments.forEach((seg, s) => {
      const mask = r.segmentMask(s + 1);
      let n = 0;
      for (let v = 0; v < labels.data.length; v++) {
        const want = seg.labelValues.includes(labels.data[v]) ? 1 : 0;
        expect(mask[v]).toBe(want);
        n += want;
      }
      expect(r.segments[s].voxelCount).toBe(n);
    });
    // Overlap: the lesion voxel belongs to both body and lesion; the label volume keeps the higher segment number.
    const nx = 7, ny = 5;
    expect(r.labels.data[3 + nx * (2 + ny * 2)]).toBe(2);
    expect(r.labels.data[2 + nx * (1 + ny * 1)]).toBe(1);
    expect(r.labels.data[0 + nx * (0 + ny * 3)]).toBe(3);
    expect(r.frameOfReferenceUID).toBe(ctGeometry.frameOfReferenceUID);
    expect(r.referencedSeriesInstanceUID).toBe(ctInfo(4).seriesInstanceUID);
  });

  it('places frames along the slice normal of a non-identity orientation (x flipped, so the normal points to the feet)', () => {
    const { bytes: _unused, ctGeometry } = writeTestSeg();
    void _unused;
    // Row direction −x, column +y: the slice normal row × column is −z, so slice k lies at z0 − k·spacing.
    const flipped = { ...ctGeometry, direction: [[-1, 0, 0], [0, 1, 0], [0, 0, -1]] as [Vec3, Vec3, Vec3], originMm: [40, -10, 100] as Vec3 };
    const labels = { ...labelVolume(), geometry: flipped };
    const info = ctInfo(4);
    const seg = writeSeg(labels, segments, {
      study, seriesInstanceUID: info.seriesInstanceUID, frameOfReferenceUID: info.frameOfReferenceUID,
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUIDs: info.sopInstanceUIDs,
    }, {
      seriesInstanceUID: uidFromName('test/seg-flipped'), sopInstanceUID: uidFromName('test/seg-flipped-sop'), seriesNumber: 51,
      seriesDescription: 'flipped', contentLabel: 'TEST', contentDescription: 'unit test', contentCreatorName: 'Test^Writer',
      manufacturer: 'Test', manufacturerModelName: 'Unit', deviceSerialNumber: '1', softwareVersions: '0',
      contentDate: '20240102', contentTime: '101010', dimensionOrganizationUID: uidFromName('test/dim'),
    });
    const r = readSeg(seg.bytes, flipped);
    const mask = r.segmentMask(3);
    for (let v = 0; v < labels.data.length; v++) expect(mask[v]).toBe(labels.data[v] === 3 ? 1 : 0);
    // Against the written geometry with +z slices, the same frames are not on its slices.
    expect(() => readSeg(seg.bytes, { ...flipped, direction: [[-1, 0, 0], [0, 1, 0], [0, 0, 1]] })).toThrow();
  });

  it('rejects a CT with another Frame of Reference', () => {
    const { bytes, ctGeometry } = writeTestSeg();
    expect(() => readSeg(bytes, { ...ctGeometry, frameOfReferenceUID: '1.2.3.4' })).toThrow(/Frame of Reference/);
    try {
      readSeg(bytes, { ...ctGeometry, frameOfReferenceUID: '1.2.3.4' });
    } catch (e) {
      expect((e as DicomInputError).code).toBe('FRAME_OF_REFERENCE_MISMATCH');
    }
  });

  it('rejects a grid whose slices do not match the frames', () => {
    const { bytes, ctGeometry } = writeTestSeg();
    expect(() => readSeg(bytes, { ...ctGeometry, originMm: [ctGeometry.originMm[0], ctGeometry.originMm[1], ctGeometry.originMm[2] + 1] })).toThrow(/not on a slice/);
    expect(() => readSeg(bytes, { ...ctGeometry, dimensions: [8, 5, 4] })).toThrow(/matrix/);
  });

  it('rejects a CT file passed as SEG', () => {
    const ctFiles = writeCtSeries(rampVolume(), ctInfo(4));
    const g = readCtSeries(ctFiles.map((f) => f.bytes)).volume.geometry;
    expect(() => readSeg(ctFiles[0].bytes, g)).toThrow(/not a DICOM Segmentation/);
  });

  it('converts display colours to CIELab (white → L 100, a = b = 0)', () => {
    const [L, a, b] = rgbToDicomLab([255, 255, 255]);
    expect(L).toBe(65535);
    expect(Math.abs(a - 32896)).toBeLessThan(40); // (0 + 128)·65535/255
    expect(Math.abs(b - 32896)).toBeLessThan(40);
    expect(rgbToDicomLab([0, 0, 0])[0]).toBe(0);
  });
});
