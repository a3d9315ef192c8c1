/**
 * Helpers for the end-to-end tests of views that must survive viewer interaction (scroll, window/level, layout,
 * leaving/re-entering the mode, reloading): browser start-up, CT volume loading, viewport geometry read from the
 * HOST Cornerstone (in the page) WITHOUT moving the camera, and isodose-colour pixel counts in screenshot regions.
 */
import type { Page } from 'playwright-core';
import { countColourInRegion, viewportBox } from './dosePage';
import type { World } from './segmentationPage';

export { CHROMIUM_ARGS, openViewerBrowser, waitCtVolumeLoaded } from './browser';


/** Ids of the Cornerstone viewports currently rendered (host rendering engines). */
export async function renderedViewportIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewports(): Array<{ id: string; element?: HTMLElement }> }> } }).cornerstone;
    return cs
      .getRenderingEngines()
      .flatMap((e) => e.getViewports())
      .filter((v) => v.element?.isConnected)
      .map((v) => v.id);
  });
}

/** Camera of a viewport: focal point, normal, and the focal point's distance along the normal (mm). */
export async function sliceOf(page: Page, viewportId: string): Promise<{ focalPoint: World; normal: World; depthMm: number }> {
  return page.evaluate((id) => {
    const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(v: string): { getCamera(): { viewPlaneNormal: number[]; focalPoint: number[] } } | undefined }> } }).cornerstone;
    const cam = cs.getRenderingEngines()[0]?.getViewport(id)?.getCamera();
    if (!cam) throw new Error(`viewport ${id} not found`);
    const n = cam.viewPlaneNormal;
    const f = cam.focalPoint;
    return { focalPoint: f as World, normal: n as World, depthMm: f[0] * n[0] + f[1] * n[1] + f[2] * n[2] };
  }, viewportId);
}

/** Page point of a world point in a viewport as it is now (the camera is NOT moved). */
export async function pageOfWorld(page: Page, viewportId: string, world: World): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ id, w }) => {
      const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(v: string): { worldToCanvas(p: number[]): [number, number]; element: HTMLElement } | undefined }> } }).cornerstone;
      const vp = cs.getRenderingEngines()[0]?.getViewport(id);
      if (!vp) throw new Error(`viewport ${id} not found`);
      const c = vp.worldToCanvas(w);
      const r = vp.element.getBoundingClientRect();
      return { x: r.left + c[0], y: r.top + c[1] };
    },
    { id: viewportId, w: world },
  );
}

/** Number of our overlay's isodose polylines at a level (% of prescription) in a viewport. */
export async function isodosePolylines(page: Page, viewportId: string, levelPct = 100): Promise<number> {
  return page.evaluate(
    ({ id, pct }) => document.querySelectorAll(`[data-pvpi="dose-overlay"][data-viewport-id="${id}"] polyline[data-level-pct="${pct}"]`).length,
    { id: viewportId, pct: levelPct },
  );
}

/** The 100 % isodose line's default colour (#ffff00, src/planning/viewModels/isodoseStyle.ts). */
export const ISODOSE_100_RGB: [number, number, number] = [255, 255, 0];

/**
 * Isodose-colour pixels on screen (WebGL canvas + our SVG overlay, from page screenshots) that our dose overlay
 * adds, in a square of `halfPx` around a world point of a viewport (clipped to the viewport): the count with the
 * viewport's overlay shown minus the count with it hidden. Segments drawn by OHIF in a similar colour (the spinal
 * canal is yellow too) cancel out, so a positive number means the isodose lines are drawn there.
 */
export async function isodosePixelsNear(page: Page, viewportId: string, world: World, halfPx = 60, rgb = ISODOSE_100_RGB): Promise<number> {
  const box = await viewportBox(page, viewportId);
  const p = await pageOfWorld(page, viewportId, world);
  const x0 = Math.max(box.x, p.x - halfPx);
  const y0 = Math.max(box.y, p.y - halfPx);
  const x1 = Math.min(box.x + box.width, p.x + halfPx);
  const y1 = Math.min(box.y + box.height, p.y + halfPx);
  if (x1 - x0 < 4 || y1 - y0 < 4) return 0;
  const region = { x: Math.round(x0), y: Math.round(y0), width: Math.round(x1 - x0), height: Math.round(y1 - y0) };
  const withOverlay = await countColourInRegion(page, region, rgb, 60);
  const setVisible = (visible: boolean) =>
    page.evaluate(
      ({ id, v }) => {
        const el = document.querySelector(`[data-pvpi="dose-overlay"][data-viewport-id="${id}"]`) as HTMLElement | null;
        if (el) el.style.visibility = v ? '' : 'hidden';
      },
      { id: viewportId, v: visible },
    );
  await setVisible(false);
  try {
    const without = await countColourInRegion(page, region, rgb, 60);
    return withOverlay - without;
  } finally {
    await setVisible(true);
  }
}

/** Waits until a viewport's overlay shows at least one polyline of the level (the dose host answered). */
export async function waitIsodose(page: Page, viewportId: string, levelPct = 100, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    ({ id, pct }) => document.querySelector(`[data-pvpi="dose-overlay"][data-viewport-id="${id}"] polyline[data-level-pct="${pct}"]`) !== null,
    { id: viewportId, pct: levelPct },
    { timeout: timeoutMs, polling: 200 },
  );
}

/** VOI range (window/level) of a viewport's CT, as Cornerstone holds it. */
export async function voiRangeOf(page: Page, viewportId: string): Promise<{ lower: number; upper: number }> {
  return page.evaluate((id) => {
    const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(v: string): { getProperties(): { voiRange?: { lower: number; upper: number } } } | undefined }> } }).cornerstone;
    const voi = cs.getRenderingEngines()[0]?.getViewport(id)?.getProperties().voiRange;
    if (!voi) throw new Error(`viewport ${id} has no VOI range`);
    return { lower: voi.lower, upper: voi.upper };
  }, viewportId);
}
