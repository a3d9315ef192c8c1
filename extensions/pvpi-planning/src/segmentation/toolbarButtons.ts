/**
 * Toolbar buttons of the segmentation feature, in OHIF 3.13's button format (uiType + props), for the mode's
 * `toolbarButtons`. OHIF's own Brush / Eraser / Threshold buttons come from its
 * `cornerstone.segmentationToolbarButtons` customization (the mode references it).
 */
import { SEGMENTATION_BUTTON_IDS, SEGMENTATION_COMMANDS, SEGMENT_VERTEBRA_TOOL } from './ids';

/** Tool groups our click tool lives in (the mode adds it to both). */
const TOOL_GROUP_IDS = ['default', 'mpr'];

export const segmentationToolbarButtons = [
  {
    id: SEGMENTATION_BUTTON_IDS.segmentVertebra,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'icon-tool-click-segment',
      label: 'Segment vertebra',
      tooltip: 'Segment vertebra: click inside a vertebral body (any view) to segment body, pedicles, posterior elements, canal and lesion',
      commands: { commandName: 'setToolActiveToolbar', commandOptions: { toolName: SEGMENT_VERTEBRA_TOOL, toolGroupIds: TOOL_GROUP_IDS } },
      evaluate: 'evaluate.cornerstoneTool',
    },
  },
  {
    id: SEGMENTATION_BUTTON_IDS.segmentLesion,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'icon-tool-threshold',
      label: 'Segment lesion',
      tooltip: 'Segment lesion: re-detect the lesion in the selected vertebra with the HU range set in the PVPI panel (lytic by default)',
      commands: { commandName: SEGMENTATION_COMMANDS.segmentLesion },
      evaluate: 'evaluate.action',
    },
  },
  {
    id: SEGMENTATION_BUTTON_IDS.levelLabels,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tool-segment-label',
      label: 'Level labels',
      tooltip: 'Level labels: name one segmented vertebra (e.g. L1); the others are numbered from it',
      commands: { commandName: SEGMENTATION_COMMANDS.levelLabels },
      evaluate: 'evaluate.action',
    },
  },
];
