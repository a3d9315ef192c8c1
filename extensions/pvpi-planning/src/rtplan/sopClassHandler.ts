/**
 * OHIF SOP class handler for RT Plans (RT Plan Storage): one display set per RT Plan instance, so RTPLAN
 * series (ours and other systems') appear in the study browser. Opening one (double click / drag into a
 * viewport) shows our RT Plan viewport (RtPlanViewport), which loads the plan into the plan session.
 */
import { RTPLAN_MODULE_NAME, RTPLAN_SOP_CLASS_HANDLER_ID, RT_PLAN_SOP_CLASS_UID } from './ids';
import { openRtPlan, type OpenRtPlanResult } from './openRtPlan';

/** OHIF's naturalized instance metadata (the fields we read). */
interface InstanceMeta {
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  SOPInstanceUID?: string;
  SOPClassUID?: string;
  SeriesDescription?: string;
  SeriesNumber?: number | string;
  SeriesDate?: string;
  SeriesTime?: string;
  RTPlanLabel?: string;
  RTPlanName?: string;
  Manufacturer?: string;
  [key: string]: unknown;
}

/** The display set of one RT Plan instance. */
export interface RtPlanDisplaySet {
  displaySetInstanceUID: string;
  SOPClassHandlerId: string;
  SOPClassUID: string;
  Modality: 'RTPLAN';
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SOPInstanceUID: string;
  SeriesDescription: string;
  SeriesNumber?: number | string;
  SeriesDate?: string;
  SeriesTime?: string;
  instance: InstanceMeta;
  instances: InstanceMeta[];
  numImageFrames: number;
  isDerived: boolean;
  isReconstructable: boolean;
  supportsWindowLevel: boolean;
  madeInClient?: boolean;
  /** Loads the plan into the plan session (what opening the display set does). */
  load(): Promise<OpenRtPlanResult>;
  /** Result of the last load, kept for the viewport. */
  lastLoad?: OpenRtPlanResult;
}

function displaySetsFromSeries(instances: InstanceMeta[]): RtPlanDisplaySet[] {
  return instances
    .filter((i) => i.SOPInstanceUID && i.SeriesInstanceUID && i.StudyInstanceUID)
    .map((instance) => {
      const study = instance.StudyInstanceUID as string;
      const series = instance.SeriesInstanceUID as string;
      const sop = instance.SOPInstanceUID as string;
      const label = [instance.RTPlanLabel, instance.RTPlanName].find((v) => typeof v === 'string' && v) as string | undefined;
      const ds: RtPlanDisplaySet = {
        displaySetInstanceUID: `pvpi-rtplan-${sop}`,
        SOPClassHandlerId: RTPLAN_SOP_CLASS_HANDLER_ID,
        SOPClassUID: RT_PLAN_SOP_CLASS_UID,
        Modality: 'RTPLAN',
        StudyInstanceUID: study,
        SeriesInstanceUID: series,
        SOPInstanceUID: sop,
        SeriesDescription: instance.SeriesDescription || (label ? `RT Plan ${label}` : 'RT Plan'),
        ...(instance.SeriesNumber !== undefined ? { SeriesNumber: instance.SeriesNumber } : {}),
        ...(instance.SeriesDate ? { SeriesDate: instance.SeriesDate } : {}),
        ...(instance.SeriesTime ? { SeriesTime: instance.SeriesTime } : {}),
        instance,
        instances: [instance],
        numImageFrames: 0,
        isDerived: true,
        isReconstructable: false,
        supportsWindowLevel: false,
        async load() {
          const result = await openRtPlan({ studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop });
          ds.lastLoad = result;
          return result;
        },
      };
      return ds;
    });
}

/** OHIF SOP class handler module. */
export function getSopClassHandlerModule() {
  return [
    {
      name: RTPLAN_MODULE_NAME,
      sopClassUids: [RT_PLAN_SOP_CLASS_UID],
      getDisplaySetsFromSeries: (instances: InstanceMeta[]) => displaySetsFromSeries(instances),
    },
  ];
}
