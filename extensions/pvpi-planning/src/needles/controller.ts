/**
 * The needle workflow: create a needle from two clicks, drag its ends, suggest the best transpedicular trajectory,
 * override a blocked needle, turn a viewport into the bull's-eye view. Constraint checks run in the planning worker
 * (core src/geometry/trajectory*.ts); every change goes through the shared plan session (undo/redo), and the
 * findings of the checks are stored on the needle in the plan (an error blocks seeds until overridden).
 */
import type { Side } from '../../../../src/geometry/levelAnatomy';
import { addScaled, distance, norm, perpendicularUnit, PATIENT_ANTERIOR, PATIENT_SUPERIOR, sub, unit } from '../../../../src/geometry/vec3';
import type { Vec3 } from '../../../../src/geometry/volume';
import { NEEDLE_OUTER_DIAMETER_MM, type Needle, type NeedleGauge, type TrajectoryFinding } from '../../../../src/planning/plan';
import { currentPlanEditor, editPlan } from '../plan/planSession';
import { currentLevel, levelAtIfAny, prepareLevel, segmentedLevels } from './anatomy';
import { evaluateInWorker, suggestInWorker } from './planningClient';
import { getNeedleState, setNeedleState, type NeedleEvaluationEntry } from './store';
import { activeViewportId, notify, redrawPlanOverlays, viewportById } from './viewports';

/** Finding of a needle that could not be checked (no segmentation at its tip, worker failure). */
export const NOT_CHECKED = 'NOT_CHECKED';

export type NeedleStatus = 'ok' | 'warning' | 'error';

/** Green / amber / red: errors, warnings, or all constraints met. */
export function needleStatus(n: Pick<Needle, 'findings'>): NeedleStatus {
  if (n.findings.some((f) => f.severity === 'error')) return 'error';
  return n.findings.length > 0 ? 'warning' : 'ok';
}

/** Drawing colours of the statuses. */
export const STATUS_COLOURS: Record<NeedleStatus, string> = { ok: 'rgb(0, 230, 64)', warning: 'rgb(255, 176, 0)', error: 'rgb(255, 32, 32)' };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): void {
  setNeedleState({ busy: undefined, error: message, info: undefined });
  notify('Needles', message, 'error');
}

let idCounter = 0;
function newId(prefix: string): string {
  idCounter++;
  return `${prefix}-${Date.now().toString(36)}-${idCounter}`;
}

const f2 = (v: Vec3): string => v.map((x) => x.toFixed(2)).join(',');
let anatomyGeneration = 0;

/** Key of the geometry an evaluation belongs to. */
function evaluationKey(n: Pick<Needle, 'entryMm' | 'tipMm' | 'gauge' | 'approach'>): string {
  return `${f2(n.entryMm)}|${f2(n.tipMm)}|${n.gauge}|${n.approach}|${getNeedleState().marginMm}|${anatomyGeneration}`;
}

interface CheckResult {
  findings: TrajectoryFinding[];
  side: Needle['side'];
  entry: NeedleEvaluationEntry;
}

/** Runs the core checks for a trajectory (worker); never throws: failures become a NOT_CHECKED finding. */
async function check(n: Pick<Needle, 'entryMm' | 'tipMm' | 'gauge' | 'approach'>): Promise<CheckResult> {
  const key = evaluationKey(n);
  const level = levelAtIfAny(n.tipMm);
  if (!level) {
    const problem = 'No segmented vertebra at the needle tip: constraints not checked (segment the level first).';
    return { findings: [{ code: NOT_CHECKED, severity: 'warning', message: problem }], side: 'other', entry: { key, problem } };
  }
  try {
    const prepared = await prepareLevel(level);
    const evaluation = await evaluateInWorker(prepared.levelKey, n.entryMm, n.tipMm, { gauge: n.gauge, marginMm: getNeedleState().marginMm, approach: n.approach });
    return { findings: evaluation.violations, side: evaluation.side, entry: { key, evaluation, level: prepared.name } };
  } catch (error) {
    const problem = `Constraints not checked: ${describe(error)}`;
    return { findings: [{ code: NOT_CHECKED, severity: 'warning', message: problem }], side: 'other', entry: { key, problem, level: level.name } };
  }
}

function cacheEvaluation(id: string, entry: NeedleEvaluationEntry): void {
  setNeedleState({ evaluations: { ...getNeedleState().evaluations, [id]: entry } });
}

function planNeedle(id: string): Needle | undefined {
  return currentPlanEditor()?.plan.needles.find((n) => n.id === id);
}

function sameFindings(a: TrajectoryFinding[], b: TrajectoryFinding[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function labelFor(level: string | undefined, side: Needle['side']): string {
  const base = `${level ?? 'Needle'} ${side === 'other' ? '' : side}`.trim();
  const existing = new Set(currentPlanEditor()?.plan.needles.map((n) => n.label) ?? []);
  if (!existing.has(base)) return base;
  for (let i = 2; ; i++) if (!existing.has(`${base} ${i}`)) return `${base} ${i}`;
}

function requirePlan(): boolean {
  if (currentPlanEditor()) return true;
  fail('No plan is open: show the planning CT in a viewport first');
  return false;
}

/** Creates a needle from entry and tip (patient mm), checked before it enters the plan. */
export async function createNeedle(entryMm: Vec3, tipMm: Vec3, gauge: NeedleGauge = getNeedleState().gauge): Promise<Needle | undefined> {
  if (!requirePlan()) return undefined;
  if (distance(entryMm, tipMm) < 2) {
    fail('Entry and target are less than 2 mm apart: click the skin entry, then the target in the vertebral body');
    return undefined;
  }
  setNeedleState({ busy: 'Checking the trajectory…', error: undefined, info: undefined });
  const geometry = { entryMm, tipMm, gauge, approach: getNeedleState().approach };
  const result = await check(geometry);
  const needle: Needle = {
    id: newId('needle'),
    label: labelFor(result.entry.level, result.side),
    ...geometry,
    outerDiameterMm: NEEDLE_OUTER_DIAMETER_MM[gauge],
    side: result.side,
    findings: result.findings,
  };
  editPlan({ type: 'addNeedle', needle });
  cacheEvaluation(needle.id, result.entry);
  setNeedleState({ busy: undefined, selectedNeedleId: needle.id, info: `${needle.label}: ${summary(needle)}` });
  return needle;
}

function summary(n: Needle): string {
  const status = needleStatus(n);
  if (status === 'ok') return 'all constraints met';
  const codes = n.findings.map((f) => f.code).join(', ');
  return status === 'error' ? `blocked (${codes})` : `warnings (${codes})`;
}

const inFlight = new Map<string, { rerun: boolean }>();

/** Re-checks a needle after a geometry change and stores the findings (merged into the same undo step). */
async function recheck(id: string): Promise<void> {
  const running = inFlight.get(id);
  if (running) {
    running.rerun = true;
    return;
  }
  const token = { rerun: false };
  inFlight.set(id, token);
  try {
    do {
      token.rerun = false;
      const n = planNeedle(id);
      if (!n) return;
      const result = await check(n);
      const now = planNeedle(id);
      if (!now || evaluationKey(now) !== result.entry.key) continue;
      cacheEvaluation(id, result.entry);
      if (!sameFindings(now.findings, result.findings) || now.side !== result.side) {
        editPlan({ type: 'updateNeedle', id, changes: { findings: result.findings, side: result.side } }, true);
      }
    } while (token.rerun);
  } finally {
    inFlight.delete(id);
  }
}

/**
 * Moves one end of a needle (drag). `first` starts a new undo step; later moves of the same drag (and the findings
 * of the re-check) merge into it. The needle's seeds ride along (core `moveNeedle` edit: same distance from the tip
 * on the new axis) and are re-validated by the seed checks; a moved needle loses its override (the override was for
 * the previous trajectory).
 */
export function moveNeedleEnd(id: string, which: 'entry' | 'tip', pointMm: Vec3, first: boolean): void {
  const n = planNeedle(id);
  if (!n) return;
  const entryMm = which === 'entry' ? pointMm : n.entryMm;
  const tipMm = which === 'tip' ? pointMm : n.tipMm;
  if (distance(entryMm, tipMm) < 2) return;
  editPlan({ type: 'moveNeedle', id, entryMm, tipMm }, !first);
  void recheck(id);
}

/** Changes the gauge of a needle (outer diameter from the gauge table) and re-checks it. */
export function setNeedleGauge(id: string, gauge: NeedleGauge): void {
  if (!planNeedle(id)) return;
  editPlan({ type: 'updateNeedle', id, changes: { gauge, outerDiameterMm: NEEDLE_OUTER_DIAMETER_MM[gauge] } });
  void recheck(id);
}

/**
 * Changes the approach of a needle: transpedicular (pedicle corridor checked) or anterolateral (cervical: only the
 * canal and vertebral-body checks apply, the pedicle corridor does not) and re-checks it.
 */
export function setNeedleApproach(id: string, approach: Needle['approach']): void {
  const n = planNeedle(id);
  if (!n || n.approach === approach) return;
  editPlan({ type: 'updateNeedle', id, changes: { approach } });
  setNeedleState({
    error: undefined,
    info: approach === 'anterolateral'
      ? `${n.label}: anterolateral (cervical) approach: only the canal and vertebral-body checks apply; the pedicle corridor is not checked.`
      : `${n.label}: transpedicular approach: the pedicle corridor is checked again.`,
  });
  void recheck(id);
}

/**
 * "Best path to this tip": keeps the needle's tip (the target the user chose) and moves its entry onto the
 * largest-clearance line through the pedicle on the tip's side (core suggestTrajectory with that target). Its seeds
 * ride along as for a drag; one undo step.
 */
export async function aimThroughPedicle(id: string): Promise<boolean> {
  const n = planNeedle(id);
  if (!n) return false;
  if (n.approach !== 'transpedicular') {
    fail(`${n.label}: the pedicle path applies to the transpedicular approach only`);
    return false;
  }
  const level = levelAtIfAny(n.tipMm);
  if (!level) {
    fail(`${n.label}: no segmented vertebra at the tip: segment the level first`);
    return false;
  }
  setNeedleState({ busy: `Finding the best pedicle path to the tip of ${n.label}…`, error: undefined, info: undefined });
  try {
    const prepared = await prepareLevel(level);
    // The pedicle on the tip's side (a transpedicular tip stays on its own side of the midline); LPS: +x = left.
    const side: Side = n.tipMm[0] >= level.bodyCenterMm[0] ? 'left' : 'right';
    const s = await suggestInWorker(prepared.levelKey, side, { gauge: n.gauge, marginMm: getNeedleState().marginMm }, undefined, n.tipMm);
    const now = planNeedle(id);
    if (!now) return false;
    editPlan({ type: 'moveNeedle', id, entryMm: s.entry, tipMm: now.tipMm });
    await recheck(id);
    const after = planNeedle(id);
    const info = after
      ? `${after.label}: entry moved onto the best ${side} pedicle path to its tip: clearance ${s.minClearanceMm.toFixed(1)} mm, medial ${s.medialAngleDeg.toFixed(0)}°, craniocaudal ${s.craniocaudalAngleDeg.toFixed(0)}°; ${summary(after)}.`
      : undefined;
    setNeedleState({ busy: undefined, selectedNeedleId: id, info });
    return true;
  } catch (error) {
    fail(`${n.label}: no pedicle path to this tip: ${describe(error)}`);
    return false;
  }
}

/** Removes a needle (its seeds go with it). */
export function removeNeedle(id: string): void {
  if (!planNeedle(id)) return;
  editPlan({ type: 'removeNeedle', id });
  if (getNeedleState().selectedNeedleId === id) setNeedleState({ selectedNeedleId: undefined });
}

/** Records the explicit override of a needle with error findings (reason required), which lets it carry seeds. */
export function overrideNeedle(id: string, reason: string): boolean {
  const n = planNeedle(id);
  if (!n) return false;
  if (!reason.trim()) {
    fail('Give a reason to override the safety constraints of this needle');
    return false;
  }
  editPlan({ type: 'updateNeedle', id, changes: { override: { reason: reason.trim(), atDateTime: new Date().toISOString() } } });
  setNeedleState({ error: undefined, info: `${n.label}: constraints overridden (${reason.trim()}).` });
  return true;
}

/** Withdraws an override. */
export function clearOverride(id: string): void {
  if (!planNeedle(id)?.override) return;
  editPlan({ type: 'updateNeedle', id, changes: { override: undefined } });
}

export function selectNeedle(id: string | undefined): void {
  setNeedleState({ selectedNeedleId: id });
  redrawPlanOverlays();
}

/**
 * "Suggest trajectory": the largest-clearance transpedicular path through the chosen pedicle of the current level
 * (core suggestTrajectory), added to the plan. Without a side: the first side that has no needle on this level.
 * Bilateral default: left tip in the upper half, right tip in the lower half (or opposite to the existing needle).
 * When the level has a lesion, the tip is aimed through the lesion part of that half if that path meets every
 * constraint (as `pvpi plan` does), so the track can carry seeds; else the default path.
 */
export async function suggestNeedle(options: { side?: Side; half?: 'upper' | 'lower'; slot?: number } = {}): Promise<Needle | undefined> {
  if (!requirePlan()) return undefined;
  const level = options.slot !== undefined ? segmentedLevels().find((l) => l.slot === options.slot) : currentLevel();
  if (!level) {
    fail('Segment the vertebra first ("Segment vertebra"): the suggestion needs its pedicles, canal and body');
    return undefined;
  }
  const plan = currentPlanEditor()?.plan;
  const onLevel = (plan?.needles ?? []).filter((n) => n.label.startsWith(`${level.name} `));
  const side: Side = options.side ?? (['left', 'right'] as Side[]).find((s) => !onLevel.some((n) => n.side === s)) ?? 'left';
  let half = options.half;
  if (!half) {
    const other = onLevel.find((n) => n.side !== side && n.side !== 'other');
    const otherTipUp = other ? other.tipMm[2] > level.bodyCenterMm[2] : undefined;
    half = otherTipUp === undefined ? (side === 'left' ? 'upper' : 'lower') : otherTipUp ? 'lower' : 'upper';
  }
  setNeedleState({ busy: `Suggesting the ${side} ${level.name} trajectory…`, error: undefined, info: undefined });
  try {
    const prepared = await prepareLevel(level);
    const gauge = getNeedleState().gauge;
    const s = await suggestInWorker(prepared.levelKey, side, { gauge, marginMm: getNeedleState().marginMm }, half, undefined, true);
    const needle: Needle = {
      id: newId('needle'),
      label: labelFor(prepared.name, side),
      entryMm: s.entry,
      tipMm: s.target,
      gauge,
      outerDiameterMm: NEEDLE_OUTER_DIAMETER_MM[gauge],
      side,
      approach: 'transpedicular',
      findings: s.violations,
    };
    editPlan({ type: 'addNeedle', needle });
    cacheEvaluation(needle.id, { key: evaluationKey(needle), evaluation: s, level: prepared.name });
    const info = `${needle.label}: clearance ${s.minClearanceMm.toFixed(1)} mm, medial ${s.medialAngleDeg.toFixed(0)}°, craniocaudal ${s.craniocaudalAngleDeg.toFixed(0)}°, ${s.lengthMm.toFixed(0)} mm; ${summary(needle)}.`;
    setNeedleState({ busy: undefined, selectedNeedleId: needle.id, info });
    return needle;
  } catch (error) {
    fail(`No ${side} trajectory suggested: ${describe(error)}`);
    return undefined;
  }
}

/**
 * "Bull's-eye view": turns a viewport (default: the active one) to look down the needle axis from the skin, centred
 * on the narrowest point of the pedicle corridor (the isthmus), cranial up: the pedicle ring with the needle's dot.
 */
export function bullsEyeView(options: { needleId?: string; viewportId?: string } = {}): boolean {
  const plan = currentPlanEditor()?.plan;
  const needles = plan?.needles ?? [];
  const id = options.needleId ?? getNeedleState().selectedNeedleId;
  const n = needles.find((x) => x.id === id) ?? needles[needles.length - 1];
  if (!n) {
    fail("Bull's-eye view: plan or suggest a needle first");
    return false;
  }
  const vpId = options.viewportId ?? activeViewportId();
  const vp = vpId ? viewportById(vpId) : undefined;
  if (!vp) {
    fail("Bull's-eye view: no viewport to turn (click a viewport first)");
    return false;
  }
  const dir = unit(sub(n.tipMm, n.entryMm));
  const ev = getNeedleState().evaluations[n.id]?.evaluation;
  const focal = ev?.minClearanceLocation?.needlePointMm ?? addScaled(n.entryMm, dir, distance(n.entryMm, n.tipMm) * 0.6);
  const cam = vp.getCamera();
  const dist = norm(sub(cam.position, cam.focalPoint)) || 1000;
  const normal: Vec3 = [-dir[0], -dir[1], -dir[2]];
  const viewUp = perpendicularUnit(PATIENT_SUPERIOR, dir) ?? perpendicularUnit(PATIENT_ANTERIOR, dir) ?? cam.viewUp;
  vp.setCamera({ viewPlaneNormal: normal, viewUp, focalPoint: focal, position: addScaled(focal, normal, dist) });
  vp.render();
  redrawPlanOverlays();
  setNeedleState({ selectedNeedleId: n.id, error: undefined, info: `Bull's-eye view of ${n.label} in ${vp.id}: looking down the needle at the ${ev?.minClearanceLocation ? 'pedicle isthmus' : 'needle'}.` });
  return true;
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** The segmentation changed: the prepared anatomy is stale; re-check every needle (debounced). */
export function anatomyChanged(): void {
  anatomyGeneration++;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    for (const n of currentPlanEditor()?.plan.needles ?? []) void recheckStored(n.id);
  }, 800);
}

/** Re-checks a needle whose geometry did not change (new anatomy); a changed result is its own undo step. */
async function recheckStored(id: string): Promise<void> {
  const n = planNeedle(id);
  if (!n) return;
  const result = await check(n);
  const now = planNeedle(id);
  if (!now || evaluationKey(now) !== result.entry.key) return;
  cacheEvaluation(id, result.entry);
  if (!sameFindings(now.findings, result.findings)) editPlan({ type: 'updateNeedle', id, changes: { findings: result.findings, side: result.side } });
}

const displayInFlight = new Set<string>();

/** Keeps the panel's evaluation details in step with the plan (after undo/redo, reload): no plan edits. */
export function refreshEvaluationCache(): void {
  const needles = currentPlanEditor()?.plan.needles ?? [];
  const cache = getNeedleState().evaluations;
  for (const n of needles) {
    const key = evaluationKey(n);
    if (cache[n.id]?.key === key || displayInFlight.has(key) || inFlight.has(n.id)) continue;
    displayInFlight.add(key);
    void check(n)
      .then((r) => {
        if (planNeedle(n.id) && evaluationKey(planNeedle(n.id) as Needle) === r.entry.key) cacheEvaluation(n.id, r.entry);
      })
      .finally(() => displayInFlight.delete(key));
  }
}
