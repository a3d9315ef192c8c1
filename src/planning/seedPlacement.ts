/**
 * Seed positions along a needle track.
 *
 * Seeds are deposited from the needle tip backwards while the needle is withdrawn: centres at
 * tip − (tipOffset + k·spacing)·u (u = unit entry → tip, k = 0, 1, …), each kept only when
 * - its centre lies inside the target or within `marginMm` of it (review: "spacing of 0.3 cm around the target area"),
 *   and inside the vertebral body or the target (no seeds in paravertebral soft tissue outside the target),
 * - no point of its capsule axis (centre and both ends) is inside the spinal canal,
 * - both capsule ends and the centre are ≥ `minPosteriorWallMm` from the posterior wall of the body, measured
 *   along the patient posterior direction inside body ∪ target (planning-facts.md: seeds kept 3–10 mm from the
 *   posterior vertebral-body border),
 * - its capsule (0.8 mm × 4.5 mm, axis along the needle) does not overlap any other seed, of this needle or another.
 * Masks are sampled at the nearest voxel of their grid.
 */
import type { Vec3, VolumeGeometry } from '../geometry/volume';
import { patientToVoxel } from '../geometry/volume';
import { distanceToMaskMm } from './gridBox';

/** 125I seed capsule (models 6711, I25.S06, 6702): 0.8 mm diameter, 4.5 mm long. */
export const SEED_CAPSULE_MM = { diameterMm: 0.8, lengthMm: 4.5 } as const;

/** Allowed centre-to-centre spacing along a needle (mm) and its default. */
export const SEED_SPACING_RANGE_MM: [number, number] = [5, 15];
export const DEFAULT_SEED_SPACING_MM = 10;

/** Rules of seed placement (all distances in mm). */
export interface SeedPlacementRules {
  /** Centre-to-centre spacing along the needle, 5–15 mm (default 10). */
  spacingMm?: number;
  /** Distance of the first seed centre behind the needle tip (default 0: the first seed is centred on the tip). */
  tipOffsetMm?: number;
  /** Seeds may sit up to this far outside the target (default 3 mm). */
  marginMm?: number;
  /** Minimum distance of the capsule from the posterior wall of the vertebral body (default 3 mm). */
  minPosteriorWallMm?: number;
}

export const DEFAULT_PLACEMENT_RULES: Required<SeedPlacementRules> = { spacingMm: DEFAULT_SEED_SPACING_MM, tipOffsetMm: 0, marginMm: 3, minPosteriorWallMm: 3 };

/** The structures seed placement looks at, as masks (non-zero = inside) on one grid. */
export interface PlacementAnatomy {
  geometry: VolumeGeometry;
  target: Uint8Array;
  /** Spinal canal: no part of a seed inside it. */
  canal?: Uint8Array;
  /** Vertebral body (lesion included or not: the target is added). Enables the posterior-wall rule. */
  body?: Uint8Array;
}

/** Prepared anatomy (distance map of the target, body ∪ target), reusable for many placements. */
export interface PlacementContext {
  geometry: VolumeGeometry;
  target: Uint8Array;
  canal?: Uint8Array;
  /** body ∪ target, when a body was given. */
  bodyOrTarget?: Uint8Array;
  targetDistanceMm: Float32Array;
}

export function preparePlacement(anatomy: PlacementAnatomy): PlacementContext {
  const n = anatomy.geometry.dimensions[0] * anatomy.geometry.dimensions[1] * anatomy.geometry.dimensions[2];
  for (const [name, m] of [['target', anatomy.target], ['canal', anatomy.canal], ['body', anatomy.body]] as const) {
    if (m && m.length !== n) throw new RangeError(`${name} mask has ${m.length} voxels, the grid ${n}`);
  }
  let bodyOrTarget: Uint8Array | undefined;
  if (anatomy.body) {
    bodyOrTarget = new Uint8Array(n);
    for (let v = 0; v < n; v++) bodyOrTarget[v] = anatomy.body[v] || anatomy.target[v] ? 1 : 0;
  }
  return { geometry: anatomy.geometry, target: anatomy.target, canal: anatomy.canal, bodyOrTarget, targetDistanceMm: distanceToMaskMm(anatomy.target, anatomy.geometry) };
}

/** Why a position was refused. */
export type PlacementRejection = 'outside-image' | 'outside-target-margin' | 'outside-body' | 'in-canal' | 'near-posterior-wall' | 'overlaps-seed';

export const PLACEMENT_REJECTION_TEXT: Readonly<Record<PlacementRejection, string>> = {
  'outside-image': 'outside the image',
  'outside-target-margin': 'outside the target margin',
  'outside-body': 'outside the vertebral body and the target',
  'in-canal': 'in the spinal canal',
  'near-posterior-wall': 'too close to the posterior wall of the body',
  'overlaps-seed': 'overlapping another seed',
};

/** A seed as far as overlap is concerned: capsule centre and unit axis. */
export interface SeedCapsule {
  positionMm: Vec3;
  axis: Vec3;
}

function voxelOf(g: VolumeGeometry, p: Vec3): number {
  const v = patientToVoxel(g, p);
  const i = Math.round(v[0]);
  const j = Math.round(v[1]);
  const k = Math.round(v[2]);
  const [nx, ny, nz] = g.dimensions;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return -1;
  return i + nx * (j + ny * k);
}

const add = (p: Vec3, u: Vec3, t: number): Vec3 => [p[0] + u[0] * t, p[1] + u[1] * t, p[2] + u[2] * t];

/** Patient posterior direction in LPS. */
const POSTERIOR: Vec3 = [0, 1, 0];

/**
 * Distance (mm) from a point to the posterior wall of the body: how far one can go in the patient posterior
 * direction before leaving body ∪ target (0.25 mm steps, up to 100 mm); −1 when the point is outside it.
 */
export function posteriorWallDistanceMm(ctx: PlacementContext, pMm: Vec3): number {
  const m = ctx.bodyOrTarget;
  if (!m) return Infinity;
  const v0 = voxelOf(ctx.geometry, pMm);
  if (v0 < 0 || !m[v0]) return -1;
  const step = 0.25;
  for (let t = step; t <= 100; t += step) {
    const v = voxelOf(ctx.geometry, add(pMm, POSTERIOR, t));
    if (v < 0 || !m[v]) return t - step / 2;
  }
  return 100;
}

/** Smallest distance between segments [p0, p1] and [q0, q1] (mm). */
export function segmentDistanceMm(p0: Vec3, p1: Vec3, q0: Vec3, q1: Vec3): number {
  const d1: Vec3 = [p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]];
  const d2: Vec3 = [q1[0] - q0[0], q1[1] - q0[1], q1[2] - q0[2]];
  const r: Vec3 = [p0[0] - q0[0], p0[1] - q0[1], p0[2] - q0[2]];
  const a = d1[0] * d1[0] + d1[1] * d1[1] + d1[2] * d1[2];
  const e = d2[0] * d2[0] + d2[1] * d2[1] + d2[2] * d2[2];
  const f = d2[0] * r[0] + d2[1] * r[1] + d2[2] * r[2];
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  let s: number;
  let t: number;
  if (a <= 1e-12 && e <= 1e-12) {
    s = 0;
    t = 0;
  } else if (a <= 1e-12) {
    s = 0;
    t = clamp(f / e);
  } else {
    const c = d1[0] * r[0] + d1[1] * r[1] + d1[2] * r[2];
    if (e <= 1e-12) {
      t = 0;
      s = clamp(-c / a);
    } else {
      const b = d1[0] * d2[0] + d1[1] * d2[1] + d1[2] * d2[2];
      const denom = a * e - b * b;
      s = denom > 1e-12 ? clamp((b * f - c * e) / denom) : 0;
      t = (b * s + f) / e;
      if (t < 0) {
        t = 0;
        s = clamp(-c / a);
      } else if (t > 1) {
        t = 1;
        s = clamp((b - c) / a);
      }
    }
  }
  const cp = add(p0, d1, s);
  const cq = add(q0, d2, t);
  return Math.hypot(cp[0] - cq[0], cp[1] - cq[1], cp[2] - cq[2]);
}

/** Capsule axis end points (centre ± length/2 along the axis). */
export function capsuleEnds(s: SeedCapsule): [Vec3, Vec3] {
  const h = SEED_CAPSULE_MM.lengthMm / 2;
  return [add(s.positionMm, s.axis, -h), add(s.positionMm, s.axis, h)];
}

/**
 * True when two seed capsules (cylinders 0.8 mm × 4.5 mm) overlap. Parallel axes (seeds on one needle or on
 * parallel needles): exact cylinder test (lateral distance < 0.8 mm and axial offset < 4.5 mm). Other angles: the
 * cylinder is bounded by the points within 0.4 mm of its 4.5 mm axis segment, so "no overlap" there is conservative.
 */
export function capsulesOverlap(a: SeedCapsule, b: SeedCapsule): boolean {
  const D = SEED_CAPSULE_MM.diameterMm;
  const c = a.axis[0] * b.axis[0] + a.axis[1] * b.axis[1] + a.axis[2] * b.axis[2];
  if (Math.abs(c) > 1 - 1e-9) {
    const d: Vec3 = [b.positionMm[0] - a.positionMm[0], b.positionMm[1] - a.positionMm[1], b.positionMm[2] - a.positionMm[2]];
    const along = d[0] * a.axis[0] + d[1] * a.axis[1] + d[2] * a.axis[2];
    const lateral = Math.sqrt(Math.max(0, d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - along * along));
    return lateral < D - 1e-9 && Math.abs(along) < SEED_CAPSULE_MM.lengthMm - 1e-9;
  }
  const [a0, a1] = capsuleEnds(a);
  const [b0, b1] = capsuleEnds(b);
  return segmentDistanceMm(a0, a1, b0, b1) < D - 1e-9;
}

/**
 * Checks one seed position against the anatomy rules (not the overlap rule). Returns the first rule broken, or
 * undefined when the position is allowed.
 */
export function checkSeedAnatomy(ctx: PlacementContext, seed: SeedCapsule, rules: SeedPlacementRules = {}): PlacementRejection | undefined {
  const r = { ...DEFAULT_PLACEMENT_RULES, ...rules };
  const g = ctx.geometry;
  const c = voxelOf(g, seed.positionMm);
  if (c < 0) return 'outside-image';
  if (!(ctx.targetDistanceMm[c] <= r.marginMm)) return 'outside-target-margin';
  if (ctx.bodyOrTarget && !ctx.bodyOrTarget[c]) return 'outside-body';
  const ends = capsuleEnds(seed);
  if (ctx.canal) {
    for (const p of [seed.positionMm, ...ends]) {
      const v = voxelOf(g, p);
      if (v >= 0 && ctx.canal[v]) return 'in-canal';
    }
  }
  if (ctx.bodyOrTarget) {
    for (const p of [seed.positionMm, ...ends]) if (posteriorWallDistanceMm(ctx, p) < r.minPosteriorWallMm) return 'near-posterior-wall';
  }
  return undefined;
}

/** A needle as seed placement needs it. */
export interface NeedleTrack {
  id: string;
  entryMm: Vec3;
  tipMm: Vec3;
}

/** Unit vector entry → tip (the seed axis). */
export function needleAxis(n: NeedleTrack): Vec3 {
  const d: Vec3 = [n.tipMm[0] - n.entryMm[0], n.tipMm[1] - n.entryMm[1], n.tipMm[2] - n.entryMm[2]];
  const len = Math.hypot(d[0], d[1], d[2]);
  if (!(len > 0)) throw new RangeError(`needle ${n.id}: entry and tip are the same point`);
  return [d[0] / len, d[1] / len, d[2] / len];
}

export interface PlacedSeed {
  needleId: string;
  positionMm: Vec3;
  axis: Vec3;
  /** Distance of the centre behind the tip along the needle, mm. */
  depthFromTipMm: number;
}

export interface SeedPlacementResult {
  seeds: PlacedSeed[];
  /** Lattice positions that were refused, with the rule that refused them. */
  rejected: Array<{ positionMm: Vec3; depthFromTipMm: number; reason: PlacementRejection }>;
}

function validSpacing(s: number): number {
  if (!(s >= SEED_SPACING_RANGE_MM[0] && s <= SEED_SPACING_RANGE_MM[1])) {
    throw new RangeError(`seed spacing must be ${SEED_SPACING_RANGE_MM[0]}–${SEED_SPACING_RANGE_MM[1]} mm, got ${s}`);
  }
  return s;
}

/**
 * Seed positions on one needle from the tip backwards at the chosen spacing (module comment lists the rules),
 * avoiding overlap with `existing` seeds (other needles, or seeds already placed) and with each other.
 */
export function placeSeedsAlongNeedle(ctx: PlacementContext, needle: NeedleTrack, existing: readonly SeedCapsule[] = [], rules: SeedPlacementRules = {}): SeedPlacementResult {
  const r = { ...DEFAULT_PLACEMENT_RULES, ...rules };
  const spacing = validSpacing(r.spacingMm);
  const u = needleAxis(needle);
  const length = Math.hypot(needle.tipMm[0] - needle.entryMm[0], needle.tipMm[1] - needle.entryMm[1], needle.tipMm[2] - needle.entryMm[2]);
  const seeds: PlacedSeed[] = [];
  const rejected: SeedPlacementResult['rejected'] = [];
  const placed: SeedCapsule[] = [...existing];
  for (let k = 0; ; k++) {
    const depth = r.tipOffsetMm + k * spacing;
    if (depth > length + 1e-9) break;
    const seed: SeedCapsule = { positionMm: add(needle.tipMm, u, -depth), axis: u };
    let reason = checkSeedAnatomy(ctx, seed, r);
    if (!reason && placed.some((o) => capsulesOverlap(o, seed))) reason = 'overlaps-seed';
    if (reason) {
      rejected.push({ positionMm: seed.positionMm, depthFromTipMm: depth, reason });
      continue;
    }
    seeds.push({ needleId: needle.id, positionMm: seed.positionMm, axis: u, depthFromTipMm: depth });
    placed.push(seed);
  }
  return { seeds, rejected };
}
