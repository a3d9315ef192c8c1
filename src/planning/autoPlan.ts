/**
 * Automatic seed planning along planned needles (docs/planning.md, "Automatic planning").
 *
 * 1. Candidates: positions on every needle from the tip backwards every `candidateStepMm` (2.5 mm) that pass the
 *    anatomy rules of seedPlacement.ts (target + margin, not in the canal, away from the posterior wall).
 * 2. Dose-influence matrix: total dose (Gy per U of S_K at implant, permanent implant) of each candidate at every
 *    target voxel centre and every spinal-canal voxel centre near the target, from the same TG-43U1 2D lookup table
 *    as the dose engine (doseKernel.ts), seed axis along the needle.
 * 3. Greedy coverage: repeatedly add the (candidate, strength) with the largest gain in capped target dose
 *    Σ min(D, Rx)/Rx that keeps every canal constraint, until V100 reaches the goal.
 * 4. Local search: per seed, remove it or move it to another candidate / strength when that lowers
 *    score = 1000·(target points missing to the goal) + (target points ≥ 2·Rx) + 0.05·(points per seed)·seeds,
 *    canal constraints kept as hard limits; passes repeat until nothing improves.
 * Deterministic: fixed iteration order, ties to the lower index. Runs as a generator (`autoPlanSteps`) so a Web
 * Worker can report progress and honour cancel between steps; `autoPlan` drives it synchronously.
 */
import type { Vec3, VolumeGeometry } from '../geometry/volume';
import { voxelToPatient } from '../geometry/volume';
import { getSourceModel, type SourceModel } from '../dose/sourceModel';
import { doseRateTable, lookupDoseRatePerUnitSk } from '../dose/doseKernel';
import { selectDescending } from '../dose/select';
import { doseIntegrationHours } from '../dose/decay';
import { DEFAULT_CANAL_CONSTRAINTS, type DoseConstraint } from './plan';
import { cropGeometry, cropMask, growBox, maskBounds, type VoxelBox } from './gridBox';
import {
  capsulesOverlap,
  checkSeedAnatomy,
  DEFAULT_PLACEMENT_RULES,
  needleAxis,
  PLACEMENT_REJECTION_TEXT,
  preparePlacement,
  type NeedleTrack,
  type PlacementRejection,
  type SeedCapsule,
  type SeedPlacementRules,
} from './seedPlacement';

export interface AutoPlanOptions {
  /** Goal: % of the target volume receiving ≥ the prescription (default 95). */
  goalV100Pct?: number;
  /** Extra coverage aimed for internally so the goal survives rounding (default 0.5 %). */
  goalMarginPct?: number;
  /** Anatomy rules (margin, posterior wall); the spacing of the rules is not used here. */
  placement?: SeedPlacementRules;
  /** Step between candidate positions along a needle (default 2.5 mm). */
  candidateStepMm?: number;
  /** Smallest centre-to-centre distance of two seeds of the same needle (default 5 mm, the lower end of 5–15 mm). */
  minSpacingMm?: number;
  /** Upper limit on the number of seeds (default 80). */
  maxSeeds?: number;
  /** Local-search passes at most (default 30). */
  maxPasses?: number;
  /** Canal voxels farther than this from the target box are not sampled (default 25 mm; their dose is far below the limit). */
  canalSampleMarginMm?: number;
  /** Dose accumulated until this time after the implant (default ∞: permanent implant). */
  durationHours?: number;
}

export interface AutoPlanInput {
  /** Grid of the masks (normally the planning CT). */
  geometry: VolumeGeometry;
  /** Target (lesion) mask: non-zero = inside. */
  target: Uint8Array;
  /** Spinal canal mask (constraints + no seeds inside). */
  canal?: Uint8Array;
  /** Vertebral body mask (posterior-wall rule, seeds only in body ∪ target). */
  body?: Uint8Array;
  needles: readonly NeedleTrack[];
  prescriptionGy: number;
  /** Dose constraints; those on `canalLabel` with metric Dmax, D0.1cc, D1cc or D2cc are enforced. Default: DEFAULT_CANAL_CONSTRAINTS. */
  constraints?: readonly DoseConstraint[];
  canalLabel?: string;
  /** Seed model (object or id, e.g. "6711"). */
  sourceModel: SourceModel | string;
  /** Seed strengths in stock (S_K at the implant date, U); the optimiser picks per seed. At least one. */
  strengthsU: readonly number[];
  options?: AutoPlanOptions;
}

export interface AutoPlanSeed {
  id: string;
  needleId: string;
  positionMm: Vec3;
  axis: Vec3;
  /** S_K at the implant date, U. */
  airKermaStrengthU: number;
  depthFromTipMm: number;
}

export type AutoPlanFindingCode = 'NO_SEED_POSITIONS' | 'NEEDLE_MISSES_TARGET' | 'ADD_NEEDLE' | 'CANAL_LIMIT_BINDS' | 'MAX_SEEDS';

export interface AutoPlanFinding {
  code: AutoPlanFindingCode;
  severity: 'error' | 'warning';
  message: string;
}

/** The optimiser's own estimate at the sampled voxel centres (recompute with the dose engine for the record). */
export interface AutoPlanEstimate {
  targetV100Pct: number;
  targetV150Pct: number;
  targetV200Pct: number;
  targetD90Gy: number;
  canalDmaxGy: number | null;
  canalD0_1ccGy: number | null;
}

export interface AutoPlanResult {
  seeds: AutoPlanSeed[];
  goalV100Pct: number;
  goalMet: boolean;
  /** Every enforced canal constraint holds in the estimate. */
  constraintsMet: boolean;
  estimate: AutoPlanEstimate;
  findings: AutoPlanFinding[];
  candidateCount: number;
  /** Candidates per needle, and why lattice positions were refused. */
  perNeedle: Array<{ needleId: string; candidates: number; rejected: Partial<Record<PlacementRejection, number>> }>;
  totalStrengthU: number;
  /** Target and canal points the optimiser sampled. */
  sampledPoints: { target: number; canal: number };
  passes: number;
}

export interface AutoPlanProgress {
  /** 0 … 1 */
  fraction: number;
  message: string;
}

export class AutoPlanCancelledError extends Error {
  constructor() {
    super('automatic planning cancelled');
    this.name = 'AutoPlanCancelledError';
  }
}

interface Candidate {
  needle: number;
  positionMm: Vec3;
  axis: Vec3;
  depthMm: number;
}

interface CanalLimit {
  metric: 'Dmax' | 'D0.1cc' | 'D1cc' | 'D2cc';
  limitGy: number;
  /** Rank (0-based, descending) of the sample giving the metric; -1 for Dmax via max. */
  rank: number;
}

/** k-th largest (0-based) of a[0..n) using `work` as scratch (deterministic quickselect, dose/select.ts). */
function kthLargest(a: Float64Array, n: number, k: number, work: Float64Array): number {
  for (let i = 0; i < n; i++) work[i] = a[i];
  return selectDescending(work, k, 0, n - 1);
}

/** Validates and normalises the input; throws RangeError with a specific message. */
function checkInput(input: AutoPlanInput): void {
  const n = input.geometry.dimensions[0] * input.geometry.dimensions[1] * input.geometry.dimensions[2];
  if (input.target.length !== n) throw new RangeError(`target mask has ${input.target.length} voxels, the grid ${n}`);
  if (!(input.prescriptionGy > 0)) throw new RangeError(`the prescription must be a positive dose in Gy, got ${input.prescriptionGy}`);
  if (input.strengthsU.length === 0 || !input.strengthsU.every((s) => s > 0 && Number.isFinite(s))) throw new RangeError('seed strengths must be positive numbers (U)');
  const ids = new Set<string>();
  for (const nd of input.needles) {
    if (ids.has(nd.id)) throw new RangeError(`duplicate needle id ${nd.id}`);
    ids.add(nd.id);
  }
}

/** Fraction helper for progress. */
const lerp = (a: number, b: number, t: number): number => a + (b - a) * Math.min(1, Math.max(0, t));

/**
 * Automatic seed planning as a generator: yields progress between steps and returns the result.
 * Drive it with `autoPlan`, or step it from a Web Worker (`it.next()` per message-loop turn) to stay cancellable.
 */
export function* autoPlanSteps(input: AutoPlanInput): Generator<AutoPlanProgress, AutoPlanResult, void> {
  checkInput(input);
  const opt = input.options ?? {};
  const goal = opt.goalV100Pct ?? 95;
  const goalMargin = opt.goalMarginPct ?? 0.5;
  const rules = { ...DEFAULT_PLACEMENT_RULES, ...(opt.placement ?? {}) };
  const step = opt.candidateStepMm ?? 2.5;
  const minSpacing = opt.minSpacingMm ?? 5;
  const maxSeeds = opt.maxSeeds ?? 80;
  const maxPasses = opt.maxPasses ?? 30;
  const rx = input.prescriptionGy;
  const model = typeof input.sourceModel === 'string' ? getSourceModel(input.sourceModel) : input.sourceModel;
  const table = doseRateTable(model);
  const gyPerCGyPerH = doseIntegrationHours(opt.durationHours ?? Infinity, model.halfLifeDays) / 100;
  const strengths = [...new Set(input.strengthsU)].sort((a, b) => b - a);
  const g = input.geometry;
  const voxelCm3 = (g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]) / 1000;
  const canalLabel = input.canalLabel ?? 'Spinal canal';

  yield { fraction: 0, message: 'preparing the anatomy' };
  const targetBox = maskBounds(input.target, g);
  if (!targetBox) throw new RangeError('the target mask is empty');
  const box = growBox(g, [targetBox, input.body ? maskBounds(input.body, g) : undefined], rules.marginMm + 5) as VoxelBox;
  const cg = cropGeometry(g, box);
  const ctx = preparePlacement({
    geometry: cg,
    target: cropMask(input.target, g, box),
    canal: input.canal ? cropMask(input.canal, g, box) : undefined,
    body: input.body ? cropMask(input.body, g, box) : undefined,
  });

  // 1. Candidates.
  const cands: Candidate[] = [];
  const perNeedle: AutoPlanResult['perNeedle'] = [];
  input.needles.forEach((nd, ni) => {
    const u = needleAxis(nd);
    const length = Math.hypot(nd.tipMm[0] - nd.entryMm[0], nd.tipMm[1] - nd.entryMm[1], nd.tipMm[2] - nd.entryMm[2]);
    const rejected: Partial<Record<PlacementRejection, number>> = {};
    let count = 0;
    for (let m = 0; ; m++) {
      const depth = rules.tipOffsetMm + m * step;
      if (depth > length + 1e-9) break;
      const p: Vec3 = [nd.tipMm[0] - u[0] * depth, nd.tipMm[1] - u[1] * depth, nd.tipMm[2] - u[2] * depth];
      // Outside the working box (target + margin + 5 mm) means outside the target margin.
      const raw = checkSeedAnatomy(ctx, { positionMm: p, axis: u }, rules);
      const why = raw === 'outside-image' ? 'outside-target-margin' : raw;
      if (why) {
        rejected[why] = (rejected[why] ?? 0) + 1;
        continue;
      }
      cands.push({ needle: ni, positionMm: p, axis: u, depthMm: depth });
      count++;
    }
    perNeedle.push({ needleId: nd.id, candidates: count, rejected });
  });
  const C = cands.length;
  // Conflicts: same needle closer than minSpacing, or overlapping capsules (other needles).
  const conflicts: number[][] = cands.map(() => []);
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      const same = cands[a].needle === cands[b].needle;
      const clash = same ? Math.abs(cands[a].depthMm - cands[b].depthMm) < minSpacing - 1e-9 : capsulesOverlap(cands[a], cands[b]);
      if (clash) {
        conflicts[a].push(b);
        conflicts[b].push(a);
      }
    }
  }

  // 2. Sample points: every target voxel; canal voxels near the target.
  const [nx, ny] = g.dimensions;
  const targetIdx: number[] = [];
  for (let v = 0; v < input.target.length; v++) if (input.target[v]) targetIdx.push(v);
  const canalIdx: number[] = [];
  if (input.canal) {
    const cb = growBox(g, [targetBox], opt.canalSampleMarginMm ?? 25) as VoxelBox;
    for (let k = cb.min[2]; k <= cb.max[2]; k++) {
      for (let j = cb.min[1]; j <= cb.max[1]; j++) {
        for (let i = cb.min[0]; i <= cb.max[0]; i++) {
          const v = i + nx * (j + ny * k);
          if (input.canal[v]) canalIdx.push(v);
        }
      }
    }
  }
  const PT = targetIdx.length;
  const PO = canalIdx.length;
  const P = PT + PO;
  const pts = new Float64Array(3 * P);
  [...targetIdx, ...canalIdx].forEach((v, n) => {
    const p = voxelToPatient(g, v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny)));
    pts[3 * n] = p[0] / 10;
    pts[3 * n + 1] = p[1] / 10;
    pts[3 * n + 2] = p[2] / 10;
  });

  // Enforced canal limits.
  const limits: CanalLimit[] = [];
  const canalCm3 = PO * voxelCm3;
  for (const c of input.constraints ?? DEFAULT_CANAL_CONSTRAINTS) {
    if (c.structureLabel !== canalLabel || PO === 0) continue;
    const vol = c.metric === 'D0.1cc' ? 0.1 : c.metric === 'D1cc' ? 1 : c.metric === 'D2cc' ? 2 : c.metric === 'Dmax' ? 0 : -1;
    if (vol < 0 || vol > canalCm3) continue;
    limits.push({ metric: c.metric as CanalLimit['metric'], limitGy: c.limit, rank: vol === 0 ? -1 : Math.max(0, Math.ceil(vol / voxelCm3 - 1e-9) - 1) });
  }

  // 3. Influence matrix (Gy per U).
  const A = new Float32Array(C * P);
  for (let c = 0; c < C; c++) {
    const s = cands[c].positionMm;
    const sx = s[0] / 10;
    const sy = s[1] / 10;
    const sz = s[2] / 10;
    const [ux, uy, uz] = cands[c].axis;
    const row = c * P;
    for (let p = 0; p < P; p++) {
      const dx = pts[3 * p] - sx;
      const dy = pts[3 * p + 1] - sy;
      const dz = pts[3 * p + 2] - sz;
      const z = dx * ux + dy * uy + dz * uz;
      A[row + p] = lookupDoseRatePerUnitSk(model, table, dx * dx + dy * dy + dz * dz, z) * gyPerCGyPerH;
    }
    if (c % 8 === 7) yield { fraction: lerp(0.05, 0.4, (c + 1) / C), message: `dose influence of candidate positions ${c + 1}/${C}` };
  }

  // State.
  const dose = new Float64Array(P);
  const trial = new Float64Array(P);
  const work = new Float64Array(Math.max(1, PO));
  const canalScratch = new Float64Array(Math.max(1, PO));
  const chosen: Array<{ c: number; s: number }> = [];
  const blocked = new Int32Array(C); // number of chosen seeds conflicting with each candidate
  const isChosen = new Uint8Array(C);
  const goalCount = Math.min(PT, Math.ceil(((goal + goalMargin) / 100) * PT - 1e-9));
  const seedWeight = 0.05 * (PT / Math.max(1, C));

  const canalOk = (d: Float64Array): boolean => {
    if (limits.length === 0) return true;
    for (let i = 0; i < PO; i++) canalScratch[i] = d[PT + i];
    for (const l of limits) {
      let v: number;
      if (l.rank < 0) {
        v = 0;
        for (let i = 0; i < PO; i++) if (canalScratch[i] > v) v = canalScratch[i];
      } else v = kthLargest(canalScratch, PO, l.rank, work);
      if (v > l.limitGy) return false;
    }
    return true;
  };
  const counts = (d: Float64Array): { covered: number; hot: number } => {
    let covered = 0;
    let hot = 0;
    for (let p = 0; p < PT; p++) {
      if (d[p] >= rx) covered++;
      if (d[p] >= 2 * rx) hot++;
    }
    return { covered, hot };
  };
  const score = (covered: number, hot: number, nSeeds: number): number => 1000 * Math.max(0, goalCount - covered) + hot + seedWeight * nSeeds;
  const addTo = (d: Float64Array, c: number, w: number): void => {
    const row = c * P;
    for (let p = 0; p < P; p++) d[p] += w * A[row + p];
  };
  const setChosen = (c: number, on: boolean): void => {
    isChosen[c] = on ? 1 : 0;
    for (const b of conflicts[c]) blocked[b] += on ? 1 : -1;
  };

  /** Best feasible (candidate, strength) to add by capped-coverage gain; `ignoreCanal` for the diagnosis. */
  const bestAddition = (ignoreCanal: boolean): { c: number; s: number; gain: number; canalRefused: boolean } | undefined => {
    const options: Array<{ c: number; s: number; gain: number }> = [];
    for (let c = 0; c < C; c++) {
      if (isChosen[c] || blocked[c] > 0) continue;
      const row = c * P;
      for (let si = 0; si < strengths.length; si++) {
        const w = strengths[si];
        let gain = 0;
        for (let p = 0; p < PT; p++) {
          const before = dose[p];
          if (before >= rx) continue;
          const after = before + w * A[row + p];
          gain += (after >= rx ? rx : after) - before;
        }
        if (gain > 1e-9 * rx) options.push({ c, s: si, gain: gain / rx });
      }
    }
    options.sort((a, b) => b.gain - a.gain || a.c - b.c || a.s - b.s);
    let canalRefused = false;
    for (const o of options) {
      if (!ignoreCanal) {
        trial.set(dose);
        addTo(trial, o.c, strengths[o.s]);
        if (!canalOk(trial)) {
          canalRefused = true;
          continue;
        }
      }
      return { ...o, canalRefused };
    }
    return canalRefused ? { c: -1, s: -1, gain: 0, canalRefused } : undefined;
  };

  // 4. Greedy.
  let canalBound = false;
  let hitMaxSeeds = false;
  const greedy = function* (): Generator<AutoPlanProgress, void, void> {
    while (counts(dose).covered < goalCount) {
      if (chosen.length >= maxSeeds) {
        hitMaxSeeds = true;
        break;
      }
      const best = bestAddition(false);
      if (!best || best.c < 0) {
        if (best?.canalRefused) canalBound = true;
        break;
      }
      if (best.canalRefused) canalBound = true;
      chosen.push({ c: best.c, s: best.s });
      setChosen(best.c, true);
      addTo(dose, best.c, strengths[best.s]);
      yield { fraction: lerp(0.4, 0.7, counts(dose).covered / Math.max(1, goalCount)), message: `greedy: ${chosen.length} seeds, V100 ${((100 * counts(dose).covered) / Math.max(1, PT)).toFixed(1)} %` };
    }
  };
  yield* greedy();

  // 5. Local search.
  let passes = 0;
  for (; passes < maxPasses; passes++) {
    let improved = false;
    for (let i = 0; i < chosen.length; i++) {
      const cur = counts(dose);
      const curScore = score(cur.covered, cur.hot, chosen.length);
      const { c: ci, s: si } = chosen[i];
      const wi = strengths[si];
      // base = dose without seed i
      trial.set(dose);
      addTo(trial, ci, -wi);
      const base = Float64Array.from(trial);
      let bestScore = curScore - 1e-9;
      let best: { c: number; s: number } | null | undefined; // null = remove, undefined = keep
      const without = counts(base);
      if (score(without.covered, without.hot, chosen.length - 1) < bestScore) {
        bestScore = score(without.covered, without.hot, chosen.length - 1);
        best = null;
      }
      setChosen(ci, false);
      for (let c = 0; c < C; c++) {
        if (isChosen[c] || blocked[c] > 0) continue;
        const row = c * P;
        for (let s = 0; s < strengths.length; s++) {
          if (c === ci && s === si) continue;
          const w = strengths[s];
          let covered = 0;
          let hot = 0;
          for (let p = 0; p < PT; p++) {
            const d = base[p] + w * A[row + p];
            if (d >= rx) covered++;
            if (d >= 2 * rx) hot++;
          }
          const sc = score(covered, hot, chosen.length);
          if (sc < bestScore) {
            trial.set(base);
            addTo(trial, c, w);
            if (!canalOk(trial)) continue;
            bestScore = sc;
            best = { c, s };
          }
        }
      }
      if (best === undefined) {
        setChosen(ci, true);
        continue;
      }
      improved = true;
      dose.set(base);
      if (best === null) {
        chosen.splice(i, 1);
        i--;
      } else {
        chosen[i] = best;
        setChosen(best.c, true);
        addTo(dose, best.c, strengths[best.s]);
      }
    }
    // Still short of the goal: try adding again (a move may have freed a position).
    if (counts(dose).covered < goalCount && chosen.length < maxSeeds) {
      const before = chosen.length;
      yield* greedy();
      if (chosen.length > before) improved = true;
    }
    const now = counts(dose);
    yield { fraction: lerp(0.7, 0.98, (passes + 1) / maxPasses), message: `refinement pass ${passes + 1}: ${chosen.length} seeds, V100 ${((100 * now.covered) / Math.max(1, PT)).toFixed(1)} %, V200 ${((100 * now.hot) / Math.max(1, PT)).toFixed(1)} %` };
    if (!improved) {
      passes++;
      break;
    }
  }

  // 6. Report.
  const final = counts(dose);
  const v100 = (100 * final.covered) / PT;
  const goalMet = v100 >= goal;
  let v150 = 0;
  const tDose = Float64Array.from(dose.subarray(0, PT)).sort();
  for (let p = 0; p < PT; p++) if (dose[p] >= 1.5 * rx) v150++;
  const d90 = tDose[Math.max(0, Math.min(PT - 1, PT - Math.ceil(0.9 * PT - 1e-9)))];
  let canalDmax: number | null = null;
  let canalD01: number | null = null;
  if (PO > 0) {
    const cd = Float64Array.from(dose.subarray(PT)).sort().reverse();
    canalDmax = cd[0];
    canalD01 = 0.1 <= canalCm3 ? cd[Math.max(0, Math.ceil(0.1 / voxelCm3 - 1e-9) - 1)] : null;
  }
  const findings: AutoPlanFinding[] = [];
  const needleName = (id: string): string => id;
  for (const pn of perNeedle) {
    if (pn.candidates > 0) continue;
    const entries = Object.entries(pn.rejected) as Array<[PlacementRejection, number]>;
    const inMargin = entries.filter(([r]) => r !== 'outside-target-margin' && r !== 'outside-image');
    const why = inMargin.length ? `its positions near the target are ${inMargin.map(([r]) => PLACEMENT_REJECTION_TEXT[r]).join(', ')}` : `it does not pass within ${rules.marginMm} mm of the target`;
    findings.push({ code: 'NEEDLE_MISSES_TARGET', severity: 'warning', message: `Needle ${needleName(pn.needleId)} has no allowed seed position: ${why}.` });
  }
  if (C === 0) {
    findings.push({ code: 'NO_SEED_POSITIONS', severity: 'error', message: `No needle offers an allowed seed position in the target (+${rules.marginMm} mm): add a needle through the lesion or move a needle tip into it.` });
  }
  if (hitMaxSeeds) findings.push({ code: 'MAX_SEEDS', severity: 'warning', message: `Stopped at the maximum of ${maxSeeds} seeds.` });
  if (!goalMet) {
    // Would coverage go further without the canal limits? Then the canal limit binds; otherwise the needles do.
    let freeCovered = final.covered;
    if (C > 0 && limits.length > 0) {
      const saved = { dose: Float64Array.from(dose), chosen: chosen.map((x) => ({ ...x })), isChosen: Uint8Array.from(isChosen), blocked: Int32Array.from(blocked) };
      while (counts(dose).covered < goalCount && chosen.length < maxSeeds) {
        const b = bestAddition(true);
        if (!b || b.c < 0) break;
        chosen.push({ c: b.c, s: b.s });
        setChosen(b.c, true);
        addTo(dose, b.c, strengths[b.s]);
      }
      freeCovered = counts(dose).covered;
      dose.set(saved.dose);
      chosen.splice(0, chosen.length, ...saved.chosen);
      isChosen.set(saved.isChosen);
      blocked.set(saved.blocked);
    }
    const freeV100 = (100 * freeCovered) / PT;
    if (C > 0 && (canalBound || freeV100 > v100 + 0.5)) {
      const binding = limits.map((l) => `${l.metric} ≤ ${l.limitGy} Gy`).join(', ');
      findings.push({
        code: 'CANAL_LIMIT_BINDS',
        severity: 'error',
        message: `V100 ${v100.toFixed(1)} % < ${goal} %: the spinal canal limit binds (${binding}); without it ${freeV100.toFixed(1)} % would be reachable. Add a needle farther from the canal, accept lower coverage, or review the canal limit.`,
      });
    }
    if (!(freeV100 >= goal)) {
      findings.push({
        code: 'ADD_NEEDLE',
        severity: 'error',
        message: C === 0 ? `V100 0 % < ${goal} %: add a needle through the target.` : `V100 ${v100.toFixed(1)} % < ${goal} % with every allowed position on the ${input.needles.length} needle(s): add a needle (or use stronger seeds); the uncovered part of the target is out of reach of the planned tracks.`,
      });
    }
  }

  // Seeds, ordered by needle then from the tip backwards.
  const ordered = chosen.map((x) => ({ ...x, cand: cands[x.c] })).sort((a, b) => a.cand.needle - b.cand.needle || a.cand.depthMm - b.cand.depthMm);
  const perNeedleCount = new Map<number, number>();
  const seeds: AutoPlanSeed[] = ordered.map((x) => {
    const n = (perNeedleCount.get(x.cand.needle) ?? 0) + 1;
    perNeedleCount.set(x.cand.needle, n);
    const nd = input.needles[x.cand.needle];
    return { id: `${nd.id}-seed${n}`, needleId: nd.id, positionMm: x.cand.positionMm, axis: x.cand.axis, airKermaStrengthU: strengths[x.s], depthFromTipMm: x.cand.depthMm };
  });
  let constraintsMet = true;
  for (const l of limits) {
    const v = l.metric === 'Dmax' ? canalDmax : l.metric === 'D0.1cc' ? canalD01 : null;
    if (v !== null && v > l.limitGy) constraintsMet = false;
  }
  yield { fraction: 1, message: `done: ${seeds.length} seeds, V100 ${v100.toFixed(1)} %` };
  return {
    seeds,
    goalV100Pct: goal,
    goalMet,
    constraintsMet: constraintsMet && canalOk(dose),
    estimate: { targetV100Pct: v100, targetV150Pct: (100 * v150) / PT, targetV200Pct: (100 * final.hot) / PT, targetD90Gy: d90, canalDmaxGy: canalDmax, canalD0_1ccGy: canalD01 },
    findings,
    candidateCount: C,
    perNeedle,
    totalStrengthU: seeds.reduce((a, s) => a + s.airKermaStrengthU, 0),
    sampledPoints: { target: PT, canal: PO },
    passes,
  };
}

/** Callbacks of {@link autoPlan}. */
export interface AutoPlanControl {
  onProgress?(fraction: number, message: string): void;
  /** Polled between steps; return true to stop (autoPlan then throws AutoPlanCancelledError). */
  shouldCancel?(): boolean;
}

/** Runs {@link autoPlanSteps} to completion (synchronously), reporting progress and honouring cancel. */
export function autoPlan(input: AutoPlanInput, control: AutoPlanControl = {}): AutoPlanResult {
  const it = autoPlanSteps(input);
  for (;;) {
    if (control.shouldCancel?.()) throw new AutoPlanCancelledError();
    const r = it.next();
    if (r.done) return r.value;
    control.onProgress?.(r.value.fraction, r.value.message);
  }
}

/** Seeds already planned, as capsules (for overlap checks by the interactive tool). */
export function seedCapsules(seeds: ReadonlyArray<{ positionMm: Vec3; axis: Vec3 }>): SeedCapsule[] {
  return seeds.map((s) => ({ positionMm: s.positionMm, axis: s.axis }));
}
