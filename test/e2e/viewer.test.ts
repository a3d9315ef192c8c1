/**
 * End-to-end: the real OHIF viewer (@ohif/app dist) in headless Chromium opens the phantom study in our mode.
 * Asserts the mode route loaded, our planning panel is present and reads the host's services (study in view),
 * and the viewport canvas shows a CT slice (greyscale, not uniform, with air, soft-tissue and bone grey levels).
 * Saves test-results/e2e-viewer.png. The stack (Orthanc, viewer server) runs in a child process: support/stack.mjs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openViewerBrowser } from './support/browser';
import { pixelStats, type PixelStats } from './support/pixelStats';
import { startStack, type RunningStack } from './support/stackProcess';

jest.setTimeout(180_000);

const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');

let stack: RunningStack | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack({ timeoutMs: 150_000 });
  // The "investigational use only" banner (app-config: once per session) and OHIF's first-visit tours are
  // acknowledged up front, as a user who already confirmed them.
  ({ browser, page } = await openViewerBrowser({ width: 1400, height: 900 }, pageErrors));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Pixels of every Cornerstone viewport canvas (MPR: axial, sagittal, coronal), each downsampled to ≤256 px. */
async function viewportPixels(p: Page): Promise<Array<{ width: number; height: number; rgba: number[] }>> {
  return p.evaluate(() => {
    const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>('.cornerstone-viewport-element canvas, canvas.cornerstone-canvas'));
// Our own overlays (dose colour wash) live inside [data-pvpi] elements: only Cornerstone's canvases count.
    const unique = Array.from(new Set(canvases)).filter((c) => c.width >= 16 && c.height >= 16 && !c.closest('[data-pvpi]'));
    return unique.map((canvas) => {
      const scale = Math.min(1, 256 / Math.max(canvas.width, canvas.height));
      const width = Math.max(1, Math.round(canvas.width * scale));
      const height = Math.max(1, Math.round(canvas.height * scale));
      const scratch = document.createElement('canvas');
      scratch.width = width;
      scratch.height = height;
      const ctx = scratch.getContext('2d');
      if (!ctx) return { width: 0, height: 0, rgba: [] };
      ctx.drawImage(canvas, 0, 0, width, height);
      return { width, height, rgba: Array.from(ctx.getImageData(0, 0, width, height).data) };
    });
  });
}

/**
 * A rendered CT slice: greyscale, textured, with dark (air/background), mid-grey (soft tissue) pixels and a
 * brightest 0.1 % well above soft tissue (bone; thin cortex, so a percentile rather than an area).
 */
function looksLikeCt(s: PixelStats): boolean {
  return s.greyFraction > 0.95 && s.std > 25 && s.darkFraction > 0.05 && s.midFraction > 0.05 && s.p999 > 150;
}

test('the phantom opens in our mode with the planning panel and a rendered CT slice', async () => {
  if (!stack) throw new Error('stack not started');
  const studyUrl = `${stack.viewerUrl}/pvpi?StudyInstanceUIDs=${stack.studyInstanceUID}`;
  await page.goto(studyUrl, { waitUntil: 'domcontentloaded' });

  // Our mode's route, and our panel (only our mode lists it) with its title.
  const panel = page.locator('[data-testid="pvpi-planning-panel"]');
  await panel.waitFor({ state: 'visible', timeout: 60_000 });
  expect(new URL(page.url()).pathname).toBe('/pvpi');
  expect(new URL(page.url()).searchParams.get('StudyInstanceUIDs')).toBe(stack.studyInstanceUID);
  await expect(panel.locator('h2').textContent()).resolves.toBe('PVPI planning');
  for (const section of ['Segmentation', 'Needles', 'Seeds', 'Dose']) {
    await expect(panel.locator(`section[aria-label="${section}"] h3`).textContent()).resolves.toBe(section);
  }
  // The panel follows the host's viewport grid: the study in view is the one we asked for.
  await page.locator('[data-pvpi="study-uid"]').first().waitFor({ timeout: 60_000 });
  await expect(page.locator('[data-pvpi="study-uid"]').first().getAttribute('title')).resolves.toBe(stack.studyInstanceUID);

  // The viewports render the CT (poll: images stream in over DICOMweb). The first viewport (axial) must look
  // like a CT slice; every other viewport (the MPR reformats) must be greyscale and not uniform.
  let stats: PixelStats | undefined;
  let others: PixelStats[] = [];
  const rendered = (o: PixelStats) => o.greyFraction > 0.95 && o.std > 25;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const all = (await viewportPixels(page)).map((v) => pixelStats(v.rgba));
    stats = all[0];
    others = all.slice(1);
    if (stats && looksLikeCt(stats) && others.every(rendered)) break;
    await page.waitForTimeout(1000);
  }
  await page.waitForTimeout(500);
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'e2e-viewer.png') });

  expect(stats).toBeDefined();
  if (!stats) return;
  expect(stats.greyFraction).toBeGreaterThan(0.95); // greyscale CT rendering
  expect(stats.std).toBeGreaterThan(25); // not a uniform canvas
  expect(stats.darkFraction).toBeGreaterThan(0.05); // air / background
  expect(stats.midFraction).toBeGreaterThan(0.05); // soft tissue grey levels
  expect(stats.p999).toBeGreaterThan(150); // bone
  for (const o of others) {
    expect(o.greyFraction).toBeGreaterThan(0.95);
    expect(o.std).toBeGreaterThan(25);
  }
  // None of our bundles threw in the page.
  expect(pageErrors.filter((m) => /pvpi/i.test(m))).toEqual([]);
});
