/**
 * Manual seed placement: a seed clicked near a needle is snapped onto the needle axis (oriented along it), dragged
 * along it, deleted. Seeds on a needle with error findings are refused by the plan editor unless the needle was
 * overridden (the message says so). Every edit goes through the shared plan session, so the dose view follows.
 */
import { addScaled, distance, dot, sub, unit } from '../../../../src/geometry/vec3';
import type { Vec3 } from '../../../../src/geometry/volume';
import { capsulesOverlap, SEED_CAPSULE_MM } from '../../../../src/planning/seedPlacement';
import type { Needle, Plan, Seed } from '../../../../src/planning/plan';
import { PlanEditError } from '../../../../src/planning/planEditor';
import { currentPlanEditor, editPlan } from '../plan/planSession';
import { closestParameterMm } from '../needles/crossSection';
import { notify, redrawPlanOverlays } from '../needles/viewports';
import { getSeedState, setSeedState } from './store';

/** Default seed axis for a seed that is not on a needle (patient superior). */
const FREE_AXIS: Vec3 = [0, 0, 1];
const HALF_LENGTH_MM = SEED_CAPSULE_MM.lengthMm / 2;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): void {
  setSeedState({ error: message, info: undefined });
  notify('Seeds', message, 'error');
}

let counter = 0;
function newSeedId(): string {
  counter++;
  return `seed-${Date.now().toString(36)}-${counter}`;
}

function plan(): Plan | undefined {
  return currentPlanEditor()?.plan;
}

/** Point of the needle track closest to p, kept so the whole capsule lies between the skin entry and the tip. */
export function snapOntoNeedle(n: Needle, p: Vec3): { positionMm: Vec3; axis: Vec3 } {
  const axis = unit(sub(n.tipMm, n.entryMm));
  const length = distance(n.entryMm, n.tipMm);
  const t = Math.min(Math.max(closestParameterMm(n.entryMm, n.tipMm, p), HALF_LENGTH_MM), Math.max(HALF_LENGTH_MM, length - HALF_LENGTH_MM));
  return { positionMm: addScaled(n.entryMm, axis, t), axis };
}

/** The needle whose axis passes within `maxDistanceMm` of p (nearest), if any. */
export function needleNear(p: Vec3, maxDistanceMm: number): Needle | undefined {
  let best: Needle | undefined;
  let bestD = maxDistanceMm;
  for (const n of plan()?.needles ?? []) {
    const axis = unit(sub(n.tipMm, n.entryMm));
    const q = addScaled(n.entryMm, axis, closestParameterMm(n.entryMm, n.tipMm, p));
    const d = distance(p, q);
    if (d <= bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function overlapping(candidate: { positionMm: Vec3; axis: Vec3 }, ignoreId?: string): Seed | undefined {
  return plan()?.seeds.find((s) => s.id !== ignoreId && capsulesOverlap(candidate, s));
}

/**
 * Adds a seed at a world point: snapped onto `needleId` when given, else onto a needle within `snapMm`, else placed
 * as a free seed (axis superior) with a note that it is not on a planned track. Returns the seed or undefined.
 */
export function addSeedAt(worldPoint: Vec3, needleId?: string, snapMm = 5): Seed | undefined {
  const p = plan();
  if (!p) {
    fail('No plan is open: show the planning CT in a viewport first');
    return undefined;
  }
  const needle = needleId !== undefined ? p.needles.find((n) => n.id === needleId) : needleNear(worldPoint, snapMm);
  if (needleId !== undefined && !needle) {
    fail(`No needle with id ${needleId} in the plan`);
    return undefined;
  }
  const placed = needle ? snapOntoNeedle(needle, worldPoint) : { positionMm: worldPoint, axis: FREE_AXIS };
  const other = overlapping(placed);
  if (other) {
    fail(`A seed there would overlap another seed (${distance(other.positionMm, placed.positionMm).toFixed(1)} mm centre to centre; capsules are ${SEED_CAPSULE_MM.lengthMm} mm long)`);
    return undefined;
  }
  const seed: Seed = { id: newSeedId(), positionMm: placed.positionMm, axis: placed.axis, ...(needle ? { needleId: needle.id } : {}) };
  try {
    editPlan({ type: 'addSeeds', seeds: [seed] });
  } catch (error) {
    fail(error instanceof PlanEditError ? `${describe(error)} (Needles section: Override…)` : describe(error));
    return undefined;
  }
  setSeedState({ selectedSeedId: seed.id, error: undefined, info: needle ? `Seed added on ${needle.label}.` : 'Seed added off any needle: it is not on a planned track.' });
  redrawPlanOverlays();
  return seed;
}

/** Moves a seed during a drag (along its needle when it has one); one undo step per drag. */
export function dragSeed(id: string, worldPoint: Vec3, first: boolean): void {
  const p = plan();
  const seed = p?.seeds.find((s) => s.id === id);
  if (!p || !seed) return;
  const needle = seed.needleId ? p.needles.find((n) => n.id === seed.needleId) : undefined;
  const placed = needle ? snapOntoNeedle(needle, worldPoint) : { positionMm: worldPoint, axis: seed.axis };
  if (distance(placed.positionMm, seed.positionMm) < 0.05 || overlapping(placed, id)) return;
  try {
    editPlan({ type: 'moveSeed', id, positionMm: placed.positionMm, axis: placed.axis }, !first);
  } catch (error) {
    fail(describe(error));
  }
}

/** Deletes seeds. */
export function removeSeeds(ids: string[]): void {
  if (!ids.length || !plan()) return;
  editPlan({ type: 'removeSeeds', ids });
  if (ids.includes(getSeedState().selectedSeedId ?? '')) setSeedState({ selectedSeedId: undefined });
  redrawPlanOverlays();
}

export function selectSeed(id: string | undefined): void {
  setSeedState({ selectedSeedId: id });
  redrawPlanOverlays();
}

/** Depth of a seed from its needle's tip (mm), for the panel. */
export function depthFromTipMm(seed: Seed, needle: Needle | undefined): number | undefined {
  if (!needle) return undefined;
  return dot(sub(needle.tipMm, seed.positionMm), unit(sub(needle.tipMm, needle.entryMm)));
}

/** Undo / redo of the plan (needles and seeds share one history). */
export function undoPlan(): void {
  currentPlanEditor()?.undo();
  redrawPlanOverlays();
}

export function redoPlan(): void {
  currentPlanEditor()?.redo();
  redrawPlanOverlays();
}
