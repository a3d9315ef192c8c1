/** Estimated cement volume of the planned level (core: src/planning/cement.ts) from the segmented body. */
import { estimateCement } from '../../../../src/planning/cement';
import { getState as getSegState } from '../segmentation/store';

/** The level whose cement is estimated: the selected one, else the one with a lesion, else the first. */
function plannedLevel() {
  const st = getSegState();
  return st.levels.find((l) => l.slot === st.selectedSlot) ?? st.levels.find((l) => l.segments.some((s) => s.key === 'lesion')) ?? st.levels[0];
}

/** "3.2 mL suggested (14% of L1 body 23.1 mL; 30% = 6.9 mL)", or why there is no estimate. */
export function cementText(): string {
  const level = plannedLevel();
  if (!level) return 'Segment the vertebra to estimate the cement volume.';
  const body = level.segments.filter((s) => s.key === 'body' || s.key === 'lesion').reduce((a, s) => a + s.volumeCm3, 0);
  if (!(body > 0)) return 'Vertebral body volume not counted yet.';
  const e = estimateCement(body, level.named ? level.name : undefined);
  return `${e.suggestedMl.toFixed(1)} mL suggested (14% of the ${level.name} body ${body.toFixed(1)} mL; 30% = ${e.fill30PctMl.toFixed(1)} mL; usual ${e.usualRangeMl[0]}–${e.usualRangeMl[1]} mL)`;
}
