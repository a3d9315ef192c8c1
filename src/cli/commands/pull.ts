import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { stringFlag } from '../args';
import { DicomwebClient } from '../../dicomweb';
import { listPlans, loadPlan, PLAN_OBJECT_KINDS } from '../../planStore';
import { PLAN_FILE_NAMES } from './push';

/** `pvpi pull --dicomweb URL --study UID --out DIR`: the study's latest complete plan as four files + plan.json. */
export const pullCommand: Command = {
  name: 'pull',
  summary: "fetch a study's latest complete PVPI plan from a DICOMweb server (four DICOM files + plan.json)",
  usage: 'pull --dicomweb URL --study UID --out DIR [--plan RTPLAN_SOP_UID] [--timeout SECONDS]',
  async run(args, io) {
    const url = stringFlag(args, 'dicomweb');
    const study = stringFlag(args, 'study');
    const out = stringFlag(args, 'out');
    const wanted = args.flags.get('plan');
    const timeoutS = Number(stringFlag(args, 'timeout', '120'));
    const client = new DicomwebClient({ url, timeoutMs: timeoutS * 1000 });
    let sop: string;
    if (typeof wanted === 'string') sop = wanted;
    else {
      const plans = await listPlans(client, study);
      const latest = plans[0];
      if (!latest) {
        io.err(`pvpi pull: study ${study} has no complete PVPI plan on ${url}`);
        return 1;
      }
      sop = latest.rtPlanSopInstanceUID;
      io.out(`latest plan: "${latest.name}" (${latest.seriesDateTime || 'no date'}), ${plans.length} complete plan(s) in the study`);
    }
    const loaded = await loadPlan(client, study, sop);
    mkdirSync(out, { recursive: true });
    for (const kind of PLAN_OBJECT_KINDS) writeFileSync(path.join(out, PLAN_FILE_NAMES[kind]), loaded.files[kind]);
    writeFileSync(path.join(out, 'plan.json'), JSON.stringify(loaded.plan, null, 2) + '\n');
    io.out(`plan written to ${out}: ${Object.values(PLAN_FILE_NAMES).join(', ')}, plan.json`);
    io.out(`  ${loaded.plan.needles.length} needle(s), ${loaded.plan.seeds.length} seed(s), ${loaded.plan.prescription.doseGy} Gy to ${loaded.plan.prescription.targetLabel}`);
    for (const w of loaded.warnings) io.err(`pvpi pull: warning: ${w}`);
    return 0;
  },
};
