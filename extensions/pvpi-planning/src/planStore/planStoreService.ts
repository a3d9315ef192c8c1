/**
 * "Save plan" / "Load plan" in the viewer: the core plan store (src/planStore: SEG, RT Structure Set, RT Dose,
 * then RT Plan last) on OHIF's active DICOMweb data source, with the user's Authorization header.
 *
 * Nothing lost:
 * - The plan draft is persisted locally by the plan session (IndexedDB + localStorage) on every edit.
 * - A save first encodes the plan (fresh UIDs) and persists the EncodedPlan locally (IndexedDB) BEFORE sending;
 *   it is deleted only when the server acknowledged all four objects. A retry (also after a page reload) while
 *   the plan is unchanged re-sends the identical objects: the server keeps one copy, no duplicate series.
 * - A failed save (server down, slow, 4xx/5xx, connection reset) → status `failed` with a one-line message and
 *   whether a retry may help; a partial save has no RT Plan, so it is never listed as a plan (listPlans).
 *
 * State for the UI: {@link usePlanSaveState} (draft / saving n/4 / saved / modified / failed + message).
 * No function here throws into the UI: every outcome is in the returned result and in the state.
 */
import { useSyncExternalStore } from 'react';
import { DicomwebClient } from '../../../../src/dicomweb';
import {
  encodePlan,
  isPlanStoreError,
  listPlans,
  loadPlan,
  PLAN_OBJECT_NAMES,
  planObjectUids,
  savePlan,
  type EncodedPlan,
  type LoadedPlan,
  type PlanObjectKind,
  type PlanStoreProgress,
  type PlanSummary,
} from '../../../../src/planStore';
import type { Plan } from '../../../../src/planning/plan';
import { getHostContext, peekHostContext } from '../host/hostContext';
import type { DisplaySet, UINotificationService } from '../host/ohifTypes';
import { currentPlanEditor, openPlanSession, subscribePlan, usePlan } from '../plan/planSession';
import { activeDicomweb } from '../segmentation/host';
import { restoreSegmentationFromPlanSeg } from '../segmentation/restore';
import { setDoseState } from '../dose/store';
import { buildPlanBundle } from './bundle';
import { kvDelete, kvGet, kvSet } from './localStore';

/** Per-request time limit for plan objects (ms): a slow server fails with a clear message instead of hanging. */
export const PLAN_REQUEST_TIMEOUT_MS = 120_000;

const PENDING_PREFIX = 'pvpi-plan-pending-save:';
const SAVED_PREFIX = 'pvpi-plan-last-saved:';

/** A save that has not completed, kept locally until the server has all four objects. */
interface PendingSave {
  seriesInstanceUID: string;
  planModifiedDateTime: string;
  planName: string;
  encoded: EncodedPlan;
  storedObjects: PlanObjectKind[];
  message?: string;
  atDateTime: string;
}

/** The last successful save of a series' plan. */
export interface LastSave {
  rtPlanSopInstanceUID: string;
  studyInstanceUID: string;
  planModifiedDateTime: string;
  planName: string;
  atDateTime: string;
}

/** Save/load status of the current plan. */
export type PlanSaveStatus = 'draft' | 'saving' | 'saved' | 'modified' | 'failed' | 'loading';

export interface PlanSaveState {
  status: PlanSaveStatus;
  /** One line for the user (progress, success, or what failed and what is kept). */
  message?: string;
  /** While saving/loading: objects done of 4. */
  progress?: { done: number; total: number; object?: PlanObjectKind };
  /** Failed: whether trying again may succeed (server down, timeout, 5xx, connection lost). */
  retryable?: boolean;
  /** A save of the current plan is pending locally (Retry re-sends the same objects). */
  pendingSave?: { rtPlanSopInstanceUID: string; storedObjects: PlanObjectKind[]; sameAsPlan: boolean };
  lastSave?: LastSave;
}

export type PlanStoreResult<T> = ({ ok: true } & T) | { ok: false; message: string; retryable: boolean; code?: string };

interface OpState {
  op?: 'saving' | 'loading';
  progress?: PlanSaveState['progress'];
  failure?: { message: string; retryable: boolean; planModifiedDateTime?: string };
  info?: string;
}

let seriesKey: string | undefined;
let pending: PendingSave | undefined;
let lastSave: LastSave | undefined;
let op: OpState = {};
let inFlight: Promise<PlanStoreResult<{ rtPlanSopInstanceUID: string }>> | undefined;
let snapshot: PlanSaveState = { status: 'draft' };
const listeners = new Set<() => void>();
let started = false;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function notify(): void {
  snapshot = computeState(currentPlanEditor()?.plan);
  for (const l of listeners) l();
}

function computeState(plan: Plan | undefined): PlanSaveState {
  const base: PlanSaveState = { status: 'draft' };
  if (lastSave) base.lastSave = lastSave;
  if (pending && plan && pending.seriesInstanceUID === plan.references.seriesInstanceUID) {
    base.pendingSave = { rtPlanSopInstanceUID: pending.encoded.uids.rtPlanSopInstanceUID, storedObjects: pending.storedObjects, sameAsPlan: pending.planModifiedDateTime === plan.modifiedDateTime };
  }
  if (op.op) return { ...base, status: op.op, ...(op.progress ? { progress: op.progress } : {}), ...(op.info ? { message: op.info } : {}) };
  if (op.failure && (!plan || op.failure.planModifiedDateTime === undefined || op.failure.planModifiedDateTime === plan.modifiedDateTime || base.pendingSave)) {
    return { ...base, status: 'failed', message: op.failure.message, retryable: op.failure.retryable };
  }
  if (base.pendingSave) {
    const stored = base.pendingSave.storedObjects.length;
    return {
      ...base,
      status: 'failed',
      retryable: true,
      message: `A save of this plan did not finish (${stored} of 4 objects stored; not listed as a plan). The plan is kept in this browser: ${base.pendingSave.sameAsPlan ? 'Retry sends the same objects' : 'Save plan stores the edited plan'}.`,
    };
  }
  if (!plan || !lastSave) return { ...base, ...(op.info ? { message: op.info } : {}) };
  const status: PlanSaveStatus = lastSave.planModifiedDateTime === plan.modifiedDateTime ? 'saved' : 'modified';
  return { ...base, status, ...(op.info ? { message: op.info } : {}) };
}

/** Follows the plan session: restores the pending save / last save of the session's CT series. Idempotent. */
export function startPlanStoreService(): void {
  if (started) return;
  started = true;
  subscribePlan((plan) => {
    const key = plan.references.seriesInstanceUID;
    if (key !== seriesKey) void switchSeries(key);
    else notify();
  });
  const editor = currentPlanEditor();
  if (editor) void switchSeries(editor.plan.references.seriesInstanceUID);
}

async function switchSeries(key: string): Promise<void> {
  seriesKey = key;
  pending = undefined;
  lastSave = undefined;
  op = {};
  notify();
  const [p, s] = await Promise.all([kvGet<PendingSave>(PENDING_PREFIX + key), kvGet<LastSave>(SAVED_PREFIX + key)]);
  if (seriesKey !== key) return;
  pending = p && p.encoded?.files ? p : undefined;
  lastSave = s;
  if (s) setDoseState({ savedModifiedDateTime: s.planModifiedDateTime });
  notify();
}

export function getPlanSaveState(): PlanSaveState {
  return snapshot;
}

export function subscribePlanSaveState(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** React hook: the save/load state of the current plan (re-renders on plan edits and save progress). */
export function usePlanSaveState(): PlanSaveState {
  startPlanStoreService();
  usePlan(); // plan edits change saved → modified
  return useSyncExternalStore(subscribePlanSaveState, getPlanSaveState, getPlanSaveState);
}

function services(): { uiNotificationService?: UINotificationService; displaySetService?: { getActiveDisplaySets(): DisplaySet[] } } {
  return peekHostContext()?.servicesManager.services ?? {};
}

function toast(title: string, message: string, type: 'success' | 'error' | 'info'): void {
  try {
    services().uiNotificationService?.show({ title, message, type, duration: type === 'error' ? 10_000 : 5000 });
  } catch {
    /* notifications are optional */
  }
}

/** A DICOMweb client on OHIF's active data source (wadoRoot) with the user's Authorization header. */
export function pacsClient(): DicomwebClient {
  const { wadoRoot, headers } = activeDicomweb();
  return new DicomwebClient({ url: wadoRoot, headers, timeoutMs: PLAN_REQUEST_TIMEOUT_MS });
}

/**
 * Opens the plan session of the study's CT when none is open yet (e.g. "Load plan" before the dose view
 * opened it). Uses the CT display set shown, else the study's first CT.
 */
export function ensureSessionFor(seriesInstanceUID?: string): void {
  const editor = currentPlanEditor();
  if (editor && (!seriesInstanceUID || editor.plan.references.seriesInstanceUID === seriesInstanceUID)) return;
  const sets = services().displaySetService?.getActiveDisplaySets() ?? [];
  const ct = sets.find((d) => d.Modality === 'CT' && (!seriesInstanceUID || d.SeriesInstanceUID === seriesInstanceUID));
  if (!ct?.StudyInstanceUID || !ct.SeriesInstanceUID) return;
  const first = (ct.instances?.[0] ?? {}) as Record<string, unknown>;
  const name = first.PatientName;
  openPlanSession({
    studyInstanceUID: ct.StudyInstanceUID,
    seriesInstanceUID: ct.SeriesInstanceUID,
    frameOfReferenceUID: typeof first.FrameOfReferenceUID === 'string' ? first.FrameOfReferenceUID : '',
    ...(typeof first.PatientID === 'string' ? { patientID: first.PatientID } : {}),
    ...(typeof name === 'string' ? { patientName: name } : Array.isArray(name) && typeof name[0]?.Alphabetic === 'string' ? { patientName: name[0].Alphabetic as string } : {}),
  });
}

function failureMessage(e: unknown, stored: readonly PlanObjectKind[]): { message: string; retryable: boolean; code?: string } {
  if (isPlanStoreError(e)) {
    const kept = e.code === 'aborted' ? 'The plan is kept in this browser; save again when ready.' : e.retryable ? 'The plan is kept in this browser: Retry when the server is reachable.' : 'The plan is kept in this browser.';
    return { message: `${e.message.replace(/\.\s*$/, '')}. ${kept}`, retryable: e.retryable || e.code === 'aborted', code: e.code };
  }
  const storedText = stored.length ? ` (${stored.map((k) => PLAN_OBJECT_NAMES[k]).join(', ')} stored, the plan is not complete)` : '';
  return { message: `Saving the plan failed${storedText}: ${describe(e)}. The plan is kept in this browser.`, retryable: true };
}

/**
 * Saves the current plan to the PACS as four new series (SEG, RT Structure Set, RT Dose, RT Plan last).
 * When a save of the unchanged plan is pending (failed earlier, even before a reload), the same objects are
 * re-sent (Retry): no duplicate series. Concurrent calls share one save.
 */
export function savePlanToPacs(options: { onProgress?: (p: PlanStoreProgress) => void; signal?: AbortSignal } = {}): Promise<PlanStoreResult<{ rtPlanSopInstanceUID: string }>> {
  if (inFlight) return inFlight;
  inFlight = doSave(options).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

/** Same as {@link savePlanToPacs}: re-sends the pending objects when the plan did not change. */
export const retrySavePlan = savePlanToPacs;

async function doSave(options: { onProgress?: (p: PlanStoreProgress) => void; signal?: AbortSignal }): Promise<PlanStoreResult<{ rtPlanSopInstanceUID: string }>> {
  startPlanStoreService();
  ensureSessionFor();
  const plan = currentPlanEditor()?.plan;
  if (!plan) {
    const message = 'No plan to save: open a CT in this mode first.';
    op = { failure: { message, retryable: false } };
    notify();
    return { ok: false, message, retryable: false };
  }
  const key = plan.references.seriesInstanceUID;
  if (seriesKey !== key) await switchSeries(key);
  op = { op: 'saving', progress: { done: 0, total: 4 }, info: 'Preparing the plan (SEG, RT Structure Set, RT Dose, RT Plan)…' };
  notify();
  await new Promise((r) => setTimeout(r, 0)); // let the panel show "saving" before the dose computation

  let encoded: EncodedPlan;
  if (pending && pending.seriesInstanceUID === key && pending.planModifiedDateTime === plan.modifiedDateTime) {
    encoded = pending.encoded; // retry: identical objects, same UIDs
  } else {
    try {
      encoded = encodePlan(buildPlanBundle(plan));
    } catch (e) {
      const message = `The plan cannot be saved: ${describe(e)}`;
      op = { failure: { message, retryable: false, planModifiedDateTime: plan.modifiedDateTime } };
      notify();
      toast('Plan not saved', message, 'error');
      return { ok: false, message, retryable: false, code: 'invalid-input' };
    }
    pending = { seriesInstanceUID: key, planModifiedDateTime: plan.modifiedDateTime, planName: plan.name, encoded, storedObjects: [], atDateTime: new Date().toISOString() };
    const persisted = await kvSet(PENDING_PREFIX + key, pending);
    if (!persisted) op.info = 'Sending the plan (this browser cannot keep a copy of the DICOM objects; the plan draft itself is kept)…';
  }

  const stored: PlanObjectKind[] = [];
  try {
    let client: DicomwebClient;
    try {
      client = pacsClient();
    } catch (e) {
      throw new Error(describe(e));
    }
    op = { op: 'saving', progress: { done: 0, total: 4, object: 'seg' }, info: `Sending the plan to the PACS (0/4)…` };
    notify();
    const saved = await savePlan(client, encoded, {
      ...(options.signal ? { signal: options.signal } : {}),
      timeoutMs: PLAN_REQUEST_TIMEOUT_MS,
      onProgress: (p) => {
        stored.push(p.object);
        op = { op: 'saving', progress: { done: p.done, total: p.total, object: p.object }, info: `Sending the plan to the PACS (${p.done}/${p.total}: ${PLAN_OBJECT_NAMES[p.object]} stored)…` };
        notify();
        options.onProgress?.(p);
      },
    });
    lastSave = {
      rtPlanSopInstanceUID: saved.rtPlanSopInstanceUID,
      studyInstanceUID: saved.studyInstanceUID,
      planModifiedDateTime: pending?.planModifiedDateTime ?? plan.modifiedDateTime,
      planName: pending?.planName ?? plan.name,
      atDateTime: new Date().toISOString(),
    };
    pending = undefined;
    await kvDelete(PENDING_PREFIX + key);
    await kvSet(SAVED_PREFIX + key, lastSave);
    setDoseState({ savedModifiedDateTime: lastSave.planModifiedDateTime });
    const message = `Plan "${lastSave.planName}" saved to the PACS: 4 series (SEG, RT Structure Set, RT Dose, RT Plan).`;
    op = { info: message };
    notify();
    toast('Plan saved', message, 'success');
    return { ok: true, rtPlanSopInstanceUID: saved.rtPlanSopInstanceUID };
  } catch (e) {
    const storedNow = isPlanStoreError(e) ? [...e.storedObjects] : stored;
    if (pending) {
      pending = { ...pending, storedObjects: storedNow, message: describe(e) };
      await kvSet(PENDING_PREFIX + key, pending);
    }
    const f = failureMessage(e, storedNow);
    op = { failure: { message: f.message, retryable: f.retryable, planModifiedDateTime: plan.modifiedDateTime } };
    notify();
    toast('Plan not saved', f.message, 'error');
    return { ok: false, ...f };
  }
}

/** The study's complete PVPI plans on the PACS (QIDO-RS), newest first. */
export async function listPacsPlans(studyInstanceUID: string, options: { signal?: AbortSignal; includeIncomplete?: boolean } = {}): Promise<PlanStoreResult<{ plans: PlanSummary[] }>> {
  try {
    const plans = await listPlans(pacsClient(), studyInstanceUID, options);
    return { ok: true, plans };
  } catch (e) {
    return { ok: false, message: isPlanStoreError(e) ? e.message : `Listing the plans failed: ${describe(e)}`, retryable: isPlanStoreError(e) ? e.retryable : true };
  }
}

/**
 * Loads a saved plan (its four objects + the planning CT metadata, WADO-RS) into the plan session of its CT:
 * needles, seeds, prescription, source, structures (the dose is recomputed by the dose view from the seeds).
 * The draft it replaces is kept in local storage under a backup key.
 */
export async function loadPacsPlan(studyInstanceUID: string, rtPlanSopInstanceUID: string, options: { signal?: AbortSignal; onProgress?: (p: PlanStoreProgress) => void } = {}): Promise<PlanStoreResult<{ plan: Plan; loaded: LoadedPlan }>> {
  startPlanStoreService();
  op = { op: 'loading', progress: { done: 0, total: 4 }, info: 'Loading the plan from the PACS…' };
  notify();
  try {
    const loaded = await loadPlan(pacsClient(), studyInstanceUID, rtPlanSopInstanceUID, {
      ...(options.signal ? { signal: options.signal } : {}),
      timeoutMs: PLAN_REQUEST_TIMEOUT_MS,
      onProgress: (p) => {
        op = { op: 'loading', progress: { done: p.done, total: p.total, object: p.object }, info: `Loading the plan (${p.done}/${p.total})…` };
        notify();
        options.onProgress?.(p);
      },
    });
    const plan = loaded.plan;
    const key = plan.references.seriesInstanceUID;
    ensureSessionFor(key);
    const editor = currentPlanEditor();
    if (!editor || editor.plan.references.seriesInstanceUID !== key) {
      // The CT is not part of the viewer's display sets: open its session anyway (the plan carries its references).
      openPlanSession(plan.references);
    }
    const target = currentPlanEditor();
    if (!target) throw new Error('no plan session could be opened');
    await kvSet(`pvpi-plan-draft-backup:${key}`, target.plan);
    target.load(plan);
    lastSave = { rtPlanSopInstanceUID, studyInstanceUID, planModifiedDateTime: plan.modifiedDateTime, planName: plan.name, atDateTime: new Date().toISOString() };
    seriesKey = key;
    await kvSet(SAVED_PREFIX + key, lastSave);
    setDoseState({ savedModifiedDateTime: plan.modifiedDateTime });
    // The plan's structures go back into the PVPI labelmap (so the DVH and the needle checks use them).
    await restoreSegmentationFromPlanSeg(loaded.files.seg, planObjectUids(rtPlanSopInstanceUID).segSeriesInstanceUID, plan.name);
    const message = `Loaded plan "${plan.name}": ${plan.needles.length} needle(s), ${plan.seeds.length} seed(s), ${plan.prescription.doseGy} Gy to ${plan.prescription.targetLabel}.${loaded.warnings.length ? ` ${loaded.warnings.join(' ')}` : ''}`;
    op = { info: message };
    notify();
    toast('Plan loaded', message, 'success');
    return { ok: true, plan, loaded };
  } catch (e) {
    const message = isPlanStoreError(e) ? e.message : `Loading the plan failed: ${describe(e)}`;
    const retryable = isPlanStoreError(e) ? e.retryable : false;
    op = { info: message };
    notify();
    toast('Plan not loaded', message, 'error');
    return { ok: false, message, retryable, ...(isPlanStoreError(e) ? { code: e.code } : {}) };
  }
}

/** Study of the current plan (or of the CT in view). */
export function currentStudyInstanceUID(): string | undefined {
  const plan = currentPlanEditor()?.plan;
  if (plan) return plan.references.studyInstanceUID;
  try {
    return (getHostContext().servicesManager.services.displaySetService?.getActiveDisplaySets() ?? []).find((d) => d.Modality === 'CT')?.StudyInstanceUID;
  } catch {
    return undefined;
  }
}
