/**
 * "Segment vertebra" click tool: a Cornerstone3D tool (class created from the HOST's cornerstoneTools at
 * registration, see host/cornerstoneHost.ts) that takes the world point (patient LPS mm) of a primary click in
 * any viewport and hands it to the segmentation workflow. It consumes the click (no W/L drag).
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import type { CornerstoneTools } from '../host/cornerstoneHost';
import { SEGMENT_VERTEBRA_TOOL } from './ids';

type BaseToolCtor = new (toolProps: Record<string, unknown>, defaultToolProps: Record<string, unknown>) => object;

interface ToolMouseEvent {
  detail: { viewportId?: string; currentPoints?: { world?: number[] } };
}

/** Creates the tool class; `onClick` receives the viewport id and the clicked world point. */
export function createSegmentVertebraTool(cst: CornerstoneTools, onClick: (viewportId: string, worldPointMm: Vec3) => void): unknown {
  const BaseTool = cst.BaseTool as BaseToolCtor | undefined;
  if (typeof BaseTool !== 'function') throw new Error('cornerstoneTools.BaseTool is missing: cannot create the Segment vertebra tool');
  class PvpiSegmentVertebraTool extends BaseTool {
    static toolName = SEGMENT_VERTEBRA_TOOL;
    constructor(toolProps: Record<string, unknown> = {}) {
      super(toolProps, { supportedInteractionTypes: ['Mouse', 'Touch'], configuration: {} });
    }
    /** Called by Cornerstone for the active primary-button tool; returning true consumes the event. */
    preMouseDownCallback(evt: ToolMouseEvent): boolean {
      const world = evt.detail.currentPoints?.world;
      const viewportId = evt.detail.viewportId;
      if (!world || world.length < 3 || !viewportId) return false;
      onClick(viewportId, [world[0], world[1], world[2]]);
      return true;
    }
    preTouchStartCallback(evt: ToolMouseEvent): boolean {
      return this.preMouseDownCallback(evt);
    }
  }
  return PvpiSegmentVertebraTool;
}
