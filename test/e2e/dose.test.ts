/**
 * End-to-end: dose in the real OHIF viewer (headless Chromium) on the phantom, in our mode.
 * Segment L1 through the UI ("Segment vertebra" + click), place a seed in the L1 lesion through the UI ("Place seed"
 * tool + click when the mode's toolbar has it, else the `pvpiAddSeedAt` command — the test logs which), then:
 * isodose lines appear in the axial viewport (yellow 100% line counted in a screenshot region), the lesion's DVH curve
 * is drawn, and the panel's lesion V100 matches V100 computed in this Node process with the naive TG-43U1 formalism
 * (src/dose/doseKernel accumulateDoseRateNaive) on the same grid, seed and lesion voxels. Seven 1 mm seed moves are timed
 * in the browser (Performance API, plan change → isodose drawn, with the dose host's phase breakdown) and printed, not
 * asserted. Then a canal limit edited in the panel turns its metric red, and the approval checkbox is withdrawn by the
 * next edit. Screenshot: test-results/e2e-dose.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openViewerBrowser, waitCtVolumeLoaded } from './support/browser';
import { pagePointOf, readPhantom, waitSegmentationIdle, type World } from './support/segmentationPage';
import { countColourInRegion, doseInfo, hasCommand, panelMetric, runCommand, viewportBox } from './support/dosePage';
import { startStack, type RunningStack } from './support/stackProcess';
import { currentPlan } from './support/planStorePage';
import { accumulateDoseRateNaive } from '../../src/dose/doseKernel';
import { getSourceModel } from '../../src/dose/sourceModel';
import { meanLifeHours } from '../../src/dose/decay';
import { doseMetrics, gatherDoseSamples, structureVoxels } from '../../src/dose/dvh';

jest.setTimeout(300_000);
const step = (m: string) => process.stdout.write(`[e2e dose] ${m}\n`);

const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');
const AXIAL = 'mpr-axial';
/** Default seed of a new plan: 6711 at 0.8 U, calibrated on the implant date (plan.ts createPlan). */
const DEFAULT_STRENGTH_U = 0.8;

let stack: RunningStack | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack({ timeoutMs: 150_000 });
  ({ browser, page } = await openViewerBrowser({ width: 1600, height: 1000 }, pageErrors));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('a seed in the L1 lesion: isodose lines in the axial view, lesion DVH, V100 equal to the Node dose engine', async () => {
  if (!stack) throw new Error('stack not started');
  const phantom = readPhantom();
  const L1 = phantom.levels.find((l) => l.name === 'L1')?.body;
  const lesion = (phantom as unknown as { lesions: Array<{ level: string; centreMm: World }> }).lesions.find((l) => l.level === 'L1');
  if (!L1 || !lesion) throw new Error('phantom.json has no L1 body/lesion');

  await page.goto(`${stack.viewerUrl}/pvpi?StudyInstanceUIDs=${stack.studyInstanceUID}`, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="pvpi-planning-panel"]').waitFor({ state: 'visible', timeout: 60_000 });
  await waitCtVolumeLoaded(page, AXIAL);

  // 1. Segment L1 through the UI.
  await page.locator('[data-cy="PvpiSegmentVertebra"]').first().click();
  const click: World = [L1.centreMm[0] + 8, L1.centreMm[1] + 2, L1.centreMm[2]];
  const p = await pagePointOf(page, AXIAL, click);
  await page.waitForTimeout(300);
  await page.mouse.click(p.x, p.y);
  step('segmenting L1');
  await page.locator('[data-pvpi="segment-row"]').first().waitFor({ timeout: 60_000 });
  await waitSegmentationIdle(page);

  // 2. One seed at the lesion centre, on the axial slice through it.
  const seedAt: World = [lesion.centreMm[0], lesion.centreMm[1], lesion.centreMm[2]];
  const sp = await pagePointOf(page, AXIAL, seedAt);
  const seedButton = page.locator('[data-cy="PvpiSeed"]');
  let placedBy: string;
  if ((await seedButton.count()) > 0) {
    await seedButton.first().click();
    await page.mouse.click(sp.x, sp.y);
    placedBy = '"Place seed" toolbar tool + click in the axial viewport';
  } else if (await hasCommand(page, 'pvpiAddSeedAt')) {
    await runCommand(page, 'pvpiAddSeedAt', { worldPoint: seedAt });
    placedBy = "commandsManager.runCommand('pvpiAddSeedAt') (the mode's toolbar has no Place seed button yet)";
  } else {
    // Neither the seed tool nor its command is registered in this build yet: the same plan edit the tool makes.
    await runCommand(page, 'pvpiEditPlan', { edit: { type: 'addSeeds', seeds: [{ id: 'e2e-seed-1', positionMm: seedAt, axis: [0, 0, 1] }] } });
    placedBy = "commandsManager.runCommand('pvpiEditPlan', addSeeds) (no Place seed tool or pvpiAddSeedAt registered yet)";
  }
  process.stdout.write(`[e2e dose] seed placed by ${placedBy}\n`);
  step('seed placed; waiting for the panel');
  await page.waitForFunction(() => document.querySelector('[data-pvpi="seed-count"]')?.getAttribute('data-count') === '1', null, { timeout: 30_000 });

  // 3. Metrics, DVH and isodose lines appear.
  step(`dose state: ${JSON.stringify(await page.evaluate(() => document.querySelector('[data-pvpi="dose-section"]')?.textContent?.slice(0, 300)))}`);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="dose-metrics-row"]') !== null, null, { timeout: 60_000 });
  await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-pvpi="dvh-curve"]')).some((c) => (c.getAttribute('data-label') ?? '').endsWith('Lesion') && (c.getAttribute('d') ?? '').length > 20), null, { timeout: 30_000 });
  await page.waitForFunction((id) => document.querySelector(`[data-pvpi="dose-overlay"][data-viewport-id="${id}"] polyline[data-level-pct="100"]`) !== null, AXIAL, { timeout: 30_000 });
  await page.waitForTimeout(500);

  // Pixel check: the 100% isodose line is yellow (#ffff00); the CT itself is grey, so yellow pixels near the seed
  // in the axial viewport come from the overlay. Region: 120 × 120 px around the seed.
  const vpBox = await viewportBox(page, AXIAL);
  const seedPx = await pagePointOf(page, AXIAL, seedAt);
  const region = { x: Math.max(vpBox.x, seedPx.x - 60), y: Math.max(vpBox.y, seedPx.y - 60), width: 120, height: 120 };
  const yellow = await countColourInRegion(page, region, [255, 255, 0], 60);
  expect(yellow).toBeGreaterThan(20);

  // 4. V100 of the lesion: panel vs the naive TG-43U1 formalism in Node on the same grid, seed and lesion voxels.
  const info = await doseInfo(page, true);
  expect(info.seeds).toHaveLength(1);
  // The dose ran in the bundled Web Workers (the in-page fallback would say 'in-page').
  expect(info.engine).toBe('workers');
  const seed = info.seeds[0];
  for (let a = 0; a < 3; a++) expect(Math.abs(seed.positionMm[a] - seedAt[a])).toBeLessThan(1.0);
  expect(seed.airKermaStrengthU).toBeCloseTo(DEFAULT_STRENGTH_U, 3);
  const grid = info.grid;
  const labels = info.labels;
  const lesionStructure = info.structures.find((s) => s.label.endsWith('Lesion'));
  if (!grid || !labels || !lesionStructure) throw new Error('dose grid, labels or lesion structure missing from pvpiDoseInfo');
  const [nx, ny, nz] = grid.dimensions;
  const rate = new Float64Array(nx * ny * nz);
  accumulateDoseRateNaive(rate, grid, 0, nz, getSourceModel('6711'), [{ positionMm: seedAt, axis: seed.axis, airKermaStrengthU: DEFAULT_STRENGTH_U }]);
  const voxelCm3 = (grid.spacingMm[0] * grid.spacingMm[1] * grid.spacingMm[2]) / 1000;
  const structure = structureVoxels(Uint8Array.from(labels), voxelCm3, lesionStructure.segmentIndex);
  const node = doseMetrics(gatherDoseSamples(rate, structure, meanLifeHours() / 100), 120);
  const panelV100 = await panelMetric(page, 'Lesion', 'V100');
  const panelD90 = await panelMetric(page, 'Lesion', 'D90');
  process.stdout.write(`[e2e dose] lesion ${node.volumeCm3.toFixed(2)} cm³: V100 panel ${panelV100?.toFixed(2)}% vs Node ${node.V100Pct.toFixed(2)}%; D90 panel ${panelD90?.toFixed(1)} Gy vs Node ${node.D90Gy.toFixed(1)} Gy\n`);
  expect(panelV100).toBeDefined();
  // Engine (table-driven, exact above 1% of max) vs naive direct formula: ≤ 0.5% dose difference → V100 within 1 point.
  expect(Math.abs((panelV100 ?? NaN) - node.V100Pct)).toBeLessThan(1);
  expect(Math.abs((panelD90 ?? NaN) - node.D90Gy) / node.D90Gy).toBeLessThan(0.01);
  expect(node.V100Pct).toBeGreaterThan(5); // the seed really covers part of the lesion (the comparison is not 0 vs 0)

  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'e2e-dose.png') });

  // 5. Latency of single-seed moves (1 mm grid): seven 1 mm moves of the seed, each a plan edit (as a drag makes),
  // waiting for each to be drawn; the browser measures plan change → isodose drawn (performance.measure).
  const before = (await doseInfo(page)).latencies.length;
  for (let s = 1; s <= 7; s++) {
    const n = (await doseInfo(page)).latencies.length;
    await runCommand(page, 'pvpiEditPlan', { edit: { type: 'moveSeed', id: seed.id, positionMm: [seedAt[0] + s, seedAt[1], seedAt[2]] } });
    await page.waitForFunction(
      (count) => {
        const cm = (window as unknown as { commandsManager: { runCommand(n: string, o: unknown): { latencies: unknown[] } } }).commandsManager;
        return cm.runCommand('pvpiDoseInfo', {}).latencies.length > count;
      },
      n,
      { timeout: 10_000 },
    );
  }
  const lat = (await doseInfo(page)).latencies.slice(before) as Array<{ cause: string; ms: number; phases?: Record<string, number> }>;
  const moves = lat.filter((l) => l.cause === 'moveSeed');
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  process.stdout.write(
    `[e2e dose] edit → isodose drawn latencies (ms, Performance API): ${lat.map((l) => `${l.cause} ${l.ms.toFixed(1)}`).join(', ') || 'none recorded'}${moves.length ? `; single-seed move median ${median(moves.map((m) => m.ms)).toFixed(1)} ms` : ''}\n`,
  );
  // Breakdown (performance.mark phases recorded by the dose host): median of each phase over the moves.
  const names = [...new Set(moves.flatMap((m) => Object.keys(m.phases ?? {})))];
  for (const m of moves) process.stdout.write(`[e2e dose]   move ${m.ms.toFixed(1)} ms: ${names.map((n) => `${n} ${(m.phases?.[n] ?? 0).toFixed(1)}`).join(', ')}\n`);
  if (names.length) process.stdout.write(`[e2e dose] phase medians (ms): ${names.map((n) => `${n} ${median(moves.map((m) => m.phases?.[n] ?? 0)).toFixed(1)}`).join(', ')}\n`);
  // What "one animation frame" is in this browser right now (headless, software WebGL, shared CPU): rAF intervals
  // with nothing being edited.
  const idleFrameMs = await page.evaluate(async () => {
    const t: number[] = [];
    for (let i = 0; i < 21; i++) t.push(await new Promise<number>((r) => requestAnimationFrame(r)));
    const d = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
    return d[Math.floor(d.length / 2)];
  });
  process.stdout.write(`[e2e dose] idle animation frame interval (median of 20): ${idleFrameMs.toFixed(1)} ms\n`);

  // 5b. DVH: the differential toggle redraws the lesion curve; hovering the chart gives a readout in Gy and %.
  const cumulativePath = await page.locator('[data-pvpi="dvh-curve"][data-label$="Lesion"]').getAttribute('d');
  await page.locator('[data-pvpi="dvh-differential"]').check();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="dvh"]')?.getAttribute('data-mode') === 'differential');
  expect(await page.locator('[data-pvpi="dvh-curve"][data-label$="Lesion"]').getAttribute('d')).not.toBe(cumulativePath);
  await page.locator('[data-pvpi="dvh-differential"]').uncheck();
  const svgBox = await page.locator('[data-pvpi="dvh"] svg').boundingBox();
  if (svgBox) {
    await page.mouse.move(svgBox.x + svgBox.width * 0.3, svgBox.y + svgBox.height * 0.5);
    await expect(page.locator('[data-pvpi="dvh-readout"]').textContent()).resolves.toMatch(/Gy/);
  }
  // The printable report carries the plan's metrics: the lesion V100 the panel shows.
  const reportHtml = await runCommand<string>(page, 'pvpiExportReport');
  expect(reportHtml).toMatch(/V100/);
  expect(reportHtml).toContain((panelV100 ?? NaN).toFixed(1));

  // 6. Constraints are the plan's and editable in the panel: a canal Dmax limit below the canal's actual Dmax turns
  // that cell red, and the source records the edit. Approval is a checkbox; any later edit withdraws it.
  const canalDmax = await panelMetric(page, 'Spinal canal', 'Dmax');
  expect(canalDmax).toBeGreaterThan(0);
  const limitInput = page.locator('[data-pvpi="constraint-row"][data-metric="Dmax"] [data-pvpi="constraint-limit"]');
  await limitInput.fill(String(Number(((canalDmax ?? 0) / 2).toFixed(3))));
  await limitInput.press('Enter');
  await page.waitForFunction(() => {
    const row = Array.from(document.querySelectorAll('[data-pvpi="dose-metrics-row"]')).find((r) => (r.getAttribute('data-label') ?? '').endsWith('Spinal canal'));
    return row?.querySelector('[data-metric="Dmax"]')?.getAttribute('data-status') === 'fail';
  }, undefined, { timeout: 10_000 });
  const edited = (await currentPlan(page))?.constraints.find((c) => c.metric === 'Dmax');
  expect(edited?.limit).toBeCloseTo((canalDmax ?? 0) / 2, 2);
  expect(edited?.source).toMatch(/edited in this plan \(was 100 Gy\)/);
  await expect(page.locator('[data-pvpi="constraint-row"][data-metric="Dmax"] [data-pvpi="constraint-source"]').textContent()).resolves.toMatch(/was 100 Gy/);
  await page.locator('[data-pvpi="plan-approved"]').check();
  await expect(page.locator('[data-pvpi="plan-status"]').textContent()).resolves.toMatch(/approved/);
  expect((await currentPlan(page))?.approval).toBe('APPROVED');
  await runCommand(page, 'pvpiEditPlan', { edit: { type: 'moveSeed', id: seed.id, positionMm: seedAt } });
  await page.waitForFunction(() => !(document.querySelector('[data-pvpi="plan-approved"]') as HTMLInputElement | null)?.checked, undefined, { timeout: 10_000 });
  expect((await currentPlan(page))?.approval).toBe('UNAPPROVED');

  expect(pageErrors.filter((m) => /pvpi/i.test(m))).toEqual([]);
});

afterEach(async () => {
  // On failure too: what the viewer showed.
  mkdirSync(resultsDir, { recursive: true });
  await page?.screenshot({ path: path.join(resultsDir, 'e2e-dose-last.png') }).catch(() => undefined);
});
