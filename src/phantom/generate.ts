/**
 * Rasterises the analytic phantom into a CT volume (HU, Int16), a ground-truth label volume (Uint8) and a tissue-class
 * volume (Uint8). Labels are exact voxel-centre samples of the analytic solids; the CT adds an in-plane Gaussian blur
 * (scanner point spread) and seeded Gaussian noise.
 */
import type { ScalarVolume, Vec3, VolumeGeometry } from '../geometry/volume';
import {
  buildPhantomParameters,
  type LabelInfo,
  type LevelParams,
  type PhantomModelOptions,
  type PhantomParameters,
  type StructureKind,
} from './model';
import { capsule, ellipsoid, OUTSIDE, pedicleTube, roundedBox, superEllipticCylinderZ, type Solid, CORE } from './shapes';
import { Tissue, tissueHuTable } from './tissues';
import { fillGaussian } from './random';

export interface PhantomOptions extends PhantomModelOptions {}

export interface Phantom {
  /** CT numbers in HU. */
  ct: ScalarVolume<Int16Array>;
  /** Ground-truth labels; values are `labelTable[].value`, 0 = unlabelled. */
  labels: ScalarVolume<Uint8Array>;
  /** Tissue class per voxel (see `Tissue`), before blur and noise. */
  tissues: ScalarVolume<Uint8Array>;
  labelTable: LabelInfo[];
  parameters: PhantomParameters;
}

/** Label priority where solids overlap (higher wins). */
const PRIORITY: Record<StructureKind, number> = {
  lesion: 9,
  vertebralBody: 8,
  leftPedicle: 7,
  rightPedicle: 7,
  spinalCanal: 6,
  posteriorElements: 5,
  vertebra: 5,
  ribs: 4,
  disc: 3,
};

interface Part {
  solid: Solid;
  label: number;
  priority: number;
  /** Bone parts contribute cortical (shell) / cancellous (core) tissue. */
  bone: boolean;
}

/** The solids of one vertebral level with their labels (partial levels map every part to their single label). */
export function levelSolids(lv: LevelParams): Array<{ kind: StructureKind; label: number; solid: Solid; bone: boolean }> {
  const lab = (k: StructureKind): number => lv.labels[k] ?? lv.labels.vertebra ?? 0;
  const kindOf = (k: StructureKind): StructureKind => (lv.fullyLabelled ? k : k === 'spinalCanal' ? k : 'vertebra');
  const b = lv.body;
  const out: Array<{ kind: StructureKind; label: number; solid: Solid; bone: boolean }> = [];
  out.push({
    kind: kindOf('vertebralBody'),
    label: lab('vertebralBody'),
    bone: true,
    solid: superEllipticCylinderZ(b.centreMm[0], b.centreMm[1], b.semiAxisXMm, b.semiAxisYMm, b.superEllipseExponent,
      b.centreMm[2] - b.heightMm / 2, b.centreMm[2] + b.heightMm / 2, b.cortexThicknessMm, b.endplateThicknessMm),
  });
  for (const side of ['left', 'right'] as const) {
    const p = lv.pedicles[side];
    out.push({
      kind: kindOf(side === 'left' ? 'leftPedicle' : 'rightPedicle'),
      label: lab(side === 'left' ? 'leftPedicle' : 'rightPedicle'),
      bone: true,
      solid: pedicleTube({
        isthmusCentreMm: p.isthmusCentreMm, axis: p.axisDirection, lateral: p.widthDirection, vertical: p.heightDirection,
        isthmusHalfWidthMm: p.isthmusHalfWidthMm, isthmusHalfHeightMm: p.isthmusHalfHeightMm,
        widthFlarePerMm: p.widthFlarePerMm, heightFlarePerMm: p.heightFlarePerMm, flareCapMm: p.flareCapMm,
        sMinMm: p.sMinMm, sMaxMm: p.sMaxMm, cortexThicknessMm: p.cortexThicknessMm,
      }),
    });
  }
  const c = lv.canal;
  out.push({
    kind: 'spinalCanal',
    label: lv.fullyLabelled ? lab('spinalCanal') : 0,
    bone: false,
    solid: superEllipticCylinderZ(c.centreMm[0], c.centreMm[1], c.semiAxisXMm, c.semiAxisYMm, 2, c.zMinMm, c.zMaxMm),
  });
  const pe = lv.posteriorElementsCortexThicknessMm;
  const post = (solid: Solid): void => {
    out.push({ kind: kindOf('posteriorElements'), label: lab('posteriorElements'), bone: true, solid });
  };
  for (const box of [lv.laminae.left, lv.laminae.right, lv.spinousProcess]) post(roundedBox(box.centreMm, box.axes, box.halfSizeMm, box.roundingRadiusMm, pe));
  const caps = [lv.transverseProcesses.left, lv.transverseProcesses.right, ...Object.values(lv.articularProcesses)];
  for (const cp of caps) post(capsule(cp.startMm, cp.endMm, cp.radiusMm, pe));
  for (const rib of lv.ribs) {
    out.push({ kind: 'ribs', label: lv.labels.ribs ?? 0, bone: true, solid: capsule(rib.startMm, rib.endMm, rib.radiusMm, 1.2) });
  }
  return out;
}

function geometryOf(p: PhantomParameters): VolumeGeometry {
  return {
    dimensions: [...p.grid.dimensions] as [number, number, number],
    spacingMm: [...p.grid.spacingMm] as Vec3,
    originMm: [...p.grid.originMm] as Vec3,
    direction: p.grid.direction.map((d) => [...d]) as [Vec3, Vec3, Vec3],
  };
}

/** Visits the voxels whose centres lie in the solid's bounding box (axis-aligned grid assumed). */
function forEachVoxelIn(g: VolumeGeometry, solid: Solid, fn: (index: number, cls: 1 | 2) => void): void {
  const [nx, ny, nz] = g.dimensions;
  const [sx, sy, sz] = g.spacingMm;
  const [ox, oy, oz] = g.originMm;
  const lo = (v: number, o: number, s: number): number => Math.max(0, Math.ceil((v - o) / s - 1e-9));
  const hi = (v: number, o: number, s: number, n: number): number => Math.min(n - 1, Math.floor((v - o) / s + 1e-9));
  const i0 = lo(solid.bbox.minMm[0], ox, sx), i1 = hi(solid.bbox.maxMm[0], ox, sx, nx);
  const j0 = lo(solid.bbox.minMm[1], oy, sy), j1 = hi(solid.bbox.maxMm[1], oy, sy, ny);
  const k0 = lo(solid.bbox.minMm[2], oz, sz), k1 = hi(solid.bbox.maxMm[2], oz, sz, nz);
  for (let k = k0; k <= k1; k++) {
    const z = oz + k * sz;
    for (let j = j0; j <= j1; j++) {
      const y = oy + j * sy;
      const row = (k * ny + j) * nx;
      for (let i = i0; i <= i1; i++) {
        const cls = solid.classify(ox + i * sx, y, z);
        if (cls !== OUTSIDE) fn(row + i, cls);
      }
    }
  }
}

/** Generates the phantom CT, ground-truth labels and tissue map (deterministic for given options). */
export function generatePhantom(options: PhantomOptions = {}): Phantom {
  const params = buildPhantomParameters(options);
  const g = geometryOf(params);
  const n = g.dimensions[0] * g.dimensions[1] * g.dimensions[2];
  const tissue = new Uint8Array(n); // Air = 0
  const labels = new Uint8Array(n);
  const priority = new Uint8Array(n);
  const bone = new Uint8Array(n); // 0 none, 1 cortical, 2 cancellous (max over overlapping bone solids)
  const zMin = g.originMm[2] - 50;
  const zMax = g.originMm[2] + g.dimensions[2] * g.spacingMm[2] + 50;

  // 1. Body outline: skin shell, fat inside.
  const bo = params.bodyOutline;
  forEachVoxelIn(g, superEllipticCylinderZ(bo.centreMm[0], bo.centreMm[1], bo.semiAxesMm[0], bo.semiAxesMm[1], 2, zMin, zMax, bo.skinThicknessMm, 0),
    (v, cls) => { tissue[v] = cls === CORE ? Tissue.Fat : Tissue.Skin; });
  // 2. Soft tissues.
  for (const st of params.softTissues) {
    const t = Tissue[st.tissue as keyof typeof Tissue];
    forEachVoxelIn(g, superEllipticCylinderZ(st.centreMm[0], st.centreMm[1], st.semiAxesMm[0], st.semiAxesMm[1], 2, st.zMinMm, st.zMaxMm),
      (v) => { tissue[v] = t; });
  }
  // 3. Canal contents: epidural fat, dural sac (CSF), cord tapering to the conus medullaris at the L1-L2 disc.
  const t12l1 = params.discs.find((d) => d.name === 'T12-L1');
  const l1l2 = params.discs.find((d) => d.name === 'L1-L2');
  const conusStartZ = t12l1 ? t12l1.centreMm[2] : -Infinity;
  const conusTipZ = l1l2 ? l1l2.centreMm[2] : -Infinity;
  for (const lv of params.levels) {
    const c = lv.canal;
    forEachVoxelIn(g, superEllipticCylinderZ(c.centreMm[0], c.centreMm[1], c.semiAxisXMm, c.semiAxisYMm, 2, c.zMinMm, c.zMaxMm), (v) => {
      tissue[v] = Tissue.EpiduralFat;
    });
    forEachVoxelIn(g, superEllipticCylinderZ(c.centreMm[0], c.centreMm[1] - 0.5, c.duralSacSemiAxisXMm, c.duralSacSemiAxisYMm, 2, c.zMinMm, c.zMaxMm), (v) => {
      tissue[v] = Tissue.Csf;
    });
    const cordTop = Math.min(c.zMaxMm, zMax);
    const cordBottom = Math.max(c.zMinMm, conusTipZ);
    if (cordTop > cordBottom) {
      const cordSolid = superEllipticCylinderZ(c.centreMm[0], c.centreMm[1] - 0.5, c.cordSemiAxisXMm, c.cordSemiAxisYMm, 2, cordBottom, cordTop);
      forEachVoxelIn(g, cordSolid, (v) => {
        const k = Math.floor(v / (g.dimensions[0] * g.dimensions[1]));
        const z = g.originMm[2] + k * g.spacingMm[2];
        const scale = z >= conusStartZ ? 1 : (z - conusTipZ) / (conusStartZ - conusTipZ);
        if (scale <= 0) return;
        const i = v % g.dimensions[0];
        const j = Math.floor(v / g.dimensions[0]) % g.dimensions[1];
        const x = g.originMm[0] + i * g.spacingMm[0] - c.centreMm[0];
        const y = g.originMm[1] + j * g.spacingMm[1] - (c.centreMm[1] - 0.5);
        if ((x / (c.cordSemiAxisXMm * scale)) ** 2 + (y / (c.cordSemiAxisYMm * scale)) ** 2 <= 1) tissue[v] = Tissue.Cord;
      });
    }
  }

  // 4. Labelled parts with priorities; bone tissue as the union of cortical shells and cancellous cores.
  const kindByLabel = new Map<number, StructureKind>(params.labels.map((l) => [l.value, l.structure]));
  const parts: Part[] = [];
  for (const lv of params.levels) {
    for (const p of levelSolids(lv)) parts.push({ solid: p.solid, label: p.label, priority: PRIORITY[p.kind], bone: p.bone });
  }
  for (const d of params.discs) {
    parts.push({
      solid: superEllipticCylinderZ(d.centreMm[0], d.centreMm[1], d.semiAxisXMm, d.semiAxisYMm, d.superEllipseExponent,
        d.centreMm[2] - d.heightMm / 2, d.centreMm[2] + d.heightMm / 2),
      label: d.label, priority: PRIORITY.disc, bone: false,
    });
  }
  for (const les of params.lesions) parts.push({ solid: ellipsoid(les.centreMm, les.radiiMm), label: les.label, priority: PRIORITY.lesion, bone: false });
  const canalPriority = PRIORITY.spinalCanal;
  const isCanal = new Uint8Array(n);
  for (const part of parts) {
    forEachVoxelIn(g, part.solid, (v, cls) => {
      if (part.priority > priority[v]) {
        priority[v] = part.priority;
        labels[v] = part.label;
      }
      if (part.bone && cls > bone[v]) bone[v] = cls;
      if (part.priority === canalPriority && !part.bone) isCanal[v] = 1;
    });
  }
  // 5. Final tissue: lesion > bone (unless the voxel's label is the canal, which carves the posterior arch) > disc.
  for (let v = 0; v < n; v++) {
    const p = priority[v];
    if (p === 0) continue;
    const kind = kindByLabel.get(labels[v]);
    if (p === PRIORITY.lesion) tissue[v] = Tissue.Lesion;
    else if (p === canalPriority && (kind === 'spinalCanal' || labels[v] === 0 || isCanal[v])) {
      /* keep the canal contents painted in step 3 */
    } else if (bone[v] === 2) tissue[v] = Tissue.CancellousBone;
    else if (bone[v] === 1) tissue[v] = Tissue.CorticalBone;
    else if (kind === 'disc') tissue[v] = Tissue.Disc;
  }

  const ct = synthesiseCt(g, tissue, params);
  const labelsFinal = labels;
  return {
    ct: { geometry: g, data: ct },
    labels: { geometry: { ...g }, data: labelsFinal },
    tissues: { geometry: { ...g }, data: tissue },
    labelTable: params.labels,
    parameters: params,
  };
}

/** Tissue → HU, in-plane Gaussian blur (3-tap, σ = blurSigmaMm), additive Gaussian noise, rounding to Int16. */
function synthesiseCt(g: VolumeGeometry, tissue: Uint8Array, params: PhantomParameters): Int16Array {
  const [nx, ny, nz] = g.dimensions;
  const n = nx * ny * nz;
  const hu = tissueHuTable(params.huByTissue as Parameters<typeof tissueHuTable>[0]);
  let a = new Float32Array(n);
  for (let v = 0; v < n; v++) a[v] = hu[tissue[v]];
  const sigma = params.blurSigmaMm;
  if (sigma > 0) {
    const wx = Math.exp(-(g.spacingMm[0] ** 2) / (2 * sigma * sigma));
    const wy = Math.exp(-(g.spacingMm[1] ** 2) / (2 * sigma * sigma));
    const b = new Float32Array(n);
    const cx = 1 / (1 + 2 * wx);
    const cy = 1 / (1 + 2 * wy);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) {
      const row = (k * ny + j) * nx;
      for (let i = 0; i < nx; i++) {
        const l = a[row + (i > 0 ? i - 1 : i)];
        const r = a[row + (i < nx - 1 ? i + 1 : i)];
        b[row + i] = cx * (a[row + i] + wx * (l + r));
      }
    }
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) {
      const row = (k * ny + j) * nx;
      const up = (k * ny + (j > 0 ? j - 1 : j)) * nx;
      const dn = (k * ny + (j < ny - 1 ? j + 1 : j)) * nx;
      for (let i = 0; i < nx; i++) a[row + i] = cy * (b[row + i] + wy * (b[up + i] + b[dn + i]));
    }
  }
  const out = new Int16Array(n);
  const noise = new Float32Array(n);
  if (params.noiseSigmaHu > 0) fillGaussian(noise, params.seed, params.noiseSigmaHu);
  for (let v = 0; v < n; v++) {
    const x = a[v] + noise[v];
    const value = x >= 0 ? (x + 0.5) | 0 : -((-x + 0.5) | 0); // round half away from zero
    out[v] = value < -1024 ? -1024 : value > 3071 ? 3071 : value;
  }
  a = new Float32Array(0);
  return out;
}
