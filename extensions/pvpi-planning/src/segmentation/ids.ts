/** Names shared by the extension and the mode for the segmentation feature (no imports: safe for the mode). */

/** Cornerstone tool name of the "Segment vertebra" click tool (also its toolbar button id). */
export const SEGMENT_VERTEBRA_TOOL = 'PvpiSegmentVertebra';

/** OHIF command names of the segmentation feature. */
export const SEGMENTATION_COMMANDS = {
  /** Options: { viewportId, worldPoint: [x, y, z] } (patient mm). */
  segmentVertebraAt: 'pvpiSegmentVertebraAt',
  segmentLesion: 'pvpiSegmentLesion',
  levelLabels: 'pvpiLevelLabels',
  undo: 'pvpiUndoSegmentation',
  save: 'pvpiSaveSegmentation',
  /** Options: { seriesInstanceUID? } (default: the latest saved PVPI SEG of the CT on screen). */
  restore: 'pvpiRestoreSegmentation',
} as const;

/** Toolbar button ids the mode lists in its sections. */
export const SEGMENTATION_BUTTON_IDS = {
  segmentVertebra: SEGMENT_VERTEBRA_TOOL,
  segmentLesion: 'PvpiSegmentLesion',
  levelLabels: 'PvpiLevelLabels',
} as const;
