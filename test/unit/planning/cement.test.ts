// Cement estimate: the review's figures (14% / 30% fill, 2.5 / 5.5 / 7.0 mL averages, 2–9 mL) applied to known volumes.
import { cementSummary, CEMENT_SOURCE_TEXT, estimateCement, spineRegionOf } from '../../../src/planning/cement';

describe('estimateCement', () => {
  it('14% and 30% of a 30 mL lumbar body next to the lumbar average', () => {
    const e = estimateCement(30, 'L1');
    expect(e.fill14PctMl).toBeCloseTo(4.2, 12);
    expect(e.fill30PctMl).toBeCloseTo(9.0, 12);
    expect(e.region).toBe('lumbar');
    expect(e.levelAverageMl).toBe(7.0);
    expect(e.usualRangeMl).toEqual([2, 9]);
    expect(e.suggestedMl).toBeCloseTo(4.2, 12);
    expect(e.source).toBe(CEMENT_SOURCE_TEXT);
    expect(e.source).toMatch(/2\.5 mL in the cervical spine/);
  });

  it('regional averages and clamping to the usual range', () => {
    expect(estimateCement(20, 'T12').levelAverageMl).toBe(5.5);
    expect(estimateCement(8, 'C5').levelAverageMl).toBe(2.5);
    const small = estimateCement(8, 'C5');
    expect(small.fill14PctMl).toBeCloseTo(1.12, 12);
    expect(small.suggestedMl).toBe(2);
    expect(small.notes.join(' ')).toMatch(/below the usual minimum of 2 mL/);
    expect(estimateCement(100).suggestedMl).toBe(9);
    const unknown = estimateCement(30);
    expect(unknown.levelAverageMl).toBeUndefined();
    expect(unknown.regionAveragesMl).toEqual({ cervical: 2.5, thoracic: 5.5, lumbar: 7.0 });
    expect(spineRegionOf('s1')).toBe('sacral');
    expect(spineRegionOf('X3')).toBeUndefined();
    expect(() => estimateCement(0)).toThrow(/positive/);
  });

  it('summary line: suggested volume, what 14% and 30% mean, the regional average or all three', () => {
    expect(cementSummary(estimateCement(30, 'L1'), 'L1')).toBe(
      '4.2 mL suggested: 14% of the L1 body 30.0 mL restores stiffness; keep below 30% = 9.0 mL; lumbar average 7.0 mL; usual 2–9 mL',
    );
    expect(cementSummary(estimateCement(30), 'V1')).toMatch(/averages cervical 2\.5 \/ thoracic 5\.5 \/ lumbar 7\.0 mL/);
  });
});
