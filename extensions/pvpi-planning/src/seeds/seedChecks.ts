/**
 * Re-validation of the seeds after every plan or segmentation change: each seed is checked in the planning worker
 * against the anatomy rules of its level (core `checkSeedAnatomy`: target + margin, vertebral body, spinal canal,
 * posterior wall). Broken rules are flagged on the seed in the panel (nothing is moved or deleted silently), e.g.
 * after a needle drag carried its seeds into the canal. Debounced; only the latest run's result is kept.
 */
import { PLACEMENT_REJECTION_TEXT, type PlacementRejection } from '../../../../src/planning/seedPlacement';
import type { Seed } from '../../../../src/planning/plan';
import { currentPlanEditor } from '../plan/planSession';
import { levelAt, prepareLevel } from '../needles/anatomy';
import { checkSeedsInWorker } from '../needles/planningClient';
import { redrawPlanOverlays } from '../needles/viewports';
import type { SeedCheckResult } from '../needles/planningProtocol';
import { getSeedState, setSeedState, type SeedFlag } from './store';

/** Flag code of a seed whose level is not segmented (or whose check failed). */
export const SEED_NOT_CHECKED = 'SEED_NOT_CHECKED';

/** Rules whose breach makes a seed unacceptable (errors); the others are warnings. */
const ERROR_REJECTIONS: ReadonlySet<PlacementRejection> = new Set<PlacementRejection>(['in-canal', 'outside-body', 'outside-image']);

/** Flag of a rejection: code `SEED_IN_CANAL`, `SEED_OUTSIDE_BODY`, … */
export function seedFlagOf(rejection: PlacementRejection): SeedFlag {
  return {
    code: `SEED_${rejection.toUpperCase().replace(/-/g, '_')}`,
    severity: ERROR_REJECTIONS.has(rejection) ? 'error' : 'warning',
    message: `Seed ${PLACEMENT_REJECTION_TEXT[rejection]}`,
  };
}

/** Key of what a check depends on: the seed positions/axes and the anatomy version. */
function seedsKey(seeds: readonly Seed[], anatomy: number): string {
  return `${anatomy}|${seeds.map((s) => `${s.id}@${s.positionMm.map((x) => x.toFixed(2)).join(',')}/${s.axis.map((x) => x.toFixed(3)).join(',')}`).join(';')}`;
}

let anatomyVersion = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let runCounter = 0;

/** The anatomy changed: every seed is checked again. */
export function seedAnatomyChanged(): void {
  anatomyVersion++;
  scheduleSeedChecks();
}

/** Checks the seeds of the current plan soon (debounced 150 ms). */
export function scheduleSeedChecks(delayMs = 150): void {
  const seeds = currentPlanEditor()?.plan.seeds ?? [];
  const key = seedsKey(seeds, anatomyVersion);
  const st = getSeedState().checks;
  if (st.key === key) return;
  setSeedState({ checks: { ...st, status: 'checking' } });
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => void runChecks(), delayMs);
}

async function runChecks(): Promise<void> {
  timer = undefined;
  const run = ++runCounter;
  const plan = currentPlanEditor()?.plan;
  const seeds = plan?.seeds ?? [];
  const key = seedsKey(seeds, anatomyVersion);
  const flags: Record<string, SeedFlag> = {};
  // Group the seeds by level (their needle's tip level, else the level at the seed).
  const groups = new Map<number, { seeds: Seed[]; level: NonNullable<ReturnType<typeof levelAt>> }>();
  for (const s of seeds) {
    const needle = s.needleId ? plan?.needles.find((n) => n.id === s.needleId) : undefined;
    let level;
    try {
      level = levelAt(needle?.tipMm ?? s.positionMm) ?? levelAt(s.positionMm);
    } catch {
      level = undefined;
    }
    if (!level) {
      flags[s.id] = { code: SEED_NOT_CHECKED, severity: 'warning', message: 'No segmented vertebra here: the seed position is not checked' };
      continue;
    }
    const g = groups.get(level.slot) ?? { seeds: [], level };
    g.seeds.push(s);
    groups.set(level.slot, g);
  }
  for (const { seeds: list, level } of groups.values()) {
    let checks: SeedCheckResult[];
    try {
      const prepared = await prepareLevel(level);
      checks = await checkSeedsInWorker(
        prepared.levelKey,
        list.map((s) => ({ id: s.id, positionMm: s.positionMm, axis: s.axis })),
      );
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      for (const s of list) flags[s.id] = { code: SEED_NOT_CHECKED, severity: 'warning', message: `Seed position not checked: ${why}` };
      continue;
    }
    for (const c of checks) if (c.rejection) flags[c.id] = seedFlagOf(c.rejection);
  }
  if (run !== runCounter) return;
  const now = seedsKey(currentPlanEditor()?.plan.seeds ?? [], anatomyVersion);
  setSeedState({ checks: { key, flags, status: now === key ? 'done' : 'checking' } });
  redrawPlanOverlays();
  if (now !== key) scheduleSeedChecks(0);
}
