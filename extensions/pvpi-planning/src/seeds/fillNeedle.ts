/**
 * "Fill needle": seeds along one needle from its tip backwards at the chosen spacing (5–15 mm, default 10 mm), only
 * where the placement rules allow (core placeSeedsAlongNeedle in the planning worker: target + margin, inside the
 * body, out of the canal, off the posterior wall, no overlap with other needles' seeds). Replaces that needle's seeds
 * in one undo step; the other needles keep theirs.
 */
import { needleAcceptsSeeds } from '../../../../src/planning/planEditor';
import type { Seed } from '../../../../src/planning/plan';
import { seedFillSummary } from '../../../../src/planning/viewModels/seedFillView';
import { currentPlanEditor, editPlan } from '../plan/planSession';
import { levelAtIfAny, prepareLevel } from '../needles/anatomy';
import { placeSeedsInWorker } from '../needles/planningClient';
import { notify, redrawPlanOverlays } from '../needles/viewports';
import { setSeedState } from './store';

let counter = 0;

function fail(message: string): false {
  setSeedState({ error: message, info: undefined });
  notify('Seeds', message, 'error');
  return false;
}

export async function fillNeedle(needleId: string, spacingMm: number): Promise<boolean> {
  const plan = currentPlanEditor()?.plan;
  const needle = plan?.needles.find((n) => n.id === needleId);
  if (!plan || !needle) return fail(`No needle with id ${needleId} in the plan`);
  if (!needleAcceptsSeeds(needle)) return fail(`${needle.label} has safety errors: fix the trajectory or override it (Needles section) before placing seeds`);
  const level = levelAtIfAny(needle.tipMm);
  if (!level) return fail(`${needle.label}: no segmented vertebra at its tip: segment the level and its lesion first`);
  setSeedState({ error: undefined, info: `Placing seeds along ${needle.label}…` });
  try {
    const prepared = await prepareLevel(level);
    const others = plan.seeds.filter((s) => s.needleId !== needleId);
    const result = await placeSeedsInWorker(prepared.levelKey, { id: needle.id, entryMm: needle.entryMm, tipMm: needle.tipMm }, others.map((s) => ({ positionMm: s.positionMm, axis: s.axis })), spacingMm);
    const now = currentPlanEditor()?.plan;
    if (!now || !now.needles.some((n) => n.id === needleId)) return fail(`${needle.label} was removed while its seeds were being placed`);
    const placed: Seed[] = result.seeds.map((s) => ({ id: `seed-${Date.now().toString(36)}-f${++counter}`, positionMm: s.positionMm, axis: s.axis, needleId }));
    const kept = now.seeds.filter((s) => s.needleId !== needleId);
    editPlan({ type: 'replaceSeeds', seeds: [...kept, ...placed] });
    setSeedState({ error: undefined, info: seedFillSummary(needle.label, spacingMm, result) });
    redrawPlanOverlays();
    return true;
  } catch (error) {
    return fail(`Placing seeds along ${needle.label} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
