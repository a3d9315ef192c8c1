/**
 * Moving a needle carries its seeds (plan edit `moveNeedle`, pure `carrySeedsWithNeedle`). Expected positions are
 * worked out by hand on axis-aligned tracks: a seed keeps its distance from the tip along the new axis.
 */
import { createPlan, type Needle, type Seed } from '../../../src/planning/plan';
import { PlanEditor, PlanEditError, carrySeedsWithNeedle } from '../../../src/planning/planEditor';
import type { Vec3 } from '../../../src/geometry/volume';

const refs = { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', frameOfReferenceUID: '1.2.3.5' };
const t0 = '2026-01-01T00:00:00.000Z';

/** Needle along patient anterior (−y): entry (0, 50, 0), tip (0, −20, 0). */
const needle = (id: string, extra: Partial<Needle> = {}): Needle => ({
  id, label: id, entryMm: [0, 50, 0], tipMm: [0, -20, 0], gauge: 11, outerDiameterMm: 3.05, side: 'right', approach: 'transpedicular', findings: [], ...extra,
});
const seed = (id: string, positionMm: Vec3, needleId?: string, axis: Vec3 = [0, -1, 0]): Seed => ({ id, positionMm, axis, ...(needleId ? { needleId } : {}) });

function close(a: Vec3, b: Vec3, tol = 1e-9): void {
  for (let i = 0; i < 3; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
}

function editor(): PlanEditor {
  let t = 0;
  return new PlanEditor(createPlan({ id: 'p', nowDateTime: t0, references: refs }), { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, ++t)).toISOString() });
}

describe('carrySeedsWithNeedle', () => {
  const from = { entryMm: [0, 50, 0] as Vec3, tipMm: [0, -20, 0] as Vec3 };
  // Seeds 10 and 20 mm behind the tip, one seed of another needle, one free seed.
  const seeds = [seed('a', [0, -10, 0], 'n1'), seed('b', [0, 0, 0], 'n1'), seed('c', [5, 5, 5], 'n2'), seed('d', [1, 2, 3])];

  it('translates the seeds with a translated needle (tip and entry moved by the same vector)', () => {
    const out = carrySeedsWithNeedle(seeds, 'n1', from, { entryMm: [0, 50, 5], tipMm: [0, -25, 5] });
    close(out[0].positionMm, [0, -15, 5]);
    close(out[1].positionMm, [0, -5, 5]);
    close(out[0].axis, [0, -1, 0]);
  });

  it('turns the seeds about the tip when the entry is dragged (axis now −x)', () => {
    const out = carrySeedsWithNeedle(seeds, 'n1', from, { entryMm: [50, -20, 0], tipMm: [0, -20, 0] });
    close(out[0].positionMm, [10, -20, 0]);
    close(out[1].positionMm, [20, -20, 0]);
    close(out[0].axis, [-1, 0, 0]);
    close(out[1].axis, [-1, 0, 0]);
  });

  it('keeps the distance from the tip when the tip is dragged along a new direction, and the axis sign of each seed', () => {
    // Tip dragged to (−30, 10, 0), entry kept: new axis (−30, −40, 0)/50 = (−0.6, −0.8, 0) (a 3-4-5 triangle).
    const flipped = [seed('a', [0, -10, 0], 'n1', [0, 1, 0])];
    const out = carrySeedsWithNeedle(flipped, 'n1', from, { entryMm: [0, 50, 0], tipMm: [-30, 10, 0] });
    // 10 mm behind the new tip: (−30, 10, 0) − 10·(−0.6, −0.8, 0) = (−24, 18, 0); axis opposite to the needle as before.
    close(out[0].positionMm, [-24, 18, 0]);
    close(out[0].axis, [0.6, 0.8, 0]);
  });

  it('puts an off-axis seed back on the axis at its depth, leaves other seeds untouched (same objects)', () => {
    const out = carrySeedsWithNeedle([seed('a', [2, -10, 1], 'n1'), ...seeds.slice(2)], 'n1', from, from);
    close(out[0].positionMm, [0, -10, 0]);
    expect(out[1]).toBe(seeds[2]);
    expect(out[2]).toBe(seeds[3]);
  });
});

describe('moveNeedle edit', () => {
  it('moves the needle and its seeds as ONE undo step, also when a drag and the re-check findings are merged', () => {
    const e = editor();
    e.apply({ type: 'addNeedle', needle: needle('n1') });
    e.apply({ type: 'addNeedle', needle: needle('n2', { entryMm: [30, 50, 0], tipMm: [30, -20, 0] }) });
    e.apply({ type: 'addSeeds', seeds: [seed('a', [0, -10, 0], 'n1'), seed('b', [0, 0, 0], 'n1'), seed('c', [30, -10, 0], 'n2')] });
    const before = e.plan;
    // A drag of the tip: many moves merged, a re-check finding merged into the same step.
    for (let i = 1; i <= 5; i++) e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 50, 0], tipMm: [0, -20, i] }, i > 1);
    e.apply({ type: 'updateNeedle', id: 'n1', changes: { findings: [{ code: 'X', severity: 'warning', message: 'x' }] } }, true);
    e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 50, 0], tipMm: [0, -20, 0] }, true);
    e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 50, 5], tipMm: [0, -25, 5] }, true);
    const n1 = e.plan.needles.find((n) => n.id === 'n1') as Needle;
    expect(n1.tipMm).toEqual([0, -25, 5]);
    close(e.plan.seeds[0].positionMm, [0, -15, 5]);
    close(e.plan.seeds[1].positionMm, [0, -5, 5]);
    expect(e.plan.seeds[2]).toBe(before.seeds[2]);
    // The seeds keep their spacing (rigid).
    const gap = Math.hypot(...([0, 1, 2].map((i) => e.plan.seeds[0].positionMm[i] - e.plan.seeds[1].positionMm[i]) as Vec3));
    expect(gap).toBeCloseTo(10, 9);
    e.undo();
    expect(e.plan).toBe(before);
    e.redo();
    close(e.plan.seeds[0].positionMm, [0, -15, 5]);
  });

  it('does not merge a new drag (first move) or a move of another needle into the previous step', () => {
    const e = editor();
    e.apply({ type: 'addNeedle', needle: needle('n1') });
    e.apply({ type: 'addNeedle', needle: needle('n2', { entryMm: [30, 50, 0], tipMm: [30, -20, 0] }) });
    e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 50, 0], tipMm: [0, -20, 1] });
    e.apply({ type: 'moveNeedle', id: 'n2', entryMm: [30, 50, 0], tipMm: [30, -20, 1] }, true);
    e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 50, 0], tipMm: [0, -20, 2] });
    e.undo();
    expect(e.plan.needles[0].tipMm).toEqual([0, -20, 1]);
    e.undo();
    expect(e.plan.needles[1].tipMm).toEqual([30, -20, 0]);
    expect(e.plan.needles[0].tipMm).toEqual([0, -20, 1]);
  });

  it('withdraws the override (it was given for the old trajectory), keeps the other fields, rejects nonsense', () => {
    const e = editor();
    const blocked = needle('n1', { findings: [{ code: 'CANAL_BREACH', severity: 'error', message: 'canal' }], override: { reason: 'ok', atDateTime: t0 } });
    e.apply({ type: 'addNeedle', needle: blocked });
    e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 50, 0], tipMm: [0, -22, 0] });
    const n = e.plan.needles[0];
    expect(n.override).toBeUndefined();
    expect('override' in n).toBe(false);
    expect(n.findings).toEqual(blocked.findings);
    expect(n.gauge).toBe(11);
    expect(() => e.apply({ type: 'moveNeedle', id: 'nope', entryMm: [0, 0, 0], tipMm: [0, 1, 0] })).toThrow(PlanEditError);
    expect(() => e.apply({ type: 'moveNeedle', id: 'n1', entryMm: [0, 0, 0], tipMm: [0, 0, 0] })).toThrow(/distinct/);
  });
});
