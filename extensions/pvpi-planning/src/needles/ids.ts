/** Names shared by the extension and the mode for the needle and seed features (no imports: safe for the mode). */

/** Cornerstone tool name of the needle trajectory tool (also its toolbar button id). */
export const NEEDLE_TOOL = 'PvpiNeedle';
/** Cornerstone tool name of the seed placement tool (also its toolbar button id). */
export const SEED_TOOL = 'PvpiSeed';

/** OHIF command names of the planning features. */
export const PLANNING_COMMANDS = {
  /** Options: { side?: 'left' | 'right', half?: 'upper' | 'lower', slot?: number }; without a side: the first side without a needle. */
  suggestTrajectory: 'pvpiSuggestTrajectory',
  /** Options: { needleId?, viewportId? }: turns the viewport to look down the needle axis. */
  bullsEyeView: 'pvpiBullsEyeView',
  /** Options: { worldPoint: [x, y, z], needleId? }: adds a seed (snapped onto the needle when one is given or near). */
  addSeedAt: 'pvpiAddSeedAt',
  /** Options: { needleId, which: 'entry' | 'tip', worldPoint, first? }: the Needle tool's drag of one end (seeds follow). */
  moveNeedleEnd: 'pvpiMoveNeedleEnd',
  undo: 'pvpiUndoPlan',
  redo: 'pvpiRedoPlan',
  autoPlan: 'pvpiAutoPlan',
  cancelAutoPlan: 'pvpiCancelAutoPlan',
} as const;

/** Toolbar button ids the mode lists in its sections. */
export const PLANNING_BUTTON_IDS = {
  needle: NEEDLE_TOOL,
  suggestTrajectory: 'PvpiSuggestTrajectory',
  bullsEye: 'PvpiBullsEyeView',
  seed: SEED_TOOL,
} as const;
