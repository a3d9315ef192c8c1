/**
 * The host Cornerstone viewports as the planning tools use them (camera, world ↔ canvas, annotation redraw), typed
 * structurally; reached lazily through host/cornerstoneHost.ts.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import { getCornerstone, getCornerstoneTools, hasCornerstone } from '../host/cornerstoneHost';
import { getHostContext } from '../host/hostContext';

export interface Camera {
  viewPlaneNormal: Vec3;
  viewUp: Vec3;
  focalPoint: Vec3;
  position: Vec3;
  parallelScale?: number;
}

/** A Cornerstone viewport (the calls we make). */
export interface PlanningViewport {
  id: string;
  element: HTMLDivElement;
  getCamera(): Camera;
  setCamera(camera: Partial<Camera>): void;
  render(): void;
  worldToCanvas(world: Vec3): [number, number];
  canvasToWorld(canvas: [number, number]): Vec3;
  getFrameOfReferenceUID?(): string | undefined;
}

interface Engine {
  getViewport(id: string): PlanningViewport | undefined;
  getViewports(): PlanningViewport[];
}

function engines(): Engine[] {
  if (!hasCornerstone()) return [];
  return getCornerstone().getRenderingEngines() as Engine[];
}

/** Every Cornerstone viewport of the page. */
export function allViewports(): PlanningViewport[] {
  return engines().flatMap((e) => e.getViewports());
}

/** The viewport with this id, if rendered. */
export function viewportById(id: string): PlanningViewport | undefined {
  for (const e of engines()) {
    const vp = e.getViewport(id);
    if (vp) return vp;
  }
  return undefined;
}

/** OHIF's active viewport id. */
export function activeViewportId(): string | undefined {
  const grid = getHostContext().servicesManager.services.viewportGridService;
  return grid?.getActiveViewportId();
}

/** Redraws our SVG overlays (needles, seeds) in every viewport. */
export function redrawPlanOverlays(): void {
  if (!hasCornerstone()) return;
  const utilities = getCornerstoneTools().utilities as
    | { triggerAnnotationRenderForViewportIds?(ids: string[]): void; triggerAnnotationRender?(element: HTMLDivElement): void }
    | undefined;
  const vps = allViewports();
  if (utilities?.triggerAnnotationRenderForViewportIds) utilities.triggerAnnotationRenderForViewportIds(vps.map((v) => v.id));
  else for (const vp of vps) utilities?.triggerAnnotationRender?.(vp.element);
}

/** Shows a one-line OHIF notification (best effort). */
export function notify(title: string, message: string, type: 'info' | 'success' | 'warning' | 'error' = 'info'): void {
  getHostContext().servicesManager.services.uiNotificationService?.show({ title, message, type, duration: type === 'error' ? 6000 : 3000 });
}
