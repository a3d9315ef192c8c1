/**
 * The anatomy of one vertebral level prepared for fast trajectory checks: sub-voxel surfaces of the pedicle walls,
 * the spinal canal and the vertebral body, computed once per level so a trajectory can be re-evaluated on every
 * mouse drag (see trajectory.ts).
 */
import { DEFAULT_INDICATOR_SIGMA_MM, extractSurface, filterSurface, sampleIndicator, smoothSurfacePoints, smoothedIndicator, type SmoothedIndicator, type SurfacePoints } from './subvoxelSurface';
import { addScaled, dot, PATIENT_ANTERIOR, PATIENT_LEFT, PATIENT_SUPERIOR, sub, unit } from './vec3';
import { voxelToPatient, type ScalarVolume, type Vec3, type VolumeGeometry } from './volume';

export type SegmentRole = 'body' | 'leftPedicle' | 'rightPedicle' | 'posteriorElements' | 'canal' | 'lesion';
export type Side = 'left' | 'right';

/** Exact segment labels of a single-vertebra SEG (segmentation issue); multi-level SEGs prefix them with the level. */
export const SEGMENT_ROLE_LABELS: Readonly<Record<SegmentRole, string>> = {
  body: 'Vertebral body',
  leftPedicle: 'Left pedicle',
  rightPedicle: 'Right pedicle',
  posteriorElements: 'Posterior elements',
  canal: 'Spinal canal',
  lesion: 'Lesion',
};

/**
 * Parses "Left pedicle", "L1 Left pedicle" or "V2 Left pedicle" (a level the viewer has not named yet: V1, V2 …)
 * into its role and optional level; undefined for other labels.
 */
export function parseSegmentLabel(label: string): { role: SegmentRole; level?: string } | undefined {
  const m = /^\s*(?:([CTLSV]\d{1,2})\s+)?(.+?)\s*$/i.exec(label);
  if (!m) return undefined;
  const name = m[2].toLowerCase();
  const role = (Object.keys(SEGMENT_ROLE_LABELS) as SegmentRole[]).find((r) => SEGMENT_ROLE_LABELS[r].toLowerCase() === name);
  if (!role) return undefined;
  return m[1] ? { role, level: m[1].toUpperCase() } : { role };
}

/** Segment numbers of each role, per level ('' for unprefixed labels). */
export function groupSegmentsByLevel(segments: ReadonlyArray<{ segmentNumber: number; label: string }>): Map<string, Partial<Record<SegmentRole, number[]>>> {
  const levels = new Map<string, Partial<Record<SegmentRole, number[]>>>();
  for (const s of segments) {
    const parsed = parseSegmentLabel(s.label);
    if (!parsed) continue;
    const key = parsed.level ?? '';
    const entry = levels.get(key) ?? {};
    (entry[parsed.role] ??= []).push(s.segmentNumber);
    levels.set(key, entry);
  }
  return levels;
}

/** Binary masks (0/1, CT grid) of one level. The lesion is merged into the body for the tip checks. */
export interface LevelMasks {
  body: Uint8Array;
  canal: Uint8Array;
  leftPedicle?: Uint8Array;
  rightPedicle?: Uint8Array;
  posteriorElements?: Uint8Array;
  lesion?: Uint8Array;
}

/** A pedicle prepared for corridor checks. */
export interface PedicleModel {
  side: Side;
  indicator: SmoothedIndicator;
  /** Sub-voxel points of the cortical wall (outer surface), excluding the junction with the body and the end caps. */
  walls: SurfacePoints;
  /** Centroid of the pedicle (patient mm). */
  centroidMm: Vec3;
  /** Estimated axis direction (unit, pointing anteriorly), from the pedicle's shape in the axial plane. */
  axisDirection: Vec3;
  /** Extent of the pedicle along the axis relative to the centroid (mm), shrunk by a voxel at both ends. */
  axialRangeMm: [number, number];
  /** Unit vector towards the canal (medial), in the axial plane. */
  medialDirection: Vec3;
}

/** Everything the trajectory checks need about one level, computed once. */
export interface TrajectoryModel {
  geometry: VolumeGeometry;
  /** The CT in HU (skin detection); optional for callers that give skin entry points. */
  ct?: ScalarVolume;
  level?: string;
  body: { indicator: SmoothedIndicator; surface: SurfacePoints; centroidMm: Vec3; heightMm: number };
  canal: { indicator: SmoothedIndicator; surface: SurfacePoints; centroidMm: Vec3 };
  posteriorElements?: { indicator: SmoothedIndicator; transverseTipOffsetMm: { left?: number; right?: number } };
  pedicles: { left?: PedicleModel; right?: PedicleModel };
  /** A point of the mid-sagittal plane (the canal centroid); lateral offsets are measured from it along patient left. */
  midlineMm: Vec3;
}

/** Raised for segmentations the trajectory checks cannot use (missing segments, empty masks). */
export class TrajectoryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrajectoryInputError';
  }
}

export interface TrajectoryModelOptions {
  sigmaMm?: number;
  /** Surface sampling refinement relative to the CT grid (2 = half-voxel edges). */
  surfaceRefine?: number;
  /** Radius of the moving-least-squares denoising of the pedicle wall points (mm); 0 = off. */
  mlsRadiusMm?: number;
}

function union(a: Uint8Array, b: Uint8Array | undefined): Uint8Array {
  if (!b) return a;
  const out = new Uint8Array(a.length);
  for (let v = 0; v < a.length; v++) out[v] = a[v] | b[v] ? 1 : 0;
  return out;
}

/** Dominant direction of the mask voxels in the axial plane (2×2 principal component), oriented anteriorly. */
function axialPrincipalDirection(g: VolumeGeometry, mask: Uint8Array, centroid: Vec3): Vec3 {
  const [nx, ny, nz] = g.dimensions;
  let sxx = 0, sxy = 0, syy = 0;
  for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (!mask[v]) continue;
    const d = sub(voxelToPatient(g, i, j, k), centroid);
    const a = dot(d, PATIENT_LEFT);
    const b = dot(d, PATIENT_ANTERIOR);
    sxx += a * a; sxy += a * b; syy += b * b;
  }
  // Largest eigenvector of [[sxx, sxy], [sxy, syy]].
  const tr = sxx + syy;
  const det = sxx * syy - sxy * sxy;
  const l1 = tr / 2 + Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  let ex = sxy, ey = l1 - sxx;
  if (Math.hypot(ex, ey) < 1e-9) { ex = sxx >= syy ? 1 : 0; ey = sxx >= syy ? 0 : 1; }
  const dir = unit([ex * PATIENT_LEFT[0] + ey * PATIENT_ANTERIOR[0], ex * PATIENT_LEFT[1] + ey * PATIENT_ANTERIOR[1], ex * PATIENT_LEFT[2] + ey * PATIENT_ANTERIOR[2]]);
  return dot(dir, PATIENT_ANTERIOR) < 0 ? [-dir[0], -dir[1], -dir[2]] : dir;
}

function buildPedicle(side: Side, g: VolumeGeometry, mask: Uint8Array, bodyInd: SmoothedIndicator, canalCentroid: Vec3, opts: Required<TrajectoryModelOptions>): PedicleModel | undefined {
  const indicator = smoothedIndicator(g, mask, opts.sigmaMm);
  if (!indicator) return undefined;
  const centroidMm = indicator.centroidMm;
  const axisDirection = axialPrincipalDirection(g, mask, centroidMm);
  let sMin = Infinity, sMax = -Infinity;
  const [nx, ny, nz] = g.dimensions;
  for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (!mask[v]) continue;
    const s = dot(sub(voxelToPatient(g, i, j, k), centroidMm), axisDirection);
    if (s < sMin) sMin = s;
    if (s > sMax) sMax = s;
  }
  const voxel = Math.max(...g.spacingMm);
  const toCanal = sub(canalCentroid, centroidMm);
  const medial = addScaled(toCanal, PATIENT_SUPERIOR, -dot(toCanal, PATIENT_SUPERIOR));
  const surface = opts.mlsRadiusMm > 0 ? smoothSurfacePoints(extractSurface(indicator, opts.surfaceRefine), opts.mlsRadiusMm) : extractSurface(indicator, opts.surfaceRefine);
  // Walls: not the end caps (normal along the axis) and not the junction with the vertebral body.
  // (The caps of a voxelised, obliquely cut pedicle are staircases whose smoothed normals wander: points within a
  // voxel of the axial extremes are dropped too.)
  const sLo = sMin + voxel;
  const sHi = sMax - voxel;
  const walls = filterSurface(surface, (n) => {
    const nrm: Vec3 = [surface.normals[3 * n], surface.normals[3 * n + 1], surface.normals[3 * n + 2]];
    if (Math.abs(dot(nrm, axisDirection)) > 0.8) return false;
    const p: Vec3 = [surface.positionsMm[3 * n], surface.positionsMm[3 * n + 1], surface.positionsMm[3 * n + 2]];
    const s = dot(sub(p, centroidMm), axisDirection);
    if (s < sLo - 0.25 || s > sHi + 0.25) return false;
    return sampleIndicator(bodyInd, addScaled(p, nrm, voxel)) < 0.5;
  });
  return {
    side,
    indicator,
    walls,
    centroidMm,
    axisDirection,
    axialRangeMm: [sLo, sHi],
    medialDirection: unit(medial),
  };
}

/** Extent of the body along the superior axis through its centroid (mm). */
function bodyHeightMm(ind: SmoothedIndicator): number {
  const c = ind.centroidMm;
  const reach = (dir: number): number => {
    let t = 0;
    while (t < 200 && sampleIndicator(ind, addScaled(c, PATIENT_SUPERIOR, dir * (t + 0.25))) >= 0.5) t += 0.25;
    return t;
  };
  return reach(1) + reach(-1);
}

/** Prepares a level for trajectory checks (sub-voxel surfaces, axes). Throws TrajectoryInputError when unusable. */
export function buildTrajectoryModel(
  input: { geometry: VolumeGeometry; ct?: ScalarVolume; masks: LevelMasks; level?: string },
  options: TrajectoryModelOptions = {},
): TrajectoryModel {
  const opts: Required<TrajectoryModelOptions> = { sigmaMm: options.sigmaMm ?? DEFAULT_INDICATOR_SIGMA_MM, surfaceRefine: options.surfaceRefine ?? 2, mlsRadiusMm: options.mlsRadiusMm ?? 5 };
  const g = input.geometry;
  const where = input.level ? ` of ${input.level}` : '';
  const bodyMask = union(input.masks.body, input.masks.lesion);
  const bodyInd = smoothedIndicator(g, bodyMask, opts.sigmaMm);
  if (!bodyInd) throw new TrajectoryInputError(`the vertebral body${where} is empty`);
  const canalInd = smoothedIndicator(g, input.masks.canal, opts.sigmaMm);
  if (!canalInd) throw new TrajectoryInputError(`the spinal canal${where} is empty`);
  const midlineMm = canalInd.centroidMm;
  const pedicles: TrajectoryModel['pedicles'] = {};
  if (input.masks.leftPedicle) pedicles.left = buildPedicle('left', g, input.masks.leftPedicle, bodyInd, midlineMm, opts);
  if (input.masks.rightPedicle) pedicles.right = buildPedicle('right', g, input.masks.rightPedicle, bodyInd, midlineMm, opts);
  let posteriorElements: TrajectoryModel['posteriorElements'];
  if (input.masks.posteriorElements) {
    const ind = smoothedIndicator(g, input.masks.posteriorElements, opts.sigmaMm);
    if (ind) {
      let maxLeft = -Infinity, maxRight = -Infinity;
      const [nx, ny, nz] = g.dimensions;
      const m = input.masks.posteriorElements;
      for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
        if (!m[v]) continue;
        const lat = dot(sub(voxelToPatient(g, i, j, k), midlineMm), PATIENT_LEFT);
        if (lat > maxLeft) maxLeft = lat;
        if (-lat > maxRight) maxRight = -lat;
      }
      posteriorElements = {
        indicator: ind,
        transverseTipOffsetMm: { left: maxLeft > 0 ? maxLeft : undefined, right: maxRight > 0 ? maxRight : undefined },
      };
    }
  }
  return {
    geometry: g,
    ct: input.ct,
    level: input.level,
    body: { indicator: bodyInd, surface: extractSurface(bodyInd, 1), centroidMm: bodyInd.centroidMm, heightMm: bodyHeightMm(bodyInd) },
    canal: { indicator: canalInd, surface: extractSurface(canalInd, 1), centroidMm: canalInd.centroidMm },
    posteriorElements,
    pedicles,
    midlineMm,
  };
}
