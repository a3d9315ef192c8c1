/**
 * Messages between the viewer and the planning Web Worker (`pvpi-planning-worker.js`): the CT and one level's labels
 * go in once (transferred buffers), the worker keeps the core's TrajectoryModel of that level, and every needle drag
 * only sends two points. Plain structured-clone data.
 */
import type { TrajectoryEvaluation, TrajectoryOptions } from '../../../../src/geometry/trajectory';
import type { TrajectorySuggestion } from '../../../../src/geometry/trajectorySuggest';
import type { Side } from '../../../../src/geometry/levelAnatomy';
import type { Vec3, VolumeGeometry } from '../../../../src/geometry/volume';
import type { AutoPlanResult } from '../../../../src/planning/autoPlan';
import type { DoseConstraint } from '../../../../src/planning/plan';
import type { NeedleTrack, PlacementRejection, SeedCapsule, SeedPlacementResult } from '../../../../src/planning/seedPlacement';

/** A seed to check against a level's anatomy (core checkSeedAnatomy). */
export interface SeedCheckInput extends SeedCapsule {
  id: string;
}

/** The first placement rule a seed breaks (undefined: allowed). */
export interface SeedCheckResult {
  id: string;
  rejection?: PlacementRejection;
}

/** What the automatic seed planning needs besides the level's masks (which the worker holds). */
export interface AutoPlanRequestBody {
  levelKey: string;
  needles: NeedleTrack[];
  prescriptionGy: number;
  constraints: DoseConstraint[];
  /** Label of the canal constraints in `constraints`. */
  canalLabel: string;
  sourceModelId: string;
  strengthsU: number[];
}

export type PlanningRequest =
  /** The CT (HU) the levels belong to; replaces any previous CT and drops the level models. */
  | { type: 'setCt'; id: number; ctKey: string; geometry: VolumeGeometry; data: Float32Array | Int16Array }
  /** One level's labels on the CT grid (values 1…6 = body, left pedicle, right pedicle, posterior elements, canal, lesion). */
  | { type: 'setLevel'; id: number; ctKey: string; levelKey: string; level: string; labels: Uint8Array }
  | { type: 'evaluate'; id: number; levelKey: string; entryMm: Vec3; targetMm: Vec3; options: TrajectoryOptions }
  /** `aimAtLesion`: tip through the lesion part of `half` when that path meets every constraint (else the default). */
  | { type: 'suggest'; id: number; levelKey: string; side: Side; half?: 'upper' | 'lower'; targetMm?: Vec3; aimAtLesion?: boolean; options: TrajectoryOptions }
  /** Automatic seed planning (core src/planning/autoPlan.ts); answers with progress messages, then the result. */
  | ({ type: 'autoPlan'; id: number } & AutoPlanRequestBody)
  /** Checks seeds against the anatomy rules of a prepared level (target margin, body, canal, posterior wall). */
  | { type: 'checkSeeds'; id: number; levelKey: string; seeds: SeedCheckInput[] }
  /** Seed positions along one needle from its tip at `spacingMm` (core placeSeedsAlongNeedle), avoiding `existing`. */
  | { type: 'placeSeeds'; id: number; levelKey: string; needle: NeedleTrack; existing: SeedCapsule[]; spacingMm: number }
  /** Stops the auto-plan run `runId` at its next step. */
  | { type: 'cancel'; id: number; runId: number };

export type PlanningResponse =
  | { type: 'ok'; id: number; elapsedMs: number }
  | { type: 'evaluation'; id: number; evaluation: TrajectoryEvaluation; elapsedMs: number }
  | { type: 'suggestion'; id: number; suggestion: TrajectorySuggestion; elapsedMs: number }
  | { type: 'progress'; id: number; fraction: number; message: string }
  | { type: 'seedChecks'; id: number; checks: SeedCheckResult[]; elapsedMs: number }
  | { type: 'placedSeeds'; id: number; placement: SeedPlacementResult; elapsedMs: number }
  | { type: 'autoPlanResult'; id: number; result: AutoPlanResult; elapsedMs: number }
  | { type: 'error'; id: number; code: 'input' | 'no-ct' | 'no-level' | 'cancelled' | 'internal'; message: string };
