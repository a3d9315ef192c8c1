import type { Command } from '../command';
import { numberFlag, stringFlag, UsageError } from '../args';
import { getSourceModel, listSourceModels } from '../../dose/sourceModel';
import { doseRateCGyPerH, type Tg43Formalism } from '../../dose/tg43';

/** Parses "along:away,along:away,…" (cm) into pairs. */
export function parseAlongAway(text: string): [number, number][] {
  const pairs = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (pairs.length === 0) throw new UsageError('--along-away needs at least one along:away pair (cm)');
  return pairs.map((p) => {
    const parts = p.split(':');
    const a = Number(parts[0]);
    const b = Number(parts[1]);
    if (parts.length !== 2 || parts[0].trim() === '' || parts[1].trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) {
      throw new UsageError(`--along-away: "${p}" is not along:away in cm (e.g. 0:1)`);
    }
    return [a, b];
  });
}

/**
 * `pvpi dose-rate --model 6711 --sk 1 --along-away 0:1,0.5:1.5`: TG-43U1 dose rate (cGy/h), one line per
 * point, for a seed at the origin with its axis along "along" (cm along : cm away). 2D formalism unless
 * `--formalism 1D`. `--mci` gives the strength as apparent activity instead of --sk (U).
 */
export const doseRateCommand: Command = {
  name: 'dose-rate',
  summary: 'TG-43U1 dose rate (cGy/h) of one seed at along:away points (cm)',
  usage: `dose-rate --model ${listSourceModels().map((m) => m.id).join('|')} (--sk U | --mci mCi) --along-away A:B[,A:B…] [--formalism 2D|1D]`,
  async run(args, io) {
    let model;
    try {
      model = getSourceModel(stringFlag(args, 'model', '6711'));
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const hasSk = args.flags.has('sk');
    const hasMci = args.flags.has('mci');
    if (hasSk === hasMci) throw new UsageError('give the seed strength with exactly one of --sk (U) or --mci (mCi)');
    const skU = hasSk ? numberFlag(args, 'sk') : numberFlag(args, 'mci') * model.apparentActivityUPerMCi;
    if (!(skU >= 0)) throw new UsageError(`seed strength must be ≥ 0, got ${skU} U`);
    const formalism = stringFlag(args, 'formalism', '2D').toUpperCase();
    if (formalism !== '2D' && formalism !== '1D') throw new UsageError(`--formalism must be 2D or 1D, got "${formalism}"`);
    for (const [along, away] of parseAlongAway(stringFlag(args, 'along-away'))) {
      const v = doseRateCGyPerH(model, skU, along, away, formalism as Tg43Formalism);
      io.out(String(Number(v.toPrecision(6))));
    }
    return 0;
  },
};
