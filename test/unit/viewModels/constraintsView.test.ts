import { DEFAULT_CANAL_CONSTRAINTS } from '../../../src/planning/plan';
import { constraintRows, withConstraintLimit } from '../../../src/planning/viewModels/constraintsView';

describe('dose constraints view model', () => {
  it('rows say structure, metric, limit with unit and the source of the number', () => {
    const rows = constraintRows(DEFAULT_CANAL_CONSTRAINTS);
    expect(rows.map((r) => r.text)).toEqual(['Spinal canal Dmax ≤ 100 Gy', 'Spinal canal D0.1cc ≤ 80 Gy']);
    expect(rows.every((r) => /institutional default/.test(r.source))).toBe(true);
    expect(constraintRows([{ structureLabel: 'Spinal canal', metric: 'V100', limit: 2, source: 's' }])[0].unit).toBe('%');
  });

  it('editing a limit changes only that constraint and records the original value once', () => {
    const once = withConstraintLimit(DEFAULT_CANAL_CONSTRAINTS, 1, '60');
    expect(once[1].limit).toBe(60);
    expect(once[1].source).toBe('institutional default (no published consensus); edited in this plan (was 80 Gy)');
    expect(once[0]).toEqual(DEFAULT_CANAL_CONSTRAINTS[0]);
    const twice = withConstraintLimit(once, 1, '55,5');
    expect(twice[1].limit).toBe(55.5);
    expect(twice[1].source).toBe('institutional default (no published consensus); edited in this plan (was 80 Gy)');
    // The defaults themselves are untouched (copies, not mutation).
    expect(DEFAULT_CANAL_CONSTRAINTS[1].limit).toBe(80);
    // Same value: no edit recorded.
    expect(withConstraintLimit(DEFAULT_CANAL_CONSTRAINTS, 0, '100')[0].source).toBe(DEFAULT_CANAL_CONSTRAINTS[0].source);
  });

  it('rejects what is not a limit, with a sentence naming it', () => {
    expect(() => withConstraintLimit(DEFAULT_CANAL_CONSTRAINTS, 0, '')).toThrow('The Spinal canal Dmax limit must be a number ≥ 0 (Gy)');
    expect(() => withConstraintLimit(DEFAULT_CANAL_CONSTRAINTS, 0, '-1')).toThrow(/≥ 0/);
    expect(() => withConstraintLimit(DEFAULT_CANAL_CONSTRAINTS, 0, 'abc')).toThrow(/≥ 0/);
    expect(() => withConstraintLimit([{ structureLabel: 'Spinal canal', metric: 'V100', limit: 2, source: 's' }], 0, '120')).toThrow(/at most 100 %/);
    expect(() => withConstraintLimit(DEFAULT_CANAL_CONSTRAINTS, 5, '1')).toThrow(/no constraint number 6/);
  });
});
