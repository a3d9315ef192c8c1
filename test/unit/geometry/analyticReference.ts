/**
 * Independent reference for the trajectory tests, computed from the phantom's ANALYTIC parameters (phantom.json),
 * not from voxels: pedicle tube surface and normals, super-elliptic body, elliptic canal, skin ellipse.
 * Clearance definition (docs/trajectory.md): needle surface to the pedicle's outer cortex along the part of the needle
 * axis within the pedicle's axial extent (skipping points inside the body or posterior elements); walls are named by
 * the dominant component of the outward normal in the needle's cross-section (medial = towards the canal).
 */
import { levelSolids, pedicleSemiAxesMm, type LevelParams, type PedicleParams, type PhantomParameters } from '../../../src/phantom';
import type { Vec3 } from '../../../src/geometry/volume';

type Wall = 'medial' | 'lateral' | 'superior' | 'inferior';
const WALLS: Wall[] = ['medial', 'lateral', 'superior', 'inferior'];

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const along = (p: Vec3, d: Vec3, t: number): Vec3 => [p[0] + t * d[0], p[1] + t * d[1], p[2] + t * d[2]];
const unit = (a: Vec3): Vec3 => { const n = Math.hypot(...a); return [a[0] / n, a[1] / n, a[2] / n]; };
const perp = (v: Vec3, d: Vec3): Vec3 => unit(along(v, d, -dot(v, d)));

function tubeParams(p: PedicleParams) {
  return {
    isthmusCentreMm: p.isthmusCentreMm, axis: p.axisDirection, lateral: p.widthDirection, vertical: p.heightDirection,
    isthmusHalfWidthMm: p.isthmusHalfWidthMm, isthmusHalfHeightMm: p.isthmusHalfHeightMm, widthFlarePerMm: p.widthFlarePerMm,
    heightFlarePerMm: p.heightFlarePerMm, flareCapMm: p.flareCapMm, sMinMm: p.sMinMm, sMaxMm: p.sMaxMm, cortexThicknessMm: p.cortexThicknessMm,
  };
}

export function insideBody(lv: LevelParams, q: Vec3): boolean {
  const b = lv.body;
  const n = b.superEllipseExponent;
  return Math.abs(q[2] - b.centreMm[2]) <= b.heightMm / 2 &&
    Math.abs((q[0] - b.centreMm[0]) / b.semiAxisXMm) ** n + Math.abs((q[1] - b.centreMm[1]) / b.semiAxisYMm) ** n <= 1;
}

export function insideTube(p: PedicleParams, q: Vec3): boolean {
  const r = sub(q, p.isthmusCentreMm);
  const s = dot(r, p.axisDirection);
  if (s < p.sMinMm || s > p.sMaxMm) return false;
  const [a, b] = pedicleSemiAxesMm(tubeParams(p), s);
  return (dot(r, p.widthDirection) / a) ** 2 + (dot(r, p.heightDirection) / b) ** 2 <= 1;
}

const solidsCache = new Map<LevelParams, ReturnType<typeof levelSolids>>();
function solidsOf(lv: LevelParams): ReturnType<typeof levelSolids> {
  let s = solidsCache.get(lv);
  if (!s) { s = levelSolids(lv); solidsCache.set(lv, s); }
  return s;
}

export function insidePosteriorElements(lv: LevelParams, q: Vec3): boolean {
  return solidsOf(lv).some((part) => part.kind === 'posteriorElements' && part.solid.classify(q[0], q[1], q[2]) !== 0);
}

export function insideCanal(lv: LevelParams, q: Vec3): boolean {
  const c = lv.canal;
  return q[2] >= c.zMinMm && q[2] <= c.zMaxMm && ((q[0] - c.centreMm[0]) / c.semiAxisXMm) ** 2 + ((q[1] - c.centreMm[1]) / c.semiAxisYMm) ** 2 <= 1;
}

/** Points and outward normals of the pedicle's lateral (cortical) surface outside the body: s step 0.1 mm, 1°. */
function wallPoints(lv: LevelParams, p: PedicleParams): { pos: Vec3; normal: Vec3 }[] {
  const out: { pos: Vec3; normal: Vec3 }[] = [];
  const tp = tubeParams(p);
  for (let s = p.sMinMm; s <= p.sMaxMm; s += 0.2) {
    const [a, b] = pedicleSemiAxesMm(tp, s);
    const capped = s * s >= p.flareCapMm * p.flareCapMm;
    const da = capped ? 0 : 2 * p.widthFlarePerMm * s;
    const db = capped ? 0 : 2 * p.heightFlarePerMm * s;
    for (let deg = 0; deg < 360; deg += 1.5) {
      const t = (deg * Math.PI) / 180;
      const u = a * Math.cos(t), v = b * Math.sin(t);
      const pos = along(along(along(p.isthmusCentreMm, p.axisDirection, s), p.widthDirection, u), p.heightDirection, v);
      if (insideBody(lv, pos)) continue;
      // ∇F of F = (u/A(s))² + (v/B(s))² in the (axis, width, height) frame.
      const gs = (-2 * u * u * da) / (a * a * a) + (-2 * v * v * db) / (b * b * b);
      const gu = (2 * u) / (a * a), gv = (2 * v) / (b * b);
      const normal = unit([0, 1, 2].map((k) => gs * p.axisDirection[k] + gu * p.widthDirection[k] + gv * p.heightDirection[k]) as Vec3);
      out.push({ pos, normal });
    }
  }
  return out;
}

const wallCache = new Map<string, { pos: Vec3; normal: Vec3 }[]>();

/** Analytic per-wall clearance (mm) of a needle of radius r along from → to. */
export function analyticWallClearance(lv: LevelParams, side: 'left' | 'right', from: Vec3, to: Vec3, radiusMm: number): { walls: Record<Wall, number>; entered: boolean } {
  const p = lv.pedicles[side];
  const key = `${lv.name}/${side}`;
  let pts = wallCache.get(key);
  if (!pts) { pts = wallPoints(lv, p); wallCache.set(key, pts); }
  const d = unit(sub(to, from));
  const towardsCanal = sub(lv.canal.centreMm, p.isthmusCentreMm);
  towardsCanal[2] = 0;
  const medial = perp(unit(towardsCanal), d);
  const superior = perp(perp([0, 0, 1], d), medial);
  const cls = pts.map(({ normal }) => {
    const m = dot(normal, medial), s = dot(normal, superior);
    return Math.abs(m) >= Math.abs(s) ? (m > 0 ? 0 : 1) : s > 0 ? 2 : 3;
  });
  const best = [Infinity, Infinity, Infinity, Infinity];
  let entered = false;
  const length = Math.hypot(...sub(to, from));
  for (let t = 0; t <= length; t += 0.2) {
    const q = along(from, d, t);
    const s = dot(sub(q, p.isthmusCentreMm), p.axisDirection);
    if (s < p.sMinMm || s > p.sMaxMm) continue;
    const inPed = insideTube(p, q) && !insideBody(lv, q);
    if (!inPed && (insideBody(lv, q) || insidePosteriorElements(lv, q))) continue;
    if (inPed) entered = true;
    const dmin = [Infinity, Infinity, Infinity, Infinity];
    let nearest = -1, nearestD = Infinity;
    pts.forEach(({ pos }, n) => {
      const dd = Math.hypot(pos[0] - q[0], pos[1] - q[1], pos[2] - q[2]);
      if (dd < dmin[cls[n]]) dmin[cls[n]] = dd;
      if (dd < nearestD) { nearestD = dd; nearest = n; }
    });
    for (let c = 0; c < 4; c++) {
      const clearance = !inPed && c === cls[nearest] ? -nearestD - radiusMm : dmin[c] - radiusMm;
      if (clearance < best[c]) best[c] = clearance;
    }
  }
  const walls = {} as Record<Wall, number>;
  WALLS.forEach((w, c) => { walls[w] = best[c]; });
  return { walls, entered };
}

/** Skin point: where the line tip → entry (continued outward) leaves the body-outline ellipse. */
export function analyticSkin(params: PhantomParameters, entry: Vec3, tip: Vec3): Vec3 {
  const [cx, cy] = params.bodyOutline.centreMm;
  const [A, B] = params.bodyOutline.semiAxesMm;
  const d = unit(sub(entry, tip));
  // Solve ((x0 + t dx − cx)/A)² + ((y0 + t dy − cy)/B)² = 1 for the positive root from the tip.
  const x0 = tip[0] - cx, y0 = tip[1] - cy;
  const qa = (d[0] / A) ** 2 + (d[1] / B) ** 2;
  const qb = 2 * ((x0 * d[0]) / (A * A) + (y0 * d[1]) / (B * B));
  const qc = (x0 / A) ** 2 + (y0 / B) ** 2 - 1;
  const t = (-qb + Math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa);
  return along(tip, d, t);
}

/** Does the needle cylinder (radius r) reach the canal? Distance from the axis to the canal solid by dense sampling. */
export function analyticCanalDistance(lv: LevelParams, from: Vec3, to: Vec3, radiusMm: number): number {
  const c = lv.canal;
  const d = unit(sub(to, from));
  const length = Math.hypot(...sub(to, from));
  let best = Infinity;
  let inside = false;
  const boundary: Vec3[] = [];
  for (let z = c.zMinMm; z <= c.zMaxMm; z += 0.5) for (let deg = 0; deg < 360; deg += 1) {
    const t = (deg * Math.PI) / 180;
    boundary.push([c.centreMm[0] + c.semiAxisXMm * Math.cos(t), c.centreMm[1] + c.semiAxisYMm * Math.sin(t), z]);
  }
  for (let t = 0; t <= length; t += 0.25) {
    const q = along(from, d, t);
    if (insideCanal(lv, q)) inside = true;
    // Only points near the canal can set the minimum.
    if (Math.hypot(q[0] - c.centreMm[0], q[1] - c.centreMm[1]) > Math.max(c.semiAxisXMm, c.semiAxisYMm) + 8) continue;
    for (const b of boundary) {
      const dd = Math.hypot(b[0] - q[0], b[1] - q[1], b[2] - q[2]);
      if (dd < best) best = dd;
    }
  }
  return inside ? -radiusMm : best - radiusMm;
}

/** First point from the skin where the needle axis meets bone of the level (body, pedicles, posterior elements). */
export function analyticDockingFraction(lv: LevelParams, side: 'left' | 'right', skin: Vec3, tip: Vec3): number {
  const d = unit(sub(tip, skin));
  const length = Math.hypot(...sub(tip, skin));
  const bone = solidsOf(lv).filter((p) => p.kind === 'vertebralBody' || p.kind === 'leftPedicle' || p.kind === 'rightPedicle' || p.kind === 'posteriorElements');
  const sx = side === 'left' ? 1 : -1;
  const tp = lv.transverseProcesses[side];
  const tpTip = sx * tp.endMm[0] + tp.radiusMm;
  for (let t = 0; t <= length; t += 0.1) {
    const q = along(skin, d, t);
    if (bone.some((b) => b.solid.classify(q[0], q[1], q[2]) !== 0)) return (sx * q[0]) / tpTip;
  }
  return NaN;
}

/** Codes the analytic geometry predicts for a path (same thresholds as the defaults of evaluateTrajectory). */
export function expectedCodes(params: PhantomParameters, lv: LevelParams, side: 'left' | 'right', entry: Vec3, tip: Vec3, radiusMm: number, marginMm: number): { codes: string[]; clearance: Record<Wall, number>; canalMm: number; closestToThresholdMm: number } {
  const skin = analyticSkin(params, entry, tip);
  const { walls, entered } = analyticWallClearance(lv, side, skin, tip, radiusMm);
  const canal = analyticCanalDistance(lv, skin, tip, radiusMm);
  const codes: string[] = [];
  const gaps: number[] = [Math.abs(canal)];
  if (canal < 0) codes.push('CANAL_BREACH');
  if (!entered) codes.push('PEDICLE_MISSED');
  for (const w of WALLS) {
    gaps.push(Math.abs(walls[w] - marginMm));
    if (walls[w] < marginMm) codes.push(`${w.toUpperCase()}_WALL`);
  }
  const b = lv.body;
  const sx = side === 'left' ? 1 : -1;
  if (!insideBody(lv, tip)) {
    codes.push('TIP_OUTSIDE_BODY');
  } else {
    const centre = Math.hypot(...sub(tip, b.centreMm));
    gaps.push(Math.abs(centre - 5));
    if (centre < 5) codes.push('TIP_NEAR_CENTRE');
    // Anterior cortex: distance to the anterior-facing part of the super-elliptic outline (same z).
    let ant = Infinity;
    for (let deg = 180.5; deg < 360; deg += 0.5) {
      const t = (deg * Math.PI) / 180;
      const c = Math.cos(t), s = Math.sin(t);
      const x = b.centreMm[0] + b.semiAxisXMm * Math.sign(c) * Math.abs(c) ** (2 / b.superEllipseExponent);
      const y = b.centreMm[1] + b.semiAxisYMm * Math.sign(s) * Math.abs(s) ** (2 / b.superEllipseExponent);
      // Outward normal ∝ (sign(x)|x/a|^(n−1)/a, sign(y)|y/b|^(n−1)/b); keep the anterior-facing part (ny < −0.5).
      const nx = Math.sign(x - b.centreMm[0]) * Math.abs((x - b.centreMm[0]) / b.semiAxisXMm) ** (b.superEllipseExponent - 1) / b.semiAxisXMm;
      const ny = Math.sign(y - b.centreMm[1]) * Math.abs((y - b.centreMm[1]) / b.semiAxisYMm) ** (b.superEllipseExponent - 1) / b.semiAxisYMm;
      if (ny / Math.hypot(nx, ny) > -0.5) continue;
      ant = Math.min(ant, Math.hypot(x - tip[0], y - tip[1]));
    }
    gaps.push(Math.abs(ant - 5));
    if (ant < 5) codes.push('TIP_NEAR_ANTERIOR_CORTEX');
    const halfDepth = b.semiAxisYMm * (1 - Math.abs((tip[0] - b.centreMm[0]) / b.semiAxisXMm) ** b.superEllipseExponent) ** (1 / b.superEllipseExponent);
    const depth = (b.centreMm[1] + halfDepth - tip[1]) / (2 * halfDepth);
    gaps.push(Math.abs(depth - 1 / 3) * 2 * halfDepth);
    if (depth < 1 / 3) codes.push('TIP_POSTERIOR');
    const dz = tip[2] - b.centreMm[2];
    const lateral = sx * (tip[0] - lv.canal.centreMm[0]);
    if (centre >= 5) {
      gaps.push(Math.abs(Math.abs(dz) - 2), Math.abs(lateral + 3));
      if (Math.abs(dz) < 2) codes.push('TIP_MID_HEIGHT');
      if (lateral < -3) codes.push('TIP_CROSSES_MIDLINE');
    }
  }
  const fraction = analyticDockingFraction(lv, side, skin, tip);
  const tpTip = (side === 'left' ? 1 : -1) * lv.transverseProcesses[side].endMm[0] + lv.transverseProcesses[side].radiusMm;
  gaps.push(Math.min(Math.abs(fraction - 0.15), Math.abs(fraction - 0.7)) * tpTip);
  if (fraction < 0.15 || fraction > 0.7) codes.push('ENTRY_LATERAL_POSITION');
  return { codes: codes.sort(), clearance: walls, canalMm: canal, closestToThresholdMm: Math.min(...gaps) };
}
