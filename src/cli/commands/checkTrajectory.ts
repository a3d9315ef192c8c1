import type { Command } from '../command';
import { numberFlag, pointFlag, stringFlag, UsageError, type ParsedArgs } from '../args';
import { readCtSeriesDir, readSegFile } from '../../dicom/ctSeriesNode';
import { buildTrajectoryModel, type Side, type TrajectoryModel } from '../../geometry/levelAnatomy';
import { chooseLevel } from '../../geometry/segLevels';
import { evaluateTrajectory, type Approach, type TrajectoryEvaluation, type TrajectoryOptions } from '../../geometry/trajectory';
import { containsVoxel, patientToVoxel, type Vec3 } from '../../geometry/volume';
import type { NeedleGauge } from '../../planning/plan';

const USAGE =
  'check-trajectory --ct DIR --seg SEG --entry x,y,z --target x,y,z [--gauge 11|13] [--margin-mm 1] [--diameter-mm D] [--level L1] [--side left|right] [--approach transpedicular|anterolateral]';

/** Needle options shared by check-trajectory and suggest-trajectory. */
export function needleOptions(args: ParsedArgs): TrajectoryOptions {
  const gauge = numberFlag(args, 'gauge', 11);
  if (gauge !== 11 && gauge !== 13 && gauge !== 15) throw new UsageError(`--gauge must be 11, 13 or 15, got ${gauge}`);
  const marginMm = numberFlag(args, 'margin-mm', 1);
  if (marginMm < 0) throw new UsageError(`--margin-mm must be ≥ 0, got ${marginMm}`);
  const opts: TrajectoryOptions = { gauge: gauge as NeedleGauge, marginMm };
  if (args.flags.has('diameter-mm')) {
    const d = numberFlag(args, 'diameter-mm');
    if (!(d > 0 && d < 10)) throw new UsageError(`--diameter-mm must be between 0 and 10 mm, got ${d}`);
    opts.outerDiameterMm = d;
  }
  if (args.flags.has('approach')) {
    const a = stringFlag(args, 'approach');
    if (a !== 'transpedicular' && a !== 'anterolateral') throw new UsageError(`--approach must be transpedicular or anterolateral, got "${a}"`);
    opts.approach = a as Approach;
  }
  return opts;
}

export function sideFlag(args: ParsedArgs, required: boolean): Side | undefined {
  if (!required && !args.flags.has('side')) return undefined;
  const s = stringFlag(args, 'side');
  if (s !== 'left' && s !== 'right') throw new UsageError(`--side must be left or right, got "${s}"`);
  return s;
}

/** Reads the CT and the SEG, picks the level and prepares its trajectory model. */
export function loadTrajectoryModel(args: ParsedArgs, targetMm?: Vec3): { model: TrajectoryModel; levelReason: string } {
  const ctDir = stringFlag(args, 'ct');
  const segFile = stringFlag(args, 'seg');
  const level = args.flags.has('level') ? stringFlag(args, 'level') : undefined;
  const { volume } = readCtSeriesDir(ctDir);
  if (targetMm) assertInside(volume.geometry, targetMm, 'target');
  const seg = readSegFile(segFile, volume.geometry);
  const choice = chooseLevel(seg, volume.geometry, { level, targetMm });
  const model = buildTrajectoryModel({ geometry: volume.geometry, ct: volume, masks: choice.masks, level: choice.level });
  return { model, levelReason: choice.reason };
}

export function assertInside(g: Parameters<typeof containsVoxel>[0], p: Vec3, what: string): void {
  if (!containsVoxel(g, patientToVoxel(g, p))) throw new Error(`the ${what} point ${p.join(',')} mm is outside the CT image`);
}

const r2 = (v: number): number => Math.round(v * 100) / 100;
const rv = (v: Vec3): Vec3 => [r2(v[0]), r2(v[1]), r2(v[2])];
const rn = (v: number | null): number | null => (v === null ? null : r2(v));

/** The contract's JSON fields first, then the details (numbers rounded to 0.01). */
export function evaluationJson(e: TrajectoryEvaluation, extra: Record<string, unknown> = {}, notes: string[] = []): Record<string, unknown> {
  return {
    feasible: e.feasible,
    minClearanceMm: r2(e.minClearanceMm),
    violations: e.violations,
    medialAngleDeg: r2(e.medialAngleDeg),
    craniocaudalAngleDeg: r2(e.craniocaudalAngleDeg),
    lengthMm: r2(e.lengthMm),
    ...extra,
    level: e.level ?? null,
    side: e.side,
    approach: e.approach,
    outerDiameterMm: e.outerDiameterMm,
    marginMm: e.marginMm,
    skinEntryMm: rv(e.skinEntryMm),
    targetMm: rv(e.targetMm),
    boneLengthMm: r2(e.boneLengthMm),
    pedicleLengthMm: r2(e.pedicleLengthMm),
    wallClearanceMm: {
      medial: rn(e.wallClearanceMm.medial),
      lateral: rn(e.wallClearanceMm.lateral),
      superior: rn(e.wallClearanceMm.superior),
      inferior: rn(e.wallClearanceMm.inferior),
    },
    minClearanceLocation: e.minClearanceLocation && {
      wall: e.minClearanceLocation.wall,
      needlePointMm: rv(e.minClearanceLocation.needlePointMm),
      wallPointMm: rv(e.minClearanceLocation.wallPointMm),
      depthFromSkinMm: r2(e.minClearanceLocation.depthFromSkinMm),
    },
    canalDistanceMm: r2(e.canalDistanceMm),
    tip: {
      insideBody: e.tip.insideBody,
      distanceToCentreMm: r2(e.tip.distanceToCentreMm),
      distanceToAnteriorCortexMm: rn(e.tip.distanceToAnteriorCortexMm),
      depthFraction: rn(e.tip.depthFraction),
      heightFromCentreMm: r2(e.tip.heightFromCentreMm),
      half: e.tip.half,
      lateralOffsetMm: r2(e.tip.lateralOffsetMm),
    },
    entryLateralOffsetMm: r2(e.entryLateralOffsetMm),
    dockingLateralFraction: rn(e.dockingLateralFraction),
    notes: [...notes, ...e.notes],
  };
}

/** `pvpi check-trajectory`: evaluates one needle path against the transpedicular constraints; prints one JSON object. */
export const checkTrajectoryCommand: Command = {
  name: 'check-trajectory',
  summary: 'check a needle path (entry → target) against pedicle, canal and tip constraints; print JSON',
  usage: USAGE,
  async run(args, io) {
    const entryMm = pointFlag(args, 'entry');
    const targetMm = pointFlag(args, 'target');
    const options = needleOptions(args);
    const side = sideFlag(args, false);
    if (side) options.side = side;
    const { model, levelReason } = loadTrajectoryModel(args, targetMm);
    assertInside(model.geometry, entryMm, 'entry');
    const e = evaluateTrajectory(model, entryMm, targetMm, options);
    io.out(JSON.stringify(evaluationJson(e, {}, [`Level: ${levelReason}.`])));
    return 0;
  },
};
