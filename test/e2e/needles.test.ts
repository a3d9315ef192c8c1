/**
 * End-to-end: needle trajectories and seeds in the real OHIF viewer (headless Chromium) on the phantom, in our mode.
 * Segment L1 through the UI, "Suggest left" → a green needle (panel status, no findings, its green outline on screen
 * in the axial view); the Needle tool with two clicks through the spinal canal → a red needle with CANAL_BREACH;
 * its override with a reason (recorded, withdrawn); "Best path to this tip" keeps the chosen tip and moves the entry onto
 * the left pedicle path (canal breach gone); the anterolateral approach drops the pedicle checks and back;
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
  const target: World = [8, c[1] - 4, c[2] - 4]; // left of the midline: reachable through the left pedicle (3c)
  const e = await pagePointOf(page, AXIAL, entry);
  await page.mouse.click(e.x, e.y);
  const t = await pagePointOf(page, AXIAL, target);
  await page.mouse.click(t.x, t.y);
  await waitNeedles(page, 2);
  const red = (await needleRows(page)).find((n) => n.id !== green.id);
  expect(red?.status).toBe('error');
  expect(red?.codes).toContain('CANAL_BREACH');
  await expect(page.locator(`[data-pvpi="needle-row"][data-needle-id="${red?.id}"] [data-pvpi="needle-finding"][data-code="CANAL_BREACH"]`).count()).resolves.toBe(1);

  // 3b. Override the red needle with a reason (recorded in the plan), then withdraw it.
  if (!red) throw new Error('red needle missing');
  const redRow = `[data-pvpi="needle-row"][data-needle-id="${red.id}"]`;
  await page.locator(`${redRow} [data-pvpi="needle-override-open"]`).click();
  await expect(page.locator(`${redRow} [data-pvpi="needle-override-confirm"]`).isDisabled()).resolves.toBe(true);
  await page.locator(`${redRow} [data-pvpi="needle-override-reason"]`).fill('tumour extends into the canal; accepted by Dr Test');
  await page.locator(`${redRow} [data-pvpi="needle-override-confirm"]`).click();
  await page.locator(`${redRow} [data-pvpi="needle-override"]`).waitFor({ timeout: 10_000 });
  const planNeedle = (id: string) =>
    page.evaluate((needleId) => {
      const cm = (window as unknown as { commandsManager: { runCommand(n: string, o: unknown): { needles: Array<{ id: string; approach: string; entryMm: number[]; tipMm: number[]; override?: { reason: string } }> } | undefined } }).commandsManager;
      return cm.runCommand('pvpiCurrentPlan', {})?.needles.find((n) => n.id === needleId);
    }, id);
  expect((await planNeedle(red.id))?.override?.reason).toBe('tumour extends into the canal; accepted by Dr Test');
  await page.locator(`${redRow} [data-pvpi="needle-override"] button`).click();
  await page.waitForFunction((sel) => !document.querySelector(`${sel} [data-pvpi="needle-override"]`), redRow);
  expect((await planNeedle(red.id))?.override).toBeUndefined();

  // 3c. "Best path to this tip": the tip the user chose stays, the entry moves onto the pedicle path of the tip's
  // side (left: +x); the canal breach is gone.
  await page.locator(`${redRow} [data-pvpi="needle-aim"]`).click();
  await page.waitForFunction(
    ({ sel, x }) => {
      const row = document.querySelector(sel);
      const entry = (row?.getAttribute('data-entry-mm') ?? '').split(',').map(Number);
      return row?.getAttribute('data-checked') === 'true' && Math.abs(entry[0] - x) > 5 && !document.querySelector('[data-pvpi="needles-busy"]');
    },
    { sel: redRow, x: entry[0] },
    { timeout: 60_000 },
  );
  const aimed = (await needleRows(page)).find((n) => n.id === red.id);
  if (!aimed) throw new Error('re-aimed needle missing');
  for (let a = 0; a < 3; a++) expect(Math.abs(aimed.tipMm[a] - red.tipMm[a])).toBeLessThan(0.01);
  expect(aimed.entryMm[0]).toBeGreaterThan(10); // through the left pedicle, from the left of the midline
  expect(aimed.codes).not.toContain('CANAL_BREACH');
  expect(aimed.status).not.toBe('error'); // the chosen tip is reachable through the left pedicle with the margin
  process.stdout.write(`[e2e needles] best path to the chosen tip: status ${aimed.status}, findings ${aimed.codes.join(', ') || 'none'}\n`);

  // 3d. Anterolateral approach on that needle: the pedicle corridor is no longer checked (note shown, no wall codes),
  // back to transpedicular restores the checks.
  await page.locator(`${redRow} [data-pvpi="needle-approach"]`).selectOption('anterolateral');
  await page.locator(`${redRow} [data-pvpi="needle-approach-note"]`).waitFor({ timeout: 10_000 });
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-approach') === 'anterolateral', redRow);
  expect((await planNeedle(red.id))?.approach).toBe('anterolateral');
  await page.waitForTimeout(500);
  const antero = (await needleRows(page)).find((n) => n.id === red.id);
  expect((antero?.codes ?? []).filter((k) => k.endsWith('_WALL') || k === 'PEDICLE_MISSED' || k === 'ENTRY_LATERAL_POSITION')).toEqual([]);
  await page.locator(`${redRow} [data-pvpi="needle-approach"]`).selectOption('transpedicular');
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-approach') === 'transpedicular' && !document.querySelector(`${sel} [data-pvpi="needle-approach-note"]`), redRow);
  // Remove it (it now shares the left pedicle with the green needle, where the seed goes next).
  await page.locator(`${redRow} [data-pvpi="needle-remove"]`).click();
  await waitNeedles(page, 1);

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
  // Delete key (Place seed tool active) removes the selected seed; undo brings it back.
  await page.locator('[data-pvpi="seed-row"]').first().click();
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => document.querySelector('[data-pvpi="seed-summary"]')?.getAttribute('data-seed-count') === '0', null, { timeout: 10_000 });
  await page.locator('[data-pvpi="seeds-undo"]').click();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="seed-summary"]')?.getAttribute('data-seed-count') === '1');

  // 4b. "Fill" a needle at a chosen spacing: Suggest right (aimed through the right-sided lesion), select it, fill at
  // 5 mm, then at 10 mm; consecutive seeds on it are exactly the spacing apart along its axis; undo brings the 5 mm
  // seeds back.
  await page.locator('[data-pvpi="suggest-right"]').click();
  await waitNeedles(page, 2);
  const right = (await needleRows(page)).find((n) => n.id !== green.id);
  if (!right) throw new Error('right needle missing');
  await page.locator(`[data-pvpi="needle-row"][data-needle-id="${right.id}"]`).click();
  const seedsOn = async (needleId: string): Promise<World[]> =>
    page.evaluate((id) => {
      const cm = (window as unknown as { commandsManager: { runCommand(n: string, o: unknown): { seeds: Array<{ needleId?: string; positionMm: [number, number, number] }> } | undefined } }).commandsManager;
      return (cm.runCommand('pvpiCurrentPlan', {})?.seeds ?? []).filter((x) => x.needleId === id).map((x) => x.positionMm);
    }, needleId);
  const fillAt = async (spacing: number): Promise<World[]> => {
    await page.locator('[data-pvpi="seed-spacing"]').fill(String(spacing));
    const before = JSON.stringify(await seedsOn(right.id));
    await page.locator('[data-pvpi="fill-needle"]').click();
    await page.waitForFunction(
      ({ id, prev }) => {
        const cm = (window as unknown as { commandsManager: { runCommand(n: string, o: unknown): { seeds: Array<{ needleId?: string; positionMm: number[] }> } | undefined } }).commandsManager;
        const now = (cm.runCommand('pvpiCurrentPlan', {})?.seeds ?? []).filter((x) => x.needleId === id).map((x) => x.positionMm);
        return JSON.stringify(now) !== prev;
      },
      { id: right.id, prev: before },
      { timeout: 30_000 },
    );
    return seedsOn(right.id);
  };
  const rightDir = unit(sub(right.tipMm, right.entryMm));
  const spacingsOf = (pts: World[]): number[] => {
    const depth = pts.map((p) => dot(sub(right.tipMm, p), rightDir)).sort((a, b) => a - b);
    return depth.slice(1).map((d, i) => d - depth[i]);
  };
  const at5 = await fillAt(5);
  const at10 = await fillAt(10);
  process.stdout.write(`[e2e needles] fill right needle: ${at5.length} seeds at 5 mm, ${at10.length} at 10 mm; ${await page.locator('[data-pvpi="seeds-section"] p').last().textContent()}\n`);
  expect(at5.length).toBeGreaterThanOrEqual(2);
  expect(at10.length).toBeGreaterThanOrEqual(1);
  expect(at10.length).toBeLessThan(at5.length);
  for (const d of spacingsOf(at5)) expect(d).toBeCloseTo(5, 2);
  for (const d of spacingsOf(at10)) expect(d).toBeCloseTo(10, 2);
  // Every seed sits on the needle axis.
  for (const p of [...at5, ...at10]) {
    const off = sub(p, right.tipMm);
    expect(Math.hypot(...sub(off, along([0, 0, 0], rightDir, dot(off, rightDir))))).toBeLessThan(0.01);
  }
  await page.locator('[data-pvpi="seeds-undo"]').click();
  await page.waitForFunction((n) => document.querySelector('[data-pvpi="seed-summary"]')?.getAttribute('data-seed-count') === String(n), 1 + at5.length);
  // The green needle's seed is untouched by filling the other needle.
  expect(await seedsOn(green.id)).toHaveLength(1);

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
