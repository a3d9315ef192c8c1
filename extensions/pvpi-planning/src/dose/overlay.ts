/**
 * Dose overlays in every Cornerstone viewport of the host: isodose lines (SVG), optional colour wash (a canvas
 * mapped onto the view plane with a CSS affine transform) with a legend, and the dose under the cursor.
 *
 * Each overlay is a pointer-transparent layer appended to the viewport element. It re-projects its contours
 * (patient mm) with the viewport's own worldToCanvas on every rendered frame (pan, zoom, window/level, resize),
 * and asks the dose host for a new plane when the view plane itself moves (scroll, rotation, oblique views).
 * Viewports are discovered by polling the host's rendering engines, so layout changes and leaving/re-entering
 * the mode need no special handling: overlays follow the viewports that exist.
 */
import type { Vec3, VolumeGeometry } from '../../../../src/geometry/volume';
import { planePoint, viewPlaneGrid, type PlaneGrid } from '../../../../src/dose/isodose';
import { DOSE_WASH_STOPS, doseWashRgba } from '../../../../src/planning/viewModels/isodoseStyle';
import { formatDoseGy } from '../../../../src/planning/viewModels/doseMetricsView';
import { getCornerstone, hasCornerstone } from '../host/cornerstoneHost';
import { currentPlanEditor } from '../plan/planSession';
import { addPlaneConsumer, doseAt, poke, refreshAllPlanes, requestPlane, type PlaneConsumer, type PlaneDose } from './controller';
import { getDoseState, subscribeDose } from './store';

interface Camera {
  viewPlaneNormal?: number[];
  viewUp?: number[];
  focalPoint?: number[];
}

/** The Cornerstone viewport calls we make (structural). */
interface CsViewport {
  id: string;
  element?: HTMLDivElement;
  getCamera?(): Camera;
  worldToCanvas(p: Vec3): [number, number];
  canvasToWorld(p: [number, number]): number[];
}

interface CsEngine {
  getViewports(): CsViewport[];
}

const SVG_NS = 'http://www.w3.org/2000/svg';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function renderedEvent(): string {
  const events = (getCornerstone().Enums as { Events?: Record<string, string> }).Events;
  return events?.IMAGE_RENDERED ?? 'CORNERSTONE_IMAGE_RENDERED';
}

class DoseOverlay implements PlaneConsumer {
  readonly root: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private readonly wash: HTMLCanvasElement;
  private readonly legend: HTMLDivElement;
  private readonly readout: HTMLDivElement;
  private result: PlaneDose | null = null;
  private washFor: PlaneDose | null = null;
  private wantedKey: string | undefined;
  private readonly onRendered = () => this.rendered();
  private readonly onMove = (e: MouseEvent) => this.pointer(e);
  private readonly onLeave = () => this.setReadout('');
  private readoutSeq = 0;

  constructor(readonly viewportId: string, private vp: CsViewport, readonly element: HTMLDivElement) {
    this.root = document.createElement('div');
    this.root.dataset.pvpi = 'dose-overlay';
    this.root.dataset.viewportId = viewportId;
    Object.assign(this.root.style, { position: 'absolute', inset: '0', pointerEvents: 'none', overflow: 'hidden', zIndex: '4' });
    this.wash = document.createElement('canvas');
    Object.assign(this.wash.style, { position: 'absolute', left: '0', top: '0', transformOrigin: '0 0', imageRendering: 'auto', display: 'none' });
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('data-pvpi', 'isodose-lines');
    Object.assign(this.svg.style, { position: 'absolute', left: '0', top: '0', width: '100%', height: '100%' });
    this.legend = document.createElement('div');
    Object.assign(this.legend.style, { position: 'absolute', right: '6px', bottom: '44px', font: '11px sans-serif', color: '#eee', textShadow: '0 0 2px #000', textAlign: 'right' });
    this.readout = document.createElement('div');
    this.readout.dataset.pvpi = 'dose-readout';
    Object.assign(this.readout.style, { position: 'absolute', left: '50%', transform: 'translateX(-50%)', bottom: '4px', font: '12px sans-serif', color: '#ff0', textShadow: '0 0 2px #000' });
    this.root.append(this.wash, this.svg, this.legend, this.readout);
    if (getComputedStyle(element).position === 'static') element.style.position = 'relative';
    element.appendChild(this.root);
    element.addEventListener(renderedEvent(), this.onRendered);
    element.addEventListener('mousemove', this.onMove);
    element.addEventListener('mouseleave', this.onLeave);
  }

  get shownKey(): string | undefined {
    return this.result?.key;
  }

  /** Same viewport object (OHIF may re-create a viewport with the same id on layout changes). */
  isFor(vp: CsViewport): boolean {
    return this.vp === vp && vp.element === this.element && this.element.isConnected;
  }

  dispose(): void {
    this.element.removeEventListener(renderedEvent(), this.onRendered);
    this.element.removeEventListener('mousemove', this.onMove);
    this.element.removeEventListener('mouseleave', this.onLeave);
    this.root.remove();
  }

  /**
   * The view's plane over the dose grid (core viewPlaneGrid): the grid's own axial/sagittal/coronal plane when the
   * camera is grid-aligned (samples on voxel columns), else an oblique plane through the focal point.
   */
  plane(grid: VolumeGeometry): { key: string; grid: PlaneGrid } | null {
    const cam = this.vp.getCamera?.();
    const n = cam?.viewPlaneNormal;
    const up = cam?.viewUp;
    const f = cam?.focalPoint;
    if (!n || !up || !f) return null;
    const plane = viewPlaneGrid(grid, [n[0], n[1], n[2]], [up[0], up[1], up[2]], [f[0], f[1], f[2]]);
    return plane ? { key: this.keyOf(grid, cam), grid: plane } : null;
  }

  private keyOf(grid: VolumeGeometry, cam: Camera | undefined): string {
    const n = cam?.viewPlaneNormal;
    const f = cam?.focalPoint;
    const up = cam?.viewUp;
    if (!n || !f || !up) return 'none';
    return [...n.map((x) => x.toFixed(4)), ...up.map((x) => x.toFixed(3)), dot(f, n).toFixed(2), ...grid.dimensions, ...grid.originMm.map((x) => x.toFixed(2))].join('|');
  }

  show(result: PlaneDose | null): void {
    this.result = result;
    this.washFor = null;
    this.draw();
  }

  private rendered(): void {
    const grid = getDoseState().grid;
    if (grid) {
      const key = this.keyOf(grid, this.vp.getCamera?.());
      if (key !== this.wantedKey && key !== this.result?.key) {
        this.wantedKey = key;
        requestPlane(this);
      }
    }
    this.draw();
  }

  /** Re-projects the current contours and wash into canvas pixels. */
  draw(): void {
    const st = getDoseState();
    const r = this.result;
    const w2c = (p: Vec3) => this.vp.worldToCanvas(p);
    let svg = '';
    if (r && st.showIsodoses) {
      r.contours.forEach((c, i) => {
        const pct = st.isodoseLines[i]?.percentOfPrescription ?? Math.round((100 * c.levelGy) / r.prescriptionGy);
        for (const line of c.polylines) {
          let pts = '';
          for (const p of line) {
            const q = w2c(p);
            pts += `${q[0].toFixed(1)},${q[1].toFixed(1)} `;
          }
          svg += `<polyline data-level-pct="${pct}" points="${pts}" fill="none" stroke="${c.colour}" stroke-width="1.5"/>`;
        }
      });
    }
    this.svg.innerHTML = svg;
    this.drawWash(r, st.showWash, w2c);
    this.drawLegend(r, st.showIsodoses, st.showWash);
  }

  private drawWash(r: PlaneDose | null, on: boolean, w2c: (p: Vec3) => [number, number]): void {
    if (!r || !on || r.grid.width === 0 || r.grid.height === 0) {
      this.wash.style.display = 'none';
      return;
    }
    const g = r.grid;
    if (this.washFor !== r) {
      this.wash.width = g.width;
      this.wash.height = g.height;
      const ctx = this.wash.getContext('2d');
      if (!ctx) return;
      const img = ctx.createImageData(g.width, g.height);
      for (let i = 0; i < r.doseGy.length; i++) img.data.set(doseWashRgba(r.doseGy[i], r.prescriptionGy), 4 * i);
      ctx.putImageData(img, 0, 0);
      this.washFor = r;
    }
    // Canvas pixel (x, y) is centred on plane sample (x − ½, y − ½): an affine map into viewport pixels.
    const p0 = w2c(g.originMm);
    const pu = w2c(planePoint(g, 1, 0));
    const pv = w2c(planePoint(g, 0, 1));
    const a = pu[0] - p0[0];
    const b = pu[1] - p0[1];
    const c = pv[0] - p0[0];
    const d = pv[1] - p0[1];
    this.wash.style.transform = `matrix(${a},${b},${c},${d},${p0[0] - 0.5 * (a + c)},${p0[1] - 0.5 * (b + d)})`;
    this.wash.style.display = 'block';
  }

  private drawLegend(r: PlaneDose | null, lines: boolean, wash: boolean): void {
    if (!r) {
      this.legend.innerHTML = '';
      return;
    }
    const st = getDoseState();
    const rows: string[] = [];
    if (lines) for (const l of st.isodoseLines) rows.push(`<div><span style="color:${l.colour}">━</span> ${l.percentOfPrescription}% (${formatDoseGy((l.percentOfPrescription / 100) * r.prescriptionGy)})</div>`);
    if (wash) {
      const stops = DOSE_WASH_STOPS.map((s) => `rgb(${s.rgb.join(',')}) ${((s.percent - 25) / 175) * 100}%`).join(',');
      rows.push(`<div data-pvpi="dose-wash-legend" style="margin-top:3px">25% <span style="display:inline-block;width:80px;height:8px;vertical-align:middle;background:linear-gradient(90deg,${stops})"></span> 200%</div>`);
    }
    this.legend.innerHTML = rows.join('');
  }

  private setReadout(text: string): void {
    this.readout.textContent = text;
  }

  private pointer(e: MouseEvent): void {
    if (!getDoseState().grid) return;
    const rect = this.element.getBoundingClientRect();
    const world = this.vp.canvasToWorld([e.clientX - rect.left, e.clientY - rect.top]);
    const seq = ++this.readoutSeq;
    void doseAt([world[0], world[1], world[2]]).then((gy) => {
      if (seq !== this.readoutSeq) return;
      this.setReadout(Number.isFinite(gy) ? `Dose ${formatDoseGy(gy)}` : '');
    });
  }
}

const overlays = new Map<string, { overlay: DoseOverlay; unregister: () => void }>();
let timer: ReturnType<typeof setInterval> | undefined;

function engines(): CsEngine[] {
  if (!hasCornerstone()) return [];
  return (getCornerstone().getRenderingEngines() as CsEngine[]) ?? [];
}

/** Attaches overlays to new viewports and removes those of viewports that are gone. */
export function syncOverlays(): void {
  const seen = new Set<string>();
  for (const engine of engines()) {
    for (const vp of engine.getViewports?.() ?? []) {
      if (!vp.element || !vp.getCamera || !vp.element.isConnected) continue;
      seen.add(vp.id);
      const cur = overlays.get(vp.id);
      if (cur?.overlay.isFor(vp)) continue;
      if (cur) {
        cur.unregister();
        cur.overlay.dispose();
      }
      const overlay = new DoseOverlay(vp.id, vp, vp.element);
      overlays.set(vp.id, { overlay, unregister: addPlaneConsumer(overlay) });
    }
  }
  for (const [id, o] of overlays) {
    if (!seen.has(id) || !o.overlay.element.isConnected) {
      o.unregister();
      o.overlay.dispose();
      overlays.delete(id);
    }
  }
}

/** Starts the overlays (idempotent): follows viewports and redraws on display-setting changes. */
export function startDoseOverlays(): void {
  if (timer) return;
  timer = setInterval(() => {
    syncOverlays();
    // Until a plan session exists (CT still loading), keep asking the dose host to find the CT. Also while a plan
    // with seeds has no dose ('idle'): after a reload the draft's session opens before the CT volume has loaded, the
    // round finds no CT, and nothing else would start another one until the next edit.
    const editor = currentPlanEditor();
    if (overlays.size > 0 && (!editor || (editor.plan.seeds.length > 0 && getDoseState().status === 'idle'))) poke();
  }, 500);
  let last = getDoseState();
  subscribeDose(() => {
    const s = getDoseState();
    // The wash reaches lower doses (25 %) than the isodose lines: the planes' computed regions change with it.
    if (s.showWash !== last.showWash) refreshAllPlanes();
    if (s.showWash !== last.showWash || s.showIsodoses !== last.showIsodoses) for (const o of overlays.values()) o.overlay.draw();
    last = s;
  });
}

/** The viewport canvas as a PNG data URL with the dose overlay drawn on top (report key image). */
export function keyImageOf(viewportId: string): string | undefined {
  const o = overlays.get(viewportId)?.overlay;
  const canvas = o?.element.querySelector('canvas.cornerstone-canvas, canvas') as HTMLCanvasElement | null;
  if (!o || !canvas) return undefined;
  const rect = canvas.getBoundingClientRect();
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return undefined;
  ctx.drawImage(canvas, 0, 0);
  const scale = canvas.width / Math.max(1, rect.width);
  ctx.lineWidth = 1.5 * scale;
  for (const el of Array.from(o.root.querySelectorAll('polyline'))) {
    const pts = (el.getAttribute('points') ?? '').trim().split(/\s+/).map((s) => s.split(',').map(Number));
    if (pts.length < 2) continue;
    ctx.strokeStyle = el.getAttribute('stroke') ?? '#fff';
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x * scale, y * scale) : ctx.lineTo(x * scale, y * scale)));
    ctx.stroke();
  }
  return out.toDataURL('image/png');
}

/** Ids of the viewports that currently carry a dose overlay. */
export function overlayViewportIds(): string[] {
  return [...overlays.keys()];
}
