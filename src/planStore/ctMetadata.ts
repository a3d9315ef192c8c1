/**
 * The planning CT as the RT objects need it (study, series, slice SOP UIDs in slice order, voxel grid), built from
 * WADO-RS series metadata (DICOM JSON) without downloading pixels.
 */
import type { Vec3, VolumeGeometry } from '../geometry/volume';
import { getNumbers, getString, type DicomJsonDataset } from '../dicomweb/dicomJson';
import type { PlanningCt } from '../dicom/rtStruct';
import { DicomObjectError } from '../dicom/rtCommon';

const T = {
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyInstanceUID: '0020000D',
  StudyDate: '00080020',
  StudyTime: '00080030',
  StudyID: '00200010',
  AccessionNumber: '00080050',
  StudyDescription: '00081030',
  ReferringPhysicianName: '00080090',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  SOPClassUID: '00080016',
  FrameOfReferenceUID: '00200052',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  PixelSpacing: '00280030',
  Rows: '00280010',
  Columns: '00280011',
} as const;

/** Builds the planning CT from the metadata of every instance of one axial CT series. */
export function planningCtFromMetadata(instances: readonly DicomJsonDataset[], name = 'CT series'): PlanningCt {
  if (instances.length === 0) throw new DicomObjectError('MISSING_ATTRIBUTE', `${name}: no instances`);
  const first = instances[0];
  const need = (ds: DicomJsonDataset, tag: string, what: string, n: number): number[] => {
    const v = getNumbers(ds, tag);
    if (v.length < n) throw new DicomObjectError('MISSING_ATTRIBUTE', `${name}: instance ${getString(ds, T.SOPInstanceUID) ?? '?'} has no ${what} (${tag.slice(0, 4)},${tag.slice(4)})`);
    return v;
  };
  const iop = need(first, T.ImageOrientationPatient, 'Image Orientation (Patient)', 6);
  const row: Vec3 = [iop[0], iop[1], iop[2]];
  const col: Vec3 = [iop[3], iop[4], iop[5]];
  const normal: Vec3 = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
  const slices = instances.map((ds) => {
    const p = need(ds, T.ImagePositionPatient, 'Image Position (Patient)', 3);
    return { ds, pos: [p[0], p[1], p[2]] as Vec3, d: p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2] };
  });
  slices.sort((a, b) => a.d - b.d);
  const spacing = need(first, T.PixelSpacing, 'Pixel Spacing', 2);
  const rows = need(first, T.Rows, 'Rows', 1)[0];
  const cols = need(first, T.Columns, 'Columns', 1)[0];
  const dz = slices.length > 1 ? (slices[slices.length - 1].d - slices[0].d) / (slices.length - 1) : 1;
  for (let k = 1; k < slices.length; k++) {
    if (Math.abs(slices[k].d - slices[k - 1].d - dz) > Math.max(0.01, 0.01 * dz)) throw new DicomObjectError('UNSUPPORTED', `${name}: slices are not evenly spaced`);
  }
  const forUID = getString(first, T.FrameOfReferenceUID);
  if (!forUID) throw new DicomObjectError('MISSING_ATTRIBUTE', `${name}: missing Frame of Reference UID (0020,0052)`);
  const geometry: VolumeGeometry = {
    dimensions: [cols, rows, slices.length],
    spacingMm: [spacing[1], spacing[0], dz],
    originMm: slices[0].pos,
    direction: [row, col, normal],
    frameOfReferenceUID: forUID,
  };
  const s = (tag: string): string => getString(first, tag) ?? '';
  return {
    geometry,
    study: {
      patientName: s(T.PatientName),
      patientId: s(T.PatientID),
      patientBirthDate: s(T.PatientBirthDate),
      patientSex: s(T.PatientSex),
      studyInstanceUID: s(T.StudyInstanceUID),
      studyDate: s(T.StudyDate),
      studyTime: s(T.StudyTime),
      studyId: s(T.StudyID),
      accessionNumber: s(T.AccessionNumber),
      studyDescription: s(T.StudyDescription),
      referringPhysicianName: s(T.ReferringPhysicianName),
    },
    seriesInstanceUID: s(T.SeriesInstanceUID),
    frameOfReferenceUID: forUID,
    sopClassUID: s(T.SOPClassUID),
    sopInstanceUIDs: slices.map((x) => getString(x.ds, T.SOPInstanceUID) ?? ''),
  };
}
