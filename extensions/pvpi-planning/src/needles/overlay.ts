/**
 * SVG drawing of plan objects in a Cornerstone viewport (through the host's `cornerstoneTools.drawing` helpers):
 * the cut of a cylinder by the viewing plane (true size), the projection of a segment, small handles.
 */
import type { Vec3 } from '../../../../src/geometry/volume';
import type { CornerstoneTools } from '../host/cornerstoneHost';
import { cylinderSection, planeDistanceMm, type ViewPlane } from './crossSection';
import type { PlanningViewport } from './viewports';

type Point2 = [number, number];
interface PolylineOptions {
  color?: string;
  fillColor?: string;
  fillOpacity?: number;
  lineWidth?: number;
  lineDash?: string;
  closePath?: boolean;
}
type DrawPolyline = (svgDrawingHelper: unknown, annotationUID: string, polylineUID: string, points: Point2[], options: PolylineOptions) => void;

/** Draws with the host's SVG helpers for one viewport render. */
export class OverlayPainter {
  readonly plane: ViewPlane;
  private readonly polyline: DrawPolyline;

  constructor(cst: CornerstoneTools, readonly viewport: PlanningViewport, private readonly svg: unknown) {
    const drawing = cst.drawing as { drawPolyline?: DrawPolyline } | undefined;
    if (!drawing?.drawPolyline) throw new Error('cornerstoneTools.drawing.drawPolyline is missing');
    this.polyline = drawing.drawPolyline;
    const cam = viewport.getCamera();
    this.plane = { normal: cam.viewPlaneNormal, pointMm: cam.focalPoint };
  }

  canvas(p: Vec3): Point2 {
    return this.viewport.worldToCanvas(p);
  }

  /** True-size cut of the cylinder (axis a → b, radius) by this viewport's plane; false when it does not cross. */
  cylinder(uid: string, part: string, a: Vec3, b: Vec3, radiusMm: number, style: PolylineOptions): boolean {
    const outline = cylinderSection(a, b, radiusMm, this.plane);
    if (!outline) return false;
    this.polyline(this.svg, uid, part, outline.map((p) => this.canvas(p)), { closePath: true, ...style });
    return true;
  }

  /** Projection of the segment a → b (e.g. the whole needle, dashed, where it is out of the slice). */
  segment(uid: string, part: string, a: Vec3, b: Vec3, style: PolylineOptions): void {
    this.polyline(this.svg, uid, part, [this.canvas(a), this.canvas(b)], style);
  }

  /** A small circle handle (canvas pixels) at a point. */
  handle(uid: string, part: string, p: Vec3, radiusPx: number, style: PolylineOptions): void {
    const [cx, cy] = this.canvas(p);
    const pts: Point2[] = [];
    for (let s = 0; s < 16; s++) pts.push([cx + radiusPx * Math.cos((Math.PI * s) / 8), cy + radiusPx * Math.sin((Math.PI * s) / 8)]);
    this.polyline(this.svg, uid, part, pts, { closePath: true, ...style });
  }

  distanceMm(p: Vec3): number {
    return planeDistanceMm(this.plane, p);
  }
}

/** Canvas distance (px) between two canvas points. */
export function canvasDistance(a: Point2, b: Point2): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
