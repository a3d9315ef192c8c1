/** Helpers for the needle/seed end-to-end test: viewer state read in the page (cameras, needle rows, pixels). */
import type { Page } from 'playwright-core';
import type { World } from './segmentationPage';

/** A needle as our panel lists it (data attributes of its row). */
export interface NeedleRow {
  id: string;
  status: string;
  entryMm: World;
  tipMm: World;
  codes: string[];
}

export async function needleRows(page: Page): Promise<NeedleRow[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-pvpi="needle-row"]')).map((row) => {
      const vec = (s: string | null) => (s ?? '').split(',').map(Number) as [number, number, number];
      return {
        id: row.getAttribute('data-needle-id') ?? '',
        status: row.getAttribute('data-status') ?? '',
        entryMm: vec(row.getAttribute('data-entry-mm')),
        tipMm: vec(row.getAttribute('data-tip-mm')),
        codes: Array.from(row.querySelectorAll('[data-pvpi="needle-finding"]')).map((f) => f.getAttribute('data-code') ?? ''),
      };
    }),
  );
}

/** Camera of a viewport (host Cornerstone). */
export async function cameraOf(page: Page, viewportId: string): Promise<{ viewPlaneNormal: World; focalPoint: World }> {
  return page.evaluate((id) => {
    const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(v: string): { getCamera(): { viewPlaneNormal: number[]; focalPoint: number[] } } | undefined }> } }).cornerstone;
    const cam = cs.getRenderingEngines()[0]?.getViewport(id)?.getCamera();
    if (!cam) throw new Error(`viewport ${id} not found`);
    return { viewPlaneNormal: cam.viewPlaneNormal as World, focalPoint: cam.focalPoint as World };
  }, viewportId);
}

/** OHIF's active viewport id. */
export async function activeViewportId(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { services: { viewportGridService: { getActiveViewportId(): string } } }).services.viewportGridService.getActiveViewportId());
}

/**
 * RGB pixels (as on screen: WebGL canvas + our SVG overlay) of a (2r+1)² square around a page point: a screenshot of
 * the square, decoded by the browser itself (no PNG library needed).
 */
export async function screenPixels(page: Page, pageX: number, pageY: number, r: number): Promise<Array<[number, number, number]>> {
  const png = await page.screenshot({ clip: { x: Math.round(pageX) - r, y: Math.round(pageY) - r, width: 2 * r + 1, height: 2 * r + 1 } });
  const data = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data);
  }, png.toString('base64'));
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i + 3 < data.length; i += 4) out.push([data[i], data[i + 1], data[i + 2]]);
  return out;
}
