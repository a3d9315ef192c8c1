/**
 * Helpers for the segmentation end-to-end test: phantom ground truth, world → page coordinates through the
 * HOST Cornerstone viewport API (in the page), pixel colours of a viewport, our panel's segment rows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { VolumeGeometry } from '../../../src/geometry/volume';
import { readSeg } from '../../../src/dicom/seg';

const phantomDir = path.resolve(__dirname, '..', '..', '..', '.data', 'phantom');

export type World = [number, number, number];

/** The phantom's parameters (.data/phantom/phantom.json: grid, levels with body centres, uids). */
export interface PhantomInfo {
  grid: { dimensions: [number, number, number]; spacingMm: World; originMm: World; direction: [World, World, World] };
  levels: Array<{ name: string; body?: { centreMm: World; semiAxisXMm: number; semiAxisYMm: number; heightMm: number } }>;
  uids: { studyInstanceUID: string; frameOfReferenceUID: string };
}

export function readPhantom(): PhantomInfo {
  return JSON.parse(readFileSync(path.join(phantomDir, 'phantom.json'), 'utf8')) as PhantomInfo;
}

/** Ground-truth volume (cm³) of every segment label of the phantom's ground-truth SEG (e.g. "L1 Vertebral body"). */
export function groundTruthVolumesCm3(phantom: PhantomInfo): Map<string, number> {
  const g: VolumeGeometry = { ...phantom.grid, frameOfReferenceUID: phantom.uids.frameOfReferenceUID };
  const seg = readSeg(readFileSync(path.join(phantomDir, 'seg', 'ground-truth.dcm')), g);
  const voxelCm3 = (g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]) / 1000;
  return new Map(seg.segments.map((s) => [s.label, s.voxelCount * voxelCm3]));
}

/**
 * Moves a viewport's slice to contain `world` (camera shifted along its normal) and returns the page point of
 * `world` computed with the viewport's own `worldToCanvas` (CSS pixels, offset by the element's position).
 */
export async function pagePointOf(page: Page, viewportId: string, world: World): Promise<{ x: number; y: number; canvas: [number, number]; inside: boolean }> {
  return page.evaluate(
    ({ viewportId: id, world: w }) => {
      interface Vp {
        getCamera(): { viewPlaneNormal: number[]; focalPoint: number[]; position: number[] };
        setCamera(c: { focalPoint: number[]; position: number[] }): void;
        render(): void;
        worldToCanvas(p: number[]): [number, number];
        element: HTMLElement;
      }
      const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(id: string): Vp | undefined }> } }).cornerstone;
      const vp = cs.getRenderingEngines()[0]?.getViewport(id);
      if (!vp) throw new Error(`viewport ${id} not found`);
      const cam = vp.getCamera();
      const n = cam.viewPlaneNormal;
      const f = cam.focalPoint;
      const d = (w[0] - f[0]) * n[0] + (w[1] - f[1]) * n[1] + (w[2] - f[2]) * n[2];
      vp.setCamera({ focalPoint: f.map((x, i) => x + d * n[i]), position: cam.position.map((x, i) => x + d * n[i]) });
      vp.render();
      const c = vp.worldToCanvas(w);
      const r = vp.element.getBoundingClientRect();
      return { x: r.left + c[0], y: r.top + c[1], canvas: c, inside: c[0] >= 0 && c[1] >= 0 && c[0] < r.width && c[1] < r.height };
    },
    { viewportId, world },
  );
}

/** Mean RGB of a (2r+1)² pixel square of a viewport's canvas around a canvas (CSS px) point. */
export async function viewportColourAt(page: Page, viewportId: string, canvasPoint: [number, number], r = 2): Promise<[number, number, number]> {
  return page.evaluate(
    ({ viewportId: id, p, r: radius }) => {
      const el = document.querySelector(`[data-viewport-uid="${id}"] canvas.cornerstone-canvas, [data-viewportid="${id}"] canvas.cornerstone-canvas`) as HTMLCanvasElement | null;
      const cs = (window as unknown as { cornerstone: { getRenderingEngines(): Array<{ getViewport(id: string): { canvas: HTMLCanvasElement } | undefined }> } }).cornerstone;
      const canvas = el ?? cs.getRenderingEngines()[0]?.getViewport(id)?.canvas;
      if (!canvas) throw new Error(`no canvas for ${id}`);
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const scratch = document.createElement('canvas');
      scratch.width = canvas.width;
      scratch.height = canvas.height;
      const ctx = scratch.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(canvas, 0, 0);
      const cx = Math.round(p[0] * scale);
      const cy = Math.round(p[1] * scale);
      const data = ctx.getImageData(cx - radius, cy - radius, 2 * radius + 1, 2 * radius + 1).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c];
      const n = data.length / 4;
      return [sum[0] / n, sum[1] / n, sum[2] / n] as [number, number, number];
    },
    { viewportId, p: canvasPoint, r },
  );
}

/** The segment rows of our panel's Segmentation section: label → volume (cm³). */
export async function panelSegmentVolumes(page: Page): Promise<Map<string, number>> {
  const rows = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-pvpi="segment-row"]')).map((r) => [r.getAttribute('data-label') ?? '', Number(r.getAttribute('data-volume-cm3'))] as [string, number]),
  );
  return new Map(rows);
}

/** Segment labels of every segmentation in OHIF's segmentation service (window.services). */
export async function serviceSegmentLabels(page: Page): Promise<Array<{ label: string; segments: string[] }>> {
  return page.evaluate(() => {
    const svc = (window as unknown as { services?: { segmentationService?: { getSegmentations(): Array<{ label: string; segments: Record<string, { label: string } | undefined> }> } } }).services
      ?.segmentationService;
    return (svc?.getSegmentations() ?? []).map((s) => ({ label: s.label, segments: Object.values(s.segments).map((x) => x?.label ?? '') }));
  });
}

/** Waits until our segmentation section is idle (no progress line). */
export async function waitSegmentationIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-pvpi="segmentation-busy"]'), null, { timeout: timeoutMs });
}
