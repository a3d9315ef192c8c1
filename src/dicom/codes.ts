/**
 * Coded concepts for segment categories and types (SNOMED CT, scheme designator "SCT").
 * Categories from DICOM CID 7150 (Segmentation Property Category); types from CID 7151 / CID 7159 and the spine
 * context groups CID 7603 (Vertebra) and CID 7604 (Intervertebral Disc); laterality from CID 244.
 */
export interface CodedConcept {
  codeValue: string;
  codingSchemeDesignator: string;
  codeMeaning: string;
}

const sct = (codeValue: string, codeMeaning: string): CodedConcept => ({ codeValue, codingSchemeDesignator: 'SCT', codeMeaning });

export const Codes = {
  // CID 7150
  anatomicalStructure: sct('91723000', 'Anatomical Structure'),
  morphologicallyAbnormalStructure: sct('49755003', 'Morphologically Abnormal Structure'),
  // CID 7151 / spine
  vertebra: sct('51282000', 'Vertebra'),
  vertebralBody: sct('3572006', 'Vertebral body'),
  pedicleOfVertebra: sct('78972004', 'Pedicle of vertebra'),
  vertebralCanal: sct('61853006', 'Vertebral canal'),
  spinalCord: sct('2748008', 'Spinal cord'),
  // CID 7159 (lesion segmentation types)
  neoplasmSecondary: sct('14799000', 'Neoplasm, Secondary'),
  lesion: sct('52988006', 'Lesion'),
  // CID 244 (laterality)
  left: sct('7771000', 'Left'),
  right: sct('24028007', 'Right'),
} as const;

/** CID 7603: individual vertebrae. */
export const VERTEBRA_CODES: Readonly<Record<string, CodedConcept>> = {
  T10: sct('7610001', 'T10 vertebra'),
  T11: sct('12989004', 'T11 vertebra'),
  T12: sct('23215003', 'T12 vertebra'),
  L1: sct('66794005', 'L1 vertebra'),
  L2: sct('14293000', 'L2 vertebra'),
  L3: sct('36470004', 'L3 vertebra'),
  L4: sct('11994002', 'L4 vertebra'),
};

/** CID 7604: intervertebral discs, keyed "T12-L1". */
export const DISC_CODES: Readonly<Record<string, CodedConcept>> = {
  'T10-T11': sct('34959001', 'T10/T11 disc'),
  'T11-T12': sct('1537001', 'T11/T12 disc'),
  'T12-L1': sct('76206002', 'T12/L1 disc'),
  'L1-L2': sct('80064006', 'L1/L2 disc'),
  'L2-L3': sct('67459009', 'L2/L3 disc'),
  'L3-L4': sct('62551000', 'L3/L4 disc'),
};

/** DCM codes used by the SEG derivation description (PS3.16 CID 7203 / CID 7202). */
export const DcmCodes = {
  segmentation: { codeValue: '113076', codingSchemeDesignator: 'DCM', codeMeaning: 'Segmentation' },
  sourceImageForProcessing: { codeValue: '121322', codingSchemeDesignator: 'DCM', codeMeaning: 'Source image for image processing operation' },
} as const;
