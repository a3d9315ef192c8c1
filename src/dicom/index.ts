/** DICOM I/O of the planning core (pure; file-system helpers live in ctSeriesNode.ts). */
export * from './dataset';
export * from './uid';
export * from './codes';
export * from './ctSeries';
export * from './seg';
export * from './rtCommon';
export * from './contours';
export * from './rtStruct';
export * from './rtPlan';
export * from './rtDose';
