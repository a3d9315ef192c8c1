/**
 * "Save segmentation": the PVPI labelmap → DICOM SEG (core writer src/dicom/seg.ts, SNOMED-coded segments)
 * → STOW-RS to the active OHIF DICOMweb data source (core client src/dicomweb, with the user's Authorization
 * header). On failure the segmentation stays in the viewer and the panel offers a retry.
 */
import type { SegmentDefinition } from '../../../../src/dicom/seg';
import type { PlanningCt } from '../../../../src/dicom/rtStruct';
import type { VolumeGeometry } from '../../../../src/geometry/volume';
import { writeSeg } from '../../../../src/dicom/seg';
import { randomUid } from '../../../../src/dicom/uid';
import { DicomwebClient, DicomwebError } from '../../../../src/dicomweb';
import { SEGMENT_CODES } from '../../../../src/segmentation';
import { labelmapForSave } from './controller';
import { activeDicomweb, instanceOf, services } from './host';
import { flushDraft } from './draft';
import { getState, setState } from './store';

/** Series Description of the SEG series we save (restore.ts finds saved segmentations by it). */
export const SEG_SERIES_DESCRIPTION = 'PVPI vertebral segmentation';

const RETRYABLE = new Set(['unreachable', 'connection-lost', 'timeout', 'server-error', 'aborted']);

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  // OHIF naturalizes person names as [{ Alphabetic: '…' }] (DICOM JSON PN).
  if (Array.isArray(value)) return value.length ? text(value[0]) : '';
  if (value && typeof value === 'object' && 'Alphabetic' in value) return text((value as { Alphabetic: unknown }).Alphabetic);
  return '';
}

function nowDicom(): { date: string; time: string } {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { date: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`, time: `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}` };
}

/**
 * The current PVPI segmentation as the DICOM writers need it: the planning CT (study, series, slice SOP UIDs,
 * grid), the label volume on the CT grid and one coded segment per non-empty level structure. Shared by
 * "Save segmentation" and "Save plan" (extensions/pvpi-planning/src/planStore). Throws a one-line Error when
 * there is nothing to save.
 */
export function segmentationForSave(): { ct: PlanningCt; labels: { geometry: VolumeGeometry; data: Uint8Array }; segments: SegmentDefinition[]; studyInstanceUID: string } {
  const cur = labelmapForSave();
  if (!cur) throw new Error('Nothing to save: segment a vertebra first');
  const { ct, lm } = cur;
  const g = ct.geometry;
  const [nx, ny, nz] = g.dimensions;
  const data = new Uint8Array(nx * ny * nz);
  const counts = new Uint32Array(256);
  lm.slices.forEach((s, k) => {
    for (let p = 0; p < nx * ny; p++) {
      data[k * nx * ny + p] = s[p];
      counts[s[p]]++;
    }
  });
  const segments: SegmentDefinition[] = [];
  for (const level of getState().levels) {
    for (const row of level.segments) {
      if (!counts[row.segmentIndex]) continue;
      const code = SEGMENT_CODES[row.key];
      segments.push({
        label: row.label,
        labelValues: [row.segmentIndex],
        category: code.category,
        type: code.type,
        typeModifier: code.typeModifier,
        description: code.description,
        algorithmType: 'SEMIAUTOMATIC',
        algorithmName: 'PVPI click-to-segment',
        rgb: code.rgb,
      });
    }
  }
  if (segments.length === 0) throw new Error('Nothing to save: the segmented levels have no voxels left');
  const first = instanceOf(ct.volume.imageIds[0]) ?? {};
  const sopInstanceUIDs = ct.volume.imageIds.map((id, k) => {
    const uid = text(instanceOf(id)?.SOPInstanceUID);
    if (!uid) throw new Error(`CT slice ${k + 1} has no SOP Instance UID in the viewer's metadata`);
    return uid;
  });
  const studyInstanceUID = text(first.StudyInstanceUID) || text(ct.displaySet.StudyInstanceUID);
  const frameOfReferenceUID = g.frameOfReferenceUID ?? text(first.FrameOfReferenceUID);
  if (!frameOfReferenceUID) throw new Error('The CT has no Frame of Reference UID: a SEG cannot be referenced to it');
  const planningCt: PlanningCt = {
    study: {
      patientName: text(first.PatientName),
      patientId: text(first.PatientID),
      patientBirthDate: text(first.PatientBirthDate),
      patientSex: text(first.PatientSex),
      studyInstanceUID,
      studyDate: text(first.StudyDate),
      studyTime: text(first.StudyTime),
      studyId: text(first.StudyID),
      accessionNumber: text(first.AccessionNumber),
      studyDescription: text(first.StudyDescription),
      referringPhysicianName: text(first.ReferringPhysicianName),
    },
    seriesInstanceUID: text(first.SeriesInstanceUID) || text(ct.displaySet.SeriesInstanceUID),
    frameOfReferenceUID,
    sopClassUID: text(first.SOPClassUID) || '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUIDs,
    geometry: { ...g, frameOfReferenceUID },
  };
  return { ct: planningCt, labels: { geometry: g, data }, segments, studyInstanceUID };
}

/** Builds the SEG Part 10 bytes of the current PVPI segmentation. Throws a one-line Error when there is nothing to save. */
export function buildSeg(): { bytes: Uint8Array; seriesInstanceUID: string; studyInstanceUID: string; segmentCount: number } {
  const { ct: planningCt, labels, segments, studyInstanceUID } = segmentationForSave();
  const { date, time } = nowDicom();
  const seriesNumbers = (services().displaySetService?.getActiveDisplaySets() ?? []).map((ds) => Number(ds.SeriesNumber)).filter(Number.isFinite);
  const seriesInstanceUID = randomUid();
  const sopInstanceUID = randomUid();
  const out = writeSeg(
    labels,
    segments,
    planningCt,
    {
      seriesInstanceUID,
      sopInstanceUID,
      seriesNumber: Math.max(900, ...seriesNumbers) + 1,
      seriesDescription: SEG_SERIES_DESCRIPTION,
      contentLabel: 'VERTEBRAE',
      // LO: at most 64 characters (PS3.5 Table 6.2-1).
      contentDescription: 'Vertebrae per level: body, pedicles, arch, canal, lesion',
      contentCreatorName: '',
      manufacturer: 'PVPI Planner',
      manufacturerModelName: 'PVPI Planner OHIF extension',
      deviceSerialNumber: '0',
      softwareVersions: '0.1.0',
      contentDate: date,
      contentTime: time,
      dimensionOrganizationUID: randomUid(),
    },
  );
  return { bytes: new Uint8Array(out.bytes), seriesInstanceUID, studyInstanceUID, segmentCount: segments.length };
}

/** Saves the segmentation as a DICOM SEG to the PACS. Never throws: the outcome is in the panel state. */
export async function saveSegmentation(): Promise<void> {
  if (getState().save.status === 'saving') return;
  setState({ save: { status: 'saving', message: 'Writing the DICOM SEG…' }, error: undefined });
  let built: ReturnType<typeof buildSeg>;
  try {
    built = buildSeg();
  } catch (error) {
    setState({ save: { status: 'failed', message: error instanceof Error ? error.message : String(error), retryable: false } });
    return;
  }
  try {
    const { wadoRoot, headers } = activeDicomweb();
    setState({ save: { status: 'saving', message: `Sending the SEG (${built.segmentCount} segments, ${(built.bytes.byteLength / 1024).toFixed(0)} kB) to the PACS…` } });
    const client = new DicomwebClient({ url: wadoRoot, headers, timeoutMs: 120_000 });
    await client.storeInstances([built.bytes], { studyInstanceUID: built.studyInstanceUID });
    const message = `Saved as a DICOM SEG series with ${built.segmentCount} segments. It is listed with the study when the study is reopened.`;
    setState({ save: { status: 'saved', message, seriesInstanceUID: built.seriesInstanceUID } });
    // The browser-kept draft stays, marked saved: the SEG wins on reopen unless edited later.
    void flushDraft(built.seriesInstanceUID);
    services().uiNotificationService?.show({ title: 'Segmentation saved', message, type: 'success', duration: 5000 });
  } catch (error) {
    const retryable = error instanceof DicomwebError ? RETRYABLE.has(error.kind) : true;
    const why = error instanceof Error ? error.message : String(error);
    const message = `Could not save the segmentation: ${why}. The segmentation is kept in the viewer${retryable ? '; retry when the server is reachable' : ''}.`;
    setState({ save: { status: 'failed', message, retryable } });
    services().uiNotificationService?.show({ title: 'Segmentation not saved', message, type: 'error', duration: 8000 });
  }
}
