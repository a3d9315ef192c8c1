/**
 * Helpers for the plan store end-to-end test: OHIF commands from the page, series of the study by QIDO-RS
 * straight to the DICOMweb server, the plan save state shown in the panel, a "foreign" RT Plan (another
 * system's: no PVPI private data, its own UIDs, 3-4 control points per channel) written with the core writer.
 */
import type { Page } from 'playwright-core';
import type { NaturalDataset } from 'dcmjs';
import { RT_PLAN_STORAGE, writeRtFile } from '../../../src/dicom/rtCommon';
import { randomUid } from '../../../src/dicom/uid';
import type { Plan } from '../../../src/planning/plan';

/** Runs an OHIF command in the page (window.commandsManager, set by OHIF's cornerstone extension). */
import { runCommand } from './browser';

export { runCommand };

export const currentPlan = (page: Page): Promise<Plan | undefined> => runCommand<Plan | undefined>(page, 'pvpiCurrentPlan');

/** One series of the study as QIDO-RS lists it. */
export interface SeriesRow {
  uid: string;
  modality: string;
  description: string;
  instances: number;
}

/** Every series of the study (QIDO-RS to the server, not through the viewer). */
export async function studySeries(dicomwebUrl: string, studyUid: string): Promise<SeriesRow[]> {
  const res = await fetch(`${dicomwebUrl}/studies/${studyUid}/series?includefield=0008103E&includefield=00201209`, { headers: { Accept: 'application/dicom+json' } });
  if (res.status === 204) return [];
  if (!res.ok) throw new Error(`QIDO ${res.status}`);
  const json = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
  return json.map((s) => ({
    uid: String(s['0020000E']?.Value?.[0] ?? ''),
    modality: String(s['00080060']?.Value?.[0] ?? ''),
    description: String(s['0008103E']?.Value?.[0] ?? ''),
    instances: Number(s['00201209']?.Value?.[0] ?? 0),
  }));
}

/** Waits until the panel's plan save state has one of the statuses; returns status and message. */
export async function waitSaveState(page: Page, statuses: string[], timeoutMs = 120_000): Promise<{ status: string; message: string; retry: boolean }> {
  await page.waitForFunction(
    (wanted) => {
      const el = document.querySelector('[data-pvpi="plan-save-state"]');
      return el !== null && wanted.includes(el.getAttribute('data-status') ?? '');
    },
    statuses,
    { timeout: timeoutMs, polling: 250 },
  );
  return page.evaluate(() => {
    const el = document.querySelector('[data-pvpi="plan-save-state"]');
    const btn = document.querySelector('[data-pvpi="save-plan"]');
    return { status: el?.getAttribute('data-status') ?? '', message: el?.textContent ?? '', retry: btn?.getAttribute('data-retry') === 'true' };
  });
}

/**
 * Another system's permanent-implant RT Plan on the phantom CT: no PVPI private block, its own UIDs, a seed
 * model we do not know, and channels with 3 or 4 control points (the source dwells where the cumulative weight
 * increases). Returns the file and the seed positions a reader must find.
 */
export function foreignRtPlan(ctx: { studyInstanceUID: string; patientId: string; patientName: string; frameOfReferenceUID: string }, seedsMm: Array<[number, number, number]>): { bytes: Uint8Array; seriesInstanceUID: string; sopInstanceUID: string } {
  const sop = randomUid();
  const series = randomUid();
  const s = (v: number) => v.toFixed(2);
  const channels = seedsMm.map((p, i) =>
    i % 2 === 0
      ? {
          // 4 control points: travels in, dwells at the second, leaves.
          ChannelNumber: String(i + 1),
          ReferencedSourceNumber: '1',
          NumberOfControlPoints: '4',
          BrachyControlPointSequence: [
            { ControlPointIndex: '0', CumulativeTimeWeight: '0', ControlPoint3DPosition: [s(p[0]), s(p[1] + 30), s(p[2])] },
            { ControlPointIndex: '1', CumulativeTimeWeight: '0', ControlPoint3DPosition: p.map(s) },
            { ControlPointIndex: '2', CumulativeTimeWeight: '1', ControlPoint3DPosition: p.map(s) },
            { ControlPointIndex: '3', CumulativeTimeWeight: '1', ControlPoint3DPosition: [s(p[0]), s(p[1] + 30), s(p[2])] },
          ],
        }
      : {
          // 3 control points, dwell at the first position.
          ChannelNumber: String(i + 1),
          ReferencedSourceNumber: '1',
          NumberOfControlPoints: '3',
          BrachyControlPointSequence: [
            { ControlPointIndex: '0', CumulativeTimeWeight: '0', ControlPoint3DPosition: p.map(s) },
            { ControlPointIndex: '1', CumulativeTimeWeight: '1', ControlPoint3DPosition: p.map(s) },
            { ControlPointIndex: '2', CumulativeTimeWeight: '1', ControlPoint3DPosition: [s(p[0]), s(p[1] + 20), s(p[2])] },
          ],
        },
  );
  const ds: NaturalDataset = {
    SOPClassUID: RT_PLAN_STORAGE,
    SOPInstanceUID: sop,
    StudyInstanceUID: ctx.studyInstanceUID,
    SeriesInstanceUID: series,
    FrameOfReferenceUID: ctx.frameOfReferenceUID,
    PatientID: ctx.patientId,
    PatientName: ctx.patientName,
    Modality: 'RTPLAN',
    SeriesNumber: '77',
    SeriesDescription: 'Other TPS seed plan',
    Manufacturer: 'Other TPS',
    RTPlanLabel: 'OtherTPS',
    RTPlanName: 'Other TPS L1',
    RTPlanGeometry: 'PATIENT',
    BrachyTreatmentTechnique: 'PERMANENT',
    BrachyTreatmentType: 'LDR',
    SourceSequence: [{ SourceNumber: '1', SourceType: 'CYLINDER', SourceIsotopeName: 'I-125', SourceIsotopeHalfLife: '59.4', ReferenceAirKermaRate: '0.6', SourceModelID: 'OtherSeed-X', SourceManufacturer: 'Other' }],
    ApplicationSetupSequence: [{ ApplicationSetupNumber: '1', ApplicationSetupType: 'FREE', TotalReferenceAirKerma: '0', ChannelSequence: channels }],
  };
  return { bytes: new Uint8Array(writeRtFile(ds, RT_PLAN_STORAGE, sop)), seriesInstanceUID: series, sopInstanceUID: sop };
}
