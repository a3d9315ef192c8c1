/** DICOMweb (PS3.18) client: STOW-RS, QIDO-RS, WADO-RS over fetch, with typed one-line errors. */
export * from './client';
export * from './errors';
export * from './dicomJson';
export * from './multipart';
