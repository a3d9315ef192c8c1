/**
 * Turns a generated phantom into a DICOM study: a CT series (one file per slice) and a ground-truth SEG, with UIDs
 * derived deterministically from the seed (re-running with the same seed gives byte-identical files).
 */
import { Codes, DISC_CODES, VERTEBRA_CODES } from '../dicom/codes';
import { CT_IMAGE_STORAGE } from '../dicom/dataset';
import { writeCtSeries, type DicomFileOut, type StudyInfo } from '../dicom/ctSeries';
import { writeSeg, type SegmentDefinition } from '../dicom/seg';
import { uidFromName } from '../dicom/uid';
import type { Phantom } from './generate';
import type { PhantomParameters } from './model';

export interface PhantomStudyUids {
  studyInstanceUID: string;
  ctSeriesInstanceUID: string;
  segSeriesInstanceUID: string;
  segSopInstanceUID: string;
  frameOfReferenceUID: string;
}

export interface PhantomStudy {
  uids: PhantomStudyUids;
  study: StudyInfo;
  ctFiles: DicomFileOut[];
  seg: { fileName: string; bytes: ArrayBuffer; numberOfFrames: number; segments: SegmentDefinition[] };
  /** phantom.json contents (analytic parameters plus the UIDs). */
  parametersJson: string;
}

/** Deterministic UIDs of the phantom study for a seed. */
export function phantomUids(seed: number): PhantomStudyUids {
  const root = `pvpi-phantom/v2/seed-${seed}`;
  return {
    studyInstanceUID: uidFromName(`${root}/study`),
    ctSeriesInstanceUID: uidFromName(`${root}/ct-series`),
    segSeriesInstanceUID: uidFromName(`${root}/seg-series`),
    segSopInstanceUID: uidFromName(`${root}/seg-instance`),
    frameOfReferenceUID: uidFromName(`${root}/frame-of-reference`),
  };
}

/** Ground-truth segments of the phantom (fully labelled levels, lesion, discs), ready for writeSeg. */
export function phantomSegments(params: PhantomParameters): SegmentDefinition[] {
  const segments: SegmentDefinition[] = [];
  const auto = { algorithmType: 'AUTOMATIC' as const, algorithmName: 'PVPI phantom ground truth' };
  const colour = (value: number): [number, number, number] => params.labels.find((l) => l.value === value)?.rgb ?? [200, 200, 200];
  for (const lv of params.levels.filter((l) => l.fullyLabelled)) {
    const region = VERTEBRA_CODES[lv.name];
    const L = lv.labels;
    const bodyValues = [L.vertebralBody ?? 0, ...(L.lesion !== undefined ? [L.lesion] : [])];
    segments.push({ label: `${lv.name} Vertebral body`, labelValues: bodyValues, category: Codes.anatomicalStructure, type: Codes.vertebralBody, anatomicRegion: region, rgb: colour(L.vertebralBody ?? 0), description: 'Vertebral body including any lesion inside it', ...auto });
    segments.push({ label: `${lv.name} Left pedicle`, labelValues: [L.leftPedicle ?? 0], category: Codes.anatomicalStructure, type: Codes.pedicleOfVertebra, typeModifier: Codes.left, anatomicRegion: region, rgb: colour(L.leftPedicle ?? 0), ...auto });
    segments.push({ label: `${lv.name} Right pedicle`, labelValues: [L.rightPedicle ?? 0], category: Codes.anatomicalStructure, type: Codes.pedicleOfVertebra, typeModifier: Codes.right, anatomicRegion: region, rgb: colour(L.rightPedicle ?? 0), ...auto });
    segments.push({ label: `${lv.name} Posterior elements`, labelValues: [L.posteriorElements ?? 0], category: Codes.anatomicalStructure, type: Codes.vertebra, anatomicRegion: region, rgb: colour(L.posteriorElements ?? 0), description: 'Posterior elements: laminae, spinous, transverse and articular processes (pedicles excluded)', ...auto });
    segments.push({ label: `${lv.name} Spinal canal`, labelValues: [L.spinalCanal ?? 0], category: Codes.anatomicalStructure, type: Codes.vertebralCanal, anatomicRegion: region, rgb: colour(L.spinalCanal ?? 0), ...auto });
  }
  for (const les of params.lesions) {
    segments.push({ label: `${les.level} Lesion`, labelValues: [les.label], category: Codes.morphologicallyAbnormalStructure, type: Codes.neoplasmSecondary, anatomicRegion: VERTEBRA_CODES[les.level], rgb: colour(les.label), description: 'Osteolytic metastasis', ...auto });
  }
  for (const d of params.discs) {
    const type = DISC_CODES[d.name];
    if (!type) continue;
    segments.push({ label: `${d.name} Disc`, labelValues: [d.label], category: Codes.anatomicalStructure, type, rgb: colour(d.label), ...auto });
  }
  return segments;
}

/** Builds the DICOM files of the phantom study. */
export function buildPhantomStudy(phantom: Phantom): PhantomStudy {
  const params = phantom.parameters;
  const uids = phantomUids(params.seed);
  const nz = phantom.ct.geometry.dimensions[2];
  const study: StudyInfo = {
    patientName: 'PVPI^Phantom',
    patientId: `PVPI-PHANTOM-${params.seed}`,
    patientBirthDate: '19600101',
    patientSex: 'O',
    studyInstanceUID: uids.studyInstanceUID,
    studyDate: '20250101',
    studyTime: '090000',
    studyId: `PH${params.seed}`,
    accessionNumber: `PVPI${params.seed}`,
    studyDescription: 'Synthetic spine CT phantom (PVPI Planner)',
    referringPhysicianName: '',
  };
  const sopInstanceUIDs = Array.from({ length: nz }, (_, k) => uidFromName(`pvpi-phantom/v2/seed-${params.seed}/ct/${k}`));
  const ctFiles = writeCtSeries(phantom.ct, {
    ...study,
    seriesInstanceUID: uids.ctSeriesInstanceUID,
    seriesNumber: 1,
    seriesDescription: 'Phantom CT T10-L4 1.5 mm',
    frameOfReferenceUID: uids.frameOfReferenceUID,
    sopInstanceUIDs,
    manufacturer: 'PVPI Planner',
    manufacturerModelName: 'Synthetic spine phantom',
    kvp: 120,
    windowCenterHu: 400,
    windowWidthHu: 1800,
    bodyPartExamined: 'SPINE',
  });
  const segments = phantomSegments(params);
  const seg = writeSeg(phantom.labels, segments, {
    study,
    seriesInstanceUID: uids.ctSeriesInstanceUID,
    frameOfReferenceUID: uids.frameOfReferenceUID,
    sopClassUID: CT_IMAGE_STORAGE,
    sopInstanceUIDs,
  }, {
    seriesInstanceUID: uids.segSeriesInstanceUID,
    sopInstanceUID: uids.segSopInstanceUID,
    seriesNumber: 100,
    seriesDescription: 'Phantom ground truth',
    contentLabel: 'GROUND_TRUTH',
    contentDescription: 'Analytic ground truth of the PVPI spine phantom',
    contentCreatorName: 'PVPI^Phantom',
    manufacturer: 'PVPI Planner',
    manufacturerModelName: 'Synthetic spine phantom',
    deviceSerialNumber: '1',
    softwareVersions: '0.1.0',
    contentDate: '20250101',
    contentTime: '090000',
    dimensionOrganizationUID: uidFromName(`pvpi-phantom/v2/seed-${params.seed}/seg-dimension-organization`),
  });
  const parametersJson = JSON.stringify({ ...params, uids, ctSopInstanceUIDsBySlice: sopInstanceUIDs }, null, 2);
  return { uids, study, ctFiles, seg: { fileName: 'ground-truth.dcm', bytes: seg.bytes, numberOfFrames: seg.numberOfFrames, segments }, parametersJson };
}
