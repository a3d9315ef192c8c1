/**
 * The DICOM JSON model (PS3.18 Annex F) as returned by QIDO-RS and WADO-RS metadata, with small
 * typed accessors. Keys are 8-digit upper-case hex tags ("0020000D").
 */

/** One attribute in DICOM JSON (PS3.18 §F.2.2). */
export interface DicomJsonElement {
  readonly vr: string;
  readonly Value?: readonly unknown[];
  readonly BulkDataURI?: string;
  readonly InlineBinary?: string;
}

/** A DICOM JSON dataset: tag → element. */
export type DicomJsonDataset = Readonly<Record<string, DicomJsonElement>>;

/** Tags used by the DICOMweb client and its callers (PS3.6 data dictionary). */
export const DicomTags = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  RetrieveURL: '00081190',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  FailureReason: '00081197',
  WarningReason: '00081196',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  PatientName: '00100010',
  PatientID: '00100020',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  FrameOfReferenceUID: '00200052',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  Rows: '00280010',
  Columns: '00280011',
  PixelSpacing: '00280030',
  NumberOfFrames: '00280008',
  TransferSyntaxUID: '00020010',
  PixelData: '7FE00010',
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validate that a parsed JSON value is a DICOM JSON dataset (keys are tags, values carry a `vr`). */
export function isDicomJsonDataset(value: unknown): value is DicomJsonDataset {
  if (!isRecord(value)) return false;
  for (const [key, element] of Object.entries(value)) {
    if (!/^[0-9A-Fa-f]{8}$/.test(key)) return false;
    if (!isRecord(element) || typeof element['vr'] !== 'string') return false;
    if (element['Value'] !== undefined && !Array.isArray(element['Value'])) return false;
  }
  return true;
}

/** First value of a string-like attribute (UI, CS, LO, DA, …), or undefined. */
export function getString(dataset: DicomJsonDataset, tag: string): string | undefined {
  const v = dataset[tag]?.Value?.[0];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isRecord(v) && typeof v['Alphabetic'] === 'string') return v['Alphabetic']; // PN, PS3.18 §F.2.2
  return undefined;
}

/** All values of a numeric attribute (DS, IS, US, FD, …) as numbers; strings are parsed. */
export function getNumbers(dataset: DicomJsonDataset, tag: string): number[] {
  const values = dataset[tag]?.Value ?? [];
  const out: number[] = [];
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

/** First numeric value, or undefined. */
export function getNumber(dataset: DicomJsonDataset, tag: string): number | undefined {
  return getNumbers(dataset, tag)[0];
}

/** Items of a sequence attribute (SQ); non-dataset items are skipped. */
export function getSequence(dataset: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  return (dataset[tag]?.Value ?? []).filter(isDicomJsonDataset);
}
