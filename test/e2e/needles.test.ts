/**
 * End-to-end: needle trajectories and seeds in the real OHIF viewer (headless Chromium) on the phantom, in our mode.
 * Segment L1 through the UI, "Suggest left" → a green needle (panel status, no findings, its green outline on screen
 * in the axial view); the Needle tool with two clicks through the spinal canal → a red needle with CANAL_BREACH;
 * "Place seed" on the green needle → 1 seed, undo → 0, redo → 1; "Bull's-eye view" turns the active viewport to look
 * down the needle (camera normal parallel to the needle axis). Saves test-results/e2e-needles.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openViewerBrowser, waitCtVolumeLoaded } from './support/browser';
import { pagePointOf, readPhantom, waitSegmentationIdle, type World } from './support/segmentationPage';
import { activeViewportId, cameraOf, needleRows, screenPixels } from './support/planningPage';
import { startStack, type RunningStack } from './support/stackProcess';

jest.setTimeout(240_000);

const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');
const AXIAL = 'mpr-axial';

let stack: RunningStack | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack({ timeoutMs: 150_000 });
  ({ browser, page } = await openViewerBrowser({ width: 1500, height: 950 }, pageErrors));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const sub = (a: World, b: World): World => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const unit = (a: World): World => {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
};
const dot = (a: World, b: World): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const along = (a: World, d: World, t: number): World => [a[0] + t * d[0], a[1] + t * d[1], a[2] + t * d[2]];
/** The needle's status colour (green rgb(0, 230, 64)) as drawn: strongly green, little red. */
const isNeedleGreen = ([r, g, b]: [number, number, number]): boolean => g > 170 && g - r > 110 && g - b > 80;

async function waitNeedles(p: Page, count: number): Promise<void> {
  await p.waitForFunction((n) => document.querySelectorAll('[data-pvpi="needle-row"]').length === n && !document.querySelector('[data-pvpi="needles-busy"]'), count, { timeout: 90_000 });
}

async function seedCount(p: Page): Promise<number> {
  return Number(await p.locator('[data-pvpi="seed-summary"]').getAttribute('data-seed-count'));
}

test('Suggest trajectory (green), a needle through the canal (red, CANAL_BREACH), a seed on the green needle with undo, bull\'s-eye view', async () => {
  if (!stack) throw new Error('stack not started');
  const phantom = readPhantom();
  const L1 = phantom.levels.find((l) => l.name === 'L1')?.body;
  if (!L1) throw new Error('phantom.json has no L1 body');
  const c = L1.centreMm;

  await page.goto(`${stack.viewerUrl}/pvpi?StudyInstanceUIDs=${stack.studyInstanceUID}`, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="pvpi-planning-panel"]').waitFor({ state: 'visible', timeout: 60_000 });
  await waitCtVolumeLoaded(page, AXIAL);

  // 1. Segment L1 through the UI (Segment vertebra + click in the body, then name it L1).
  await page.locator('[data-cy="PvpiSegmentVertebra"]').first().click();
  const inBody = await pagePointOf(page, AXIAL, [c[0] + 8, c[1] + 2, c[2]]);
  await page.mouse.click(inBody.x, inBody.y);
  await page.locator('[data-pvpi="segment-row"]').first().waitFor({ timeout: 60_000 });
  await waitSegmentationIdle(page);
  await page.locator('[data-cy="PvpiLevelLabels"]').first().click();
  await page.locator('[data-pvpi="level-name-input"]').fill('L1');
  await page.locator('[data-pvpi="level-name-apply"]').click();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L1');

  // 2. Suggest left → one green needle, no findings, on the left (patient +x) side.
  await page.locator('[data-pvpi="suggest-left"]').click();
  await waitNeedles(page, 1);
  await expect(page.locator('[data-pvpi="needles-error"]').count()).resolves.toBe(0);
  const [green] = await needleRows(page);
  expect({ status: green.status, codes: green.codes }).toEqual({ status: 'ok', codes: [] });
  expect(green.entryMm[0]).toBeGreaterThan(0);
  const dir = unit(sub(green.tipMm, green.entryMm));
  const length = Math.hypot(...sub(green.tipMm, green.entryMm));

  // Its outline is drawn in the status colour in the axial view (at a point of the needle 8 mm behind the tip).
  const onNeedle = along(green.tipMm, dir, -8);
  const p1 = await pagePointOf(page, AXIAL, onNeedle);
  expect(p1.inside).toBe(true);
  await page.waitForTimeout(500);
  const greenPixels = (await screenPixels(page, p1.x, p1.y, 6)).filter(isNeedleGreen).length;
  expect(greenPixels).toBeGreaterThan(0);

  // 3. The Needle tool, entry behind the spine on the midline, target in the body: through the canal → red.
  await page.locator('[data-cy="PvpiNeedle"]').first().click();
  const entry: World = [0, c[1] + 65, c[2] - 4];
  const target: World = [3, c[1] - 4, c[2] - 4];
  const e = await pagePointOf(page, AXIAL, entry);
  await page.mouse.click(e.x, e.y);
  const t = await pagePointOf(page, AXIAL, target);
  await page.mouse.click(t.x, t.y);
  await waitNeedles(page, 2);
  const red = (await needleRows(page)).find((n) => n.id !== green.id);
  expect(red?.status).toBe('error');
  expect(red?.codes).toContain('CANAL_BREACH');
  await expect(page.locator(`[data-pvpi="needle-row"][data-needle-id="${red?.id}"] [data-pvpi="needle-finding"][data-code="CANAL_BREACH"]`).count()).resolves.toBe(1);

  // 4. Place seed on the green needle (axial view), undo, redo.
  await page.locator('[data-cy="PvpiSeed"]').first().click();
  expect(await seedCount(page)).toBe(0);
  const seedPoint = along(green.tipMm, dir, -Math.min(10, length / 3));
  const s = await pagePointOf(page, AXIAL, seedPoint);
  await page.mouse.click(s.x, s.y);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="seed-summary"]')?.getAttribute('data-seed-count') === '1', null, { timeout: 20_000 });
  await expect(page.locator('[data-pvpi="seeds-count"]').textContent()).resolves.toBe('1');
  await expect(page.locator('[data-pvpi="seed-group"]').getAttribute('data-needle-id')).resolves.toBe(green.id);
  await page.locator('[data-pvpi="seeds-undo"]').click();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="seed-summary"]')?.getAttribute('data-seed-count') === '0');
  expect(await seedCount(page)).toBe(0);
  await page.locator('[data-pvpi="seeds-redo"]').click();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="seed-summary"]')?.getAttribute('data-seed-count') === '1');

  // 5. Bull's-eye view of the green needle in the active viewport: camera normal parallel to the needle axis.
  await page.locator(`[data-pvpi="needle-row"][data-needle-id="${green.id}"] [data-pvpi="needle-bullseye"]`).click();
  const vpId = await activeViewportId(page);
  await page.waitForTimeout(500);
  const cam = await cameraOf(page, vpId);
  expect(Math.abs(dot(unit(cam.viewPlaneNormal), dir))).toBeGreaterThan(0.999);
  // The focal point lies on the needle axis.
  const off = sub(cam.focalPoint, green.entryMm);
  const perp = sub(off, along([0, 0, 0], dir, dot(off, dir)));
  expect(Math.hypot(...perp)).toBeLessThan(0.5);

  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'e2e-needles.png') });
  expect(pageErrors.filter((m) => /pvpi/i.test(m))).toEqual([]);
});
