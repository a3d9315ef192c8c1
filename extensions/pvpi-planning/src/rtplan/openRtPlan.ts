/**
 * Opening an RT Plan (RTPLAN series of the study) in our mode: the plan's seeds (and needles, for plans
 * written by PVPI Planner) go into the plan session of the CT the plan is on.
 *
 * - Ours (complete PVPI plan: RT Plan + SEG, RT Structure Set, RT Dose): loaded like "Load plan"
 *   (needles, seeds, prescription, source, structures).
 * - Another system's (or an incomplete PVPI plan): read with the core readRtPlan (one seed per dwelling
 *   position of each channel, any number of control points); its seeds replace the session's seeds and
 *   needles, the source/prescription are taken when known. The replaced draft is backed up locally.
 * Never throws: corrupt or foreign objects (wrong study, no matching CT Frame of Reference) give a message.
 */
import { isDicomObjectError } from '../../../../src/dicom/rtCommon';
import { readRtPlan, type RtPlanReadResult } from '../../../../src/dicom/rtPlan';
import type { RtStructReadResult } from '../../../../src/dicom/rtStruct';
import { getSourceModel } from '../../../../src/dose/sourceModel';
import { isDicomwebError } from '../../../../src/dicomweb';
import { planFromDicom, planObjectUids } from '../../../../src/planStore';
import type { Plan } from '../../../../src/planning/plan';
import { createPlan } from '../../../../src/planning/plan';
import { peekHostContext } from '../host/hostContext';
import type { DisplaySet } from '../host/ohifTypes';
import { currentPlanEditor, openPlanSession } from '../plan/planSession';
import { kvSet } from '../planStore/localStore';
import { loadPacsPlan, pacsClient, type PlanStoreResult } from '../planStore/planStoreService';

/** Which RT Plan instance to open. */
export interface RtPlanRef {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
}

export type OpenRtPlanResult = PlanStoreResult<{ kind: 'pvpi' | 'foreign'; plan: Plan; warnings: string[]; message: string }>;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function toast(title: string, message: string, type: 'success' | 'error'): void {
  try {
    peekHostContext()?.servicesManager.services.uiNotificationService?.show({ title, message, type, duration: type === 'error' ? 10_000 : 5000 });
  } catch {
    /* optional */
  }
}

function ctDisplaySets(): DisplaySet[] {
  return (peekHostContext()?.servicesManager.services.displaySetService?.getActiveDisplaySets() ?? []).filter((d) => d.Modality === 'CT');
}

function frameOfReferenceOf(ds: DisplaySet): string | undefined {
  const first = ds.instances?.[0] as Record<string, unknown> | undefined;
  return typeof first?.FrameOfReferenceUID === 'string' ? first.FrameOfReferenceUID : undefined;
}

/** The RT Plan reference of an OHIF display set built by our SOP class handler (or any RTPLAN display set). */
export function rtPlanRefOf(ds: DisplaySet & { SOPInstanceUID?: string }): RtPlanRef | undefined {
  const inst = ds.instances?.[0] as Record<string, unknown> | undefined;
  const sop = ds.SOPInstanceUID ?? (typeof inst?.SOPInstanceUID === 'string' ? inst.SOPInstanceUID : undefined);
  if (!ds.StudyInstanceUID || !ds.SeriesInstanceUID || !sop) return undefined;
  return { studyInstanceUID: ds.StudyInstanceUID, seriesInstanceUID: ds.SeriesInstanceUID, sopInstanceUID: sop };
}

const EMPTY_STRUCTURE_SET = (rt: RtPlanReadResult): RtStructReadResult => ({
  sopInstanceUID: '',
  seriesInstanceUID: '',
  studyInstanceUID: rt.studyInstanceUID,
  patientId: rt.patientId,
  seriesDescription: '',
  frameOfReferenceUID: rt.frameOfReferenceUID ?? '',
  label: '',
  rois: [],
});

/** Opens an RT Plan of the study into the plan session. */
export async function openRtPlan(ref: RtPlanRef): Promise<OpenRtPlanResult> {
  const fail = (message: string, retryable = false): OpenRtPlanResult => {
    toast('RT Plan not opened', message, 'error');
    return { ok: false, message, retryable };
  };
  let bytes: Uint8Array;
  try {
    bytes = await pacsClient().retrieveInstance(ref.studyInstanceUID, ref.seriesInstanceUID, ref.sopInstanceUID);
  } catch (e) {
    return fail(`Retrieving the RT Plan failed: ${describe(e)}`, isDicomwebError(e) ? e.retryable : false);
  }
  let rt: RtPlanReadResult;
  try {
    rt = readRtPlan(bytes, { studyInstanceUID: ref.studyInstanceUID }, 'RT Plan');
  } catch (e) {
    return fail(isDicomObjectError(e) ? `This RT Plan cannot be opened: ${e.message}` : `This RT Plan cannot be read: ${describe(e)}`);
  }

  // Ours: a complete PVPI plan restores everything.
  const ours = rt.extras !== undefined && planObjectUids(ref.sopInstanceUID).rtPlanSeriesInstanceUID === ref.seriesInstanceUID;
  const warnings: string[] = [...rt.warnings];
  if (ours) {
    const loaded = await loadPacsPlan(ref.studyInstanceUID, ref.sopInstanceUID);
    if (loaded.ok) {
      const p = loaded.plan;
      return { ok: true, kind: 'pvpi', plan: p, warnings: loaded.loaded.warnings, message: `Opened PVPI plan "${p.name}": ${p.needles.length} needle(s), ${p.seeds.length} seed(s).` };
    }
    if (loaded.code !== 'incomplete' && loaded.code !== 'not-found') return { ok: false, message: loaded.message, retryable: loaded.retryable };
    warnings.push(`${loaded.message}: only the seeds are opened.`);
  }

  // The CT of the plan: same Frame of Reference (else the plan session's CT when the plan gives none).
  const cts = ctDisplaySets();
  let ct = rt.frameOfReferenceUID ? cts.find((d) => frameOfReferenceOf(d) === rt.frameOfReferenceUID) : undefined;
  if (!ct) {
    if (rt.frameOfReferenceUID && cts.length > 0) return fail(`This RT Plan is on Frame of Reference ${rt.frameOfReferenceUID}, which no CT series of this study has: its seed positions cannot be placed on these images`);
    const sessionSeries = currentPlanEditor()?.plan.references.seriesInstanceUID;
    ct = cts.find((d) => d.SeriesInstanceUID === sessionSeries) ?? cts[0];
    if (!ct) return fail('No CT series is loaded for this study: open the study with its planning CT first');
    warnings.push('The RT Plan has no Frame of Reference UID: its seeds are shown on the CT in view, check that they match.');
  }
  const forUID = frameOfReferenceOf(ct) ?? rt.frameOfReferenceUID ?? '';
  const references = { studyInstanceUID: ref.studyInstanceUID, seriesInstanceUID: ct.SeriesInstanceUID ?? '', frameOfReferenceUID: forUID, ...(rt.patientId ? { patientID: rt.patientId } : {}) };
  let fromDicom: Plan;
  try {
    fromDicom = planFromDicom(rt, EMPTY_STRUCTURE_SET(rt), { studyInstanceUID: ref.studyInstanceUID, seriesInstanceUID: references.seriesInstanceUID, frameOfReferenceUID: forUID, patientId: rt.patientId });
  } catch (e) {
    return fail(`This RT Plan cannot be opened: ${describe(e)}`);
  }
  if (fromDicom.seeds.length === 0) return fail(`This RT Plan has no seed positions (${rt.warnings.join('; ') || 'no channel with a dwell position'})`);

  // Into the session of that CT: seeds replace the draft's seeds and needles (the draft is backed up first).
  let editor = currentPlanEditor();
  if (!editor || editor.plan.references.seriesInstanceUID !== references.seriesInstanceUID) editor = openPlanSession(references);
  const base = editor.plan;
  await kvSet(`pvpi-plan-draft-backup:${references.seriesInstanceUID}`, base);
  let source = base.source;
  try {
    const model = getSourceModel(fromDicom.source.modelId);
    source = { modelId: model.id, airKermaStrengthU: fromDicom.source.airKermaStrengthU, calibrationDateTime: fromDicom.source.calibrationDateTime || base.source.calibrationDateTime };
  } catch {
    warnings.push(`Seed model "${fromDicom.source.modelId}" is not one of ours: the dose uses ${base.source.modelId} at ${fromDicom.source.airKermaStrengthU} U per seed.`);
    if (fromDicom.source.airKermaStrengthU > 0) source = { ...base.source, airKermaStrengthU: fromDicom.source.airKermaStrengthU };
  }
  const now = new Date().toISOString();
  const fresh = createPlan({ id: `rtplan-${ref.sopInstanceUID}`, nowDateTime: now, references: { ...base.references, ...references } });
  const plan: Plan = {
    ...fresh,
    name: fromDicom.name || 'RT Plan',
    createdDateTime: fromDicom.createdDateTime || now,
    modifiedDateTime: now,
    prescription: Number.isFinite(fromDicom.prescription.doseGy) && fromDicom.prescription.doseGy > 0 ? { ...base.prescription, doseGy: fromDicom.prescription.doseGy } : base.prescription,
    source,
    implantDateTime: base.implantDateTime,
    needles: fromDicom.needles,
    seeds: fromDicom.seeds.map(({ needleId: _n, ...s }) => s),
    constraints: base.constraints,
    approval: 'UNAPPROVED',
  };
  editor.load(plan);
  const message = `Opened RT Plan "${plan.name}" from another system: ${plan.seeds.length} seed(s)${warnings.length ? `. ${warnings.join(' ')}` : ''}`;
  toast('RT Plan opened', message, 'success');
  return { ok: true, kind: 'foreign', plan, warnings, message };
}
