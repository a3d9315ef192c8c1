/**
 * Runs trajectory checks in the planning Web Worker (`pvpi-planning-worker.js`, next to this bundle). Requests are
 * answered in order. Falls back to running in the page when module workers are unavailable (an OHIF source build
 * that does not emit our worker bundle): same results, less responsive UI.
 */
import type { Side } from '../../../../src/geometry/levelAnatomy';
import type { TrajectoryEvaluation, TrajectoryOptions } from '../../../../src/geometry/trajectory';
import type { TrajectorySuggestion } from '../../../../src/geometry/trajectorySuggest';
import type { Vec3, VolumeGeometry } from '../../../../src/geometry/volume';
import { handlePlanningMessage } from '../workers/planningWorker';
import type { AutoPlanResult } from '../../../../src/planning/autoPlan';
import type { NeedleTrack, SeedCapsule, SeedPlacementResult } from '../../../../src/planning/seedPlacement';
import type { AutoPlanRequestBody, PlanningRequest, PlanningResponse, SeedCheckInput, SeedCheckResult } from './planningProtocol';

/** File name of the worker bundle (webpack entry `pvpi-planning-worker`). */
export const PLANNING_WORKER_FILE = 'pvpi-planning-worker.js';

/** A failed request, with the worker's code. */
export class PlanningRunError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PlanningRunError';
  }
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = Distribute<PlanningRequest>;

let worker: Worker | undefined;
let workerBroken = false;
let nextId = 1;
const pending = new Map<number, { resolve: (r: PlanningResponse) => void; reject: (e: Error) => void; progress?: (fraction: number, message: string) => void }>();

function settle(response: PlanningResponse): void {
  const p = pending.get(response.id);
  if (!p) return;
  if (response.type === 'progress') {
    p.progress?.(response.fraction, response.message);
    return;
  }
  pending.delete(response.id);
  if (response.type === 'error') p.reject(new PlanningRunError(response.code, response.message));
  else p.resolve(response);
}

function getWorker(): Worker | undefined {
  if (worker || workerBroken) return worker;
  try {
    const file = PLANNING_WORKER_FILE; // a variable: webpack must not treat it as an asset
    worker = new Worker(new URL(file, import.meta.url), { type: 'module', name: 'pvpi-planning' });
    worker.onmessage = (event: MessageEvent<PlanningResponse>) => settle(event.data);
    worker.onerror = (event) => {
      workerBroken = true;
      worker?.terminate();
      worker = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new PlanningRunError('worker-failed', `the planning worker failed (${event.message || 'could not load'}); try again`));
      }
    };
  } catch {
    workerBroken = true;
    worker = undefined;
  }
  return worker;
}

/** True when requests run in the page (no worker). State (CT, levels) then lives in the page too. */
export function planningRunsInPage(): boolean {
  return getWorker() === undefined;
}

function send(body: RequestBody, transfer: Transferable[] = [], progress?: (fraction: number, message: string) => void, id = nextId++): Promise<PlanningResponse> {
  const request = { ...body, id } as PlanningRequest;
  return new Promise<PlanningResponse>((resolve, reject) => {
    pending.set(id, { resolve, reject, progress });
    const w = getWorker();
    if (w) {
      w.postMessage(request, transfer);
      return;
    }
    setTimeout(() => handlePlanningMessage(request, settle), 0);
  });
}

/** Loads the CT (HU; the buffer is transferred) for later levels. */
export async function setPlanningCt(ctKey: string, geometry: VolumeGeometry, data: Float32Array | Int16Array): Promise<void> {
  await send({ type: 'setCt', ctKey, geometry, data }, [data.buffer as ArrayBuffer]);
}

/** Prepares one level (labels 1…6 on the CT grid; the buffer is transferred). */
export async function setPlanningLevel(ctKey: string, levelKey: string, level: string, labels: Uint8Array): Promise<number> {
  const r = await send({ type: 'setLevel', ctKey, levelKey, level, labels }, [labels.buffer as ArrayBuffer]);
  return r.type === 'ok' ? r.elapsedMs : 0;
}

/** Evaluates a trajectory against a prepared level. */
export async function evaluateInWorker(levelKey: string, entryMm: Vec3, targetMm: Vec3, options: TrajectoryOptions): Promise<TrajectoryEvaluation> {
  const r = await send({ type: 'evaluate', levelKey, entryMm, targetMm, options });
  if (r.type !== 'evaluation') throw new PlanningRunError('internal', 'unexpected answer from the planning worker');
  return r.evaluation;
}

/** Suggests the best trajectory through one pedicle of a prepared level. */
export async function suggestInWorker(levelKey: string, side: Side, options: TrajectoryOptions, half?: 'upper' | 'lower', targetMm?: Vec3, aimAtLesion = false): Promise<TrajectorySuggestion> {
  const r = await send({ type: 'suggest', levelKey, side, half, targetMm, aimAtLesion, options });
  if (r.type !== 'suggestion') throw new PlanningRunError('internal', 'unexpected answer from the planning worker');
  return r.suggestion;
}

/** Checks seed positions against the anatomy rules of a prepared level (core checkSeedAnatomy). */
export async function checkSeedsInWorker(levelKey: string, seeds: SeedCheckInput[]): Promise<SeedCheckResult[]> {
  const r = await send({ type: 'checkSeeds', levelKey, seeds });
  if (r.type !== 'seedChecks') throw new PlanningRunError('internal', 'unexpected answer from the planning worker');
  return r.checks;
}

/** Seed positions along one needle at a spacing (core placeSeedsAlongNeedle on a prepared level). */
export async function placeSeedsInWorker(levelKey: string, needle: NeedleTrack, existing: SeedCapsule[], spacingMm: number): Promise<SeedPlacementResult> {
  const r = await send({ type: 'placeSeeds', levelKey, needle, existing, spacingMm });
  if (r.type !== 'placedSeeds') throw new PlanningRunError('internal', 'unexpected answer from the planning worker');
  return r.placement;
}

/** A running automatic planning: its result, and a way to stop it. */
export interface AutoPlanRun {
  result: Promise<AutoPlanResult>;
  cancel(): void;
}

/** Starts the core's automatic seed planning on a prepared level (progress reported as it goes). */
export function autoPlanInWorker(body: AutoPlanRequestBody, onProgress: (fraction: number, message: string) => void): AutoPlanRun {
  const id = nextId++;
  const result = send({ type: 'autoPlan', ...body }, [], onProgress, id).then((r) => {
    if (r.type !== 'autoPlanResult') throw new PlanningRunError('internal', 'unexpected answer from the planning worker');
    return r.result;
  });
  return { result, cancel: () => void send({ type: 'cancel', runId: id }).catch(() => undefined) };
}
