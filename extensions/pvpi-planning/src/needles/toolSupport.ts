/** Mouse plumbing shared by the needle and seed tools (Cornerstone3D 5.x events of the host's cornerstoneTools). */
import type { Vec3 } from '../../../../src/geometry/volume';
import type { CornerstoneTools } from '../host/cornerstoneHost';

export type BaseToolCtor = new (toolProps: Record<string, unknown>, defaultToolProps: Record<string, unknown>) => object;

/** The normalized Cornerstone mouse event detail (the fields we read). */
export interface ToolMouseEvent {
  detail: {
    viewportId?: string;
    element?: HTMLDivElement;
    currentPoints?: { world?: number[]; canvas?: number[] };
    event?: { shiftKey?: boolean; altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean };
  };
}

/** World (patient mm) and canvas points of an event, or undefined. */
export function pointsOf(evt: ToolMouseEvent): { world: Vec3; canvas: [number, number]; viewportId: string; element: HTMLDivElement } | undefined {
  const w = evt.detail.currentPoints?.world;
  const c = evt.detail.currentPoints?.canvas;
  const { viewportId, element } = evt.detail;
  if (!w || w.length < 3 || !c || !viewportId || !element) return undefined;
  return { world: [w[0], w[1], w[2]], canvas: [c[0], c[1]], viewportId, element };
}

export function baseToolOf(cst: CornerstoneTools, what: string): BaseToolCtor {
  const BaseTool = cst.BaseTool as BaseToolCtor | undefined;
  if (typeof BaseTool !== 'function') throw new Error(`cornerstoneTools.BaseTool is missing: cannot create the ${what} tool`);
  return BaseTool;
}

/**
 * Follows a drag that started with a consumed mouse-down: `onMove(world, first)` for every drag event until the
 * button is released. Marks Cornerstone as interacting so no other tool reacts meanwhile.
 */
export function followDrag(cst: CornerstoneTools, element: HTMLDivElement, onMove: (world: Vec3, first: boolean) => void, onEnd?: () => void): void {
  const events = (cst.Enums as { Events?: Record<string, string> }).Events ?? {};
  const DRAG = events.MOUSE_DRAG ?? 'CORNERSTONE_TOOLS_MOUSE_DRAG';
  const UP = events.MOUSE_UP ?? 'CORNERSTONE_TOOLS_MOUSE_UP';
  const CLICK = events.MOUSE_CLICK ?? 'CORNERSTONE_TOOLS_MOUSE_CLICK';
  const state = (cst.store as { state?: { isInteractingWithTool?: boolean } } | undefined)?.state;
  if (state) state.isInteractingWithTool = true;
  let first = true;
  const move = (e: Event) => {
    const w = (e as unknown as ToolMouseEvent).detail.currentPoints?.world;
    if (!w || w.length < 3) return;
    onMove([w[0], w[1], w[2]], first);
    first = false;
  };
  const end = () => {
    element.removeEventListener(DRAG, move);
    element.removeEventListener(UP, end);
    element.removeEventListener(CLICK, end);
    if (state) state.isInteractingWithTool = false;
    onEnd?.();
  };
  element.addEventListener(DRAG, move);
  element.addEventListener(UP, end);
  element.addEventListener(CLICK, end);
}

/** Hover tooltips of our tools on a viewport element: each tool reports its own text; seeds win over needles. */
const hoverTexts = new WeakMap<HTMLElement, Record<string, string>>();
export function setHoverTitle(element: HTMLElement, source: 'needle' | 'seed', text: string): void {
  const texts = hoverTexts.get(element) ?? {};
  if ((texts[source] ?? '') === text) return;
  texts[source] = text;
  hoverTexts.set(element, texts);
  element.title = texts.seed || texts.needle || '';
}
