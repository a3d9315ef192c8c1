/**
 * The segments the vertebra segmentation produces: label values in the label volume, the exact
 * segment labels of the CLI / DICOM SEG contract, and their DICOM coded concepts.
 */
import { Codes, type CodedConcept } from '../dicom/codes';
import type { SegmentDefinition } from '../dicom/seg';

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

/**
 * DICOM SEG coding of each segment (codes from src/dicom/codes.ts: CID 7150 categories, CID 7151 types,
 * CID 244 laterality as the type modifier), plus a display colour.
 */
export const SEGMENT_CODES: Readonly<
  Record<SegmentKey, { category: CodedConcept; type: CodedConcept; typeModifier?: CodedConcept; rgb: [number, number, number]; description?: string }>
> = {
  body: { category: Codes.anatomicalStructure, type: Codes.vertebralBody, rgb: [241, 214, 145] },
  leftPedicle: { category: Codes.anatomicalStructure, type: Codes.pedicleOfVertebra, typeModifier: Codes.left, rgb: [111, 184, 210] },
  rightPedicle: { category: Codes.anatomicalStructure, type: Codes.pedicleOfVertebra, typeModifier: Codes.right, rgb: [216, 101, 79] },
  // No CID 7151 concept for the vertebral arch as a whole: coded as vertebra, described in text.
  posteriorElements: {
    category: Codes.anatomicalStructure,
    type: Codes.vertebra,
    rgb: [183, 156, 220],
    description: 'posterior elements (laminae, spinous, transverse and articular processes)',
  },
  canal: { category: Codes.anatomicalStructure, type: Codes.vertebralCanal, rgb: [244, 214, 49] },
  lesion: { category: Codes.morphologicallyAbnormalStructure, type: Codes.neoplasmSecondary, rgb: [255, 0, 0] },
};

/** Key of a label value, or undefined for 0 / unknown values. */
export function segmentKeyOfLabel(value: number): SegmentKey | undefined {
  return SEGMENT_ORDER.find((k) => LABEL_VALUES[k] === value);
}

/**
 * DICOM SEG segment definitions of a vertebra segmentation (one per segment present), for writeSeg: the exact
 * labels, SEGMENT_CODES and the level (e.g. "L1") in the description when it is known.
 */
export function segmentDefinitionsFor(
  segments: ReadonlyArray<{ key: SegmentKey; label: string; labelValue: number }>,
  level?: string,
): SegmentDefinition[] {
  return segments.map((s) => {
    const c = SEGMENT_CODES[s.key];
    return {
      label: s.label,
      labelValues: [s.labelValue],
      category: c.category,
      type: c.type,
      typeModifier: c.typeModifier,
      description: [level, c.description].filter((v) => v !== undefined).join(' ') || undefined,
      algorithmType: 'SEMIAUTOMATIC',
      algorithmName: 'PVPI click-to-segment vertebra',
      rgb: c.rgb,
    };
  });
}
