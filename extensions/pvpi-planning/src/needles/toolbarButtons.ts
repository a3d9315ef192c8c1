/**
 * Toolbar buttons of the needle and seed features, in OHIF 3.13's button format (uiType + props), for the mode's
 * `toolbarButtons` (no imports beyond ids: safe for the mode bundle).
 */
import { PLANNING_BUTTON_IDS, PLANNING_COMMANDS, NEEDLE_TOOL, SEED_TOOL } from './ids';

/** Tool groups our tools live in (the mode adds them to both). */
const TOOL_GROUP_IDS = ['default', 'mpr'];

export const planningToolbarButtons = [
  {
    id: PLANNING_BUTTON_IDS.needle,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tool-length',
      label: 'Needle',
      tooltip: 'Needle: click the skin entry, then the target in the vertebral body (any view); drag an end to adjust. Green: constraints met, amber: warnings, red: errors',
      commands: { commandName: 'setToolActiveToolbar', commandOptions: { toolName: NEEDLE_TOOL, toolGroupIds: TOOL_GROUP_IDS } },
      evaluate: 'evaluate.cornerstoneTool',
    },
  },
  {
    id: PLANNING_BUTTON_IDS.suggestTrajectory,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tool-freehand-line',
      label: 'Suggest trajectory',
      tooltip: 'Suggest trajectory: the largest-clearance transpedicular path of the selected level (left first, then right)',
      commands: { commandName: PLANNING_COMMANDS.suggestTrajectory },
      evaluate: 'evaluate.action',
    },
  },
  {
    id: PLANNING_BUTTON_IDS.bullsEye,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tool-crosshair',
      label: "Bull's-eye view",
      tooltip: "Bull's-eye view: turn the active viewport to look down the selected needle (pedicle ring and needle dot)",
      commands: { commandName: PLANNING_COMMANDS.bullsEyeView },
      evaluate: 'evaluate.action',
    },
  },
  {
    id: PLANNING_BUTTON_IDS.seed,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tool-point',
      label: 'Place seed',
      tooltip: 'Place seed: click on a needle to add an I-125 seed on its axis; drag a seed along its needle; Delete removes the selected seed',
      commands: { commandName: 'setToolActiveToolbar', commandOptions: { toolName: SEED_TOOL, toolGroupIds: TOOL_GROUP_IDS } },
      evaluate: 'evaluate.cornerstoneTool',
    },
  },
];
