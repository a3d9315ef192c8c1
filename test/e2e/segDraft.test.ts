/**
 * End-to-end: "nothing lost" for the segmentation. In the real OHIF viewer (headless Chromium) on the phantom, in our
 * mode: segment L1 (UI click), name it L1, do NOT save; once the draft is in this browser's IndexedDB (database
 * `pvpi-planner`, key `pvpi-seg-draft:<CT series UID>`), reload the page: the draft is restored (no SEG exists):
 * - the panel says "Restored unsaved segmentation from this browser (…)" and lists level L1 (named);
 * - OHIF's segmentation service has the "PVPI vertebrae" segmentation with the same segment labels;
 * - every L1 segment volume is within 1 % of the volume before the reload;
 * - the labelmap voxel at the click point holds the L1 body's segment index.
 * Then "Save segmentation" marks the draft saved (a reload restores the SEG, not the draft), and an edit after the save
 * (renaming the level L2) makes the draft win again on the next reload.
 * Screenshot: test-results/e2e-seg-draft-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pagePointOf, panelSegmentVolumes, readPhantom, serviceSegmentLabels, waitSegmentationIdle, type World } from './support/segmentationPage';
import { startStack, type RunningStack } from './support/stackProcess';
import { openViewerBrowser, waitCtVolumeLoaded } from './support/viewsPage';
import { labelmapValueAt } from './support/segReopenPage';

jest.setTimeout(300_000);
const step = (m: string) => process.stdout.write(`[e2e seg draft] ${m}\n`);

const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');
const AXIAL = 'mpr-axial';
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
  await page?.screenshot({ path: path.join(resultsDir, 'e2e-seg-draft-last.png') }).catch(() => undefined);
});

async function openMode(url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="pvpi-planning-panel"]').waitFor({ state: 'visible', timeout: 60_000 });
  await waitCtVolumeLoaded(page, AXIAL);
}

/** Level names of the segmentation drafts stored in this browser's IndexedDB, and whether they are marked saved. */
async function storedDrafts(p: Page): Promise<Array<{ key: string; levels: string[]; saved: boolean; voxels: number }>> {
  return p.evaluate(
    () =>
      new Promise<Array<{ key: string; levels: string[]; saved: boolean; voxels: number }>>((resolve) => {
        const req = indexedDB.open('pvpi-planner');
        req.onerror = () => resolve([]);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('kv')) return resolve([]);
          const store = db.transaction('kv', 'readonly').objectStore('kv');
          const keysReq = store.getAllKeys();
          const valuesReq = store.getAll();
          valuesReq.onsuccess = () => {
            const out: Array<{ key: string; levels: string[]; saved: boolean; voxels: number }> = [];
            keysReq.result.forEach((k, n) => {
              if (typeof k !== 'string' || !k.startsWith('pvpi-seg-draft:')) return;
              const v = valuesReq.result[n] as { levels?: Array<{ name: string }>; savedSeriesInstanceUID?: string; voxels?: Uint8Array };
              out.push({ key: k, levels: (v.levels ?? []).map((l) => l.name), saved: v.savedSeriesInstanceUID !== undefined, voxels: v.voxels?.length ?? 0 });
            });
            resolve(out);
          };
          valuesReq.onerror = () => resolve([]);
        };
      }),
  );
}

/** Polls the stored drafts until `ok` holds (15 s). */
async function waitDrafts(p: Page, ok: (d: Awaited<ReturnType<typeof storedDrafts>>) => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  let d = await storedDrafts(p);
  while (!ok(d) && Date.now() < deadline) {
    await p.waitForTimeout(250);
    d = await storedDrafts(p);
  }
  step(`stored drafts: ${JSON.stringify(d)}`);
  expect(ok(d)).toBe(true);
}

test('segment L1, name it, reload without saving: the L1 segments come back from this browser with the same volumes', async () => {
  if (!stack) throw new Error('stack not started');
  const phantom = readPhantom();
  const L1 = phantom.levels.find((l) => l.name === 'L1')?.body;
  if (!L1) throw new Error('phantom.json has no L1 body');
  // Inside the L1 body, in cancellous bone lateral to the lesion (as in segmentation.test.ts).
  const target: World = [L1.centreMm[0] + 8, L1.centreMm[1] + 2, L1.centreMm[2]];
  const url = `${stack.viewerUrl}/pvpi?StudyInstanceUIDs=${stack.studyInstanceUID}`;

  await openMode(url);
  await page.waitForTimeout(2000);
  // A fresh browser profile and study: nothing stored, nothing restored.
  expect(await page.locator('[data-pvpi="segment-row"]').count()).toBe(0);
  expect(await storedDrafts(page)).toEqual([]);

  // 1. Segment L1 and name it (no save).
  await page.locator('[data-cy="PvpiSegmentVertebra"]').first().click();
  const p = await pagePointOf(page, AXIAL, target);
  await page.waitForTimeout(300);
  await page.mouse.click(p.x, p.y);
  await page.locator('[data-pvpi="segment-row"]').first().waitFor({ timeout: 60_000 });
  await waitSegmentationIdle(page);
  await page.locator('[data-pvpi="level-name-input"]').fill('L1');
  await page.locator('[data-pvpi="level-name-apply"]').click();
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L1');
  await page.waitForTimeout(800);
  const before = await panelSegmentVolumes(page);
  const labelsBefore = await serviceSegmentLabels(page);
  step(`segmented: ${[...before].map(([l, v]) => `${l} ${v.toFixed(2)}`).join(', ')}`);
  expect(before.size).toBeGreaterThanOrEqual(5);
  expect(await labelmapValueAt(page, target)).toBe(L1_BODY_INDEX);

  // 2. The draft reaches IndexedDB about 1 s after the last change (named L1, unsaved).
  const deadline = Date.now() + 15_000;
  let drafts = await storedDrafts(page);
  while (!(drafts.length === 1 && drafts[0].levels.join() === 'L1') && Date.now() < deadline) {
    await page.waitForTimeout(250);
    drafts = await storedDrafts(page);
  }
  step(`stored drafts: ${JSON.stringify(drafts)}`);
  expect(drafts.map((d) => ({ levels: d.levels, saved: d.saved }))).toEqual([{ levels: ['L1'], saved: false }]);
  expect(drafts[0].voxels).toBeGreaterThan(0);

  // 3. Reload WITHOUT saving: the draft is restored once the CT is loaded.
  await openMode(url);
  await page.waitForFunction(() => (document.querySelector('[data-pvpi="segmentation-section"]')?.getAttribute('data-restored-draft') ?? '') !== '', null, { timeout: 60_000, polling: 250 });
  await waitSegmentationIdle(page);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L1', null, { timeout: 10_000 });
  const info = (await page.locator('[data-pvpi="segmentation-info"]').textContent()) ?? '';
  step(`restored: ${info}`);
  expect(info).toMatch(/^Restored unsaved segmentation from this browser \(.+\)/);
  expect(await page.locator('[data-pvpi="restore-segmentation"]').count()).toBe(0);

  const labelsAfter = await serviceSegmentLabels(page);
  expect(labelsAfter.map((s) => ({ label: s.label, segments: [...s.segments].sort() }))).toEqual(labelsBefore.map((s) => ({ label: s.label, segments: [...s.segments].sort() })));

  await page.waitForTimeout(800);
  const after = await panelSegmentVolumes(page);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [label, v] of before) {
    const got = after.get(label) ?? NaN;
    expect({ label, ok: Math.abs(got - v) <= 0.01 * v, got, v }).toEqual({ label, ok: true, got, v });
  }
  expect(await labelmapValueAt(page, target)).toBe(L1_BODY_INDEX);
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'e2e-seg-draft-restored.png') });

  // 4. "Save segmentation": the draft stays, marked saved; a reload then restores the saved SEG, not the draft.
  await page.locator('[data-pvpi="save-segmentation"]').click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-pvpi="save-status"]')?.getAttribute('data-status');
    return s === 'saved' || s === 'failed';
  }, null, { timeout: 60_000 });
  expect(await page.locator('[data-pvpi="save-status"]').getAttribute('data-status')).toBe('saved');
  const seriesUid = await page.locator('[data-pvpi="save-status"]').getAttribute('data-series-uid');
  expect(seriesUid).toBeTruthy();
  await waitDrafts(page, (d) => d.length === 1 && d[0].saved);
  await openMode(url);
  await page.waitForFunction((uid) => document.querySelector('[data-pvpi="segmentation-section"]')?.getAttribute('data-restored-from') === uid, seriesUid, { timeout: 60_000, polling: 250 });
  await waitSegmentationIdle(page);
  expect(await page.locator('[data-pvpi="segmentation-section"]').getAttribute('data-restored-draft')).toBe('');
  step(`after save + reload: ${await page.locator('[data-pvpi="segmentation-info"]').textContent()}`);

  // 5. An edit after the save (rename L1 → L2) is newer than the SEG: the next reload restores the draft.
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L1', null, { timeout: 10_000 });
  await page.locator('[data-pvpi="level-name-input"]').fill('L2');
  await page.locator('[data-pvpi="level-name-apply"]').click();
  await waitDrafts(page, (d) => d.length === 1 && d[0].levels.join() === 'L2' && !d[0].saved);
  await openMode(url);
  await page.waitForFunction(() => (document.querySelector('[data-pvpi="segmentation-section"]')?.getAttribute('data-restored-draft') ?? '') !== '', null, { timeout: 60_000, polling: 250 });
  await waitSegmentationIdle(page);
  await page.waitForFunction(() => document.querySelector('[data-pvpi="segmentation-level"]')?.getAttribute('data-level') === 'L2', null, { timeout: 10_000 });
  expect(await page.locator('[data-pvpi="segmentation-info"]').textContent()).toMatch(/^Restored unsaved segmentation from this browser/);
  const renamed = await panelSegmentVolumes(page);
  for (const [label, v] of before) {
    const got = renamed.get(label.replace(/^L1 /, 'L2 ')) ?? NaN;
    expect({ label, ok: Math.abs(got - v) <= 0.01 * v, got, v }).toEqual({ label, ok: true, got, v });
  }

  expect(pageErrors.filter((m) => /pvpi/i.test(m))).toEqual([]);
});
