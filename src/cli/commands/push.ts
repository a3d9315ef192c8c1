import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { stringFlag, UsageError } from '../args';
import { DicomwebClient } from '../../dicomweb';
import { readRtPlan } from '../../dicom/rtPlan';
import { readRtFile } from '../../dicom/rtCommon';
import { PLAN_OBJECT_KINDS, PLAN_OBJECT_NAMES, planObjectUids, savePlan, type EncodedPlan, type PlanObjectKind } from '../../planStore';
import { str } from '../../dicom/dataset';

/** File name of each plan object in an output directory (CLI contract). */
export const PLAN_FILE_NAMES: Readonly<Record<PlanObjectKind, string>> = { seg: 'seg.dcm', rtstruct: 'rtstruct.dcm', rtplan: 'rtplan.dcm', rtdose: 'rtdose.dcm' };

/** Reads OUTDIR's four files and checks they are one plan (UIDs derived from the RT Plan, same study). */
export function readPlanDir(dir: string): EncodedPlan {
  const files = {} as Record<PlanObjectKind, Uint8Array>;
  for (const kind of PLAN_OBJECT_KINDS) {
    const file = path.join(dir, PLAN_FILE_NAMES[kind]);
    if (!existsSync(file)) throw new Error(`${file} is missing (a plan directory holds ${Object.values(PLAN_FILE_NAMES).join(', ')})`);
    files[kind] = new Uint8Array(readFileSync(file));
  }
  const rtPlan = readRtPlan(files.rtplan, {}, PLAN_FILE_NAMES.rtplan);
  const uids = planObjectUids(rtPlan.sopInstanceUID);
  const want: Record<Exclude<PlanObjectKind, 'rtplan'>, [string, string]> = {
    seg: [uids.segSeriesInstanceUID, uids.segSopInstanceUID],
    rtstruct: [uids.rtStructSeriesInstanceUID, uids.rtStructSopInstanceUID],
    rtdose: [uids.rtDoseSeriesInstanceUID, uids.rtDoseSopInstanceUID],
  };
  for (const kind of ['seg', 'rtstruct', 'rtdose'] as const) {
    const { dataset } = readRtFile(files[kind], PLAN_FILE_NAMES[kind]);
    if (str(dataset, 'SOPInstanceUID') !== want[kind][1] || str(dataset, 'SeriesInstanceUID') !== want[kind][0]) {
      throw new Error(`${PLAN_FILE_NAMES[kind]} is not the ${PLAN_OBJECT_NAMES[kind]} of ${PLAN_FILE_NAMES.rtplan} (written by another save?)`);
    }
    if (str(dataset, 'StudyInstanceUID') !== rtPlan.studyInstanceUID) throw new Error(`${PLAN_FILE_NAMES[kind]} belongs to another study than ${PLAN_FILE_NAMES.rtplan}`);
  }
  return { studyInstanceUID: rtPlan.studyInstanceUID, uids, files };
}

/** `pvpi push OUTDIR --dicomweb URL`: stores seg.dcm, rtstruct.dcm, rtdose.dcm, then rtplan.dcm (STOW-RS). */
export const pushCommand: Command = {
  name: 'push',
  summary: 'store a plan directory (seg.dcm, rtstruct.dcm, rtplan.dcm, rtdose.dcm) on a DICOMweb server, RT Plan last',
  usage: 'push OUTDIR --dicomweb URL [--timeout SECONDS]',
  async run(args, io) {
    const dir = args.positional[0];
    if (!dir) throw new UsageError('missing OUTDIR');
    const url = stringFlag(args, 'dicomweb');
    const timeoutS = Number(stringFlag(args, 'timeout', '120'));
    if (!(timeoutS > 0)) throw new UsageError('--timeout must be a positive number of seconds');
    const encoded = readPlanDir(dir);
    const client = new DicomwebClient({ url, timeoutMs: timeoutS * 1000 });
    try {
      await savePlan(client, encoded, { onProgress: (p) => io.out(`  stored ${PLAN_OBJECT_NAMES[p.object].padEnd(17)} (${p.done}/${p.total})`) });
    } catch (e) {
      if (e instanceof Error && 'retryable' in e && (e as { retryable: boolean }).retryable) {
        io.err(`pvpi push: ${e.message}`);
        io.err('pvpi push: the plan is not listed as saved; run the same command again when the server is reachable');
        return 1;
      }
      throw e;
    }
    io.out(`plan stored: study ${encoded.studyInstanceUID}`);
    io.out(`  RT Plan SOPInstanceUID ${encoded.uids.rtPlanSopInstanceUID}`);
    return 0;
  },
};
