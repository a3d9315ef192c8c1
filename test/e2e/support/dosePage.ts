/**
 * Helpers for the dose end-to-end test: OHIF commands in the page, our dose state (pvpiDoseInfo), colour counts
 * inside a screenshot region, the panel's metric cells.
 */
import type { Page } from 'playwright-core';
import type { VolumeGeometry } from '../../../src/geometry/volume';

export type World = [number, number, number];

/** Runs an OHIF command in the page (window.commandsManager) and returns its JSON-serialisable result. */
import { runCommand } from './browser';

export { runCommand };

/** True when an OHIF command of that name is registered. */
export async function hasCommand(page: Page, name: string): Promise<boolean> {
  return page.evaluate((n) => {
    const cm = (window as unknown as { commandsManager?: { getCommand?(n: string, c?: string): unknown } }).commandsManager;
    return Boolean(cm?.getCommand?.(n, 'CORNERSTONE') ?? cm?.getCommand?.(n));
  }, name);
}

export interface DoseInfo {
  grid?: VolumeGeometry;
  seeds: Array<{ id: string; positionMm: World; axis: World; airKermaStrengthU: number }>;
  structures: Array<{ id: string; label: string; segmentIndex: number }>;
  labels?: number[];
  planVersion: number;
  status: string;
  engine?: string;
  latencies: Array<{ cause: string; ms: number }>;
  metrics: Array<{ label: string; segmentIndex: number; metrics: { V100Pct: number; D90Gy: number } }>;
}

export function doseInfo(page: Page, includeLabels = false): Promise<DoseInfo> {
  return runCommand<DoseInfo>(page, 'pvpiDoseInfo', { includeLabels });
}

/**
 * Pixels of a viewport region in a page screenshot close to an RGB colour (each channel within `tol`).
 * `box` in page CSS pixels.
 */
export async function countColourInRegion(page: Page, box: { x: number; y: number; width: number; height: number }, rgb: [number, number, number], tol = 40): Promise<number> {
  const png = await page.screenshot({ clip: box });
  return page.evaluate(
    async ({ b64, rgb: c, tol: t }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - c[0]) <= t && Math.abs(d[i + 1] - c[1]) <= t && Math.abs(d[i + 2] - c[2]) <= t) n++;
      return n;
    },
    { b64: png.toString('base64'), rgb, tol },
  );
}

/** The page box of a viewport element. */
export async function viewportBox(page: Page, viewportId: string): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate((id) => {
    const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(id: string): { element: HTMLElement } | undefined }> } }).cornerstone;
    const el = cs.getRenderingEngines()[0]?.getViewport(id)?.element;
    if (!el) throw new Error(`viewport ${id} not found`);
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  }, viewportId);
}

/** Value (data-value) of a metric cell of the panel's metrics table for the row whose label ends with `suffix`. */
export async function panelMetric(page: Page, labelSuffix: string, metric: string): Promise<number | undefined> {
  return page.evaluate(
    ({ s, m }) => {
      const row = Array.from(document.querySelectorAll('[data-pvpi="dose-metrics-row"]')).find((r) => (r.getAttribute('data-label') ?? '').endsWith(s));
      const v = row?.querySelector(`[data-metric="${m}"]`)?.getAttribute('data-value');
      return v ? Number(v) : undefined;
    },
    { s: labelSuffix, m: metric },
  );
}
