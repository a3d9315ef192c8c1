// Shared fixture: the synthetic spine phantom (generated once per test file) and Dice per structure of one level.
import { generatePhantom, type Phantom } from '../../../src/phantom';
import type { VertebraSegmentation } from '../../../src/segmentation';
import { LABEL_VALUES, SEGMENT_ORDER, type SegmentKey } from '../../../src/segmentation';

let cached: Phantom | undefined;

/** The default phantom (seeded noise, 1 mm pixels, 1.5 mm slices). */
export function phantom(): Phantom {
  cached ??= generatePhantom();
  return cached;
}

const GT_NAME: Record<SegmentKey, string> = {
  body: 'Vertebral body',
  leftPedicle: 'Left pedicle',
  rightPedicle: 'Right pedicle',
  posteriorElements: 'Posterior elements',
  canal: 'Spinal canal',
  lesion: 'Lesion',
};

/** Ground-truth label value of a structure of a level, or undefined (e.g. no lesion at that level). */
export function groundTruthValue(p: Phantom, level: string, key: SegmentKey): number | undefined {
  return p.labelTable.find((l) => l.name === `${level} ${GT_NAME[key]}`)?.value;
}

/** Dice of every structure of `level` between the segmentation and the phantom's ground truth. */
export function dicePerStructure(p: Phantom, level: string, seg: VertebraSegmentation): Record<SegmentKey, number> {
  const out = {} as Record<SegmentKey, number>;
  const gt = p.labels.data;
  for (const key of SEGMENT_ORDER) {
    const v = groundTruthValue(p, level, key);
    const mine = LABEL_VALUES[key];
    let inter = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < gt.length; i++) {
      const x = v !== undefined && gt[i] === v ? 1 : 0;
      const y = seg.labels[i] === mine ? 1 : 0;
      inter += x & y;
      a += x;
      b += y;
    }
    out[key] = a + b === 0 ? 1 : (2 * inter) / (a + b);
  }
  return out;
}

/** Centre of a level's vertebral body (patient mm) from the phantom parameters. */
export function bodyCentreMm(p: Phantom, level: string): [number, number, number] {
  const lv = p.parameters.levels.find((l) => l.name === level);
  if (!lv) throw new Error(`no level ${level} in the phantom`);
  return [...lv.body.centreMm] as [number, number, number];
}
