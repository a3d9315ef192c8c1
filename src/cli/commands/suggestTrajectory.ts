import type { Command } from '../command';
import { pointFlag, stringFlag, UsageError } from '../args';
import { suggestTrajectory } from '../../geometry/trajectorySuggest';
import type { Vec3 } from '../../geometry/volume';
import { assertInside, evaluationJson, loadTrajectoryModel, needleOptions, sideFlag } from './checkTrajectory';

const USAGE =
  'suggest-trajectory --ct DIR --seg SEG --side left|right [--gauge 11|13] [--margin-mm 1] [--diameter-mm D] [--level L1] [--target x,y,z] [--half upper|lower]';

const r2 = (v: number): number => Math.round(v * 100) / 100;
const rv = (v: Vec3): Vec3 => [r2(v[0]), r2(v[1]), r2(v[2])];

/** `pvpi suggest-trajectory`: the largest-clearance transpedicular path for one side; prints one JSON object. */
export const suggestTrajectoryCommand: Command = {
  name: 'suggest-trajectory',
  summary: 'suggest the transpedicular path with the largest pedicle clearance for one side; print JSON',
  usage: USAGE,
  async run(args, io) {
    const side = sideFlag(args, true);
    if (!side) throw new UsageError('missing required option --side');
    const options = needleOptions(args);
    if (options.approach === 'anterolateral') throw new UsageError('suggest-trajectory plans transpedicular paths only');
    const targetMm = args.flags.has('target') ? pointFlag(args, 'target') : undefined;
    let half: 'upper' | 'lower' | undefined;
    if (args.flags.has('half')) {
      const h = stringFlag(args, 'half');
      if (h !== 'upper' && h !== 'lower') throw new UsageError(`--half must be upper or lower, got "${h}"`);
      half = h;
    }
    const { model, levelReason } = loadTrajectoryModel(args, targetMm);
    if (targetMm) assertInside(model.geometry, targetMm, 'target');
    const s = suggestTrajectory(model, { ...options, side, targetMm, half });
    io.out(JSON.stringify(evaluationJson(s, { entry: rv(s.entry), target: rv(s.target), isthmusMm: rv(s.isthmusMm) }, [`Level: ${levelReason}.`])));
    return 0;
  },
};
