/**
 * Needle-trajectory constraints for percutaneous vertebroplasty / seed implantation (transpedicular approach, or the
 * cervical anterolateral approach with canal and body checks only). Pure functions over a TrajectoryModel prepared
 * once per level (levelAnatomy.ts); one evaluation takes a few milliseconds, fast enough for interactive dragging.
 *
 * Conventions (docs/trajectory.md): patient LPS mm; the needle is a cylinder of the gauge's outer diameter around the
 * segment skin → tip; "clearance" is the distance from the needle's outer surface to the pedicle's outer cortical
 * surface (negative = the needle breaches the wall by that much).
 */
import { NEEDLE_OUTER_DIAMETER_MM, type NeedleGauge, type TrajectoryFinding } from '../planning/plan';
import type { PedicleModel, Side, TrajectoryModel } from './levelAnatomy';
import { skinCrossing } from './skin';
import { sampleIndicator, type SurfacePoints } from './subvoxelSurface';
import { addScaled, distance, dot, PATIENT_ANTERIOR, PATIENT_LEFT, PATIENT_POSTERIOR, PATIENT_SUPERIOR, perpendicularUnit, sub, unit } from './vec3';
import type { Vec3 } from './volume';

export type Approach = 'transpedicular' | 'anterolateral';
export type PedicleWall = 'medial' | 'lateral' | 'superior' | 'inferior';

/** Finding codes; the first seven are the CLI contract. */
export const TRAJECTORY_CODES = {
  CANAL_BREACH: 'CANAL_BREACH',
  MEDIAL_WALL: 'MEDIAL_WALL',
  INFERIOR_WALL: 'INFERIOR_WALL',
  LATERAL_WALL: 'LATERAL_WALL',
  SUPERIOR_WALL: 'SUPERIOR_WALL',
  TIP_OUTSIDE_BODY: 'TIP_OUTSIDE_BODY',
  TIP_NEAR_CENTRE: 'TIP_NEAR_CENTRE',
  TIP_NEAR_ANTERIOR_CORTEX: 'TIP_NEAR_ANTERIOR_CORTEX',
  TIP_POSTERIOR: 'TIP_POSTERIOR',
  TIP_MID_HEIGHT: 'TIP_MID_HEIGHT',
  TIP_CROSSES_MIDLINE: 'TIP_CROSSES_MIDLINE',
  PEDICLE_MISSED: 'PEDICLE_MISSED',
  NO_PEDICLE_SEGMENT: 'NO_PEDICLE_SEGMENT',
  ENTRY_LATERAL_POSITION: 'ENTRY_LATERAL_POSITION',
  SKIN_NOT_FOUND: 'SKIN_NOT_FOUND',
} as const;

const WALL_CODE: Record<PedicleWall, string> = {
  medial: TRAJECTORY_CODES.MEDIAL_WALL,
  lateral: TRAJECTORY_CODES.LATERAL_WALL,
  superior: TRAJECTORY_CODES.SUPERIOR_WALL,
  inferior: TRAJECTORY_CODES.INFERIOR_WALL,
};
/** Medial breach → canal/dura, inferior breach → foramen and exiting root: errors; lateral and superior: warnings. */
const WALL_SEVERITY: Record<PedicleWall, 'error' | 'warning'> = { medial: 'error', inferior: 'error', lateral: 'warning', superior: 'warning' };
const WALLS: PedicleWall[] = ['medial', 'lateral', 'superior', 'inferior'];

export interface TrajectoryOptions {
  /** Needle gauge (outer diameter from NEEDLE_OUTER_DIAMETER_MM); default 11. */
  gauge?: NeedleGauge;
  /** Outer diameter override (mm), e.g. for another needle model. */
  outerDiameterMm?: number;
  /** Required clearance between the needle surface and the pedicle cortex (mm); default 1. */
  marginMm?: number;
  approach?: Approach;
  /** Pedicle side; default: the side of the skin entry relative to the mid-sagittal plane. */
  side?: Side;
  /** Minimum tip distance from the body centre (basivertebral venous plexus), mm; default 5. */
  minTipToCentreMm?: number;
  /** Minimum tip distance from the anterior cortex, mm; default 5. */
  minTipToAnteriorCortexMm?: number;
  /** Half-height of the band around the body's mid-height plane where the tip is "neither upper nor lower half"; default 2 mm. */
  midHeightBandMm?: number;
  /** How far the tip may cross the mid-sagittal plane before a warning; default 3 mm. */
  midlineToleranceMm?: number;
  /** Accepted range of the docking point's lateral position, as a fraction of spinous → transverse-process tip; default [0.15, 0.7]. */
  entryLateralFractionRange?: [number, number];
  /** Sampling step along the needle, mm; default 0.5 (the clearance varies slowly: < 0.01 mm sampling error). */
  stepMm?: number;
}

export interface WallLocation {
  wall: PedicleWall;
  /** Point of the needle axis where the clearance is smallest. */
  needlePointMm: Vec3;
  /** Nearest cortical wall point. */
  wallPointMm: Vec3;
  /** Distance of the needle point from the skin along the needle, mm. */
  depthFromSkinMm: number;
}

export interface TipAssessment {
  insideBody: boolean;
  distanceToCentreMm: number;
  /** Distance to the nearest anterior-facing point of the body surface (null when the tip is outside the body). */
  distanceToAnteriorCortexMm: number | null;
  /** Position between the posterior (0) and anterior (1) body walls along the AP line through the tip. */
  depthFraction: number | null;
  /** Height above (+) / below (−) the body centroid, mm. */
  heightFromCentreMm: number;
  half: 'upper' | 'lower' | 'middle';
  /** Lateral offset from the mid-sagittal plane towards the needle's side (negative = crossed the midline), mm. */
  lateralOffsetMm: number;
}

export interface TrajectoryEvaluation {
  /** No error findings. */
  feasible: boolean;
  /** Smallest pedicle-wall clearance (needle surface to outer cortex), mm; for the anterolateral approach the needle-to-canal distance. */
  minClearanceMm: number;
  violations: TrajectoryFinding[];
  /** Angle of the needle to the sagittal plane in the axial plane; positive = converging towards the midline as it advances. */
  medialAngleDeg: number;
  /** Angle of the needle to the axial plane in the sagittal plane; positive = the tip is cranial to the entry. */
  craniocaudalAngleDeg: number;
  /** Skin → tip length, mm. */
  lengthMm: number;
  /** Length of the path inside the vertebra (body, pedicle, posterior elements), mm. */
  boneLengthMm: number;
  /** Length of the path inside the pedicle, mm. */
  pedicleLengthMm: number;
  level?: string;
  side: Side;
  approach: Approach;
  outerDiameterMm: number;
  marginMm: number;
  entryMm: Vec3;
  skinEntryMm: Vec3;
  targetMm: Vec3;
  /** Per-wall minimum clearance (mm); null where the wall was not evaluated. */
  wallClearanceMm: Record<PedicleWall, number | null>;
  minClearanceLocation: WallLocation | null;
  /** Needle surface to spinal canal, mm (negative = inside the canal by that much). */
  canalDistanceMm: number;
  tip: TipAssessment;
  /** Skin entry distance from the mid-sagittal plane, mm. */
  entryLateralOffsetMm: number;
  /** Lateral position where the needle first meets bone, as a fraction of the spinous → transverse-process-tip distance (review: about 1/3). */
  dockingLateralFraction: number | null;
  notes: string[];
}

const deg = (rad: number): number => (rad * 180) / Math.PI;

/** Outer diameter of the needle for the options (gauge table or explicit override). */
export function needleOuterDiameterMm(options: TrajectoryOptions): number {
  if (options.outerDiameterMm !== undefined) return options.outerDiameterMm;
  return NEEDLE_OUTER_DIAMETER_MM[options.gauge ?? 11];
}

/** Nearest point of a surface to q: index and distance (brute force over a few thousand points). */
function nearestPoint(s: SurfacePoints, q: Vec3): { index: number; distanceMm: number } {
  const p = s.positionsMm;
  let best = Infinity;
  let index = -1;
  for (let n = 0, o = 0; n < s.count; n++, o += 3) {
    const dx = p[o] - q[0], dy = p[o + 1] - q[1], dz = p[o + 2] - q[2];
    const d = dx * dx + dy * dy + dz * dz;
    if (d < best) { best = d; index = n; }
  }
  return { index, distanceMm: Math.sqrt(best) };
}

/** Local wall frame for a needle direction: medial and superior unit vectors perpendicular to the needle. */
export function wallFrame(ped: PedicleModel, dir: Vec3): { medial: Vec3; superior: Vec3 } {
  const medial = perpendicularUnit(ped.medialDirection, dir) ?? perpendicularUnit(PATIENT_POSTERIOR, dir) ?? [1, 0, 0];
  const sup0 = perpendicularUnit(PATIENT_SUPERIOR, dir) ?? perpendicularUnit(PATIENT_POSTERIOR, dir) ?? [0, 0, 1];
  const superior = perpendicularUnit(sup0, medial) ?? sup0;
  return { medial, superior };
}

/** Which wall an outward normal belongs to, seen from the needle (dominant component in its cross-section). */
export function classifyWall(normal: Vec3, frame: { medial: Vec3; superior: Vec3 }): PedicleWall {
  const m = dot(normal, frame.medial);
  const s = dot(normal, frame.superior);
  if (Math.abs(m) >= Math.abs(s)) return m > 0 ? 'medial' : 'lateral';
  return s > 0 ? 'superior' : 'inferior';
}

export interface CorridorResult {
  wallClearanceMm: Record<PedicleWall, number | null>;
  minClearanceMm: number;
  location: WallLocation | null;
  enteredPedicle: boolean;
  pedicleLengthMm: number;
  sampled: boolean;
}

/**
 * Pedicle corridor along the needle axis from `from` to `to`: at each axis point within the pedicle's axial extent,
 * the signed distance to the cortical wall (positive inside the pedicle, negative outside in soft tissue/canal;
 * points inside the body or posterior elements are not part of the corridor), minus the needle radius.
 */
export function pedicleCorridor(model: TrajectoryModel, ped: PedicleModel, from: Vec3, to: Vec3, radiusMm: number, stepMm = 0.5): CorridorResult {
  const length = distance(from, to);
  const dir = unit(sub(to, from));
  const frame = wallFrame(ped, dir);
  const walls = ped.walls;
  const cls = new Uint8Array(walls.count);
  for (let n = 0; n < walls.count; n++) {
    cls[n] = WALLS.indexOf(classifyWall([walls.normals[3 * n], walls.normals[3 * n + 1], walls.normals[3 * n + 2]], frame));
  }
  const best = [Infinity, Infinity, Infinity, Infinity];
  let overall = Infinity;
  let location: WallLocation | null = null;
  let entered = false;
  let sampled = false;
  let inside = 0;
  const [sLo, sHi] = ped.axialRangeMm;
  const post = model.posteriorElements?.indicator;
  const p = walls.positionsMm;
  const nSteps = Math.max(1, Math.ceil(length / stepMm));
  for (let k = 0; k <= nSteps; k++) {
    const t = (k / nSteps) * length;
    const q = addScaled(from, dir, t);
    const s = dot(sub(q, ped.centroidMm), ped.axisDirection);
    if (s < sLo || s > sHi) continue;
    const inPedicle = sampleIndicator(ped.indicator, q) >= 0.5;
    if (!inPedicle && (sampleIndicator(model.body.indicator, q) >= 0.5 || (post && sampleIndicator(post, q) >= 0.5))) continue;
    sampled = true;
    if (inPedicle) { entered = true; inside++; }
    const dmin = [Infinity, Infinity, Infinity, Infinity];
    const imin = [-1, -1, -1, -1];
    let nearest = -1;
    let nearestD = Infinity;
    for (let n = 0, o = 0; n < walls.count; n++, o += 3) {
      const dx = p[o] - q[0], dy = p[o + 1] - q[1], dz = p[o + 2] - q[2];
      const d = dx * dx + dy * dy + dz * dz;
      const c = cls[n];
      if (d < dmin[c]) { dmin[c] = d; imin[c] = n; }
      if (d < nearestD) { nearestD = d; nearest = n; }
    }
    if (nearest < 0) continue;
    for (let c = 0; c < 4; c++) {
      if (imin[c] < 0) continue;
      let clearance = Math.sqrt(dmin[c]) - radiusMm;
      // Outside the pedicle the nearest wall is the breached one: its clearance is negative.
      if (!inPedicle && c === cls[nearest]) clearance = -Math.sqrt(nearestD) - radiusMm;
      if (clearance < best[c]) best[c] = clearance;
      if (clearance < overall) {
        overall = clearance;
        const w = imin[c];
        location = { wall: WALLS[c], needlePointMm: q, wallPointMm: [p[3 * w], p[3 * w + 1], p[3 * w + 2]], depthFromSkinMm: t };
      }
    }
  }
  const wallClearanceMm = {} as Record<PedicleWall, number | null>;
  WALLS.forEach((w, c) => { wallClearanceMm[w] = Number.isFinite(best[c]) ? best[c] : null; });
  return { wallClearanceMm, minClearanceMm: overall, location, enteredPedicle: entered, pedicleLengthMm: inside * (length / nSteps), sampled };
}

/** Needle surface to canal (mm): distance from the canal surface to the axis segment minus the radius; negative inside. */
export function canalDistanceMm(model: TrajectoryModel, from: Vec3, to: Vec3, radiusMm: number, stepMm = 0.5): number {
  const length = distance(from, to);
  const dir = unit(sub(to, from));
  const s = model.canal.surface;
  const p = s.positionsMm;
  let best = Infinity;
  for (let n = 0, o = 0; n < s.count; n++, o += 3) {
    const rx = p[o] - from[0], ry = p[o + 1] - from[1], rz = p[o + 2] - from[2];
    let t = rx * dir[0] + ry * dir[1] + rz * dir[2];
    t = t < 0 ? 0 : t > length ? length : t;
    const dx = rx - t * dir[0], dy = ry - t * dir[1], dz = rz - t * dir[2];
    const d = dx * dx + dy * dy + dz * dz;
    if (d < best) best = d;
  }
  let depth = 0;
  const nSteps = Math.max(1, Math.ceil(length / stepMm));
  for (let k = 0; k <= nSteps; k++) {
    const q = addScaled(from, dir, (k / nSteps) * length);
    if (sampleIndicator(model.canal.indicator, q) >= 0.5) depth = Math.max(depth, nearestPoint(s, q).distanceMm);
  }
  return depth > 0 ? -(depth + radiusMm) : Math.sqrt(best) - radiusMm;
}

/** Distance from p along ±dir until the body indicator drops below 0.5 (mm). */
function reachInBody(model: TrajectoryModel, p: Vec3, dir: Vec3): number {
  let t = 0;
  const step = 0.25;
  while (t < 300 && sampleIndicator(model.body.indicator, addScaled(p, dir, t + step)) >= 0.5) t += step;
  return t + step / 2;
}

/** Where the tip sits in the vertebral body. */
export function assessTip(model: TrajectoryModel, tipMm: Vec3, side: Side, midHeightBandMm = 2): TipAssessment {
  const insideBody = sampleIndicator(model.body.indicator, tipMm) >= 0.5;
  const c = model.body.centroidMm;
  const heightFromCentreMm = dot(sub(tipMm, c), PATIENT_SUPERIOR);
  const sideSign = side === 'left' ? 1 : -1;
  const lateralOffsetMm = sideSign * dot(sub(tipMm, model.midlineMm), PATIENT_LEFT);
  let distanceToAnteriorCortexMm: number | null = null;
  let depthFraction: number | null = null;
  if (insideBody) {
    const s = model.body.surface;
    let best = Infinity;
    for (let n = 0, o = 0; n < s.count; n++, o += 3) {
      const facing = s.normals[o] * PATIENT_ANTERIOR[0] + s.normals[o + 1] * PATIENT_ANTERIOR[1] + s.normals[o + 2] * PATIENT_ANTERIOR[2];
      if (facing < 0.5) continue;
      const d = Math.hypot(s.positionsMm[o] - tipMm[0], s.positionsMm[o + 1] - tipMm[1], s.positionsMm[o + 2] - tipMm[2]);
      if (d < best) best = d;
    }
    distanceToAnteriorCortexMm = Number.isFinite(best) ? best : null;
    const toPosterior = reachInBody(model, tipMm, PATIENT_POSTERIOR);
    const toAnterior = reachInBody(model, tipMm, PATIENT_ANTERIOR);
    depthFraction = toPosterior / (toPosterior + toAnterior);
  }
  return {
    insideBody,
    distanceToCentreMm: distance(tipMm, c),
    distanceToAnteriorCortexMm,
    depthFraction,
    heightFromCentreMm,
    half: Math.abs(heightFromCentreMm) < midHeightBandMm ? 'middle' : heightFromCentreMm > 0 ? 'upper' : 'lower',
    lateralOffsetMm,
  };
}

const f1 = (v: number): string => v.toFixed(1);

/**
 * Evaluates a needle from `entryMm` (on the skin or deeper along the same line) to the tip `targetMm` against the
 * transpedicular (or anterolateral) constraints of the level.
 */
export function evaluateTrajectory(model: TrajectoryModel, entryMm: Vec3, targetMm: Vec3, options: TrajectoryOptions = {}): TrajectoryEvaluation {
  if (distance(entryMm, targetMm) < 1e-6) throw new RangeError('entry and target are the same point');
  const approach = options.approach ?? 'transpedicular';
  const outerDiameterMm = needleOuterDiameterMm(options);
  const radius = outerDiameterMm / 2;
  const marginMm = options.marginMm ?? 1;
  const step = options.stepMm ?? 0.5;
  const notes: string[] = [];
  const violations: TrajectoryFinding[] = [];

  let skinEntryMm = entryMm;
  if (model.ct) {
    const skin = skinCrossing(model.ct, entryMm, targetMm);
    skinEntryMm = skin.skinMm;
    if (!skin.found) {
      violations.push({ code: TRAJECTORY_CODES.SKIN_NOT_FOUND, severity: 'warning', message: 'The skin is not crossed inside the image along this line; lengths are measured from the image edge / given entry.' });
    }
  } else {
    notes.push('No CT given: the entry point is taken as the skin entry.');
  }
  const dir = unit(sub(targetMm, skinEntryMm));
  const side: Side = options.side ?? (dot(sub(skinEntryMm, model.midlineMm), PATIENT_LEFT) >= 0 ? 'left' : 'right');
  const sideSign = side === 'left' ? 1 : -1;

  // Angles: medial in the axial plane, craniocaudal in the sagittal plane (docs/trajectory.md).
  // Depth is measured along the direction the needle advances: anterior for transpedicular, posterior for the
  // anterolateral (cervical) approach, so both angles stay within ±90° for either.
  const anteriorC = (approach === 'anterolateral' ? -1 : 1) * dot(dir, PATIENT_ANTERIOR);
  const medialC = -sideSign * dot(dir, PATIENT_LEFT);
  const superiorC = dot(dir, PATIENT_SUPERIOR);
  const medialAngleDeg = deg(Math.atan2(medialC, anteriorC));
  const craniocaudalAngleDeg = deg(Math.atan2(superiorC, anteriorC));
  const lengthMm = distance(skinEntryMm, targetMm);

  // Length in bone and docking point.
  const bone = [model.body.indicator, model.posteriorElements?.indicator, model.pedicles.left?.indicator, model.pedicles.right?.indicator];
  let boneSamples = 0;
  let docking: Vec3 | undefined;
  const nSteps = Math.max(1, Math.ceil(lengthMm / step));
  for (let k = 0; k <= nSteps; k++) {
    const q = addScaled(skinEntryMm, dir, (k / nSteps) * lengthMm);
    if (bone.some((ind) => ind !== undefined && sampleIndicator(ind, q) >= 0.5)) {
      boneSamples++;
      docking ??= q;
    }
  }
  const boneLengthMm = boneSamples * (lengthMm / nSteps);

  // Canal.
  const canal = canalDistanceMm(model, skinEntryMm, targetMm, radius, step);
  if (canal < 0) {
    violations.push({ code: TRAJECTORY_CODES.CANAL_BREACH, severity: 'error', message: `The needle enters the spinal canal (${f1(-canal)} mm deep).` });
  }

  // Pedicle corridor.
  let wallClearanceMm: Record<PedicleWall, number | null> = { medial: null, lateral: null, superior: null, inferior: null };
  let minClearanceMm = canal;
  let location: WallLocation | null = null;
  let pedicleLengthMm = 0;
  if (approach === 'anterolateral') {
    notes.push('Anterolateral (cervical) approach: the pedicle corridor does not apply; only the canal and vertebral-body checks are made. minClearanceMm is the needle-to-canal distance.');
  } else {
    const ped = model.pedicles[side];
    if (!ped) {
      violations.push({ code: TRAJECTORY_CODES.NO_PEDICLE_SEGMENT, severity: 'error', message: `No ${side} pedicle in the segmentation: the transpedicular corridor cannot be checked.` });
      // No corridor to measure: reported as a needle fully outside it (a finite number, as the CLI contract needs).
      minClearanceMm = Math.min(canal, -radius);
    } else {
      const corridor = pedicleCorridor(model, ped, skinEntryMm, targetMm, radius, step);
      wallClearanceMm = corridor.wallClearanceMm;
      location = corridor.location;
      pedicleLengthMm = corridor.pedicleLengthMm;
      minClearanceMm = corridor.minClearanceMm;
      if (!corridor.sampled || !corridor.enteredPedicle) {
        violations.push({ code: TRAJECTORY_CODES.PEDICLE_MISSED, severity: 'error', message: `The needle does not pass through the ${side} pedicle.` });
      }
      for (const w of WALLS) {
        const c = corridor.wallClearanceMm[w];
        if (c === null || c >= marginMm) continue;
        const what = c < 0 ? `breaches the ${w} pedicle wall by ${f1(-c)} mm` : `passes ${f1(c)} mm from the ${w} pedicle wall (margin ${f1(marginMm)} mm)`;
        const risk = w === 'medial' ? ' (towards the spinal canal)' : w === 'inferior' ? ' (towards the neural foramen)' : '';
        violations.push({ code: WALL_CODE[w], severity: WALL_SEVERITY[w], message: `The needle ${what}${risk}.` });
      }
      if (!Number.isFinite(minClearanceMm)) minClearanceMm = -radius;
    }
  }

  // Tip.
  const minCentre = options.minTipToCentreMm ?? 5;
  const minAnterior = options.minTipToAnteriorCortexMm ?? 5;
  const tip = assessTip(model, targetMm, side, options.midHeightBandMm ?? 2);
  if (!tip.insideBody) {
    violations.push({ code: TRAJECTORY_CODES.TIP_OUTSIDE_BODY, severity: 'error', message: 'The tip is outside the vertebral body.' });
  } else {
    const nearCentre = tip.distanceToCentreMm < minCentre;
    if (nearCentre) {
      violations.push({ code: TRAJECTORY_CODES.TIP_NEAR_CENTRE, severity: 'warning', message: `The tip is ${f1(tip.distanceToCentreMm)} mm from the centre of the body (basivertebral veins; keep ≥ ${f1(minCentre)} mm).` });
    }
    if (tip.distanceToAnteriorCortexMm !== null && tip.distanceToAnteriorCortexMm < minAnterior) {
      violations.push({ code: TRAJECTORY_CODES.TIP_NEAR_ANTERIOR_CORTEX, severity: 'warning', message: `The tip is ${f1(tip.distanceToAnteriorCortexMm)} mm from the anterior cortex (keep ≥ ${f1(minAnterior)} mm; great vessels beyond).` });
    }
    if (approach === 'transpedicular' && tip.depthFraction !== null && tip.depthFraction < 1 / 3) {
      violations.push({ code: TRAJECTORY_CODES.TIP_POSTERIOR, severity: 'warning', message: 'The tip is in the posterior third of the body; aim for the anterior part.' });
    }
    // The central zone supersedes the mid-height and midline findings (same concern: the basivertebral veins).
    if (!nearCentre && tip.half === 'middle') {
      violations.push({ code: TRAJECTORY_CODES.TIP_MID_HEIGHT, severity: 'warning', message: 'The tip is at mid-height of the body; place it in the upper or lower half.' });
    }
    if (!nearCentre && approach === 'transpedicular' && tip.lateralOffsetMm < -(options.midlineToleranceMm ?? 3)) {
      violations.push({ code: TRAJECTORY_CODES.TIP_CROSSES_MIDLINE, severity: 'warning', message: `The tip is ${f1(-tip.lateralOffsetMm)} mm across the midline; keep it on the ${side} side.` });
    }
  }

  // Entry position (review: about 1/3 of the way from the spinous process to the transverse process).
  const entryLateralOffsetMm = sideSign * dot(sub(skinEntryMm, model.midlineMm), PATIENT_LEFT);
  let dockingLateralFraction: number | null = null;
  const tpTip = model.posteriorElements?.transverseTipOffsetMm[side];
  if (approach === 'transpedicular' && docking && tpTip) {
    dockingLateralFraction = (sideSign * dot(sub(docking, model.midlineMm), PATIENT_LEFT)) / tpTip;
    const [lo, hi] = options.entryLateralFractionRange ?? [0.15, 0.7];
    if (dockingLateralFraction < lo || dockingLateralFraction > hi) {
      violations.push({
        code: TRAJECTORY_CODES.ENTRY_LATERAL_POSITION,
        severity: 'warning',
        message: `The needle meets bone at ${Math.round(dockingLateralFraction * 100)} % of the way from the spinous process to the transverse-process tip (expected about 1/3; accepted ${Math.round(lo * 100)}–${Math.round(hi * 100)} %).`,
      });
    }
  }

  return {
    feasible: !violations.some((v) => v.severity === 'error'),
    minClearanceMm,
    violations,
    medialAngleDeg,
    craniocaudalAngleDeg,
    lengthMm,
    boneLengthMm,
    pedicleLengthMm,
    level: model.level,
    side,
    approach,
    outerDiameterMm,
    marginMm,
    entryMm,
    skinEntryMm,
    targetMm,
    wallClearanceMm,
    minClearanceLocation: location,
    canalDistanceMm: canal,
    tip,
    entryLateralOffsetMm,
    dockingLateralFraction,
    notes,
  };
}
