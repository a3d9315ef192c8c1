/**
 * Suggested transpedicular trajectories: the straight line with the largest wall clearance through the pedicle
 * (it passes along the pedicle axis through the isthmus), continued to a default anterior target on the same side,
 * or the best line through a target the user chose. Bilateral plans put one tip in the upper and one in the lower half.
 */
import type { PedicleModel, Side, TrajectoryModel } from './levelAnatomy';
import { TrajectoryInputError } from './levelAnatomy';
import { sampleIndicator } from './subvoxelSurface';
import { assessTip, evaluateTrajectory, pedicleCorridor, wallFrame, type TrajectoryEvaluation, type TrajectoryOptions } from './trajectory';
import { addScaled, dot, PATIENT_SUPERIOR, sub, unit } from './vec3';
import type { Vec3 } from './volume';

export interface SuggestOptions extends TrajectoryOptions {
  side: Side;
  /** Tip chosen by the user (patient mm); default: an anterior target on the pedicle axis. */
  targetMm?: Vec3;
  /** Put the default tip in this half of the body (otherwise wherever the pedicle axis leads, off mid-height). */
  half?: 'upper' | 'lower';
}

export interface TrajectorySuggestion extends TrajectoryEvaluation {
  /** Skin entry point (patient mm). */
  entry: Vec3;
  /** Tip (patient mm). */
  target: Vec3;
  /** Point of the needle axis at the narrowest clearance (the isthmus for a well-centred path). */
  isthmusMm: Vec3;
  /** Unit direction entry → target. */
  direction: Vec3;
}

/** Minimises f with the Nelder–Mead simplex method (small, derivative-free problems). */
export function nelderMead(f: (x: number[]) => number, x0: number[], stepSize: number, maxEvaluations = 400, tolerance = 1e-3): { x: number[]; value: number } {
  const n = x0.length;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i] += stepSize;
    simplex.push(x);
  }
  let values = simplex.map(f);
  let evaluations = n + 1;
  while (evaluations < maxEvaluations) {
    const order = values.map((v, i) => i).sort((a, b) => values[a] - values[b]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    const size = Math.max(...simplex.slice(1).map((x) => Math.max(...x.map((v, i) => Math.abs(v - simplex[0][i])))));
    if (size < tolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (simplex[n][j] - c));
    const xr = along(-1);
    const fr = f(xr);
    evaluations++;
    if (fr < values[0]) {
      const xe = along(-2);
      const fe = f(xe);
      evaluations++;
      if (fe < fr) { simplex[n] = xe; values[n] = fe; } else { simplex[n] = xr; values[n] = fr; }
    } else if (fr < values[n - 1]) {
      simplex[n] = xr; values[n] = fr;
    } else {
      const xc = fr < values[n] ? along(-0.5) : along(0.5);
      const fc = f(xc);
      evaluations++;
      if (fc < Math.min(fr, values[n])) {
        simplex[n] = xc; values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i].map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j]));
          values[i] = f(simplex[i]);
          evaluations++;
        }
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: simplex[best], value: values[best] };
}

/** Smallest signed distance (mm) from the line through p along d to the pedicle wall, over the pedicle's extent. */
function lineClearanceMm(model: TrajectoryModel, ped: PedicleModel, p: Vec3, d: Vec3): number {
  const along = dot(d, ped.axisDirection);
  if (along < 0.3) return -50;
  const s0 = dot(sub(p, ped.centroidMm), ped.axisDirection);
  const [lo, hi] = ped.axialRangeMm;
  const from = addScaled(p, d, (lo - 1 - s0) / along);
  const to = addScaled(p, d, (hi + 1 - s0) / along);
  const c = pedicleCorridor(model, ped, from, to, 0, 0.5);
  if (!c.sampled) return -50;
  return c.enteredPedicle ? c.minClearanceMm : Math.min(c.minClearanceMm, 0);
}

/** The line with the largest wall clearance through the pedicle (4 degrees of freedom). */
export function optimalPedicleLine(model: TrajectoryModel, ped: PedicleModel): { pointMm: Vec3; direction: Vec3; clearanceMm: number } {
  const a = ped.axisDirection;
  const { medial, superior } = wallFrame(ped, a);
  const [lo, hi] = ped.axialRangeMm;
  const plane = (s: number, x: number, y: number): Vec3 => addScaled(addScaled(addScaled(ped.centroidMm, a, s), medial, x), superior, y);
  const line = (x: number[]): { p: Vec3; d: Vec3 } => {
    const pa = plane(lo, x[0], x[1]);
    const pb = plane(hi, x[2], x[3]);
    return { p: pa, d: unit(sub(pb, pa)) };
  };
  const cost = (x: number[]): number => {
    const { p, d } = line(x);
    return -lineClearanceMm(model, ped, p, d);
  };
  let best = nelderMead(cost, [0, 0, 0, 0], 1.5, 300, 0.01);
  best = nelderMead(cost, best.x, 0.5, 200, 0.005);
  const { p, d } = line(best.x);
  return { pointMm: p, direction: d, clearanceMm: -best.value };
}

/** The best line through a fixed tip: 2 degrees of freedom (where it crosses the plane of the pedicle centre). */
function optimalLineThrough(model: TrajectoryModel, ped: PedicleModel, targetMm: Vec3, start: Vec3): { direction: Vec3; clearanceMm: number } {
  const a = ped.axisDirection;
  const { medial, superior } = wallFrame(ped, a);
  const s0 = dot(sub(start, ped.centroidMm), a);
  const base = addScaled(ped.centroidMm, a, s0);
  const x0 = [dot(sub(start, base), medial), dot(sub(start, base), superior)];
  const dirOf = (x: number[]): Vec3 => unit(sub(targetMm, addScaled(addScaled(base, medial, x[0]), superior, x[1])));
  const cost = (x: number[]): number => -lineClearanceMm(model, ped, targetMm, dirOf(x));
  let best = nelderMead(cost, x0, 1, 200, 0.01);
  best = nelderMead(cost, best.x, 0.3, 150, 0.005);
  return { direction: dirOf(best.x), clearanceMm: -best.value };
}

/** Default tip on a line leaving the pedicle: anterior, keeping the cortex and midline margins. */
function defaultTipOnLine(model: TrajectoryModel, side: Side, p: Vec3, d: Vec3, options: TrajectoryOptions): Vec3 | undefined {
  const inBody = (t: number): boolean => sampleIndicator(model.body.indicator, addScaled(p, d, t)) >= 0.5;
  let tEnter = NaN;
  for (let t = 0; t < 200; t += 0.5) if (inBody(t)) { tEnter = t; break; }
  if (Number.isNaN(tEnter)) return undefined;
  let tExit = tEnter;
  while (tExit < 300 && inBody(tExit + 0.5)) tExit += 0.5;
  const minAnterior = options.minTipToAnteriorCortexMm ?? 5;
  const minCentre = options.minTipToCentreMm ?? 5;
  for (let t = tExit - minAnterior - 1; t > tEnter + 2; t -= 0.5) {
    const q = addScaled(p, d, t);
    const tip = assessTip(model, q, side, options.midHeightBandMm ?? 2);
    if (!tip.insideBody || tip.lateralOffsetMm < 0) continue;
    if (tip.distanceToAnteriorCortexMm !== null && tip.distanceToAnteriorCortexMm < minAnterior + 1) continue;
    if (tip.distanceToCentreMm < minCentre + 1) continue;
    return q;
  }
  return undefined;
}

/**
 * Suggests the transpedicular trajectory with the largest pedicle clearance for one side, to the user's target or to a
 * default anterior target (upper/lower half as requested), and evaluates it.
 */
export function suggestTrajectory(model: TrajectoryModel, options: SuggestOptions): TrajectorySuggestion {
  const ped = model.pedicles[options.side];
  if (!ped) throw new TrajectoryInputError(`no ${options.side} pedicle in the segmentation`);
  const axis = optimalPedicleLine(model, ped);
  let direction = axis.direction;
  let target: Vec3 | undefined = options.targetMm;
  let onAxis = false;
  if (!target) {
    target = defaultTipOnLine(model, options.side, axis.pointMm, axis.direction, options);
    const tip = target ? assessTip(model, target, options.side, options.midHeightBandMm ?? 2) : undefined;
    const wanted = options.half ?? (tip && tip.half !== 'middle' ? tip.half : tip && tip.heightFromCentreMm < 0 ? 'lower' : 'upper');
    onAxis = target !== undefined && tip !== undefined && tip.half === wanted;
    if (!target || !tip || tip.half !== wanted) {
      // Move the tip vertically into the wanted half (a quarter of the body height from its centre), same AP/lateral spot.
      const base = target ?? addScaled(model.body.centroidMm, sub(ped.centroidMm, model.body.centroidMm), 0.3);
      const dz = (wanted === 'upper' ? 1 : -1) * (model.body.heightMm / 4) - dot(sub(base, model.body.centroidMm), PATIENT_SUPERIOR);
      target = addScaled(base, PATIENT_SUPERIOR, dz);
    }
  }
  if (!onAxis) {
    const start = addScaled(axis.pointMm, axis.direction, -dot(sub(axis.pointMm, ped.centroidMm), ped.axisDirection) / dot(axis.direction, ped.axisDirection));
    direction = optimalLineThrough(model, ped, target, start).direction;
  }
  // Entry: well behind the pedicle on the same line; the evaluation finds the skin along it.
  const entryGuess = addScaled(target, direction, -(dot(sub(target, ped.centroidMm), ped.axisDirection) - ped.axialRangeMm[0] + 20) / Math.max(0.3, dot(direction, ped.axisDirection)));
  const evaluation = evaluateTrajectory(model, entryGuess, target, { ...options, side: options.side, approach: 'transpedicular' });
  return {
    ...evaluation,
    entry: evaluation.skinEntryMm,
    target,
    isthmusMm: evaluation.minClearanceLocation?.needlePointMm ?? ped.centroidMm,
    direction,
  };
}

/** Bilateral plan helper: one needle per side, tips in opposite halves (default: left upper, right lower). */
export function suggestBilateral(
  model: TrajectoryModel,
  options: TrajectoryOptions & { leftHalf?: 'upper' | 'lower' } = {},
): { left: TrajectorySuggestion; right: TrajectorySuggestion } {
  const leftHalf = options.leftHalf ?? 'upper';
  const rightHalf = leftHalf === 'upper' ? 'lower' : 'upper';
  return {
    left: suggestTrajectory(model, { ...options, side: 'left', half: leftHalf }),
    right: suggestTrajectory(model, { ...options, side: 'right', half: rightHalf }),
  };
}
