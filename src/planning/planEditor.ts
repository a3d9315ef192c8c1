/**
 * Editing a plan with undo/redo. Every edit is a pure function Plan → Plan; the editor keeps the history and
 * notifies listeners. The viewer, the CLI and tests share it, so "undo" means the same everywhere.
 */
import { addScaled, dot, sub, unit } from '../geometry/vec3';
import type { Vec3 } from '../geometry/volume';
import type { DoseConstraint, Needle, Plan, Prescription, Seed, SeedSource } from './plan';

export type PlanEdit =
  | { type: 'addNeedle'; needle: Needle }
  | { type: 'updateNeedle'; id: string; changes: Partial<Omit<Needle, 'id'>> }
  | { type: 'removeNeedle'; id: string }
  /** New entry/tip of a needle; its seeds move with it (see {@link carrySeedsWithNeedle}) and its override is withdrawn. */
  | { type: 'moveNeedle'; id: string; entryMm: Vec3; tipMm: Vec3 }
  | { type: 'addSeeds'; seeds: Seed[] }
  | { type: 'moveSeed'; id: string; positionMm: Vec3; axis?: Vec3 }
  | { type: 'removeSeeds'; ids: string[] }
  | { type: 'replaceSeeds'; seeds: Seed[] }
  | { type: 'setPrescription'; prescription: Partial<Prescription> }
  | { type: 'setSource'; source: Partial<SeedSource> }
  | { type: 'setImplantDateTime'; implantDateTime: string }
  | { type: 'setConstraints'; constraints: DoseConstraint[] }
  | { type: 'setApproval'; approval: Plan['approval'] }
  | { type: 'rename'; name: string };

export class PlanEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanEditError';
  }
}

const hasErrors = (n: Needle): boolean => n.findings.some((f) => f.severity === 'error');

/** A needle whose evaluation has errors carries seeds only after an explicit override. */
export function needleAcceptsSeeds(n: Needle): boolean {
  return !hasErrors(n) || n.override !== undefined;
}

/**
 * Seeds of needle `needleId` carried rigidly with a needle move: each keeps its distance from the tip, measured along
 * the old axis, and is put on the new axis at that distance from the new tip, its axis turned to the new needle axis
 * (sign kept). An off-axis offset (a seed not exactly on its track) is dropped: seeds ride on the needle axis.
 * Other seeds are returned unchanged (same objects). Seeds may end up outside the anatomy: the caller re-validates.
 */
export function carrySeedsWithNeedle(
  seeds: readonly Seed[],
  needleId: string,
  from: { entryMm: Vec3; tipMm: Vec3 },
  to: { entryMm: Vec3; tipMm: Vec3 },
): Seed[] {
  const oldAxis = unit(sub(from.tipMm, from.entryMm));
  const newAxis = unit(sub(to.tipMm, to.entryMm));
  return seeds.map((s) => {
    if (s.needleId !== needleId) return s;
    const depthMm = dot(sub(from.tipMm, s.positionMm), oldAxis);
    const sign = dot(s.axis, oldAxis) < 0 ? -1 : 1;
    return { ...s, positionMm: addScaled(to.tipMm, newAxis, -depthMm), axis: [sign * newAxis[0], sign * newAxis[1], sign * newAxis[2]] };
  });
}

/** Applies one edit; throws PlanEditError for edits that make no sense (unknown ids, seeds on a blocked needle). */
export function applyPlanEdit(plan: Plan, edit: PlanEdit, nowDateTime: string): Plan {
  const touched = (p: Plan): Plan => ({ ...p, modifiedDateTime: nowDateTime, approval: edit.type === 'setApproval' ? p.approval : 'UNAPPROVED' });
  const needle = (id: string): Needle => {
    const n = plan.needles.find((x) => x.id === id);
    if (!n) throw new PlanEditError(`no needle with id ${id}`);
    return n;
  };
  switch (edit.type) {
    case 'addNeedle':
      if (plan.needles.some((n) => n.id === edit.needle.id)) throw new PlanEditError(`needle id ${edit.needle.id} already exists`);
      return touched({ ...plan, needles: [...plan.needles, edit.needle] });
    case 'updateNeedle':
      needle(edit.id);
      return touched({ ...plan, needles: plan.needles.map((n) => (n.id === edit.id ? { ...n, ...edit.changes } : n)) });
    case 'moveNeedle': {
      const n = needle(edit.id);
      if (!(Math.hypot(edit.tipMm[0] - edit.entryMm[0], edit.tipMm[1] - edit.entryMm[1], edit.tipMm[2] - edit.entryMm[2]) > 1e-6)) throw new PlanEditError('a needle needs distinct entry and tip points');
      // The override was given for the previous trajectory.
      const { override: _withdrawn, ...rest } = n;
      const moved: Needle = { ...rest, entryMm: edit.entryMm, tipMm: edit.tipMm };
      return touched({ ...plan, needles: plan.needles.map((x) => (x.id === edit.id ? moved : x)), seeds: carrySeedsWithNeedle(plan.seeds, edit.id, n, moved) });
    }
    case 'removeNeedle':
      needle(edit.id);
      // Seeds delivered through a removed needle go with it.
      return touched({ ...plan, needles: plan.needles.filter((n) => n.id !== edit.id), seeds: plan.seeds.filter((s) => s.needleId !== edit.id) });
    case 'addSeeds':
    case 'replaceSeeds': {
      for (const s of edit.seeds) {
        if (s.needleId !== undefined && !needleAcceptsSeeds(needle(s.needleId))) {
          throw new PlanEditError(`needle ${needle(s.needleId).label} violates a safety constraint; override it explicitly before placing seeds`);
        }
      }
      const base = edit.type === 'addSeeds' ? plan.seeds : [];
      const ids = new Set(base.map((s) => s.id));
      for (const s of edit.seeds) {
        if (ids.has(s.id)) throw new PlanEditError(`seed id ${s.id} already exists`);
        ids.add(s.id);
      }
      return touched({ ...plan, seeds: [...base, ...edit.seeds] });
    }
    case 'moveSeed': {
      if (!plan.seeds.some((s) => s.id === edit.id)) throw new PlanEditError(`no seed with id ${edit.id}`);
      return touched({ ...plan, seeds: plan.seeds.map((s) => (s.id === edit.id ? { ...s, positionMm: edit.positionMm, axis: edit.axis ?? s.axis } : s)) });
    }
    case 'removeSeeds': {
      const ids = new Set(edit.ids);
      return touched({ ...plan, seeds: plan.seeds.filter((s) => !ids.has(s.id)) });
    }
    case 'setPrescription':
      if (edit.prescription.doseGy !== undefined && !(edit.prescription.doseGy > 0)) throw new PlanEditError('the prescription must be a positive dose in Gy');
      return touched({ ...plan, prescription: { ...plan.prescription, ...edit.prescription } });
    case 'setSource':
      if (edit.source.airKermaStrengthU !== undefined && !(edit.source.airKermaStrengthU > 0)) throw new PlanEditError('the air-kerma strength must be positive (U)');
      return touched({ ...plan, source: { ...plan.source, ...edit.source } });
    case 'setImplantDateTime':
      return touched({ ...plan, implantDateTime: edit.implantDateTime });
    case 'setConstraints':
      for (const c of edit.constraints) {
        if (!(Number.isFinite(c.limit) && c.limit >= 0)) throw new PlanEditError(`the ${c.structureLabel} ${c.metric} limit must be a number ≥ 0`);
      }
      return touched({ ...plan, constraints: edit.constraints.map((c) => ({ ...c })) });
    case 'setApproval':
      return { ...plan, approval: edit.approval, modifiedDateTime: nowDateTime };
    case 'rename':
      return touched({ ...plan, name: edit.name });
  }
}

export interface PlanEditorOptions {
  /** Maximum number of undo steps kept (default 200). */
  historyLimit?: number;
  /** Clock, injectable for tests; returns an ISO 8601 date-time. */
  now?: () => string;
}

export type PlanListener = (plan: Plan, cause: PlanEdit | 'undo' | 'redo' | 'load') => void;

/**
 * Holds the current plan with an undo/redo history. With `mergeWithPrevious`, consecutive moves of the same seed, and
 * consecutive moves/updates of the same needle (a drag and the re-check findings it produces), merge into one step.
 */
export class PlanEditor {
  private past: Plan[] = [];
  private future: Plan[] = [];
  private current: Plan;
  private lastEdit: PlanEdit | undefined;
  private readonly listeners = new Set<PlanListener>();
  private readonly limit: number;
  private readonly now: () => string;

  constructor(plan: Plan, options: PlanEditorOptions = {}) {
    this.current = plan;
    this.limit = options.historyLimit ?? 200;
    this.now = options.now ?? (() => new Date().toISOString());
  }

  get plan(): Plan {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Applies an edit as one undoable step; `mergeWithPrevious` folds a drag's many moves into one step. */
  apply(edit: PlanEdit, mergeWithPrevious = false): Plan {
    const next = applyPlanEdit(this.current, edit, this.now());
    const merge = mergeWithPrevious && this.lastEdit !== undefined && this.past.length > 0 && sameTarget(this.lastEdit, edit);
    if (!merge) {
      this.past.push(this.current);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.future = [];
    this.current = next;
    this.lastEdit = edit;
    this.emit(edit);
    return next;
  }

  undo(): Plan {
    const prev = this.past.pop();
    if (prev) {
      this.future.push(this.current);
      this.current = prev;
      this.lastEdit = undefined;
      this.emit('undo');
    }
    return this.current;
  }

  redo(): Plan {
    const next = this.future.pop();
    if (next) {
      this.past.push(this.current);
      this.current = next;
      this.lastEdit = undefined;
      this.emit('redo');
    }
    return this.current;
  }

  /** Replaces the plan (e.g. loaded from PACS) and clears the history. */
  load(plan: Plan): void {
    this.past = [];
    this.future = [];
    this.current = plan;
    this.lastEdit = undefined;
    this.emit('load');
  }

  subscribe(listener: PlanListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(cause: PlanEdit | 'undo' | 'redo' | 'load'): void {
    for (const l of this.listeners) l(this.current, cause);
  }
}

function sameTarget(a: PlanEdit, b: PlanEdit): boolean {
  if (a.type === 'moveSeed' && b.type === 'moveSeed') return a.id === b.id;
  const needleEdit = (e: PlanEdit): string | undefined => (e.type === 'updateNeedle' || e.type === 'moveNeedle' ? e.id : undefined);
  const na = needleEdit(a);
  return na !== undefined && na === needleEdit(b);
}
