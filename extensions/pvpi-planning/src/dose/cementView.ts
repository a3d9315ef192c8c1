/** Estimated cement volume of the planned level (core: src/planning/cement.ts) from the segmented body. */
import { cementSummary, estimateCement } from '../../../../src/planning/cement';
import { getState as getSegState } from '../segmentation/store';

/** The level whose cement is estimated: the selected one, else the one with a lesion, else the first. */
function plannedLevel() {
  const st = getSegState();
  return st.levels.find((l) => l.slot === st.selectedSlot) ?? st.levels.find((l) => l.segments.some((s) => s.key === 'lesion')) ?? st.levels[0];
}

/** The cement line of the panel and report (core cementSummary), or why there is no estimate. */
export function cementText(): string {
  const level = plannedLevel();
  if (!level) return 'Segment the vertebra to estimate the cement volume.';
  const body = level.segments.filter((s) => s.key === 'body' || s.key === 'lesion').reduce((a, s) => a + s.volumeCm3, 0);
  if (!(body > 0)) return 'Vertebral body volume not counted yet.';
  const e = estimateCement(body, level.named ? level.name : undefined);
  return cementSummary(e, level.name);
}
