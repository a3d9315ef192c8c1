/**
 * Web Worker entry (webpack entry `pvpi-planning-worker`): trajectory checks and suggestions of the core
 * (`src/geometry/trajectory*.ts`) off the viewer's main thread. Holds the CT and the prepared level models between
 * requests, so a needle drag costs one evaluation. No OHIF, no Cornerstone.
 */
import { buildTrajectoryModel, TrajectoryInputError, type LevelMasks, type TrajectoryModel } from '../../../../src/geometry/levelAnatomy';
import { evaluateTrajectory } from '../../../../src/geometry/trajectory';
import { suggestTrajectory, type TrajectorySuggestion } from '../../../../src/geometry/trajectorySuggest';
import type { TrajectoryOptions } from '../../../../src/geometry/trajectory';
import { lesionAimedTip } from '../../../../src/planning/pipeline';
import type { ScalarVolume } from '../../../../src/geometry/volume';
import { autoPlanSteps, type AutoPlanResult } from '../../../../src/planning/autoPlan';
import { capsuleEnds, checkSeedAnatomy, placeSeedsAlongNeedle, preparePlacement, type PlacementContext, type PlacementRejection, type SeedCapsule } from '../../../../src/planning/seedPlacement';
import { patientToVoxel } from '../../../../src/geometry/volume';
import type { PlanningRequest, PlanningResponse } from '../needles/planningProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<PlanningRequest>) => void) | null;
  postMessage(message: PlanningResponse): void;
}

let ct: { key: string; volume: ScalarVolume } | undefined;
const models = new Map<string, TrajectoryModel>();
/** Labels of each prepared level (auto-plan derives its masks from them). */
const levelLabels = new Map<string, Uint8Array>();
const cancelled = new Set<number>();
/** Seed-placement anatomy (distance map of the target) of the latest checked level, built on first use. */
let placement: { levelKey: string; ctx: PlacementContext } | undefined;

/** The placement context of a level: target = lesion (the body when no lesion is segmented), canal, body. */
function placementOf(levelKey: string): PlacementContext {
  if (placement?.levelKey === levelKey) return placement.ctx;
  const labels = levelLabels.get(levelKey);
  if (!ct || !labels) throw Object.assign(new Error(`level ${levelKey} is not prepared`), { code: 'no-level' as const });
  const lesion = mask(labels, 6);
  const body = mask(labels, 1);
  const ctx = preparePlacement({ geometry: ct.volume.geometry, target: lesion.some((v) => v) ? lesion : body, canal: mask(labels, 5), body });
  placement = { levelKey, ctx };
  return ctx;
}

/** Splits a level's label volume into the core's masks (label values of src/segmentation LABEL_VALUES). */
function masksOf(labels: Uint8Array): LevelMasks {
  const n = labels.length;
  const body = new Uint8Array(n), left = new Uint8Array(n), right = new Uint8Array(n), post = new Uint8Array(n), canal = new Uint8Array(n), lesion = new Uint8Array(n);
  let hasLeft = false, hasRight = false, hasPost = false, hasLesion = false;
  for (let v = 0; v < n; v++) {
    switch (labels[v]) {
      case 1: body[v] = 1; break;
      case 2: left[v] = 1; hasLeft = true; break;
      case 3: right[v] = 1; hasRight = true; break;
      case 4: post[v] = 1; hasPost = true; break;
      case 5: canal[v] = 1; break;
      case 6: lesion[v] = 1; hasLesion = true; break;
    }
  }
  return {
    body,
    canal,
    leftPedicle: hasLeft ? left : undefined,
    rightPedicle: hasRight ? right : undefined,
    posteriorElements: hasPost ? post : undefined,
    lesion: hasLesion ? lesion : undefined,
  };
}

function model(levelKey: string): TrajectoryModel {
  const m = models.get(levelKey);
  if (!m) throw Object.assign(new Error(`level ${levelKey} is not prepared`), { code: 'no-level' as const });
  return m;
}

/** Handles one request; exported for the in-page fallback (same code path as the worker). */
export function handlePlanningRequest(request: PlanningRequest): PlanningResponse {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    switch (request.type) {
      case 'setCt':
        ct = { key: request.ctKey, volume: { geometry: request.geometry, data: request.data } };
        models.clear();
        levelLabels.clear();
        placement = undefined;
        return { type: 'ok', id: request.id, elapsedMs: elapsed() };
      case 'setLevel': {
        if (!ct || ct.key !== request.ctKey) return { type: 'error', id: request.id, code: 'no-ct', message: 'the CT of this level is not loaded in the planning worker' };
        const m = buildTrajectoryModel({ geometry: ct.volume.geometry, ct: ct.volume, masks: masksOf(request.labels), level: request.level });
        models.set(request.levelKey, m);
        // Only the latest version of each level is kept (keys are ctKey:slot:version).
        const prefix = request.levelKey.slice(0, request.levelKey.lastIndexOf(':') + 1);
        for (const k of [...levelLabels.keys()]) if (k.startsWith(prefix) && k !== request.levelKey) {
          levelLabels.delete(k);
          models.delete(k);
        }
        levelLabels.set(request.levelKey, request.labels);
        return { type: 'ok', id: request.id, elapsedMs: elapsed() };
      }
      case 'evaluate':
        return { type: 'evaluation', id: request.id, evaluation: evaluateTrajectory(model(request.levelKey), request.entryMm, request.targetMm, request.options), elapsedMs: elapsed() };
      case 'suggest':
        return { type: 'suggestion', id: request.id, suggestion: suggest(request), elapsedMs: elapsed() };
      case 'checkSeeds': {
        const ctx = placementOf(request.levelKey);
        const checks = request.seeds.map((s) => {
          const rejection = seedRejection(ctx, s);
          return rejection ? { id: s.id, rejection } : { id: s.id };
        });
        return { type: 'seedChecks', id: request.id, checks, elapsedMs: elapsed() };
      }
      case 'placeSeeds': {
        const placement = placeSeedsAlongNeedle(placementOf(request.levelKey), request.needle, request.existing, { spacingMm: request.spacingMm });
        return { type: 'placedSeeds', id: request.id, placement, elapsedMs: elapsed() };
      }
      case 'cancel':
        cancelled.add(request.runId);
        return { type: 'ok', id: request.id, elapsedMs: elapsed() };
      case 'autoPlan':
        return { type: 'error', id: request.id, code: 'internal', message: 'auto-plan requests are handled by handlePlanningMessage' };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code === 'no-level' ? 'no-level' : error instanceof TrajectoryInputError || error instanceof RangeError ? 'input' : 'internal';
    return { type: 'error', id: request.id, code, message };
  }
}

/**
 * A suggestion; with `aimAtLesion` (and no explicit target) the tip is first aimed through the lesion part of the
 * wanted half (core `lesionAimedTip`, as `pvpi plan` does), kept only when that path meets every constraint and its
 * tip stays in the half; otherwise the default largest-clearance path.
 */
function suggest(request: Extract<PlanningRequest, { type: 'suggest' }>): TrajectorySuggestion {
  const m = model(request.levelKey);
  const options: TrajectoryOptions = request.options;
  const labels = levelLabels.get(request.levelKey);
  if (request.aimAtLesion && !request.targetMm && request.half && ct && labels) {
    const lesion = mask(labels, 6);
    const aimed = lesion.some((v) => v) ? lesionAimedTip(m, ct.volume.geometry, lesion, request.side, request.half) : undefined;
    if (aimed) {
      const a = suggestTrajectory(m, { ...options, side: request.side, half: request.half, targetMm: aimed });
      if (a.violations.length === 0 && a.tip.half === request.half) return a;
    }
  }
  return suggestTrajectory(m, { ...options, side: request.side, half: request.half, targetMm: request.targetMm });
}

/** Mask value at the voxel nearest to p (0 outside the grid). */
function maskAt(ctx: PlacementContext, m: Uint8Array, p: SeedCapsule['positionMm']): number {
  const [nx, ny, nz] = ctx.geometry.dimensions;
  const v = patientToVoxel(ctx.geometry, p).map(Math.round);
  if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[0] >= nx || v[1] >= ny || v[2] >= nz) return 0;
  return m[v[0] + nx * (v[1] + ny * v[2])];
}

/**
 * The rule a placed seed breaks, worst first: any part in the canal, centre outside body ∪ lesion, then the core's
 * rules in its order (target margin, posterior wall). The core checks the target margin first, which would call a
 * seed pushed out of the body merely "outside the target margin".
 */
function seedRejection(ctx: PlacementContext, s: SeedCapsule): PlacementRejection | undefined {
  const canal = ctx.canal;
  if (canal && [s.positionMm, ...capsuleEnds(s)].some((p) => maskAt(ctx, canal, p))) return 'in-canal';
  if (ctx.bodyOrTarget && !maskAt(ctx, ctx.bodyOrTarget, s.positionMm)) return 'outside-body';
  return checkSeedAnatomy(ctx, s);
}

function mask(labels: Uint8Array, value: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let v = 0; v < labels.length; v++) out[v] = labels[v] === value ? 1 : 0;
  return out;
}

/**
 * Automatic seed planning, one generator step per macrotask so `cancel` messages (and trajectory checks) are
 * handled between steps; posts progress, then the result or the error.
 */
function runAutoPlan(request: Extract<PlanningRequest, { type: 'autoPlan' }>, post: (r: PlanningResponse) => void): void {
  const started = performance.now();
  const labels = levelLabels.get(request.levelKey);
  if (!ct || !labels) {
    post({ type: 'error', id: request.id, code: 'no-level', message: 'the level is not prepared in the planning worker' });
    return;
  }
  const target = mask(labels, 6);
  if (!target.some((v) => v)) {
    post({ type: 'error', id: request.id, code: 'input', message: 'this level has no lesion segment: segment the lesion first (the target of the seeds)' });
    return;
  }
  let it: Generator<{ fraction: number; message: string }, AutoPlanResult, void>;
  try {
    it = autoPlanSteps({
      geometry: ct.volume.geometry,
      target,
      canal: mask(labels, 5),
      body: mask(labels, 1),
      needles: request.needles,
      prescriptionGy: request.prescriptionGy,
      constraints: request.constraints,
      canalLabel: request.canalLabel,
      sourceModel: request.sourceModelId,
      strengthsU: request.strengthsU,
    });
  } catch (error) {
    post({ type: 'error', id: request.id, code: 'input', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const step = (): void => {
    if (cancelled.delete(request.id)) {
      post({ type: 'error', id: request.id, code: 'cancelled', message: 'automatic planning cancelled' });
      return;
    }
    try {
      const sliceEnd = performance.now() + 40;
      for (;;) {
        const r = it.next();
        if (r.done) {
          post({ type: 'autoPlanResult', id: request.id, result: r.value, elapsedMs: performance.now() - started });
          return;
        }
        post({ type: 'progress', id: request.id, fraction: r.value.fraction, message: r.value.message });
        if (performance.now() > sliceEnd) break;
      }
    } catch (error) {
      post({ type: 'error', id: request.id, code: error instanceof RangeError ? 'input' : 'internal', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    setTimeout(step, 0);
  };
  setTimeout(step, 0);
}

/** Handles any request, answering through `post` (auto-plan answers several times). Used by the worker and the in-page fallback. */
export function handlePlanningMessage(request: PlanningRequest, post: (r: PlanningResponse) => void): void {
  if (request.type === 'autoPlan') runAutoPlan(request, post);
  else post(handlePlanningRequest(request));
}

const scope = globalThis as unknown as WorkerScope;
// Only when running as a worker (no `document`): answer requests in order.
if (typeof (globalThis as { document?: unknown }).document === 'undefined' && typeof scope.postMessage === 'function') {
  scope.onmessage = (event) => {
    if (!event.data || typeof event.data.type !== 'string') return;
    handlePlanningMessage(event.data, (r) => scope.postMessage(r));
  };
}
