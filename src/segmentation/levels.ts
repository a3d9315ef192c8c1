/**
 * Vertebral level labelling: the user names one vertebra, the others are numbered from it by their
 * cranio-caudal order (patient z grows towards the head in DICOM LPS).
 */
import type { Vec3 } from '../geometry/volume';

export interface SpineFormula {
  /** Number of cervical vertebrae (7). */
  cervical?: number;
  /** Number of thoracic vertebrae (12; 11 or 13 occur as variants). */
  thoracic?: number;
  /** Number of lumbar vertebrae (5; 4 or 6 occur as variants, e.g. lumbarised S1). */
  lumbar?: number;
  /** Number of sacral segments named (1: only S1, the level that matters for planning). */
  sacral?: number;
}

/** The ordered level names C1…C7, T1…T12, L1…L5, S1 (cranial to caudal) for a spine formula. */
export function levelSequence(formula: SpineFormula = {}): string[] {
  const out: string[] = [];
  const add = (prefix: string, n: number): void => {
    for (let i = 1; i <= n; i++) out.push(`${prefix}${i}`);
  };
  add('C', formula.cervical ?? 7);
  add('T', formula.thoracic ?? 12);
  add('L', formula.lumbar ?? 5);
  add('S', formula.sacral ?? 1);
  return out;
}

/** Normalises user input such as "l1", " T12 " or "Th12" to "L1" / "T12"; undefined when not a level name. */
export function normaliseLevelName(name: string): string | undefined {
  const m = /^\s*(c|th|t|l|s)\s*(\d{1,2})\s*$/i.exec(name);
  if (!m) return undefined;
  const prefix = m[1].toLowerCase() === 'th' ? 'T' : m[1].toUpperCase();
  return `${prefix}${Number(m[2])}`;
}

/**
 * Names every vertebra from one known level.
 *
 * @param centersMm centre of each vertebra (e.g. `bodyCenterMm` of segmentVertebra), in any order, patient LPS mm.
 * @param known the index (into `centersMm`) of the vertebra the user named, and its name (e.g. "L1").
 * @returns the level name of each vertebra, same order as `centersMm`. Consecutive vertebrae in the
 *          list are assumed to be adjacent levels: segment every vertebra in between.
 * @throws RangeError for an unknown level name, a bad index, two vertebrae at the same height, or
 *         numbering that runs past C1 or below the last sacral level.
 */
export function labelLevels(
  centersMm: readonly Vec3[],
  known: { index: number; level: string },
  options: { formula?: SpineFormula; minSeparationMm?: number } = {},
): string[] {
  const seq = levelSequence(options.formula);
  const name = normaliseLevelName(known.level);
  const knownPos = name === undefined ? -1 : seq.indexOf(name);
  if (knownPos < 0) throw new RangeError(`unknown vertebral level "${known.level}" (expected e.g. T12, L1, S1)`);
  if (!Number.isInteger(known.index) || known.index < 0 || known.index >= centersMm.length) {
    throw new RangeError(`known vertebra index ${known.index} is not one of the ${centersMm.length} vertebrae`);
  }
  // Cranial first: descending patient z.
  const order = centersMm.map((c, i) => ({ z: c[2], i })).sort((a, b) => b.z - a.z);
  const minSep = options.minSeparationMm ?? 5;
  for (let k = 1; k < order.length; k++) {
    if (order[k - 1].z - order[k].z < minSep) {
      throw new RangeError(
        `vertebrae ${order[k - 1].i} and ${order[k].i} are only ${(order[k - 1].z - order[k].z).toFixed(1)} mm apart along the head-feet axis: the same level segmented twice?`,
      );
    }
  }
  const rankOfKnown = order.findIndex((o) => o.i === known.index);
  const out = new Array<string>(centersMm.length);
  for (let k = 0; k < order.length; k++) {
    const pos = knownPos + (k - rankOfKnown);
    if (pos < 0 || pos >= seq.length) {
      throw new RangeError(`naming vertebra ${order[k].i} would run past ${pos < 0 ? seq[0] : seq[seq.length - 1]} counting from ${name}`);
    }
    out[order[k].i] = seq[pos];
  }
  return out;
}
