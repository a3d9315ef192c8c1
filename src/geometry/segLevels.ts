/**
 * Picks the level to plan on from a SEG's segments: the plain labels of a single-vertebra SEG ("Left pedicle", …) or
 * level-prefixed labels of a multi-level SEG ("L1 Left pedicle", …), and turns its segments into LevelMasks.
 */
import { groupSegmentsByLevel, SEGMENT_ROLE_LABELS, TrajectoryInputError, type LevelMasks, type SegmentRole } from './levelAnatomy';
import { distance } from './vec3';
import { patientToVoxel, voxelToPatient, type Vec3, type VolumeGeometry } from './volume';

export interface SegmentSource {
  segments: ReadonlyArray<{ segmentNumber: number; label: string }>;
  /** Binary mask (0/1) of one segment on the CT grid. */
  segmentMask(segmentNumber: number): Uint8Array;
}

export interface LevelChoice {
  /** Level name, or undefined for a single-vertebra SEG with plain labels. */
  level?: string;
  masks: LevelMasks;
  /** Why this level was chosen (for the output notes). */
  reason: string;
}

function unionOf(src: SegmentSource, numbers: number[] | undefined): Uint8Array | undefined {
  if (!numbers || numbers.length === 0) return undefined;
  const first = src.segmentMask(numbers[0]);
  for (const n of numbers.slice(1)) {
    const m = src.segmentMask(n);
    for (let v = 0; v < first.length; v++) first[v] |= m[v];
  }
  return first;
}

function centroidOf(g: VolumeGeometry, mask: Uint8Array): Vec3 | undefined {
  const [nx, ny, nz] = g.dimensions;
  let n = 0, si = 0, sj = 0, sk = 0;
  for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (mask[v]) { n++; si += i; sj += j; sk += k; }
  }
  return n ? voxelToPatient(g, si / n, sj / n, sk / n) : undefined;
}

/**
 * Chooses the level: `level` if given; the only one; the one whose body contains (else is nearest to) `targetMm`;
 * else the one holding a lesion. Throws TrajectoryInputError with the available levels otherwise.
 */
export function chooseLevel(src: SegmentSource, geometry: VolumeGeometry, options: { level?: string; targetMm?: Vec3 } = {}): LevelChoice {
  const groups = groupSegmentsByLevel(src.segments);
  if (groups.size === 0) {
    const known = Object.values(SEGMENT_ROLE_LABELS).map((l) => `"${l}"`).join(', ');
    throw new TrajectoryInputError(`the SEG has none of the segment labels ${known} (optionally prefixed by the level, e.g. "L1 Left pedicle"); found: ${src.segments.map((s) => `"${s.label}"`).join(', ') || 'no segments'}`);
  }
  const names = [...groups.keys()];
  const shown = names.map((n) => n || '(unprefixed)').join(', ');
  let key: string | undefined;
  let reason = '';
  if (options.level !== undefined) {
    const want = options.level.trim().toUpperCase();
    key = names.find((n) => n === want) ?? (names.length === 1 && names[0] === '' ? '' : undefined);
    if (key === undefined) throw new TrajectoryInputError(`level ${want} is not in the SEG (levels: ${shown})`);
    reason = `level ${want} as requested`;
  } else if (names.length === 1) {
    key = names[0];
    reason = key ? `the only level in the SEG (${key})` : 'single-vertebra SEG';
  } else if (options.targetMm) {
    const target = options.targetMm;
    let best = Infinity;
    for (const [name, roles] of groups) {
      const body = unionOf(src, [...(roles.body ?? []), ...(roles.lesion ?? [])]);
      if (!body) continue;
      const v = patientToVoxel(geometry, target).map(Math.round);
      const [nx, ny, nz] = geometry.dimensions;
      const inside = v[0] >= 0 && v[1] >= 0 && v[2] >= 0 && v[0] < nx && v[1] < ny && v[2] < nz && body[v[0] + nx * (v[1] + ny * v[2])] === 1;
      const c = centroidOf(geometry, body);
      const d = inside ? -1 : c ? distance(c, target) : Infinity;
      if (d < best) { best = d; key = name; }
    }
    if (key === undefined) throw new TrajectoryInputError(`no vertebral body segment in the SEG (levels: ${shown})`);
    reason = best < 0 ? `its vertebral body contains the target` : `its vertebral body is nearest to the target`;
  } else {
    const withLesion = names.filter((n) => (groups.get(n)?.lesion?.length ?? 0) > 0);
    if (withLesion.length !== 1) throw new TrajectoryInputError(`the SEG holds several levels (${shown}): choose one with --level`);
    key = withLesion[0];
    reason = `level ${key} holds the lesion (use --level to choose another)`;
  }
  const roles = groups.get(key) ?? {};
  const need = (role: SegmentRole): Uint8Array => {
    const m = unionOf(src, roles[role]);
    if (!m) throw new TrajectoryInputError(`the SEG has no "${key ? key + ' ' : ''}${SEGMENT_ROLE_LABELS[role]}" segment`);
    return m;
  };
  const masks: LevelMasks = {
    body: need('body'),
    canal: need('canal'),
    leftPedicle: unionOf(src, roles.leftPedicle),
    rightPedicle: unionOf(src, roles.rightPedicle),
    posteriorElements: unionOf(src, roles.posteriorElements),
    lesion: unionOf(src, roles.lesion),
  };
  return { level: key || undefined, masks, reason };
}
