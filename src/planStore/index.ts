/** Saving and loading PVPI plans as DICOM (SEG, RT Structure Set, RT Plan, RT Dose) on a DICOMweb server. */
export * from './encode';
export * from './store';
export * from './ctMetadata';
