/**
 * Saving, listing and loading PVPI plans on a DICOMweb server (STOW-RS, QIDO-RS, WADO-RS). Pure and fetch-based:
 * the viewer passes its DicomwebClient (with the data source's authorization headers); the CLI passes its own.
 *
 * "Nothing lost" contract:
 * - Objects are stored one by one in the order SEG, RT Structure Set, RT Dose, RT Plan. The RT Plan is last, so a
 *   plan whose save was interrupted has no RT Plan and is never listed.
 * - {@link listPlans} lists an RT Plan only when the SEG, RT Structure Set and RT Dose whose UIDs derive from it
 *   (see planObjectUids) are all on the server, so even an RT Plan stored without its companions is not complete.
 * - A failed save rejects with {@link PlanStoreError}: which objects were stored, whether a retry may succeed, the
 *   one-line server error. Retrying with the same {@link EncodedPlan} re-sends identical objects (same UIDs): the
 *   server ends up with one copy, never a duplicate series.
 */
import { DicomwebClient, getNumber, getString, isDicomwebError, type DicomJsonDataset, type DicomwebError } from '../dicomweb';
import { isDicomObjectError, type DicomObjectError } from '../dicom/rtCommon';
import { DicomInputError } from '../dicom/dataset';
import { planningCtFromMetadata } from './ctMetadata';
import {
  decodePlan,
  encodePlan,
  PLAN_OBJECT_KINDS,
  PLAN_OBJECT_NAMES,
  planNameFromSeriesDescription,
  planObjectUids,
  PLAN_SERIES_PREFIX,
  type DecodedPlan,
  type EncodedPlan,
  type EncodeOptions,
  type PlanBundle,
  type PlanObjectKind,
} from './encode';
import { readRtStruct, type PlanningCt } from '../dicom/rtStruct';

/**
 * Why a plan-store operation failed:
 * - `server`: the DICOMweb request failed (see `retryable` and `cause`, a DicomwebError).
 * - `aborted`: cancelled through the AbortSignal.
 * - `not-found`: the plan (or one of its objects, or the planning CT) is not on the server.
 * - `incomplete`: the plan's RT Plan exists but not all its objects (an interrupted save).
 * - `invalid-object`: an object was retrieved but cannot be read (corrupt, foreign, other patient…; `cause` is a DicomObjectError).
 * - `invalid-input`: the plan given to savePlan cannot be encoded.
 */
export type PlanStoreErrorCode = 'server' | 'aborted' | 'not-found' | 'incomplete' | 'invalid-object' | 'invalid-input';

/** A failed save/list/load, with a one-line message for users. */
export class PlanStoreError extends Error {
  override readonly name = 'PlanStoreError';
  readonly code: PlanStoreErrorCode;
  /** Whether trying again later may succeed (server down, timeout, 5xx, connection lost). */
  readonly retryable: boolean;
  /** For savePlan: the objects the server acknowledged before the failure (in store order). */
  readonly storedObjects: readonly PlanObjectKind[];
  /** The object being stored/read when it failed. */
  readonly object?: PlanObjectKind;
  constructor(message: string, details: { code: PlanStoreErrorCode; retryable?: boolean; storedObjects?: readonly PlanObjectKind[]; object?: PlanObjectKind; cause?: unknown }) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.retryable = details.retryable ?? false;
    this.storedObjects = details.storedObjects ?? [];
    if (details.object !== undefined) this.object = details.object;
  }
}

/** Type guard across bundle boundaries. */
export function isPlanStoreError(value: unknown): value is PlanStoreError {
  return value instanceof PlanStoreError || (value instanceof Error && value.name === 'PlanStoreError' && 'code' in value);
}

/** Progress of a save or load. */
export interface PlanStoreProgress {
  /** The object just stored / retrieved. */
  object: PlanObjectKind;
  /** Objects done so far (1…4). */
  done: number;
  total: number;
}

export interface PlanStoreOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PlanStoreProgress) => void;
  /** Per-request time limit (ms), else the client's default. */
  timeoutMs?: number;
}

/** Result of a successful save. */
export interface SavedPlan {
  studyInstanceUID: string;
  rtPlanSopInstanceUID: string;
  encoded: EncodedPlan;
}

function serverError(e: DicomwebError, what: string, stored: readonly PlanObjectKind[], object?: PlanObjectKind): PlanStoreError {
  if (e.kind === 'aborted') return new PlanStoreError(`${what} was cancelled`, { code: 'aborted', storedObjects: stored, ...(object ? { object } : {}), cause: e });
  return new PlanStoreError(`${what} failed: ${e.message}`, { code: 'server', retryable: e.retryable, storedObjects: stored, ...(object ? { object } : {}), cause: e });
}

/**
 * Stores a plan as four new series (SEG, RT Structure Set, RT Dose, then RT Plan). Pass an {@link EncodedPlan} to
 * retry a failed save with identical objects; a {@link PlanBundle} is encoded first (fresh UIDs).
 */
export async function savePlan(client: DicomwebClient, plan: PlanBundle | EncodedPlan, options: PlanStoreOptions & { encode?: EncodeOptions } = {}): Promise<SavedPlan> {
  let encoded: EncodedPlan;
  if ('files' in plan) encoded = plan;
  else {
    try {
      encoded = encodePlan(plan, options.encode);
    } catch (e) {
      throw new PlanStoreError(`The plan cannot be saved as DICOM: ${e instanceof Error ? e.message : String(e)}`, { code: 'invalid-input', cause: e });
    }
  }
  const stored: PlanObjectKind[] = [];
  const label = `Saving the plan to ${client.url}`;
  for (const kind of PLAN_OBJECT_KINDS) {
    if (options.signal?.aborted) throw new PlanStoreError(`${label} was cancelled after ${stored.length} of 4 objects; the plan is not saved`, { code: 'aborted', storedObjects: [...stored], object: kind });
    try {
      await client.storeInstances([encoded.files[kind]], {
        studyInstanceUID: encoded.studyInstanceUID,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
    } catch (e) {
      if (isDicomwebError(e)) {
        const done = stored.length === 0 ? 'nothing was stored' : `${stored.map((k) => PLAN_OBJECT_NAMES[k]).join(', ')} already stored; the plan is not complete`;
        throw serverError(e, `${label} (storing the ${PLAN_OBJECT_NAMES[kind]}; ${done})`, [...stored], kind);
      }
      throw e;
    }
    stored.push(kind);
    options.onProgress?.({ object: kind, done: stored.length, total: PLAN_OBJECT_KINDS.length });
  }
  return { studyInstanceUID: encoded.studyInstanceUID, rtPlanSopInstanceUID: encoded.uids.rtPlanSopInstanceUID, encoded };
}

/** One PVPI plan of a study, as listed. */
export interface PlanSummary {
  studyInstanceUID: string;
  rtPlanSopInstanceUID: string;
  rtPlanSeriesInstanceUID: string;
  /** Plan name (from the series description). */
  name: string;
  seriesDescription: string;
  /** DICOM Series Date + Time of the RT Plan ("YYYYMMDDHHMMSS"), for sorting; empty when unknown. */
  seriesDateTime: string;
  seriesNumber?: number;
  complete: boolean;
  /** Objects not found on the server (empty when complete). */
  missing: PlanObjectKind[];
}

const TAG = { SeriesInstanceUID: '0020000E', SeriesDescription: '0008103E', SeriesDate: '00080021', SeriesTime: '00080031', SeriesNumber: '00200011', Modality: '00080060', SOPInstanceUID: '00080018', NumberOfSeriesRelatedInstances: '00201209' };

/**
 * Lists the study's PVPI plans (QIDO-RS), newest first. Only complete plans unless `includeIncomplete`.
 */
export async function listPlans(client: DicomwebClient, studyInstanceUID: string, options: { signal?: AbortSignal; includeIncomplete?: boolean } = {}): Promise<PlanSummary[]> {
  const req = options.signal ? { signal: options.signal } : {};
  let series: DicomJsonDataset[];
  try {
    series = await client.searchSeries(studyInstanceUID, { includefield: [TAG.SeriesDate, TAG.SeriesTime, TAG.NumberOfSeriesRelatedInstances, TAG.SeriesDescription] }, req);
  } catch (e) {
    if (isDicomwebError(e)) throw serverError(e, `Listing the plans of study ${studyInstanceUID}`, []);
    throw e;
  }
  const count = new Map<string, number>();
  for (const s of series) {
    const uid = getString(s, TAG.SeriesInstanceUID);
    if (uid) count.set(uid, getNumber(s, TAG.NumberOfSeriesRelatedInstances) ?? 1);
  }
  const plans: PlanSummary[] = [];
  for (const s of series) {
    const description = getString(s, TAG.SeriesDescription) ?? '';
    if (getString(s, TAG.Modality) !== 'RTPLAN' || !description.startsWith(PLAN_SERIES_PREFIX)) continue;
    const seriesUID = getString(s, TAG.SeriesInstanceUID) ?? '';
    let instances: DicomJsonDataset[];
    try {
      instances = await client.searchInstances(studyInstanceUID, seriesUID, undefined, req);
    } catch (e) {
      if (isDicomwebError(e)) throw serverError(e, `Listing the plans of study ${studyInstanceUID}`, []);
      throw e;
    }
    for (const inst of instances) {
      const sop = getString(inst, TAG.SOPInstanceUID);
      if (!sop) continue;
      const uids = planObjectUids(sop);
      if (uids.rtPlanSeriesInstanceUID !== seriesUID) continue; // an RT Plan not written by the plan store
      const missing: PlanObjectKind[] = [];
      if (!(count.get(uids.segSeriesInstanceUID) ?? 0)) missing.push('seg');
      if (!(count.get(uids.rtStructSeriesInstanceUID) ?? 0)) missing.push('rtstruct');
      if (!(count.get(uids.rtDoseSeriesInstanceUID) ?? 0)) missing.push('rtdose');
      if (missing.length > 0 && !options.includeIncomplete) continue;
      const seriesNumber = getNumber(s, TAG.SeriesNumber);
      plans.push({
        studyInstanceUID,
        rtPlanSopInstanceUID: sop,
        rtPlanSeriesInstanceUID: seriesUID,
        name: planNameFromSeriesDescription(description) ?? description.slice(PLAN_SERIES_PREFIX.length),
        seriesDescription: description,
        seriesDateTime: `${getString(s, TAG.SeriesDate) ?? ''}${(getString(s, TAG.SeriesTime) ?? '').split('.')[0]}`,
        ...(seriesNumber !== undefined ? { seriesNumber } : {}),
        complete: missing.length === 0,
        missing,
      });
    }
  }
  plans.sort((a, b) => (a.seriesDateTime < b.seriesDateTime ? 1 : a.seriesDateTime > b.seriesDateTime ? -1 : 0));
  return plans;
}

/** A plan loaded from the server: the decoded plan, the planning CT and the four files as stored. */
export interface LoadedPlan extends DecodedPlan {
  ct: PlanningCt;
  files: Record<PlanObjectKind, Uint8Array>;
}

/**
 * Loads a plan saved by {@link savePlan}: retrieves its four objects and the planning CT's metadata (WADO-RS), and
 * restores needles, seeds, prescription, structures and dose. Objects of another patient, study or Frame of
 * Reference are rejected (`invalid-object`).
 */
export async function loadPlan(client: DicomwebClient, studyInstanceUID: string, rtPlanSopInstanceUID: string, options: PlanStoreOptions = {}): Promise<LoadedPlan> {
  const uids = planObjectUids(rtPlanSopInstanceUID);
  const req = { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
  const where: Record<PlanObjectKind, [string, string]> = {
    rtplan: [uids.rtPlanSeriesInstanceUID, uids.rtPlanSopInstanceUID],
    rtstruct: [uids.rtStructSeriesInstanceUID, uids.rtStructSopInstanceUID],
    seg: [uids.segSeriesInstanceUID, uids.segSopInstanceUID],
    rtdose: [uids.rtDoseSeriesInstanceUID, uids.rtDoseSopInstanceUID],
  };
  const files: Partial<Record<PlanObjectKind, Uint8Array>> = {};
  const order: PlanObjectKind[] = ['rtplan', 'rtstruct', 'seg', 'rtdose'];
  let done = 0;
  for (const kind of order) {
    try {
      files[kind] = await client.retrieveInstance(studyInstanceUID, where[kind][0], where[kind][1], req);
    } catch (e) {
      if (isDicomwebError(e) && e.status === 404) {
        throw new PlanStoreError(
          kind === 'rtplan' ? `Plan ${rtPlanSopInstanceUID} is not on the server (study ${studyInstanceUID})` : `The plan is incomplete on the server: its ${PLAN_OBJECT_NAMES[kind]} is missing (interrupted save?)`,
          { code: kind === 'rtplan' ? 'not-found' : 'incomplete', object: kind, cause: e },
        );
      }
      if (isDicomwebError(e)) throw serverError(e, `Loading the plan's ${PLAN_OBJECT_NAMES[kind]}`, [], kind);
      throw e;
    }
    options.onProgress?.({ object: kind, done: ++done, total: 4 });
  }
  const complete = files as Record<PlanObjectKind, Uint8Array>;
  // The planning CT: the series the structure set references.
  let ct: PlanningCt;
  try {
    const ss = readRtStruct(complete.rtstruct, { studyInstanceUID }, 'rtstruct.dcm');
    if (!ss.referencedSeriesInstanceUID) throw new PlanStoreError('The RT Structure Set does not name its CT series (RT Referenced Series Sequence)', { code: 'invalid-object', object: 'rtstruct' });
    let meta: DicomJsonDataset[];
    try {
      meta = await client.retrieveSeriesMetadata(studyInstanceUID, ss.referencedSeriesInstanceUID, req);
    } catch (e) {
      if (isDicomwebError(e) && e.status === 404) throw new PlanStoreError(`The planning CT series ${ss.referencedSeriesInstanceUID} is not on the server`, { code: 'not-found', cause: e });
      if (isDicomwebError(e)) throw serverError(e, 'Loading the planning CT metadata', []);
      throw e;
    }
    ct = planningCtFromMetadata(meta, 'planning CT');
    const decoded = decodePlan(complete, ct);
    return { ...decoded, ct, files: complete };
  } catch (e) {
    throw asLoadError(e);
  }
}

function asLoadError(e: unknown): unknown {
  if (isPlanStoreError(e)) return e;
  if (isDicomObjectError(e) || e instanceof DicomInputError) {
    const err = e as DicomObjectError;
    return new PlanStoreError(`The stored plan cannot be read: ${err.message}`, { code: 'invalid-object', cause: e });
  }
  return e;
}

/** Reads the four plan objects' UIDs from an RT Plan SOP Instance UID (re-exported for the viewer). */
export { planObjectUids, PLAN_OBJECT_KINDS, PLAN_OBJECT_NAMES };
