/**
 * The segments the vertebra segmentation produces: label values in the label volume, the exact
 * segment labels of the CLI / DICOM SEG contract, and suggested DICOM coded concepts.
 */

/** Segment labels, exactly as written to DICOM SEG Segment Label (0062,0005). */
export const SEGMENT_LABELS = {
  body: 'Vertebral body',
  leftPedicle: 'Left pedicle',
  rightPedicle: 'Right pedicle',
  posteriorElements: 'Posterior elements',
  canal: 'Spinal canal',
  lesion: 'Lesion',
} as const;

export type SegmentKey = keyof typeof SEGMENT_LABELS;
export type SegmentLabel = (typeof SEGMENT_LABELS)[SegmentKey];

/** Label value of each structure in the Uint8Array label volume (0 = background). */
export const LABEL_VALUES: Readonly<Record<SegmentKey, number>> = {
  body: 1,
  leftPedicle: 2,
  rightPedicle: 3,
  posteriorElements: 4,
  canal: 5,
  lesion: 6,
};

/** Order in which segments are listed (and numbered in a SEG). */
export const SEGMENT_ORDER: readonly SegmentKey[] = ['body', 'leftPedicle', 'rightPedicle', 'posteriorElements', 'canal', 'lesion'];

/** A DICOM code (Code Value, Coding Scheme Designator, Code Meaning), PS3.3 §8.8. */
export interface CodedConcept {
  value: string;
  scheme: string;
  meaning: string;
}

/**
 * Suggested Segmented Property Category / Type codes (PS3.16 CID 7150 / CID 7151 style, SNOMED CT "SCT").
 * Laterality goes in the SEG's Anatomic Region Modifier for the pedicles.
 */
export const SEGMENT_CODES: Readonly<Record<SegmentKey, { category: CodedConcept; type: CodedConcept; laterality?: CodedConcept }>> = {
  body: {
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '1995000', scheme: 'SCT', meaning: 'Body of vertebra' },
  },
  leftPedicle: {
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '180013009', scheme: 'SCT', meaning: 'Pedicle of vertebra' },
    laterality: { value: '7771000', scheme: 'SCT', meaning: 'Left' },
  },
  rightPedicle: {
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '180013009', scheme: 'SCT', meaning: 'Pedicle of vertebra' },
    laterality: { value: '24028007', scheme: 'SCT', meaning: 'Right' },
  },
  posteriorElements: {
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '58860001', scheme: 'SCT', meaning: 'Vertebral arch' },
  },
  canal: {
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '61654009', scheme: 'SCT', meaning: 'Spinal canal' },
  },
  lesion: {
    category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Altered Structure' },
    type: { value: '108369006', scheme: 'SCT', meaning: 'Neoplasm' },
  },
};

/** Key of a label value, or undefined for 0 / unknown values. */
export function segmentKeyOfLabel(value: number): SegmentKey | undefined {
  return SEGMENT_ORDER.find((k) => LABEL_VALUES[k] === value);
}
