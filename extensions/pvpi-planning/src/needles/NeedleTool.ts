/**
 * "Needle" tool: a Cornerstone3D tool (class created from the HOST's cornerstoneTools at registration) that draws
 * every needle of the plan as the true-size cut of its cylinder by the viewing plane (two lines at ±radius, or the
 * ellipse where it crosses the slice) plus its dashed projection, coloured green / amber / red by its findings, in
 * every viewport; hovering shows the reasons. When active: click the entry, click the target (any viewport) to add
 * a needle; drag an end handle to move it (one undo step per drag); Escape cancels a pending entry.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import type { Needle } from '../../../../src/planning/plan';
import type { CornerstoneTools } from '../host/cornerstoneHost';
import { currentPlanEditor } from '../plan/planSession';
import { closestParameterMm } from './crossSection';
import { createNeedle, moveNeedleEnd, needleStatus, selectNeedle, STATUS_COLOURS } from './controller';
import { NEEDLE_TOOL } from './ids';
import { canvasDistance, OverlayPainter } from './overlay';
import { getNeedleState, setNeedleState } from './store';
import { baseToolOf, followDrag, pointsOf, setHoverTitle, type ToolMouseEvent } from './toolSupport';
import { redrawPlanOverlays, viewportById, type PlanningViewport } from './viewports';

const HANDLE_PX = 8;

function needles(): Needle[] {
  return currentPlanEditor()?.plan.needles ?? [];
}

function along(n: Needle, t: number): Vec3 {
  const l = Math.hypot(n.tipMm[0] - n.entryMm[0], n.tipMm[1] - n.entryMm[1], n.tipMm[2] - n.entryMm[2]);
  const f = l > 0 ? t / l : 0;
  return [n.entryMm[0] + f * (n.tipMm[0] - n.entryMm[0]), n.entryMm[1] + f * (n.tipMm[1] - n.entryMm[1]), n.entryMm[2] + f * (n.tipMm[2] - n.entryMm[2])];
}

/** The needle under a canvas point of a viewport (its visible part), if any. */
export function needleAt(vp: PlanningViewport, world: Vec3, canvas: [number, number], tolerancePx = 6): Needle | undefined {
  const cam = vp.getCamera();
  let best: Needle | undefined;
  let bestD = tolerancePx;
  for (const n of needles()) {
    const q = along(n, closestParameterMm(n.entryMm, n.tipMm, world));
    const dPlane = Math.abs((q[0] - cam.focalPoint[0]) * cam.viewPlaneNormal[0] + (q[1] - cam.focalPoint[1]) * cam.viewPlaneNormal[1] + (q[2] - cam.focalPoint[2]) * cam.viewPlaneNormal[2]);
    if (dPlane > n.outerDiameterMm / 2 + 1) continue;
    const d = canvasDistance(vp.worldToCanvas(q), canvas);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function hoverText(n: Needle): string {
  const status = needleStatus(n);
  const head = `${n.label} (${n.gauge}G): ${status === 'ok' ? 'all constraints met' : status === 'error' ? (n.override ? 'errors, overridden' : 'blocked') : 'warnings'}`;
  return [head, ...n.findings.map((f) => `${f.severity === 'error' ? '✖' : '⚠'} ${f.code}: ${f.message}`), ...(n.override ? [`Override: ${n.override.reason}`] : [])].join('\n');
}

/** Escape cancels a pending entry: one document listener for every tool instance (tool groups come and go). */
const escapeHandlers = new Set<() => void>();
let escapeListening = false;

function onEscape(handler: () => void): void {
  escapeHandlers.add(handler);
  if (escapeListening) return;
  escapeListening = true;
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') for (const h of escapeHandlers) h();
  });
}

/** Creates the tool class. */
export function createNeedleTool(cst: CornerstoneTools): unknown {
  const BaseTool = baseToolOf(cst, 'Needle');
  class PvpiNeedleTool extends BaseTool {
    static toolName = NEEDLE_TOOL;
    private pending?: { entry: Vec3; viewportId: string };
    private hover?: { world: Vec3; viewportId: string };

    constructor(toolProps: Record<string, unknown> = {}) {
      super(toolProps, { supportedInteractionTypes: ['Mouse'], configuration: {} });
      onEscape(() => this.cancelPending());
    }

    private cancelPending(): void {
      if (!this.pending) return;
      this.pending = undefined;
      setNeedleState({ info: 'Needle entry cancelled.' });
      redrawPlanOverlays();
    }

    /** Primary click of the active tool: grab an end handle, or place entry then target. Always consumed. */
    preMouseDownCallback(evt: ToolMouseEvent): boolean {
      const p = pointsOf(evt);
      if (!p) return false;
      const vp = viewportById(p.viewportId);
      if (!vp) return false;
      if (!this.pending) {
        const grabbed = this.handleAt(vp, p.canvas);
        if (grabbed) {
          selectNeedle(grabbed.needle.id);
          followDrag(cst, p.element, (world, first) => moveNeedleEnd(grabbed.needle.id, grabbed.which, world, first));
          return true;
        }
        this.pending = { entry: p.world, viewportId: p.viewportId };
        setNeedleState({ error: undefined, info: 'Entry set: click the target in the vertebral body (Escape cancels).' });
        redrawPlanOverlays();
        return true;
      }
      const entry = this.pending.entry;
      this.pending = undefined;
      void createNeedle(entry, p.world).finally(redrawPlanOverlays);
      return true;
    }

    private handleAt(vp: PlanningViewport, canvas: [number, number]): { needle: Needle; which: 'entry' | 'tip' } | undefined {
      const cam = vp.getCamera();
      const near = (p: Vec3) => Math.abs((p[0] - cam.focalPoint[0]) * cam.viewPlaneNormal[0] + (p[1] - cam.focalPoint[1]) * cam.viewPlaneNormal[1] + (p[2] - cam.focalPoint[2]) * cam.viewPlaneNormal[2]) < 3;
      let best: { needle: Needle; which: 'entry' | 'tip' } | undefined;
      let bestD = HANDLE_PX;
      for (const n of needles()) {
        for (const which of ['tip', 'entry'] as const) {
          const p = which === 'tip' ? n.tipMm : n.entryMm;
          if (!near(p)) continue;
          const d = canvasDistance(vp.worldToCanvas(p), canvas);
          if (d < bestD) {
            bestD = d;
            best = { needle: n, which };
          }
        }
      }
      return best;
    }

    /** Hover: reasons as the viewport's tooltip; rubber band while placing a needle. */
    mouseMoveCallback(evt: ToolMouseEvent): boolean {
      const p = pointsOf(evt);
      if (!p) return false;
      const vp = viewportById(p.viewportId);
      if (!vp) return false;
      const n = needleAt(vp, p.world, p.canvas);
      setHoverTitle(p.element, 'needle', n ? hoverText(n) : '');
      if (this.pending) {
        this.hover = { world: p.world, viewportId: p.viewportId };
        redrawPlanOverlays();
      }
      return false;
    }

    onSetToolPassive(): void {
      this.pending = undefined;
    }

    onSetToolDisabled(): void {
      this.pending = undefined;
    }

    /** Draws every needle of the plan in this viewport. */
    renderAnnotation(enabledElement: { viewport: PlanningViewport }, svgDrawingHelper: unknown): boolean {
      const vp = enabledElement.viewport;
      if (!vp?.getCamera || !vp.worldToCanvas) return false;
      const painter = new OverlayPainter(cst, vp, svgDrawingHelper);
      const selected = getNeedleState().selectedNeedleId;
      let drawn = false;
      for (const n of needles()) {
        const uid = `pvpi-needle-${n.id}`;
        const colour = STATUS_COLOURS[needleStatus(n)];
        const isSelected = n.id === selected;
        painter.segment(uid, 'axis', n.entryMm, n.tipMm, { color: colour, lineWidth: 1, lineDash: '4,4' });
        painter.cylinder(uid, 'cut', n.entryMm, n.tipMm, n.outerDiameterMm / 2, { color: colour, lineWidth: isSelected ? 3 : 2, fillColor: colour, fillOpacity: 0.35 });
        for (const [part, point] of [['entry', n.entryMm], ['tip', n.tipMm]] as const) {
          if (Math.abs(painter.distanceMm(point)) < 3) painter.handle(uid, part, point, isSelected ? 5 : 4, { color: colour, lineWidth: 2 });
        }
        drawn = true;
      }
      if (this.pending) {
        const uid = 'pvpi-needle-pending';
        painter.handle(uid, 'entry', this.pending.entry, 5, { color: 'rgb(255, 255, 255)', lineWidth: 2 });
        if (this.hover && this.hover.viewportId === vp.id) painter.segment(uid, 'rubber', this.pending.entry, this.hover.world, { color: 'rgb(255, 255, 255)', lineWidth: 1, lineDash: '6,3' });
        drawn = true;
      }
      return drawn;
    }
  }
  return PvpiNeedleTool;
}
