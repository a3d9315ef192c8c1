/**
 * Plan store on a real Orthanc (DICOMweb): the phantom CT + a hand-made L1 plan with its TG-43 dose are saved as
 * SEG, RT Structure Set, RT Dose and RT Plan, listed, loaded back and compared with what was saved; every object
 * passes dciodvfy; Orthanc is killed mid-save and the retry after a restart completes the plan; pvpi push / pull.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DicomwebClient } from '../../src/dicomweb';
import { generatePhantom, buildPhantomStudy, phantomSegments, type Phantom } from '../../src/phantom';
import { CT_IMAGE_STORAGE } from '../../src/dicom/dataset';
import type { PlanningCt } from '../../src/dicom/rtStruct';
import { createPlan, type Plan } from '../../src/planning/plan';
import type { Vec3, VolumeGeometry } from '../../src/geometry/volume';
import { DoseEngine } from '../../src/dose/doseEngine';
import { getSourceModel } from '../../src/dose/sourceModel';
import { meanLifeHours } from '../../src/dose/decay';
import { encodePlan, listPlans, loadPlan, savePlan, PlanStoreError, type EncodedPlan, type PlanBundle } from '../../src/planStore';
import { main } from '../../src/cli';
import { startTestOrthanc, type TestServer } from './orthancHarness';

jest.setTimeout(300_000);

let workDir: string;
let server: TestServer;
let client: DicomwebClient;
let phantom: Phantom;
let bundle: PlanBundle;
let ctFiles: Uint8Array[];

function l1Plan(p: Phantom, ct: PlanningCt): Plan {
  const lv = p.parameters.levels.find((l) => l.name === 'L1')!;
  const plan = createPlan({
    id: 'it-plan-1',
    name: 'L1 bipedicular',
    nowDateTime: '2025-04-01T08:30:00Z',
    references: { patientID: ct.study.patientId, studyInstanceUID: ct.study.studyInstanceUID, seriesInstanceUID: ct.seriesInstanceUID, frameOfReferenceUID: ct.frameOfReferenceUID },
    source: { modelId: '6711', airKermaStrengthU: 0.8, calibrationDateTime: '2025-03-25T12:00:00Z' },
    prescriptionGy: 120,
  });
  plan.prescription.targetLabel = 'L1 Lesion';
  for (const side of ['left', 'right'] as const) {
    const ped = lv.pedicles[side];
    const a = ped.axisDirection;
    const entry: Vec3 = [0, 1, 2].map((c) => ped.posteriorAxisPointMm[c] - 25 * a[c]) as Vec3;
    const tip: Vec3 = [0, 1, 2].map((c) => ped.posteriorAxisPointMm[c] + 45 * a[c]) as Vec3;
    const id = `needle-${side}`;
    plan.needles.push({ id, label: `L1 ${side} transpedicular`, entryMm: entry, tipMm: tip, gauge: 11, outerDiameterMm: 3.05, side, approach: 'transpedicular', findings: [] });
    [0.7, 0.8, 0.9, 1].forEach((t, i) =>
      plan.seeds.push({ id: `${side}-${i}`, positionMm: [0, 1, 2].map((c) => entry[c] + (tip[c] - entry[c]) * t) as Vec3, axis: a, needleId: id }),
    );
  }
  const seg = phantomSegments(p.parameters);
  const idx = (label: string): number => seg.findIndex((s) => s.label === label) + 1;
  plan.structures = [
    { label: 'L1 Lesion', role: 'target', segmentNumber: idx('L1 Lesion') },
    { label: 'L1 Spinal canal', role: 'organ-at-risk', segmentNumber: idx('L1 Spinal canal') },
    { label: 'L1 Vertebral body', role: 'other', segmentNumber: idx('L1 Vertebral body') },
  ];
  plan.constraints = plan.constraints.map((c) => ({ ...c, structureLabel: 'L1 Spinal canal' }));
  return plan;
}

/** A 72×72×40 dose grid on CT voxel centres around the L1 body. */
function doseGrid(ct: VolumeGeometry, centre: Vec3): VolumeGeometry {
  const o = (c: number, n: number): number => {
    const i = Math.round((centre[c] - ct.originMm[c]) / ct.spacingMm[c]) - Math.floor(n / 2);
    return ct.originMm[c] + i * ct.spacingMm[c];
  };
  return { dimensions: [72, 72, 40], spacingMm: [...ct.spacingMm], originMm: [o(0, 72), o(1, 72), o(2, 40)], direction: ct.direction, frameOfReferenceUID: ct.frameOfReferenceUID };
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvpi-planstore-'));
  const started = startTestOrthanc();
  phantom = generatePhantom();
  const study = buildPhantomStudy(phantom);
  ctFiles = study.ctFiles.map((f) => new Uint8Array(f.bytes));
  const ct: PlanningCt = {
    geometry: { ...phantom.ct.geometry, frameOfReferenceUID: study.uids.frameOfReferenceUID },
    study: study.study,
    seriesInstanceUID: study.uids.ctSeriesInstanceUID,
    frameOfReferenceUID: study.uids.frameOfReferenceUID,
    sopClassUID: CT_IMAGE_STORAGE,
    sopInstanceUIDs: [...study.ctFiles].sort((a, b) => b.instanceNumber - a.instanceNumber).map((f) => f.sopInstanceUID),
  };
  const plan = l1Plan(phantom, ct);
  const lv = phantom.parameters.levels.find((l) => l.name === 'L1')!;
  const g = doseGrid(ct.geometry, lv.body.centreMm);
  const engine = new DoseEngine(g, getSourceModel('6711'));
  engine.setSeeds(plan.seeds.map((s) => ({ id: s.id, positionMm: s.positionMm, axis: s.axis, airKermaStrengthU: 0.8 })));
  const doseGy = new Float32Array(72 * 72 * 40);
  engine.fillDoseRate(doseGy, 0, 40, meanLifeHours() / 100);
  bundle = { plan, ct, segmentation: { labels: phantom.labels, segments: phantomSegments(phantom.parameters) }, dose: { geometry: g, doseGy } };
  server = await started;
  client = new DicomwebClient({ url: server.dicomwebUrl, timeoutMs: 60_000 });
  await client.storeInstancesInBatches(ctFiles, { maxBatchCount: 40 });
});

afterAll(async () => {
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function expectClose(actual: unknown, expected: unknown, p = '$'): void {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-6 * Math.max(1, Math.abs(expected))) throw new Error(`${p}: ${String(actual)} ≠ ${expected}`);
  } else if (Array.isArray(expected)) {
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${p}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], v, `${p}.${k}`);
  } else expect(actual).toEqual(expected);
}

function dciodvfyErrors(bytes: Uint8Array, name: string): string[] {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, bytes);
  const res = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  if (res.error) throw res.error;
  return `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => /^Error/.test(l));
}

describe('PVPI plan on real Orthanc', () => {
  let encoded: EncodedPlan;

  it('all four objects (and the SEG) pass dciodvfy with no errors', () => {
    encoded = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.4242424242' });
    for (const kind of ['seg', 'rtstruct', 'rtplan', 'rtdose'] as const) expect({ kind, errors: dciodvfyErrors(encoded.files[kind], `${kind}.dcm`) }).toEqual({ kind, errors: [] });
  });

  it('save → list → load restores needles, seeds, prescription, structures and dose', async () => {
    const progress: string[] = [];
    const saved = await savePlan(client, encoded, { onProgress: (p) => progress.push(`${p.object}:${p.done}/${p.total}`) });
    expect(progress).toEqual(['seg:1/4', 'rtstruct:2/4', 'rtdose:3/4', 'rtplan:4/4']);
    const plans = await listPlans(client, saved.studyInstanceUID);
    expect(plans.map((p) => [p.name, p.rtPlanSopInstanceUID, p.complete])).toEqual([['L1 bipedicular', '2.25.4242424242', true]]);
    expect(plans[0].seriesDescription).toBe('PVPI plan L1 bipedicular - seeds (RT Plan)');

    const loaded = await loadPlan(client, saved.studyInstanceUID, plans[0].rtPlanSopInstanceUID);
    const expected = { ...bundle.plan, structures: bundle.plan.structures.map((s) => ({ ...s, segSeriesInstanceUID: encoded.uids.segSeriesInstanceUID })) };
    expectClose(loaded.plan, expected);
    // Planning CT rebuilt from WADO-RS metadata equals the one we planned on.
    expect(loaded.ct.sopInstanceUIDs).toEqual(bundle.ct.sopInstanceUIDs);
    expectClose(loaded.ct.geometry, bundle.ct.geometry);
    // Structures: every segment mask voxel-exact against the phantom labels.
    for (const [s, seg] of bundle.segmentation.segments.entries()) {
      const want = Uint8Array.from(phantom.labels.data, (v) => (seg.labelValues.includes(v) ? 1 : 0));
      expect({ seg: seg.label, same: Buffer.from(loaded.segments[s].mask).equals(Buffer.from(want)) }).toEqual({ seg: seg.label, same: true });
    }
    // Dose: same grid, values within half a scaling step.
    expectClose(loaded.dose.geometry, bundle.dose.geometry);
    let worst = 0;
    let max = 0;
    for (let i = 0; i < bundle.dose.doseGy.length; i++) {
      worst = Math.max(worst, Math.abs(loaded.dose.doseGy[i] - bundle.dose.doseGy[i]));
      max = Math.max(max, bundle.dose.doseGy[i]);
    }
    // Quantisation (half a Dose Grid Scaling step) plus Float32 rounding of the restored value (2⁻²³ relative).
    expect(worst).toBeLessThanOrEqual(loaded.dose.doseGridScaling / 2 + max * 2 ** -23);
    expect(loaded.dose.dvhs).toHaveLength(bundle.segmentation.segments.length);
    // The stored files are returned byte for byte.
    for (const kind of ['seg', 'rtstruct', 'rtplan', 'rtdose'] as const) expect(Buffer.from(loaded.files[kind]).equals(Buffer.from(encoded.files[kind]))).toBe(true);
  });

  it('an RT Plan whose companions are missing is not listed as a plan', async () => {
    const orphan = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.999000111' });
    await client.storeInstances([orphan.files.rtplan]);
    const plans = await listPlans(client, orphan.studyInstanceUID);
    expect(plans.map((p) => p.rtPlanSopInstanceUID)).not.toContain('2.25.999000111');
    const all = await listPlans(client, orphan.studyInstanceUID, { includeIncomplete: true });
    expect(all.find((p) => p.rtPlanSopInstanceUID === '2.25.999000111')?.missing).toEqual(['seg', 'rtstruct', 'rtdose']);
    await expect(loadPlan(client, orphan.studyInstanceUID, '2.25.999000111')).rejects.toMatchObject({ code: 'incomplete' });
  });

  it('Orthanc killed mid-save: typed retryable error, nothing listed; after a restart the retry completes the plan', async () => {
    const dataDir = path.join(workDir, 'killed');
    const victim = await startTestOrthanc({ dataDir, keepData: true });
    const victimClient = new DicomwebClient({ url: victim.dicomwebUrl, timeoutMs: 20_000 });
    await victimClient.storeInstancesInBatches(ctFiles, { maxBatchCount: 40 });
    const enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.5555' });
    const err = await savePlan(victimClient, enc, {
      onProgress: (p) => {
        if (p.done === 2) process.kill(victim.pid!, 'SIGKILL'); // after SEG and RT Structure Set
      },
    }).then(
      () => new Error('expected the save to fail'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PlanStoreError);
    const e = err as PlanStoreError;
    expect(e.code).toBe('server');
    expect(e.retryable).toBe(true);
    expect(e.storedObjects).toEqual(['seg', 'rtstruct']);
    expect(e.object).toBe('rtdose');
    expect(e.message).toMatch(/^Saving the plan to .* \(storing the RT Dose; SEG, RT Structure Set already stored; the plan is not complete\) failed: /);
    expect(e.message).not.toMatch(/\n/);
    await victim.stop();

    const restarted = await startTestOrthanc({ dataDir });
    try {
      const c = new DicomwebClient({ url: restarted.dicomwebUrl });
      expect(await listPlans(c, enc.studyInstanceUID)).toEqual([]);
      await savePlan(c, enc); // same objects, same UIDs
      const plans = await listPlans(c, enc.studyInstanceUID);
      expect(plans.map((p) => p.rtPlanSopInstanceUID)).toEqual(['2.25.5555']);
      const series = await c.searchSeries(enc.studyInstanceUID);
      expect(series).toHaveLength(5); // CT + one series per object, no duplicates
      const loaded = await loadPlan(c, enc.studyInstanceUID, '2.25.5555');
      expect(loaded.plan.seeds).toHaveLength(8);
    } finally {
      await restarted.stop();
    }
  });

  it('pvpi push OUTDIR then pvpi pull: the same four files and plan.json rebuilt from the DICOM', async () => {
    const outDir = path.join(workDir, 'out');
    fs.mkdirSync(outDir);
    const enc = encodePlan({ ...bundle, plan: { ...bundle.plan, name: 'L1 via CLI' } }, { rtPlanSopInstanceUID: '2.25.777888', nowDateTime: '2030-01-01T00:00:00Z' });
    for (const [kind, bytes] of Object.entries(enc.files)) fs.writeFileSync(path.join(outDir, `${kind}.dcm`), bytes);
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    expect(await main(['push', outDir, '--dicomweb', server.dicomwebUrl], io)).toBe(0);
    expect(lines.filter((l) => l.includes('stored'))).toHaveLength(5);
    expect(lines.findIndex((l) => l.includes('RT Plan'))).toBe(3); // RT Plan last

    const back = path.join(workDir, 'back');
    expect(await main(['pull', '--dicomweb', server.dicomwebUrl, '--study', enc.studyInstanceUID, '--out', back], io)).toBe(0);
    for (const name of ['seg.dcm', 'rtstruct.dcm', 'rtplan.dcm', 'rtdose.dcm']) expect(fs.readFileSync(path.join(back, name)).equals(fs.readFileSync(path.join(outDir, name)))).toBe(true);
    const planJson = JSON.parse(fs.readFileSync(path.join(back, 'plan.json'), 'utf8')) as Plan;
    expect(planJson.name).toBe('L1 via CLI'); // the latest plan (series date 2030)
    expectClose(planJson.seeds, bundle.plan.seeds);
    expectClose(planJson.needles, bundle.plan.needles);

    const bad = await main(['pull', '--dicomweb', server.dicomwebUrl, '--study', '1.2.3.4', '--out', back], io);
    expect(bad).toBe(1);
    expect(lines[lines.length - 1]).toBe(`ERR pvpi pull: study 1.2.3.4 has no complete PVPI plan on ${server.dicomwebUrl}`);
  });
});
