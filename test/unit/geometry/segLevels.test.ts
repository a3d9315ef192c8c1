import { chooseLevel, type SegmentSource } from '../../../src/geometry/segLevels';
import { parseSegmentLabel, TrajectoryInputError } from '../../../src/geometry/levelAnatomy';
import type { VolumeGeometry } from '../../../src/geometry/volume';

const g: VolumeGeometry = { dimensions: [10, 10, 20], spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };

/** Fake SEG: each segment fills a slab of slices. */
function source(labels: Array<[string, number, number]>): SegmentSource {
  return {
    segments: labels.map(([label], i) => ({ segmentNumber: i + 1, label })),
    segmentMask(n) {
      const [, k0, k1] = labels[n - 1];
      const m = new Uint8Array(10 * 10 * 20);
      for (let k = k0; k <= k1; k++) m.fill(1, k * 100, (k + 1) * 100);
      return m;
    },
  };
}

const level = (name: string, k0: number, k1: number, lesion = false): Array<[string, number, number]> => [
  [`${name} Vertebral body`, k0, k1], [`${name} Spinal canal`, k0, k1], [`${name} Left pedicle`, k0, k1], [`${name} Right pedicle`, k0, k1],
  ...(lesion ? [[`${name} Lesion`, k0, k0] as [string, number, number]] : []),
];

describe('segment labels', () => {
  it('parses plain and level-prefixed labels', () => {
    expect(parseSegmentLabel('Left pedicle')).toEqual({ role: 'leftPedicle' });
    expect(parseSegmentLabel('L1 Left pedicle')).toEqual({ role: 'leftPedicle', level: 'L1' });
    expect(parseSegmentLabel('T12 Spinal canal')).toEqual({ role: 'canal', level: 'T12' });
    // A level segmented in the viewer but not named yet.
    expect(parseSegmentLabel('V1 Vertebral body')).toEqual({ role: 'body', level: 'V1' });
    expect(parseSegmentLabel('T12-L1 Disc')).toBeUndefined();
    expect(parseSegmentLabel('Left kidney')).toBeUndefined();
  });

  it('single-vertebra SEG with plain labels', () => {
    const c = chooseLevel(source(level('', 0, 5).map(([l, a, b]) => [l.trim(), a, b])), g);
    expect(c.level).toBeUndefined();
    expect(c.masks.leftPedicle).toBeDefined();
  });

  it('multi-level SEG: --level, the body containing the target, else the level with the lesion', () => {
    const src = source([...level('T12', 10, 19), ...level('L1', 0, 9, true)]);
    expect(chooseLevel(src, g, { level: 't12' }).level).toBe('T12');
    expect(chooseLevel(src, g, { targetMm: [5, 5, 15] }).level).toBe('T12');
    expect(chooseLevel(src, g, { targetMm: [5, 5, 40] }).level).toBe('T12'); // nearest body
    expect(chooseLevel(src, g).level).toBe('L1');
    expect(() => chooseLevel(src, g, { level: 'L5' })).toThrow(/level L5 is not in the SEG/);
  });

  it('clear errors for unusable SEGs', () => {
    expect(() => chooseLevel(source([['Liver', 0, 3]]), g)).toThrow(TrajectoryInputError);
    expect(() => chooseLevel(source([...level('T12', 10, 19), ...level('L1', 0, 9)]), g)).toThrow(/choose one with --level/);
    expect(() => chooseLevel(source([['Vertebral body', 0, 3]]), g)).toThrow(/no "Spinal canal" segment/);
  });
});
