import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { numberFlag, pointFlag, stringFlag, UsageError } from '../args';
import { readCtSeriesDir } from '../../dicom/ctSeriesNode';
import { randomUid } from '../../dicom/uid';
import { referencedCtFromMeta } from '../../dicom/seg';
import type { PlanningCt } from '../../dicom/rtStruct';
import { encodePlan, PLAN_OBJECT_KINDS } from '../../planStore';
import { normaliseLevelName, segmentDefinitionsFor } from '../../segmentation';
import { planFromPoint } from '../../planning/pipeline';
import type { NeedleGauge } from '../../planning/plan';
import { PLAN_FILE_NAMES } from './push';

const USAGE = 'plan --ct DIR --point x,y,z --out OUTDIR [--prescription-gy 120] [--gauge 11|13|15] [--level L1]';

const f1 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1));

/**
 * `pvpi plan --ct DIR --point x,y,z --out OUTDIR`: segments the vertebra at the point, suggests bilateral
 * transpedicular needles, auto-plans 125I seeds, computes the TG-43U1 dose and writes OUTDIR/plan.json (the plan
 * model + metrics + cement estimate + warnings) and the plan's DICOM objects (seg.dcm, rtstruct.dcm, rtplan.dcm,
 * rtdose.dcm; `pvpi push OUTDIR` stores them).
 */
export const planCommand: Command = {
  name: 'plan',
  summary: 'whole pipeline: segment, bilateral needles, auto-plan seeds, dose; write plan.json + SEG/RT Structure Set/RT Plan/RT Dose',
  usage: USAGE,
  async run(args, io) {
    const ctDir = stringFlag(args, 'ct');
    const pointMm = pointFlag(args, 'point');
    const out = stringFlag(args, 'out');
    const prescriptionGy = numberFlag(args, 'prescription-gy', 120);
    if (!(prescriptionGy > 0)) throw new UsageError(`--prescription-gy must be a positive dose in Gy, got ${prescriptionGy}`);
    const gaugeN = numberFlag(args, 'gauge', 11);
    if (gaugeN !== 11 && gaugeN !== 13 && gaugeN !== 15) throw new UsageError(`--gauge must be 11, 13 or 15, got ${gaugeN}`);
    const gauge = gaugeN as NeedleGauge;
    const levelFlag = args.flags.has('level') ? stringFlag(args, 'level') : undefined;
    const level = levelFlag === undefined ? undefined : normaliseLevelName(levelFlag);
    if (levelFlag !== undefined && level === undefined) throw new UsageError(`--level must be a vertebral level such as T12 or L1, got "${levelFlag}"`);

    const t0 = Date.now();
    const { volume, meta } = readCtSeriesDir(ctDir);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const result = planFromPoint({
      ct: volume,
      pointMm,
      references: {
        patientID: meta.patientId,
        patientName: meta.patientName,
        studyInstanceUID: meta.studyInstanceUID,
        seriesInstanceUID: meta.seriesInstanceUID,
        frameOfReferenceUID: meta.frameOfReferenceUID,
      },
      planId: randomUid(),
      nowDateTime: now,
      prescriptionGy,
      gauge,
      level,
    });

    const ct: PlanningCt = { ...referencedCtFromMeta(meta), geometry: volume.geometry };
    const segments = segmentDefinitionsFor(result.segmentation.segments, level);
    // Hook: the DICOM objects come from the plan store's encoder (SEG, RT Structure Set, RT Plan, RT Dose).
    const encoded = encodePlan({
      plan: result.plan,
      ct,
      segmentation: { labels: { geometry: volume.geometry, data: result.segmentation.labels }, segments },
      dose: { geometry: result.dose.geometry, doseGy: result.dose.doseGy },
    });

    mkdirSync(out, { recursive: true });
    for (const kind of PLAN_OBJECT_KINDS) writeFileSync(path.join(out, PLAN_FILE_NAMES[kind]), encoded.files[kind]);
    const ap = result.autoPlan;
    const planJson = {
      ...result.plan,
      metrics: result.metrics,
      autoPlan: {
        goalV100Pct: ap.goalV100Pct,
        goalMet: ap.goalMet,
        constraintsMet: ap.constraintsMet,
        seedCount: ap.seeds.length,
        totalStrengthU: ap.totalStrengthU,
        estimate: ap.estimate,
        findings: ap.findings,
        candidateCount: ap.candidateCount,
        perNeedle: ap.perNeedle,
      },
      cement: result.cement,
      warnings: result.warnings,
      dicom: { rtPlanSopInstanceUID: encoded.uids.rtPlanSopInstanceUID, files: PLAN_OBJECT_KINDS.map((k) => PLAN_FILE_NAMES[k]) },
    };
    writeFileSync(path.join(out, 'plan.json'), JSON.stringify(planJson, null, 2) + '\n');

    const m = result.metrics;
    const elapsedS = (Date.now() - t0) / 1000;
    io.out(`plan for ${level ?? 'the vertebra'} at (${pointMm.map((v) => v.toFixed(1)).join(', ')}) mm in ${elapsedS.toFixed(1)} s`);
    io.out(`  needles: ${result.plan.needles.map((n) => `${n.label} ${n.gauge}G`).join('; ')}`);
    io.out(`  seeds: ${result.plan.seeds.length} × model ${result.plan.source.modelId}, total ${ap.totalStrengthU.toFixed(2)} U at implant`);
    io.out(`  lesion (${f1(m.lesion?.volumeCm3)} cm³): D90 ${f1(m.lesion?.D90Gy)} Gy, V100 ${f1(m.lesion?.V100Pct)} %, V150 ${f1(m.lesion?.V150Pct)} %, V200 ${f1(m.lesion?.V200Pct)} % (prescription ${prescriptionGy} Gy, goal V100 ≥ ${ap.goalV100Pct} %: ${ap.goalMet ? 'met' : 'NOT met'})`);
    io.out(`  spinal canal: Dmax ${f1(m.spinalCanal?.DmaxGy)} Gy, D0.1cc ${f1(m.spinalCanal?.D0_1ccGy)} Gy (${m.constraints.map((c) => `${c.metric} ≤ ${c.limit} Gy ${c.met === false ? 'NOT met' : 'met'}`).join(', ')})`);
    const ce = result.cement;
    io.out(`  cement: body ${ce.bodyVolumeMl.toFixed(1)} mL → 14% fill ${ce.fill14PctMl.toFixed(1)} mL, 30% fill ${ce.fill30PctMl.toFixed(1)} mL${ce.levelAverageMl !== undefined ? `; ${ce.region} average ${ce.levelAverageMl} mL` : ''} (usual ${ce.usualRangeMl[0]}–${ce.usualRangeMl[1]} mL)`);
    for (const w of result.warnings) io.out(`  warning: ${w}`);
    io.out(`written to ${out}: plan.json, ${PLAN_OBJECT_KINDS.map((k) => PLAN_FILE_NAMES[k]).join(', ')}`);
    return 0;
  },
};
