/**
 * "Place seed" tool: a Cornerstone3D tool (class created from the HOST's cornerstoneTools at registration) that
 * draws every seed of the plan at true size and orientation (0.8 × 4.5 mm capsule along its needle; red when the
 * seed checks flag it) in every viewport it crosses. When active: click on a needle to add a seed snapped onto its axis; press on a seed and drag
 * to slide it along its needle (one undo step per drag); Delete / Backspace removes the selected seed.
 */
import { addScaled } from '../../../../src/geometry/vec3';
import type { Vec3 } from '../../../../src/geometry/volume';
import { SEED_CAPSULE_MM } from '../../../../src/planning/seedPlacement';
import type { Seed } from '../../../../src/planning/plan';
import type { CornerstoneTools } from '../host/cornerstoneHost';
import { currentPlanEditor } from '../plan/planSession';
import { SEED_TOOL } from '../needles/ids';
import { needleAt } from '../needles/NeedleTool';
import { canvasDistance, OverlayPainter } from '../needles/overlay';
import { baseToolOf, followDrag, pointsOf, setHoverTitle, type ToolMouseEvent } from '../needles/toolSupport';
import { viewportById, type PlanningViewport } from '../needles/viewports';
import { addSeedAt, dragSeed, removeSeeds, selectSeed } from './controller';
import { getSeedState } from './store';

const SEED_COLOUR = 'rgb(255, 215, 0)';
const SELECTED_COLOUR = 'rgb(0, 255, 255)';
/** A seed that breaks an anatomy rule (seed checks: canal, outside the body…). */
const FLAGGED_COLOUR = 'rgb(255, 32, 32)';
const HALF = SEED_CAPSULE_MM.lengthMm / 2;

function seeds(): Seed[] {
  return currentPlanEditor()?.plan.seeds ?? [];
}

/** The seed under a canvas point (its centre within a few pixels and the capsule near the slice). */
function seedAt(vp: PlanningViewport, canvas: [number, number], tolerancePx = 7): Seed | undefined {
  const cam = vp.getCamera();
  let best: Seed | undefined;
  let bestD = tolerancePx;
  for (const s of seeds()) {
    const d = s.positionMm.map((x, i) => x - cam.focalPoint[i]);
    if (Math.abs(d[0] * cam.viewPlaneNormal[0] + d[1] * cam.viewPlaneNormal[1] + d[2] * cam.viewPlaneNormal[2]) > HALF + 1) continue;
    const c = canvasDistance(vp.worldToCanvas(s.positionMm), canvas);
    if (c < bestD) {
      bestD = c;
      best = s;
    }
  }
  return best;
}

/** Tool instances whose Delete key is live (active in their tool group); one document listener for all of them. */
const activeSeedTools = new Set<object>();
let deleteKeyListening = false;

function listenForDeleteKey(): void {
  if (deleteKeyListening) return;
  deleteKeyListening = true;
  document.addEventListener('keydown', (e) => {
    if (activeSeedTools.size === 0 || (e.key !== 'Delete' && e.key !== 'Backspace')) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
    const id = getSeedState().selectedSeedId;
    if (id) removeSeeds([id]);
  });
}

/** Creates the tool class. */
export function createSeedTool(cst: CornerstoneTools): unknown {
  const BaseTool = baseToolOf(cst, 'Place seed');
  class PvpiSeedTool extends BaseTool {
    static toolName = SEED_TOOL;
    constructor(toolProps: Record<string, unknown> = {}) {
      super(toolProps, { supportedInteractionTypes: ['Mouse'], configuration: {} });
      listenForDeleteKey();
    }

    onSetToolActive(): void {
      activeSeedTools.add(this);
    }

    onSetToolPassive(): void {
      activeSeedTools.delete(this);
    }

    onSetToolDisabled(): void {
      activeSeedTools.delete(this);
    }

    /** Primary click: grab a seed (drag along its needle) or add one on the needle under the pointer. */
    preMouseDownCallback(evt: ToolMouseEvent): boolean {
      activeSeedTools.add(this);
      const p = pointsOf(evt);
      if (!p) return false;
      const vp = viewportById(p.viewportId);
      if (!vp) return false;
      const hit = seedAt(vp, p.canvas);
      if (hit) {
        selectSeed(hit.id);
        followDrag(cst, p.element, (world, first) => dragSeed(hit.id, world, first));
        return true;
      }
      const needle = needleAt(vp, p.world, p.canvas, 10);
      addSeedAt(p.world, needle?.id);
      return true;
    }

    mouseMoveCallback(evt: ToolMouseEvent): boolean {
      const p = pointsOf(evt);
      const vp = p ? viewportById(p.viewportId) : undefined;
      if (!p || !vp) return false;
      const s = seedAt(vp, p.canvas);
      const needle = s?.needleId ? currentPlanEditor()?.plan.needles.find((n) => n.id === s.needleId) : undefined;
      setHoverTitle(p.element, 'seed', s ? `Seed${needle ? ` on ${needle.label}` : ' (not on a needle)'} at (${s.positionMm.map((x) => x.toFixed(1)).join(', ')}) mm` : '');
      return false;
    }

    /** Draws every seed that crosses this viewport's plane at true size. */
    renderAnnotation(enabledElement: { viewport: PlanningViewport }, svgDrawingHelper: unknown): boolean {
      const vp = enabledElement.viewport;
      if (!vp?.getCamera || !vp.worldToCanvas) return false;
      const painter = new OverlayPainter(cst, vp, svgDrawingHelper);
      const selected = getSeedState().selectedSeedId;
      let drawn = false;
      for (const s of seeds()) {
        const a: Vec3 = addScaled(s.positionMm, s.axis, -HALF);
        const b: Vec3 = addScaled(s.positionMm, s.axis, HALF);
        const flagged = getSeedState().checks.flags[s.id]?.severity === 'error';
        const colour = s.id === selected ? SELECTED_COLOUR : flagged ? FLAGGED_COLOUR : SEED_COLOUR;
        drawn = painter.cylinder(`pvpi-seed-${s.id}`, 'capsule', a, b, SEED_CAPSULE_MM.diameterMm / 2, { color: colour, lineWidth: 1, fillColor: colour, fillOpacity: 0.9 }) || drawn;
      }
      return drawn;
    }
  }
  return PvpiSeedTool;
}
