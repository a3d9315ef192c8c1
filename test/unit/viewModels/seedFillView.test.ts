import { parseSeedSpacingMm, seedFillSummary } from '../../../src/planning/viewModels/seedFillView';

const at = (z: number) => ({ positionMm: [0, 0, z] as [number, number, number], depthFromTipMm: z });

describe('Fill needle messages', () => {
  it('counts seeds and the refused positions per rule, most frequent first', () => {
    const s = seedFillSummary('L1 left', 10, {
      seeds: [{ needleId: 'n', positionMm: [0, 0, 0], axis: [0, 0, 1], depthFromTipMm: 2.25 }, { needleId: 'n', positionMm: [0, 0, 10], axis: [0, 0, 1], depthFromTipMm: 12.25 }],
      rejected: [{ ...at(22), reason: 'outside-target-margin' }, { ...at(32), reason: 'outside-target-margin' }, { ...at(42), reason: 'in-canal' }],
    });
    expect(s).toBe('L1 left: 2 seeds at 10 mm spacing from the tip (positions refused: 2 outside the target margin, 1 in the spinal canal).');
  });

  it('says so when nothing fits', () => {
    expect(seedFillSummary('N', 5, { seeds: [], rejected: [] })).toBe('N: no seed position at 5 mm spacing.');
  });

  it('accepts 5–15 mm only', () => {
    expect(parseSeedSpacingMm('10')).toEqual({ spacingMm: 10 });
    expect(parseSeedSpacingMm('7,5')).toEqual({ spacingMm: 7.5 });
    expect(parseSeedSpacingMm('4.9')).toEqual({ error: 'Seed spacing must be 5–15 mm centre to centre' });
    expect(parseSeedSpacingMm('16')).toHaveProperty('error');
    expect(parseSeedSpacingMm('')).toHaveProperty('error');
  });
});
