import { createPlan, type Needle } from '../../../src/planning/plan';
import { PlanEditor, PlanEditError, applyPlanEdit } from '../../../src/planning/planEditor';

const refs = { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', frameOfReferenceUID: '1.2.3.5' };
const t0 = '2026-01-01T00:00:00.000Z';
const needle = (id: string, error = false): Needle => ({
  id, label: id, entryMm: [40, 80, 0], tipMm: [5, -25, 0], gauge: 11, outerDiameterMm: 3.05, side: 'left', approach: 'transpedicular',
  findings: error ? [{ code: 'MEDIAL_WALL', severity: 'error', message: 'medial wall breached' }] : [],
});
const seed = (id: string, needleId?: string) => ({ id, positionMm: [5, -20, 0] as [number, number, number], axis: [0, 0, 1] as [number, number, number], needleId });

function editor() {
  let t = 0;
  return new PlanEditor(createPlan({ id: 'p', nowDateTime: t0, references: refs }), { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, ++t)).toISOString() });
}

describe('plan editing', () => {
  it('starts from the documented defaults: 120 Gy to the lesion, model 6711, canal constraints as institutional defaults', () => {
    const p = createPlan({ id: 'p', nowDateTime: t0, references: refs });
    expect(p.prescription).toEqual({ doseGy: 120, targetLabel: 'Lesion' });
    expect(p.source.modelId).toBe('6711');
    expect(p.constraints.every((c) => c.structureLabel === 'Spinal canal' && /institutional default/.test(c.source))).toBe(true);
    expect(p.approval).toBe('UNAPPROVED');
  });

  it('undoes and redoes in order, and a new edit clears the redo stack', () => {
    const e = editor();
    e.apply({ type: 'addNeedle', needle: needle('n1') });
    e.apply({ type: 'addSeeds', seeds: [seed('s1', 'n1'), seed('s2', 'n1')] });
    expect(e.plan.seeds).toHaveLength(2);
    e.undo();
    expect(e.plan.seeds).toHaveLength(0);
    expect(e.plan.needles).toHaveLength(1);
    e.redo();
    expect(e.plan.seeds).toHaveLength(2);
    e.undo();
    e.apply({ type: 'setPrescription', prescription: { doseGy: 100 } });
    expect(e.canRedo).toBe(false);
    expect(e.plan.prescription.doseGy).toBe(100);
  });

  it('merges a drag of one seed into a single undo step', () => {
    const e = editor();
    e.apply({ type: 'addSeeds', seeds: [seed('s1')] });
    for (let i = 1; i <= 10; i++) e.apply({ type: 'moveSeed', id: 's1', positionMm: [5, -20, i] }, true);
    expect(e.plan.seeds[0].positionMm).toEqual([5, -20, 10]);
    e.undo();
    expect(e.plan.seeds[0].positionMm).toEqual([5, -20, 0]);
  });

  it('refuses seeds on a needle with a safety error until it is overridden, and records the override', () => {
    const e = editor();
    e.apply({ type: 'addNeedle', needle: needle('bad', true) });
    expect(() => e.apply({ type: 'addSeeds', seeds: [seed('s1', 'bad')] })).toThrow(PlanEditError);
    e.apply({ type: 'updateNeedle', id: 'bad', changes: { override: { reason: 'accepted by Dr X', atDateTime: t0 } } });
    e.apply({ type: 'addSeeds', seeds: [seed('s1', 'bad')] });
    expect(e.plan.seeds).toHaveLength(1);
    expect(e.plan.needles[0].override?.reason).toBe('accepted by Dr X');
  });

  it('removing a needle removes its seeds; any edit revokes approval', () => {
    let p = createPlan({ id: 'p', nowDateTime: t0, references: refs });
    p = applyPlanEdit(p, { type: 'addNeedle', needle: needle('n1') }, t0);
    p = applyPlanEdit(p, { type: 'addSeeds', seeds: [seed('a', 'n1'), seed('b')] }, t0);
    p = applyPlanEdit(p, { type: 'setApproval', approval: 'APPROVED' }, t0);
    expect(p.approval).toBe('APPROVED');
    p = applyPlanEdit(p, { type: 'removeNeedle', id: 'n1' }, t0);
    expect(p.seeds.map((s) => s.id)).toEqual(['b']);
    expect(p.approval).toBe('UNAPPROVED');
  });

  it('rejects nonsense with specific messages', () => {
    const p = createPlan({ id: 'p', nowDateTime: t0, references: refs });
    expect(() => applyPlanEdit(p, { type: 'moveSeed', id: 'x', positionMm: [0, 0, 0] }, t0)).toThrow(/no seed with id x/);
    expect(() => applyPlanEdit(p, { type: 'setPrescription', prescription: { doseGy: -5 } }, t0)).toThrow(/positive dose in Gy/);
    expect(() => applyPlanEdit(p, { type: 'setConstraints', constraints: [{ ...p.constraints[0], limit: Number.NaN }] }, t0)).toThrow('the Spinal canal Dmax limit must be a number ≥ 0');
    expect(() => applyPlanEdit(p, { type: 'setConstraints', constraints: [{ ...p.constraints[1], limit: -1 }] }, t0)).toThrow(/D0\.1cc limit/);
    expect(() => applyPlanEdit(p, { type: 'setSource', source: { airKermaStrengthU: 0 } }, t0)).toThrow(/positive \(U\)/);
  });
});
