/**
 * End-to-end: "Save plan" / "Load plan" in the real OHIF viewer (headless Chromium) on the phantom, through OHIF's
 * DICOMweb data source, and opening RT Plans in our mode.
 *
 * The plan: L1 segmented through the UI (Segment vertebra tool + a click in the axial view); one needle, three
 * seeds and a 110 Gy prescription applied with the `pvpiEditPlan` command (plain PlanEdits, the same edits the
 * needle/seed tools make; fixed coordinates keep the test independent of those tools).
 *
 * Failures are made in the browser's network layer (Playwright routes on the viewer's /dicom-web proxy): STOW
 * refused (server down), then the connection reset on the third object (partial save). Then: page reload (plan
 * draft and pending save restored from IndexedDB), Retry → exactly 4 new series (the 2 partial ones were re-sent
 * with the same UIDs, no duplicates). A fresh browser (nothing local) → Load plan → same needles, seeds and
 * prescription, the same lesion V100/D90 in the dose panel, and our RT Plan opened in a viewport restores it too. A foreign RT Plan STOWed from the test → its seeds open into the plan session (panel list and
 * the RT Plan viewport). Screenshots: test-results/e2e-plan-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dismissFirstRunDialogs, launchChromium, waitCtVolumeLoaded } from './support/browser';
import { pagePointOf, readPhantom, serviceSegmentLabels, waitSegmentationIdle, type World } from './support/segmentationPage';
import { currentPlan, foreignRtPlan, runCommand, studySeries, waitSaveState, type SeriesRow } from './support/planStorePage';
import { panelMetric } from './support/dosePage';
import { startStack, type RunningStack } from './support/stackProcess';
import { DicomwebClient } from '../../src/dicomweb';
import { listPlans } from '../../src/planStore';
import type { Needle, Plan, Seed } from '../../src/planning/plan';

jest.setTimeout(600_000);

const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');
const AXIAL = 'mpr-axial';

let stack: RunningStack | undefined;
let browser: Browser | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  stack = await startStack({ timeoutMs: 150_000 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newContext(): Promise<{ context: BrowserContext; page: Page }> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  await dismissFirstRunDialogs(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, page };
}

async function openStudy(page: Page): Promise<void> {
  if (!stack) throw new Error('no stack');
  await page.goto(`${stack.viewerUrl}/pvpi?StudyInstanceUIDs=${stack.studyInstanceUID}`, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="pvpi-planning-panel"]').waitFor({ state: 'visible', timeout: 90_000 });
  await waitCtVolumeLoaded(page, AXIAL, 120_000);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="save-plan"]') !== null, null, { timeout: 60_000 });
}

const newSeries = (before: SeriesRow[], after: SeriesRow[]): SeriesRow[] => after.filter((s) => !before.some((b) => b.uid === s.uid));
const dist = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Saved state of the plan before the round trip (what Load must give back). */
let saved: { plan: Plan; rtPlanSopInstanceUID?: string; lesionV100?: number; lesionD90?: number } | undefined;

/** Lesion V100 (%) and D90 (Gy) from the dose panel once both are shown. */
async function lesionMetrics(page: Page): Promise<{ V100: number; D90: number }> {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await page.waitForTimeout(500)) {
    const V100 = await panelMetric(page, 'Lesion', 'V100');
    const D90 = await panelMetric(page, 'Lesion', 'D90');
    const ready = await page.locator('[data-pvpi="dose-section"][data-status="ready"]').count();
    if (V100 !== undefined && D90 !== undefined && ready > 0) return { V100, D90 };
  }
  throw new Error('the dose panel shows no lesion metrics');
}
let seriesBeforeSave: SeriesRow[] = [];

test('Save plan: server down → clear message, nothing stored; reset mid-upload → partial not listed; reload keeps plan + pending save; Retry → 4 series, no duplicates', async () => {
  if (!stack) throw new Error('stack not started');
  const { context, page } = await newContext();
  const studyUid = stack.studyInstanceUID;
  const phantom = readPhantom();
  const L1 = phantom.levels.find((l) => l.name === 'L1')?.body;
  if (!L1) throw new Error('phantom.json has no L1 body');
  await openStudy(page);

  // 1. Segment L1 through the UI.
  await page.locator('[data-cy="PvpiSegmentVertebra"]').first().click();
  const inBody: World = [L1.centreMm[0] + 8, L1.centreMm[1] + 2, L1.centreMm[2]];
  const pt = await pagePointOf(page, AXIAL, inBody);
  await page.mouse.click(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelectorAll('[data-pvpi="segment-row"]').length >= 5, null, { timeout: 120_000 });
  await waitSegmentationIdle(page);

  // 2. One needle (left transpedicular), three seeds along it near the tip, 110 Gy.
  await page.waitForFunction(() => (window as unknown as { commandsManager?: unknown }).commandsManager !== undefined);
  const c = L1.centreMm;
  const needle: Needle = {
    id: 'e2e-needle-left',
    label: 'Left needle',
    entryMm: [c[0] + 28, c[1] + 60, c[2] + 1],
    tipMm: [c[0] + 4, c[1] - 6, c[2]],
    gauge: 11,
    outerDiameterMm: 3.05,
    side: 'left',
    approach: 'transpedicular',
    findings: [],
  };
  const dir = [needle.tipMm[0] - needle.entryMm[0], needle.tipMm[1] - needle.entryMm[1], needle.tipMm[2] - needle.entryMm[2]];
  const len = Math.hypot(dir[0], dir[1], dir[2]);
  const axis = dir.map((v) => v / len) as [number, number, number];
  const seeds: Seed[] = [2, 7, 12].map((back, i) => ({
    id: `e2e-seed-${i + 1}`,
    positionMm: [needle.tipMm[0] - back * axis[0], needle.tipMm[1] - back * axis[1], needle.tipMm[2] - back * axis[2]],
    axis,
    needleId: needle.id,
  }));
  for (const edit of [
    { type: 'addNeedle', needle },
    { type: 'addSeeds', seeds },
    { type: 'setPrescription', prescription: { doseGy: 110 } },
    { type: 'rename', name: 'E2E L1' },
  ]) {
    const r = await runCommand<{ ok: boolean; message?: string }>(page, 'pvpiEditPlan', { edit });
    expect(r).toEqual({ ok: true });
  }
  // The viewer re-checks the new needle against the segmented anatomy and records its findings (a plan edit):
  // wait until the needle was checked and the plan has stopped changing, as a user sees the needle's colour settle.
  await page.locator('[data-pvpi="needle-row"][data-checked="true"]').first().waitFor({ timeout: 60_000 });
  let stableSince = Date.now();
  let lastModified = (await currentPlan(page))?.modifiedDateTime;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && Date.now() - stableSince < 3000; ) {
    await page.waitForTimeout(500);
    const m = (await currentPlan(page))?.modifiedDateTime;
    if (m !== lastModified) {
      lastModified = m;
      stableSince = Date.now();
    }
  }
  const planBefore = await currentPlan(page);
  expect(planBefore?.seeds).toHaveLength(3);
  expect(planBefore?.needles).toHaveLength(1);
  const metricsBefore = await lesionMetrics(page);
  seriesBeforeSave = await studySeries(stack.dicomwebUrl, studyUid);

  // 3. Server down: every STOW refused.
  const refuse = (route: import('playwright-core').Route) => (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue());
  await page.route('**/dicom-web/**', refuse);
  await page.locator('[data-pvpi="save-plan"]').click();
  const down = await waitSaveState(page, ['failed']);
  expect(down.message).toMatch(/Saving the plan to .* \(storing the SEG; nothing was stored\) failed/);
  expect(down.message).toMatch(/kept in this browser/);
  expect(down.retry).toBe(true);
  expect(newSeries(seriesBeforeSave, await studySeries(stack.dicomwebUrl, studyUid))).toEqual([]);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-plan-server-down.png') });
  await page.unroute('**/dicom-web/**', refuse);

  // 4. Connection reset on the third object (RT Dose): SEG and RT Structure Set stored, no RT Plan → not a plan.
  let posts = 0;
  const resetThird = (route: import('playwright-core').Route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts++;
    return posts >= 3 ? route.abort('connectionreset') : route.continue();
  };
  await page.route('**/dicom-web/**', resetThird);
  await page.locator('[data-pvpi="save-plan"]').click();
  await page.waitForFunction(() => /not complete/.test(document.querySelector('[data-pvpi="plan-save-state"]')?.textContent ?? ''), null, { timeout: 120_000 });
  const partial = await waitSaveState(page, ['failed']);
  expect(partial.message).toMatch(/storing the RT Dose; SEG, RT Structure Set already stored; the plan is not complete/);
  const partialSeries = newSeries(seriesBeforeSave, await studySeries(stack.dicomwebUrl, studyUid));
  expect(partialSeries.map((s) => s.modality).sort()).toEqual(['RTSTRUCT', 'SEG']);
  const client = new DicomwebClient({ url: stack.dicomwebUrl });
  expect(await listPlans(client, studyUid)).toEqual([]);
  const listed = await runCommand<{ ok: boolean; plans: unknown[] }>(page, 'pvpiListPlans');
  expect(listed.ok).toBe(true);
  expect(listed.plans).toEqual([]);
  await page.unroute('**/dicom-web/**', resetThird);

  // 5. Reload (server still refusing): the plan draft and the pending save come back from the browser's storage.
  await page.route('**/dicom-web/**', refuse);
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="pvpi-planning-panel"]').waitFor({ state: 'visible', timeout: 90_000 });
  await waitCtVolumeLoaded(page, AXIAL, 120_000);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="save-plan"]') !== null, null, { timeout: 60_000 });
  const restored = await currentPlan(page);
  expect(restored?.seeds.map((s) => s.positionMm)).toEqual(planBefore?.seeds.map((s) => s.positionMm));
  expect(restored?.needles.map((n) => n.id)).toEqual(['e2e-needle-left']);
  const pendingState = await waitSaveState(page, ['failed']);
  expect(pendingState.message).toMatch(/did not finish \(2 of 4 objects stored; not listed as a plan\)/);
  expect(pendingState.retry).toBe(true);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-plan-pending-after-reload.png') });

  // 6. Server back: Retry → saved; exactly four new series (the partial SEG/RT Structure Set were re-sent, not duplicated).
  await page.unroute('**/dicom-web/**', refuse);
  await page.locator('[data-pvpi="save-plan"]').click();
  const ok = await waitSaveState(page, ['saved']);
  expect(ok.message).toMatch(/saved to the PACS: 4 series/);
  const after = newSeries(seriesBeforeSave, await studySeries(stack.dicomwebUrl, studyUid));
  expect(after.map((s) => s.modality).sort()).toEqual(['RTDOSE', 'RTPLAN', 'RTSTRUCT', 'SEG']);
  expect(after.every((s) => s.instances === 1)).toBe(true);
  expect(after.every((s) => s.description.startsWith('PVPI plan E2E L1 - '))).toBe(true);
  for (const p of partialSeries) expect(after.some((s) => s.uid === p.uid)).toBe(true);
  const plans = await listPlans(client, studyUid);
  expect(plans).toHaveLength(1);
  expect(plans[0].name).toBe('E2E L1');
  await expect(page.locator('[data-pvpi="plan-status"]').getAttribute('data-status')).resolves.toBe('saved');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-plan-saved.png') });
  saved = { plan: (await currentPlan(page)) as Plan, rtPlanSopInstanceUID: plans[0].rtPlanSopInstanceUID, lesionV100: metricsBefore.V100, lesionD90: metricsBefore.D90 };
  await context.close();
});

test('Load plan in a fresh browser (nothing local): same needles, seeds, prescription and source', async () => {
  if (!stack || !saved) throw new Error('the save test did not run');
  const { context, page } = await newContext();
  await openStudy(page);
  const empty = await currentPlan(page);
  expect(empty?.seeds ?? []).toHaveLength(0);
  await page.locator('[data-pvpi="load-plan"]').click();
  const row = page.locator(`[data-pvpi="pacs-plan"][data-uid="${saved.rtPlanSopInstanceUID}"]`);
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await expect(page.locator('[data-pvpi="pacs-plan"]').count()).resolves.toBe(1);
  await row.locator('[data-pvpi="pacs-plan-load"]').click();
  await page.locator('[data-pvpi="pacs-plans-result"][data-ok="true"]').waitFor({ timeout: 120_000 });
  const loaded = await currentPlan(page);
  if (!loaded) throw new Error('no plan after load');
  const want = saved.plan;
  expect(loaded.name).toBe(want.name);
  expect(loaded.prescription).toEqual(want.prescription);
  expect(loaded.source.modelId).toBe(want.source.modelId);
  expect(loaded.source.airKermaStrengthU).toBeCloseTo(want.source.airKermaStrengthU, 6);
  expect(loaded.needles.map((n) => [n.id, n.gauge, n.side])).toEqual(want.needles.map((n) => [n.id, n.gauge, n.side]));
  for (const [i, n] of loaded.needles.entries()) {
    // DICOM DS keeps 16 characters: sub-micrometre agreement.
    expect(dist(n.entryMm, want.needles[i].entryMm)).toBeLessThan(1e-3);
    expect(dist(n.tipMm, want.needles[i].tipMm)).toBeLessThan(1e-3);
  }
  expect(loaded.seeds.map((s) => [s.id, s.needleId])).toEqual(want.seeds.map((s) => [s.id, s.needleId]));
  for (const [i, s] of loaded.seeds.entries()) expect(dist(s.positionMm, want.seeds[i].positionMm)).toBeLessThan(1e-3);
  await expect(page.locator('[data-pvpi="plan-status"]').getAttribute('data-status')).resolves.toBe('saved');
  // The plan's structures (its SEG) are back in the PVPI labelmap, with the level's six segments.
  let segments: string[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await page.waitForTimeout(500)) {
    segments = (await serviceSegmentLabels(page)).flatMap((s) => s.segments);
    if (segments.some((l) => /Vertebral body$/.test(l))) break;
  }
  for (const structure of ['Vertebral body', 'Left pedicle', 'Right pedicle', 'Posterior elements', 'Spinal canal', 'Lesion']) {
    expect(segments.some((l) => l.endsWith(` ${structure}`))).toBe(true);
  }
  // The dose of the loaded plan: the lesion's V100 and D90 in the panel are those shown before the save.
  const metricsAfter = await lesionMetrics(page);
  process.stdout.write(`[e2e plan store] lesion before save V100 ${saved.lesionV100}% D90 ${saved.lesionD90} Gy; after load V100 ${metricsAfter.V100}% D90 ${metricsAfter.D90} Gy\n`);
  expect(Math.abs(metricsAfter.V100 - (saved.lesionV100 ?? NaN))).toBeLessThan(0.05);
  expect(Math.abs(metricsAfter.D90 - (saved.lesionD90 ?? NaN)) / (saved.lesionD90 ?? NaN)).toBeLessThan(0.001);
  // The needle crosses the axial slice through the L1 centre: show that slice before the screenshot.
  await pagePointOf(page, AXIAL, loaded.needles[0].tipMm as World);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-plan-loaded.png') });

  // Our own RT Plan opened from the study browser into a viewport (the RT Plan viewport) restores it too.
  await runCommand(page, 'pvpiEditPlan', { edit: { type: 'replaceSeeds', seeds: [] } });
  expect((await currentPlan(page))?.seeds).toHaveLength(0);
  await page.evaluate(
    ({ dsUid }) => {
      const s = (window as unknown as { services: { viewportGridService: { getActiveViewportId(): string; setDisplaySetsForViewport(o: unknown): unknown } } }).services;
      s.viewportGridService.setDisplaySetsForViewport({ viewportId: s.viewportGridService.getActiveViewportId(), displaySetInstanceUIDs: [dsUid] });
    },
    { dsUid: `pvpi-rtplan-${saved.rtPlanSopInstanceUID}` },
  );
  await page.locator('[data-pvpi="rtplan-loaded"]').waitFor({ timeout: 60_000 });
  expect(await page.locator('[data-pvpi="rtplan-loaded"]').getAttribute('data-seeds')).toBe('3');
  const reopened = await currentPlan(page);
  expect(reopened?.seeds.map((x) => x.id)).toEqual(want.seeds.map((x) => x.id));
  expect(reopened?.needles.map((n) => n.id)).toEqual(want.needles.map((n) => n.id));
  await context.close();
});

test("Another system's RT Plan (own UIDs, 3-4 control points per channel) opens with its seeds", async () => {
  if (!stack) throw new Error('stack not started');
  const phantom = readPhantom();
  const c = phantom.levels.find((l) => l.name === 'L1')?.body?.centreMm;
  if (!c) throw new Error('no L1');
  const studyRes = await fetch(`${stack.dicomwebUrl}/studies?StudyInstanceUID=${stack.studyInstanceUID}&includefield=00100010&includefield=00100020`, { headers: { Accept: 'application/dicom+json' } });
  const study = ((await studyRes.json()) as Array<Record<string, { Value?: unknown[] }>>)[0];
  const patientId = String(study['00100020']?.Value?.[0] ?? '');
  const pn = study['00100010']?.Value?.[0] as { Alphabetic?: string } | undefined;
  const seedsMm: Array<[number, number, number]> = [
    [c[0] - 6, c[1] - 4, c[2] - 5],
    [c[0] + 6, c[1] - 4, c[2] - 5],
    [c[0] - 6, c[1] - 4, c[2] + 5],
    [c[0] + 6, c[1] - 4, c[2] + 5],
  ];
  const foreign = foreignRtPlan({ studyInstanceUID: stack.studyInstanceUID, patientId, patientName: pn?.Alphabetic ?? '', frameOfReferenceUID: phantom.uids.frameOfReferenceUID }, seedsMm);
  // And one planned on other images (another Frame of Reference): it must be refused with a specific message.
  const misplaced = foreignRtPlan({ studyInstanceUID: stack.studyInstanceUID, patientId, patientName: pn?.Alphabetic ?? '', frameOfReferenceUID: '2.25.123456789' }, seedsMm);
  await new DicomwebClient({ url: stack.dicomwebUrl }).storeInstances([foreign.bytes, misplaced.bytes], { studyInstanceUID: stack.studyInstanceUID });

  const { context, page } = await newContext();
  await openStudy(page);
  // The misplaced plan: a clear error naming the Frame of Reference, the (empty) plan untouched, the viewer alive.
  await page.locator('[data-pvpi="load-plan"]').click();
  const bad = page.locator(`[data-pvpi="other-rtplan"][data-uid="${misplaced.sopInstanceUID}"]`);
  await bad.waitFor({ state: 'visible', timeout: 60_000 });
  await bad.locator('[data-pvpi="other-rtplan-open"]').click();
  await page.locator('[data-pvpi="pacs-plans-result"][data-ok="false"]').waitFor({ timeout: 60_000 });
  const badText = (await page.locator('[data-pvpi="pacs-plans-result"]').textContent()) ?? '';
  process.stdout.write(`[e2e plan store] misplaced RT Plan: ${badText}\n`);
  expect(badText).toMatch(/Frame of Reference/);
  expect((await currentPlan(page))?.seeds ?? []).toHaveLength(0);
  await expect(page.locator('[data-testid="pvpi-planning-panel"]').isVisible()).resolves.toBe(true);

  // From the panel: the list (still open) shows the good one under the PVPI plans as an RT Plan of another system.
  const row = page.locator(`[data-pvpi="other-rtplan"][data-uid="${foreign.sopInstanceUID}"]`);
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await row.locator('[data-pvpi="other-rtplan-open"]').click();
  await page.locator('[data-pvpi="pacs-plans-result"][data-ok="true"]').waitFor({ timeout: 60_000 });
  const resultText = await page.locator('[data-pvpi="pacs-plans-result"]').textContent();
  expect(await page.locator('[data-pvpi="pacs-plans-result"]').getAttribute('data-ok')).toBe('true');
  expect(resultText).toMatch(/4 seed\(s\)/);
  expect(resultText).toMatch(/Seed model "OtherSeed-X" is not one of ours/);
  const plan = await currentPlan(page);
  if (!plan) throw new Error('no plan');
  expect(plan.seeds).toHaveLength(4);
  const got = plan.seeds.map((s) => s.positionMm);
  for (const p of seedsMm) expect(Math.min(...got.map((g) => dist(g, p)))).toBeLessThan(0.01);
  expect(plan.source.airKermaStrengthU).toBeCloseTo(0.6, 6);
  expect(plan.needles).toEqual([]);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-plan-foreign-rtplan.png') });

  // From the study browser: the RT Plan's display set opened in a viewport loads it too (our RT Plan viewport).
  await runCommand(page, 'pvpiEditPlan', { edit: { type: 'replaceSeeds', seeds: [] } });
  expect((await currentPlan(page))?.seeds).toHaveLength(0);
  const opened = await page.evaluate(
    ({ dsUid }) => {
      const s = (window as unknown as { services: { viewportGridService: { getActiveViewportId(): string; setDisplaySetsForViewport(o: unknown): unknown } } }).services;
      const vp = s.viewportGridService.getActiveViewportId();
      s.viewportGridService.setDisplaySetsForViewport({ viewportId: vp, displaySetInstanceUIDs: [dsUid] });
      return vp;
    },
    { dsUid: `pvpi-rtplan-${foreign.sopInstanceUID}` },
  );
  expect(typeof opened).toBe('string');
  await page.locator('[data-pvpi="rtplan-loaded"]').waitFor({ timeout: 60_000 });
  expect(await page.locator('[data-pvpi="rtplan-loaded"]').getAttribute('data-seeds')).toBe('4');
  expect((await currentPlan(page))?.seeds).toHaveLength(4);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-plan-rtplan-viewport.png') });
  await context.close();
  expect(pageErrors.filter((m) => /pvpi|plan/i.test(m))).toEqual([]);
});
