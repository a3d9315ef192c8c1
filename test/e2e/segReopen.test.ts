/**
 * End-to-end: reopening the study restores the saved segmentation (issue 4, "reopening the study restores them"),
 * in the real OHIF viewer (headless Chromium) on the phantom, in our mode. Segment L1 (UI click), name it L1, "Save
 * segmentation" (STOW of our DICOM SEG), reload the page: once the CT is loaded our mode finds the latest PVPI SEG
 * series of the CT (listed by OHIF's dicom-seg SOP class handler) and loads it back into the PVPI labelmap:
 * - OHIF's segmentation service has the "PVPI vertebrae" segmentation with the same six L1 segment labels;
 * - our panel lists level L1 again (named), each segment's volume within 1 % of the volume before saving;
 * - the labelmap is drawn: at the L1 click point the axial view has the vertebral body's colour again, and the
 *   labelmap voxel there holds the L1 body's segment index;
 * - "Segment lesion" works on the restored level (its click point is restored inside the body).
 * Screenshots: test-results/e2e-seg-reopen-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pagePointOf, panelSegmentVolumes, readPhantom, serviceSegmentLabels, viewportColourAt, waitSegmentationIdle, type World } from './support/segmentationPage';
import { startStack, type RunningStack } from './support/stackProcess';
import { openViewerBrowser, waitCtVolumeLoaded } from './support/viewsPage';
import { labelmapValueAt } from './support/segReopenPage';

jest.setTimeout(300_000);
const step = (m: string) => process.stdout.write(`[e2e seg reopen] ${m}\n`);

const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');
const AXIAL = 'mpr-axial';
const STRUCTURES = ['Vertebral body', 'Left pedicle', 'Right pedicle', 'Posterior elements', 'Spinal canal', 'Lesion'];
/** Segment index of level slot 1's vertebral body in our labelmap layout (controller.ts: (slot − 1)·6 + 1). */
const L1_BODY_INDEX = 1;

let stack: RunningStack | undefined;
let browser: Browser | undefined;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack({ timeoutMs: 150_000 });
  ({ browser, page, pageErrors } = await openViewerBrowser({ width: 1400, height: 900 }));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(async () => {
  mkdirSync(resultsDir, { recursive: true });
  await page?.screenshot({ path: path.join(resultsDir, 'e2e-seg-reopen-last.png') }).catch(() => undefined);
});

async function openMode(url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="pvpi-planning-panel"]').waitFor({ state: 'visible', timeout: 60_000 });
  await waitCtVolumeLoaded(page, AXIAL);
}

test('segment L1, name it, save as SEG, reload: the L1 segments come back with the same volumes and are drawn', async () => {
  if (!stack) throw new Error('stack not started');
  const phantom = readPhantom();
  const L1 = phantom.levels.find((l) => l.name === 'L1')?.body;
  if (!L1) throw new Error('phantom.json has no L1 body');
  // Inside the L1 body, in cancellous bone lateral to the lesion (as in segmentation.test.ts).
  const target: World = [L1.centreMm[0] + 8, L1.centreMm[1] + 2, L1.centreMm[2]];
  const url = `${stack.viewerUrl}/pvpi?StudyInstanceUIDs=${stack.studyInstanceUID}`;

  await openMode(url);
  // A fresh study has no PVPI SEG: nothing is restored, nothing offered.
  await page.waitForTimeout(2000);
  expect(await page.locator('[data-pvpi="segment-row"]').count()).toBe(0);
  expect(await page.locator('[data-pvpi="restore-segmentation"]').count()).toBe(0);

  // 1. Segment L1 and name it.
  await page.locator('[data-cy="PvpiSegmentVertebra"]').first().click();
  const p = await pagePointOf(page, AXIAL, target);
  await page.waitForTimeout(300);
  const grey = await viewportColourAt(page, AXIAL, p.canvas);
  await page.mouse.click(p.x, p.y);
  await page.locator('[data-pvpi="segment-row"]').first().waitFor({ timeout: 60_000 });
  await waitSegmentationIdle(page);
  await page.locator('[data-pvpi="level-name-input"]').fill('L1');
  await page.locator('[data-pvpi="level-name-apply"]').click();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L1');
  await page.waitForTimeout(800);
  const before = await panelSegmentVolumes(page);
  const labelsBefore = await serviceSegmentLabels(page);
  const colourBefore = await viewportColourAt(page, AXIAL, p.canvas);
  step(`segmented: ${[...before].map(([l, v]) => `${l} ${v.toFixed(2)}`).join(', ')}; colour ${colourBefore.map((c) => c.toFixed(0))}`);
  expect([...before.keys()].sort()).toEqual(STRUCTURES.map((s) => `L1 ${s}`).sort());
  expect(colourBefore[0] - colourBefore[2]).toBeGreaterThan(25);
  expect(await labelmapValueAt(page, target)).toBe(L1_BODY_INDEX);

  // 2. Save segmentation.
  await page.locator('[data-pvpi="save-segmentation"]').click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-pvpi="save-status"]')?.getAttribute('data-status');
    return s === 'saved' || s === 'failed';
  }, null, { timeout: 60_000 });
  expect(await page.locator('[data-pvpi="save-status"]').getAttribute('data-status')).toBe('saved');
  const seriesUid = await page.locator('[data-pvpi="save-status"]').getAttribute('data-series-uid');
  expect(seriesUid).toBeTruthy();
  await mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'e2e-seg-reopen-1-saved.png') });

  // 3. Reload the page (the study reopens in our mode): the saved SEG is restored once the CT is loaded.
  await openMode(url);
  await page.waitForFunction((uid) => document.querySelector('[data-pvpi="segmentation-section"]')?.getAttribute('data-restored-from') === uid, seriesUid, { timeout: 60_000, polling: 250 });
  await waitSegmentationIdle(page);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L1', null, { timeout: 10_000 });
  step(`restored: ${await page.locator('[data-pvpi="segmentation-info"]').textContent().catch(() => '')}`);

  // OHIF's segmentation service: the PVPI segmentation with the same labels.
  const labelsAfter = await serviceSegmentLabels(page);
  expect(labelsAfter.map((s) => ({ label: s.label, segments: [...s.segments].sort() }))).toEqual(labelsBefore.map((s) => ({ label: s.label, segments: [...s.segments].sort() })));

  // Our panel: level L1 with the same segment volumes (± 1 %).
  await page.waitForTimeout(800);
  const after = await panelSegmentVolumes(page);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [label, v] of before) {
    const got = after.get(label) ?? NaN;
    expect({ label, ok: Math.abs(got - v) <= 0.01 * v, got, v }).toEqual({ label, ok: true, got, v });
  }

  // The labelmap: the L1 body's index at the click point, drawn in the body's colour.
  expect(await labelmapValueAt(page, target)).toBe(L1_BODY_INDEX);
  const q = await pagePointOf(page, AXIAL, target);
  await page.waitForTimeout(800);
  const colourAfter = await viewportColourAt(page, AXIAL, q.canvas);
  step(`colour at the L1 click point: grey ${grey.map((c) => c.toFixed(0))}, before save ${colourBefore.map((c) => c.toFixed(0))}, restored ${colourAfter.map((c) => c.toFixed(0))}`);
  expect(colourAfter[0] - colourAfter[2]).toBeGreaterThan(25);
  for (let c = 0; c < 3; c++) expect(Math.abs(colourAfter[c] - colourBefore[c])).toBeLessThan(20);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-seg-reopen-2-restored.png') });

  // 4. The restored level is usable: "Segment lesion" re-detects the L1 lesion from the restored point.
  await page.locator('[data-pvpi="segment-lesion"]').click();
  await waitSegmentationIdle(page);
  expect(await page.locator('[data-pvpi="segmentation-error"]').count()).toBe(0);
  const lesion = (await panelSegmentVolumes(page)).get('L1 Lesion') ?? NaN;
  expect(Math.abs(lesion - (before.get('L1 Lesion') ?? NaN))).toBeLessThan(0.05 * (before.get('L1 Lesion') ?? NaN));

  expect(pageErrors.filter((m) => /pvpi/i.test(m))).toEqual([]);
});
