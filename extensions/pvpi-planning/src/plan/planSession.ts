/**
 * The plan being edited in this browser tab: one PlanEditor (src/planning/planEditor.ts: pure edits, undo/redo)
 * per CT series, shared by every tool, panel and command of the extension. Nothing here does maths; it only
 * holds state, persists drafts locally (so nothing is lost on reload) and tells React views about changes.
 */
import { useEffect, useState } from 'react';
import { createPlan, type Plan, type PlanReferences } from '../../../../src/planning/plan';
import { PlanEditor, type PlanEdit, type PlanListener } from '../../../../src/planning/planEditor';
import { kvGet, kvSet } from '../planStore/localStore';

const DRAFT_PREFIX = 'pvpi-plan-draft:';

let session: { key: string; editor: PlanEditor } | undefined;
const sessionListeners = new Set<() => void>();

/**
 * Saves the draft to IndexedDB (src/planStore/localStore.ts) and, while it fits, to localStorage (read
 * synchronously when a session opens). Best effort: storage may be full or disabled.
 */
function persistDraft(plan: Plan): void {
  void kvSet(DRAFT_PREFIX + plan.references.seriesInstanceUID, plan);
  try {
    globalThis.localStorage?.setItem(DRAFT_PREFIX + plan.references.seriesInstanceUID, JSON.stringify(plan));
  } catch {
    /* the draft stays in memory */
  }
}

function readDraft(seriesInstanceUID: string): Plan | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(DRAFT_PREFIX + seriesInstanceUID);
    return raw ? (JSON.parse(raw) as Plan) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens (or returns) the plan session of a CT series: a local draft when one exists, else a new plan.
 * Switching to another series keeps the previous draft in local storage.
 */
export function openPlanSession(references: PlanReferences): PlanEditor {
  const key = references.seriesInstanceUID;
  if (session?.key === key) return session.editor;
  const now = new Date().toISOString();
  const plan = readDraft(key) ?? createPlan({ id: `pvpi-${Date.now().toString(36)}`, nowDateTime: now, references });
  const editor = new PlanEditor(plan);
  editor.subscribe((p) => persistDraft(p));
  session = { key, editor };
  sessionListeners.forEach((l) => l());
  // IndexedDB holds the draft when localStorage could not (full/disabled): take it if newer and nothing was edited yet.
  void kvGet<Plan>(DRAFT_PREFIX + key).then((stored) => {
    if (!stored || session?.editor !== editor || editor.canUndo || editor.canRedo) return;
    if (stored.references?.seriesInstanceUID === key && stored.modifiedDateTime > editor.plan.modifiedDateTime) editor.load(stored);
  });
  return editor;
}

/** The current plan session, if a CT is open in our mode. */
export function currentPlanEditor(): PlanEditor | undefined {
  return session?.editor;
}

/** Applies an edit to the current plan; returns false when no plan is open. */
export function editPlan(edit: PlanEdit, mergeWithPrevious = false): boolean {
  if (!session) return false;
  session.editor.apply(edit, mergeWithPrevious);
  return true;
}

/** Subscribes to plan changes of whichever session is current (also fires when the session changes). */
export function subscribePlan(listener: PlanListener): () => void {
  let unsubscribeEditor = session?.editor.subscribe(listener);
  const onSession = () => {
    unsubscribeEditor?.();
    unsubscribeEditor = session?.editor.subscribe(listener);
    if (session) listener(session.editor.plan, 'load');
  };
  sessionListeners.add(onSession);
  return () => {
    unsubscribeEditor?.();
    sessionListeners.delete(onSession);
  };
}

/** React hook: the current plan (undefined before a CT is open), re-rendering on every change. */
export function usePlan(): Plan | undefined {
  const [plan, setPlan] = useState<Plan | undefined>(() => session?.editor.plan);
  useEffect(() => subscribePlan((p) => setPlan(p)), []);
  return plan;
}
