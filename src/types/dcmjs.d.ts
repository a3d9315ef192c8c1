/**
 * Minimal typings for the parts of dcmjs 0.52 that the planning core uses (the package ships no types).
 * Datasets are "naturalized" objects: keyword → value; sequences are arrays of datasets.
 */
declare module 'dcmjs' {
  /** A DICOM JSON-model element (tag-keyed), as produced by DicomMessage.readFile. */
  export interface DicomJsonElement {
    vr: string;
    Value?: unknown[];
  }
  export type DicomJsonDataset = Record<string, DicomJsonElement>;

  /** A naturalized dataset: DICOM keywords as keys; `_vrMap` overrides value representations (e.g. PixelData OB/OW). */
  export interface NaturalDataset {
    [keyword: string]: unknown;
    _vrMap?: Record<string, string>;
  }

  export class DicomDict {
    constructor(meta: DicomJsonDataset);
    meta: DicomJsonDataset;
    dict: DicomJsonDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  export interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export const data: {
    DicomDict: typeof DicomDict;
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDict;
    };
    DicomMetaDictionary: {
      naturalizeDataset(dataset: DicomJsonDataset): NaturalDataset;
      denaturalizeDataset(dataset: NaturalDataset): DicomJsonDataset;
    };
  };

  export const log: {
    setLevel(level: string | number): void;
    getLevel(): number;
  };

  const dcmjs: { data: typeof data; log: typeof log };
  export default dcmjs;
}
