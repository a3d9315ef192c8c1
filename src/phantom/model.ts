/**
 * The analytic anatomy of the phantom: every structure is a parametric solid whose parameters are published in
 * `phantom.json`, so later accuracy tests can compare against exact geometry (not against rasterised voxels).
 *
 * Patient coordinates: DICOM LPS in mm (x → patient left, y → posterior, z → superior). The spine is straight,
 * vertical and centred on x = 0; the posterior walls of all vertebral bodies lie on the plane y = POSTERIOR_WALL_Y_MM.
 */
import type { Vec3 } from '../geometry/volume';
import { LEVEL_MORPHOMETRY, type LevelMorphometry } from './morphometry';
import { TISSUE_HU } from './tissues';
import { superEllipseAreaMm2 } from './shapes';

/** Structures that get their own ground-truth label per level. */
export type StructureKind =
  | 'vertebralBody'
  | 'leftPedicle'
  | 'rightPedicle'
  | 'posteriorElements'
  | 'spinalCanal'
  | 'lesion'
  | 'disc'
  | 'vertebra'
  | 'ribs';

export interface LabelInfo {
  /** Voxel value in the label volume (1…255; 0 = unlabelled). */
  value: number;
  /** Human-readable name, e.g. "L1 Left pedicle", "T12-L1 Disc". */
  name: string;
  /** Level ("L1") or disc ("T12-L1"). */
  level: string;
  structure: StructureKind;
  /** Display colour (sRGB 0–255). */
  rgb: [number, number, number];
}

export interface VertebralBodyParams {
  /** Centre of the body (mid-height, centre of the super-ellipse). */
  centreMm: Vec3;
  semiAxisXMm: number;
  semiAxisYMm: number;
  heightMm: number;
  /** Super-ellipse exponent n of the axial cross-section |x/a|^n + |y/b|^n ≤ 1 (2 = ellipse). */
  superEllipseExponent: number;
  cortexThicknessMm: number;
  endplateThicknessMm: number;
  /** Exact volume of the (super-)elliptic cylinder, mm³ (includes any lesion inside it). */
  volumeMm3: number;
}

export interface PedicleParams {
  side: 'left' | 'right';
  /** Centre of the narrowest cross-section (isthmus). */
  isthmusCentreMm: Vec3;
  /** Unit axis direction from the posterior entry towards the vertebral body (antero-medial). */
  axisDirection: Vec3;
  /** Unit direction of the width semi-axis (in the axial plane, perpendicular to the axis, pointing laterally). */
  widthDirection: Vec3;
  /** Unit direction of the height semi-axis (perpendicular to both; here +z). */
  heightDirection: Vec3;
  /** Outer half-width at the isthmus (half of the morphometric pedicle width). */
  isthmusHalfWidthMm: number;
  /** Outer half-height at the isthmus. */
  isthmusHalfHeightMm: number;
  /** A(s) = A0 + k·min(s², cap²): flare of the half-width away from the isthmus, mm per mm². */
  widthFlarePerMm: number;
  heightFlarePerMm: number;
  flareCapMm: number;
  /** Axial extent of the pedicle label along the axis, relative to the isthmus (negative = posterior). */
  sMinMm: number;
  sMaxMm: number;
  cortexThicknessMm: number;
  /** Medial angulation of the axis in the axial plane (angle to the sagittal plane). */
  medialAngleDeg: number;
  /** Cranio-caudal inclination of the axis (0: the axis lies in the axial plane). */
  craniocaudalAngleDeg: number;
  /**
   * Largest possible distance from a straight line through the pedicle to its outer surface (cortical wall):
   * min(isthmusHalfWidthMm, isthmusHalfHeightMm), reached by the axis. For a needle of outer radius r the
   * optimum wall clearance is this minus r.
   */
  optimalAxisClearanceMm: number;
  /** Same, measured to the inner (endosteal) surface of the cortex. */
  optimalAxisClearanceToCancellousMm: number;
  /** Axis point at the posterior end of the pedicle label (s = sMinMm). */
  posteriorAxisPointMm: Vec3;
}

export interface CanalParams {
  /** Centre of the elliptic canal cross-section (z = level centre). */
  centreMm: Vec3;
  semiAxisXMm: number;
  semiAxisYMm: number;
  /** The canal label of this level spans zMinMm…zMaxMm (disc mid-planes). */
  zMinMm: number;
  zMaxMm: number;
  duralSacSemiAxisXMm: number;
  duralSacSemiAxisYMm: number;
  cordSemiAxisXMm: number;
  cordSemiAxisYMm: number;
}

export interface RoundedBoxParams {
  centreMm: Vec3;
  axes: [Vec3, Vec3, Vec3];
  halfSizeMm: Vec3;
  roundingRadiusMm: number;
}

export interface CapsuleParams {
  startMm: Vec3;
  endMm: Vec3;
  radiusMm: number;
}

export interface LevelParams {
  name: string;
  /** False for the partial end levels (T10, L4): one "vertebra" label, not used for accuracy tests. */
  fullyLabelled: boolean;
  morphometry: LevelMorphometry;
  body: VertebralBodyParams;
  pedicles: { left: PedicleParams; right: PedicleParams };
  canal: CanalParams;
  laminae: { left: RoundedBoxParams; right: RoundedBoxParams };
  spinousProcess: RoundedBoxParams;
  transverseProcesses: { left: CapsuleParams; right: CapsuleParams };
  articularProcesses: { superiorLeft: CapsuleParams; superiorRight: CapsuleParams; inferiorLeft: CapsuleParams; inferiorRight: CapsuleParams };
  /** Rib polylines (capsule chains) for thoracic levels. */
  ribs: CapsuleParams[];
  posteriorElementsCortexThicknessMm: number;
  labels: Partial<Record<StructureKind, number>>;
}

export interface DiscParams {
  name: string;
  centreMm: Vec3;
  semiAxisXMm: number;
  semiAxisYMm: number;
  heightMm: number;
  superEllipseExponent: number;
  label: number;
}

export interface LesionParams {
  level: string;
  kind: 'osteolytic';
  centreMm: Vec3;
  /** Ellipsoid semi-axes along x, y, z. */
  radiiMm: Vec3;
  hu: number;
  label: number;
  volumeMm3: number;
}

export interface SoftTissueEllipse {
  name: string;
  centreMm: [number, number];
  semiAxesMm: [number, number];
  zMinMm: number;
  zMaxMm: number;
  tissue: string;
}

export interface PhantomParameters {
  formatVersion: 1;
  description: string;
  seed: number;
  coordinateSystem: string;
  grid: { dimensions: [number, number, number]; spacingMm: Vec3; originMm: Vec3; direction: [Vec3, Vec3, Vec3] };
  huByTissue: Record<string, number>;
  noiseSigmaHu: number;
  blurSigmaMm: number;
  posteriorWallYMm: number;
  bodyOutline: { centreMm: [number, number]; semiAxesMm: [number, number]; skinThicknessMm: number };
  softTissues: SoftTissueEllipse[];
  levels: LevelParams[];
  discs: DiscParams[];
  lesions: LesionParams[];
  labels: LabelInfo[];
  sources: string[];
}

export interface PhantomModelOptions {
  seed?: number;
  /** Slice spacing = thickness (mm); default 1.5. */
  sliceSpacingMm?: number;
  noiseSigmaHu?: number;
  blurSigmaMm?: number;
}

const POSTERIOR_WALL_Y_MM = -4;
const BODY_EXPONENT = 3;
const BODY_CORTEX_MM = 1.2;
const ENDPLATE_MM = 1.0;
const PEDICLE_CORTEX_MM = 1.5;
const POSTERIOR_CORTEX_MM = 1.5;
/** Epidural gap between the canal ellipse and the medial pedicle wall at the isthmus. */
const PEDICLE_CANAL_GAP_MM = 0.75;

const STRUCTURE_COLOURS: Record<StructureKind, [number, number, number]> = {
  vertebralBody: [241, 214, 145],
  leftPedicle: [111, 184, 210],
  rightPedicle: [216, 101, 79],
  posteriorElements: [183, 156, 220],
  spinalCanal: [244, 214, 49],
  lesion: [255, 0, 0],
  disc: [128, 174, 128],
  vertebra: [200, 200, 200],
  ribs: [220, 220, 180],
};

const STRUCTURE_NAMES: Record<StructureKind, string> = {
  vertebralBody: 'Vertebral body',
  leftPedicle: 'Left pedicle',
  rightPedicle: 'Right pedicle',
  posteriorElements: 'Posterior elements',
  spinalCanal: 'Spinal canal',
  lesion: 'Lesion',
  disc: 'Disc',
  vertebra: 'Vertebra',
  ribs: 'Ribs',
};

const deg = (d: number): number => (d * Math.PI) / 180;
const add = (a: Vec3, b: Vec3, s = 1): Vec3 => [a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]];
const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const r3 = (v: Vec3): Vec3 => [round3(v[0]), round3(v[1]), round3(v[2])];

function insideBody(b: VertebralBodyParams, p: Vec3): boolean {
  const n = b.superEllipseExponent;
  return (
    Math.abs(p[2] - b.centreMm[2]) <= b.heightMm / 2 &&
    Math.pow(Math.abs(p[0] - b.centreMm[0]) / b.semiAxisXMm, n) + Math.pow(Math.abs(p[1] - b.centreMm[1]) / b.semiAxisYMm, n) <= 1
  );
}

function unit(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Builds the analytic phantom description (deterministic; the seed only drives noise and UIDs). */
export function buildPhantomParameters(options: PhantomModelOptions = {}): PhantomParameters {
  const seed = options.seed ?? 1;
  const dz = options.sliceSpacingMm ?? 1.5;
  const labels: LabelInfo[] = [];
  const addLabel = (level: string, structure: StructureKind, name?: string): number => {
    const value = labels.length + 1;
    labels.push({ value, name: name ?? `${level} ${STRUCTURE_NAMES[structure]}`, level, structure, rgb: STRUCTURE_COLOURS[structure] });
    return value;
  };

  // Vertical stack: L1 body centre at z = 0; bodies and discs stacked with the published heights.
  const m = LEVEL_MORPHOMETRY;
  const l1 = m.findIndex((l) => l.name === 'L1');
  const centresZ: number[] = new Array<number>(m.length);
  centresZ[l1] = 0;
  for (let i = l1 - 1; i >= 0; i--) centresZ[i] = centresZ[i + 1] + m[i + 1].bodyHeightMm / 2 + m[i].discBelowHeightMm + m[i].bodyHeightMm / 2;
  for (let i = l1 + 1; i < m.length; i++) centresZ[i] = centresZ[i - 1] - m[i - 1].bodyHeightMm / 2 - m[i - 1].discBelowHeightMm - m[i].bodyHeightMm / 2;

  const yPost = POSTERIOR_WALL_Y_MM;
  const levels: LevelParams[] = [];
  const discs: DiscParams[] = [];
  const lesions: LesionParams[] = [];

  for (let i = 0; i < m.length; i++) {
    const mm = m[i];
    const full = i > 0 && i < m.length - 1;
    const zc = centresZ[i];
    const a = mm.bodyWidthMm / 2;
    const b = mm.bodyDepthMm / 2;
    const body: VertebralBodyParams = {
      centreMm: [0, yPost - b, zc],
      semiAxisXMm: a,
      semiAxisYMm: b,
      heightMm: mm.bodyHeightMm,
      superEllipseExponent: BODY_EXPONENT,
      cortexThicknessMm: BODY_CORTEX_MM,
      endplateThicknessMm: ENDPLATE_MM,
      volumeMm3: superEllipseAreaMm2(a, b, BODY_EXPONENT) * mm.bodyHeightMm,
    };
    // Canal: ellipse against the posterior wall; its label spans the disc mid-planes above and below.
    const zTop = i > 0 ? zc + mm.bodyHeightMm / 2 + m[i - 1].discBelowHeightMm / 2 : zc + mm.bodyHeightMm / 2 + 10;
    const zBottom = i < m.length - 1 ? zc - mm.bodyHeightMm / 2 - mm.discBelowHeightMm / 2 : zc - mm.bodyHeightMm / 2 - 10;
    const canal: CanalParams = {
      centreMm: [0, yPost + mm.canalDepthMm / 2, zc],
      semiAxisXMm: mm.canalWidthMm / 2,
      semiAxisYMm: mm.canalDepthMm / 2,
      zMinMm: zBottom,
      zMaxMm: zTop,
      duralSacSemiAxisXMm: mm.canalWidthMm / 2 - 2.5,
      duralSacSemiAxisYMm: mm.canalDepthMm / 2 - 2,
      cordSemiAxisXMm: 5,
      cordSemiAxisYMm: 4,
    };

    // Pedicles: isthmus in the upper half of the body's height, medial wall PEDICLE_CANAL_GAP_MM lateral to the canal.
    const pedZ = zc + 0.15 * mm.bodyHeightMm;
    const halfW = mm.pedicleWidthMm / 2;
    const halfH = mm.pedicleHeightMm / 2;
    const theta = deg(mm.pedicleMedialAngleDeg);
    const makePedicle = (side: 'left' | 'right'): PedicleParams => {
      const sx = side === 'left' ? 1 : -1; // patient left = +x
      const isthmus: Vec3 = [sx * (mm.canalWidthMm / 2 + PEDICLE_CANAL_GAP_MM + halfW), yPost + 0.35 * mm.canalDepthMm, pedZ];
      const axis: Vec3 = [-sx * Math.sin(theta), -Math.cos(theta), 0]; // anterior and medial
      const vertical: Vec3 = [0, 0, 1];
      const lateral = unit(cross(vertical, axis)); // in the axial plane, perpendicular to the axis
      const lat: Vec3 = lateral[0] * sx >= 0 ? lateral : [-lateral[0], -lateral[1], -lateral[2]];
      const sMin = -8; // posterior end, merges into lamina / articular and transverse processes
      // Anterior end: 3 mm beyond where the axis enters the body (the body label takes over there).
      let sEnter = 0;
      for (let s = 0; s < 40; s += 0.05) {
        if (insideBody(body, add(isthmus, axis, s))) { sEnter = s; break; }
      }
      const p: PedicleParams = {
        side,
        isthmusCentreMm: r3(isthmus),
        axisDirection: axis,
        widthDirection: lat,
        heightDirection: vertical,
        isthmusHalfWidthMm: halfW,
        isthmusHalfHeightMm: halfH,
        widthFlarePerMm: 0.045,
        heightFlarePerMm: 0.02,
        flareCapMm: 8,
        sMinMm: sMin,
        sMaxMm: round3(sEnter + 3),
        cortexThicknessMm: PEDICLE_CORTEX_MM,
        medialAngleDeg: mm.pedicleMedialAngleDeg,
        craniocaudalAngleDeg: 0,
        optimalAxisClearanceMm: Math.min(halfW, halfH),
        optimalAxisClearanceToCancellousMm: Math.min(halfW, halfH) - PEDICLE_CORTEX_MM,
        posteriorAxisPointMm: r3(add(isthmus, axis, sMin)),
      };
      return p;
    };
    const left = makePedicle('left');
    const right = makePedicle('right');

    // Laminae: rounded slabs from the posterior end of each pedicle to the midline behind the canal.
    const laminaHalfThick = 3;
    const laminaHalfHeight = mm.bodyHeightMm * 0.42;
    const laminaZ = pedZ - 3;
    const midline: Vec3 = [0, yPost + mm.canalDepthMm + laminaHalfThick - 0.5, laminaZ];
    const makeLamina = (ped: PedicleParams): RoundedBoxParams => {
      const start: Vec3 = [ped.posteriorAxisPointMm[0], ped.posteriorAxisPointMm[1], laminaZ];
      const along = unit([midline[0] - start[0], midline[1] - start[1], 0]);
      const across: Vec3 = [-along[1], along[0], 0];
      const len = Math.hypot(midline[0] - start[0], midline[1] - start[1]);
      return {
        centreMm: r3([(start[0] + midline[0]) / 2, (start[1] + midline[1]) / 2, laminaZ]),
        axes: [along, across, [0, 0, 1]],
        halfSizeMm: [len / 2 + laminaHalfThick, laminaHalfThick, laminaHalfHeight],
        roundingRadiusMm: 2.5,
      };
    };
    // Spinous process: plate in the sagittal plane, from the laminar junction backwards and caudally.
    const phi = deg(mm.spinousProcessInclinationDeg);
    const spAlong: Vec3 = [0, Math.cos(phi), -Math.sin(phi)];
    const spUp: Vec3 = [0, Math.sin(phi), Math.cos(phi)];
    const spLen = mm.spinousProcessLengthMm;
    const spinous: RoundedBoxParams = {
      centreMm: r3(add(midline, spAlong, spLen / 2)),
      axes: [spAlong, [1, 0, 0], spUp],
      halfSizeMm: [spLen / 2 + 2, 3, mm.bodyHeightMm * 0.33],
      roundingRadiusMm: 2.5,
    };
    // Transverse processes: from the pedicle–lamina junction laterally (and slightly backwards in the thorax).
    const tpBack = deg(mm.name.startsWith('T') ? 30 : 8);
    const makeTp = (ped: PedicleParams, sx: number): CapsuleParams => {
      const start: Vec3 = [ped.posteriorAxisPointMm[0], ped.posteriorAxisPointMm[1] + 1, pedZ];
      const end: Vec3 = [start[0] + sx * mm.transverseProcessLengthMm * Math.cos(tpBack), start[1] + mm.transverseProcessLengthMm * Math.sin(tpBack), pedZ - 2];
      return { startMm: r3(start), endMm: r3(end), radiusMm: mm.name.startsWith('T') ? 4.5 : 4 };
    };
    // Articular processes: short vertical columns at the pedicle–lamina junction (superior) and lamina (inferior).
    const makeSap = (ped: PedicleParams, sx: number): CapsuleParams => {
      const base: Vec3 = [ped.posteriorAxisPointMm[0] + sx * 1, ped.posteriorAxisPointMm[1] + 2, pedZ];
      return { startMm: r3(base), endMm: r3([base[0], base[1], zc + mm.bodyHeightMm / 2 + 4]), radiusMm: 4 };
    };
    const makeIap = (ped: PedicleParams, sx: number): CapsuleParams => {
      const base: Vec3 = [ped.posteriorAxisPointMm[0] - sx * 4, ped.posteriorAxisPointMm[1] + 8, laminaZ];
      return { startMm: r3(base), endMm: r3([base[0], base[1], zc - mm.bodyHeightMm / 2 - 3]), radiusMm: 3.5 };
    };
    // Floating ribs (T10–T12): capsule chains from the costovertebral joint, laterally, backwards then forwards.
    // The rib head stops 2 mm short of the body (the joint's cartilage space), so bone does not fuse across it.
    const ribs: CapsuleParams[] = [];
    if (mm.name.startsWith('T')) {
      const reach = mm.name === 'T12' ? 2 : 3;
      for (const sx of [1, -1]) {
        const pts: Vec3[] = [
          [sx * (a + 6.5), yPost - 3, pedZ],
          [sx * (a + 22), yPost + 14, pedZ - 5],
          [sx * (a + 48), yPost + 12, pedZ - 12],
          [sx * (a + 68), yPost - 8, pedZ - 20],
        ];
        for (let k = 0; k < reach; k++) ribs.push({ startMm: r3(pts[k]), endMm: r3(pts[k + 1]), radiusMm: 4.5 });
      }
    }

    const lv: LevelParams = {
      name: mm.name,
      fullyLabelled: full,
      morphometry: mm,
      body: { ...body, centreMm: r3(body.centreMm) },
      pedicles: { left, right },
      canal: { ...canal, centreMm: r3(canal.centreMm) },
      laminae: { left: makeLamina(left), right: makeLamina(right) },
      spinousProcess: spinous,
      transverseProcesses: { left: makeTp(left, 1), right: makeTp(right, -1) },
      articularProcesses: {
        superiorLeft: makeSap(left, 1),
        superiorRight: makeSap(right, -1),
        inferiorLeft: makeIap(left, 1),
        inferiorRight: makeIap(right, -1),
      },
      ribs,
      posteriorElementsCortexThicknessMm: POSTERIOR_CORTEX_MM,
      labels: {},
    };
    levels.push(lv);
  }

  // Labels: full levels first (body, pedicles, posterior elements, canal), then lesion, discs, partial levels, ribs.
  for (const lv of levels.filter((l) => l.fullyLabelled)) {
    lv.labels.vertebralBody = addLabel(lv.name, 'vertebralBody');
    lv.labels.leftPedicle = addLabel(lv.name, 'leftPedicle');
    lv.labels.rightPedicle = addLabel(lv.name, 'rightPedicle');
    lv.labels.posteriorElements = addLabel(lv.name, 'posteriorElements');
    lv.labels.spinalCanal = addLabel(lv.name, 'spinalCanal');
  }
  // Osteolytic metastasis in L1: off-centre (patient right, anterior, upper half), ~17 mm diameter.
  const lesionLevel = levels.find((l) => l.name === 'L1');
  if (lesionLevel) {
    const c = lesionLevel.body.centreMm;
    const radii: Vec3 = [8.5, 8, 7.5];
    const lesion: LesionParams = {
      level: 'L1',
      kind: 'osteolytic',
      centreMm: [c[0] - 7, c[1] - 3, c[2] + 2.5],
      radiiMm: radii,
      hu: TISSUE_HU.Lesion,
      label: addLabel('L1', 'lesion'),
      volumeMm3: (4 / 3) * Math.PI * radii[0] * radii[1] * radii[2],
    };
    lesionLevel.labels.lesion = lesion.label;
    lesions.push(lesion);
  }
  for (let i = 0; i + 1 < levels.length; i++) {
    const up = levels[i];
    const down = levels[i + 1];
    const h = up.morphometry.discBelowHeightMm;
    const zc = up.body.centreMm[2] - up.body.heightMm / 2 - h / 2;
    const sa = (up.body.semiAxisXMm + down.body.semiAxisXMm) / 2;
    const sb = (up.body.semiAxisYMm + down.body.semiAxisYMm) / 2;
    const name = `${up.name}-${down.name}`;
    discs.push({
      name,
      centreMm: r3([0, yPost - sb, zc]),
      semiAxisXMm: sa,
      semiAxisYMm: sb,
      heightMm: h,
      superEllipseExponent: BODY_EXPONENT,
      label: addLabel(name, 'disc', `${name} Disc`),
    });
  }
  for (const lv of levels.filter((l) => !l.fullyLabelled)) lv.labels.vertebra = addLabel(lv.name, 'vertebra', `${lv.name} Vertebra (partial)`);
  for (const lv of levels.filter((l) => l.ribs.length > 0)) lv.labels.ribs = addLabel(lv.name, 'ribs');

  // Grid: 256 × 256 × N, 1 mm pixels, slices every dz mm covering T10 inferior endplate … L4 superior endplate (+3 mm).
  const t10 = levels[0];
  const l4 = levels[levels.length - 1];
  const zHigh = t10.body.centreMm[2] - t10.body.heightMm / 2 + 3;
  const zLow = l4.body.centreMm[2] + l4.body.heightMm / 2 - 3;
  const nz = Math.ceil((zHigh - zLow) / dz) + 1;
  const z0 = round3(zLow);
  const grid = {
    dimensions: [256, 256, nz] as [number, number, number],
    spacingMm: [1, 1, dz] as Vec3,
    originMm: [-127.5, -127.5, z0] as Vec3,
    direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] as [Vec3, Vec3, Vec3],
  };
  const zMin = z0 - 10;
  const zMax = z0 + nz * dz + 10;

  // Soft tissues (painted in this order, later wins; then the canal contents and the spine).
  const softTissues: SoftTissueEllipse[] = [
    { name: 'abdominal viscera', centreMm: [0, -52], semiAxesMm: [100, 36], zMinMm: zMin, zMaxMm: zMax, tissue: 'Viscera' },
    { name: 'retroperitoneal fat', centreMm: [0, -18], semiAxesMm: [46, 28], zMinMm: zMin, zMaxMm: zMax, tissue: 'Fat' },
    { name: 'aorta', centreMm: [16, -52], semiAxesMm: [11, 11], zMinMm: zMin, zMaxMm: zMax, tissue: 'Blood' },
    { name: 'inferior vena cava', centreMm: [-22, -50], semiAxesMm: [12, 9], zMinMm: zMin, zMaxMm: zMax, tissue: 'Blood' },
    { name: 'left paraspinal muscles', centreMm: [30, 44], semiAxesMm: [27, 26], zMinMm: zMin, zMaxMm: zMax, tissue: 'Muscle' },
    { name: 'right paraspinal muscles', centreMm: [-30, 44], semiAxesMm: [27, 26], zMinMm: zMin, zMaxMm: zMax, tissue: 'Muscle' },
  ];
  for (const lv of levels) {
    if (!lv.name.startsWith('L')) continue;
    // Psoas grows caudally (small at L1, large at L3/L4).
    const k = Math.min(1, (levels.indexOf(lv) - levels.findIndex((l) => l.name === 'L1') + 1) / 4);
    const half = lv.body.heightMm / 2 + lv.morphometry.discBelowHeightMm;
    for (const sx of [1, -1]) {
      softTissues.push({
        name: `${sx > 0 ? 'left' : 'right'} psoas (${lv.name})`,
        centreMm: [sx * (lv.body.semiAxisXMm + 6 + 10 * k), yPost - 14],
        semiAxesMm: [6 + 10 * k, 5 + 8 * k],
        zMinMm: lv.body.centreMm[2] - half,
        zMaxMm: lv.body.centreMm[2] + lv.body.heightMm / 2,
        tissue: 'Muscle',
      });
    }
  }

  return {
    formatVersion: 1,
    description:
      'Synthetic thoraco-lumbar spine CT phantom (T10–L4, fully labelled T11–L3) with an osteolytic metastasis in L1. Analytic geometry, see docs/phantom.md.',
    seed,
    coordinateSystem:
      'DICOM patient coordinates LPS in mm: +x patient left, +y posterior, +z superior; Image Orientation (Patient) 1\\0\\0\\0\\1\\0; supine, head first.',
    grid,
    huByTissue: { ...TISSUE_HU },
    noiseSigmaHu: options.noiseSigmaHu ?? 15,
    blurSigmaMm: options.blurSigmaMm ?? 0.5,
    posteriorWallYMm: yPost,
    bodyOutline: { centreMm: [0, 0], semiAxesMm: [118, 92], skinThicknessMm: 2 },
    softTissues,
    levels,
    discs,
    lesions,
    labels,
    sources: [
      'Panjabi MM et al. Thoracic human vertebrae: quantitative three-dimensional anatomy. Spine 1991;16(8):888-901',
      'Panjabi MM et al. Human lumbar vertebrae: quantitative three-dimensional anatomy. Spine 1992;17(3):299-306',
      'Zindrick MR et al. Analysis of the morphometric characteristics of the thoracic and lumbar pedicles. Spine 1987;12(2):160-166',
    ],
  };
}
