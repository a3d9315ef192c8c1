// Ground-truth sanity of the synthetic spine phantom against its published analytic parameters and the cited
// morphometry (Panjabi 1991/1992), and the CT numbers against the documented HU values.
import { generatePhantom, levelSolids, LEVEL_MORPHOMETRY, pedicleSemiAxesMm, superEllipseAreaMm2, Tissue, TISSUE_HU, type Phantom } from '../../../src/phantom';
import type { Vec3 } from '../../../src/geometry/volume';

let phantom: Phantom;
beforeAll(() => {
  phantom = generatePhantom({ seed: 1 });
});

const voxelMm3 = (): number => phantom.ct.geometry.spacingMm.reduce((a, b) => a * b, 1);
const count = (data: Uint8Array, values: number[]): number => {
  const set = new Set(values);
  let n = 0;
  for (const v of data) if (set.has(v)) n++;
  return n;
};
const sample = (data: Uint8Array | Int16Array, p: Vec3): number => {
  const g = phantom.ct.geometry;
  const i = Math.round((p[0] - g.originMm[0]) / g.spacingMm[0]);
  const j = Math.round((p[1] - g.originMm[1]) / g.spacingMm[1]);
  const k = Math.round((p[2] - g.originMm[2]) / g.spacingMm[2]);
  return data[i + g.dimensions[0] * (j + g.dimensions[1] * k)];
};

describe('phantom geometry', () => {
  it('is a 256×256 axial grid with 1 mm pixels and 1.5 mm slices, ≤ 130 slices, LPS identity orientation', () => {
    const g = phantom.ct.geometry;
    expect(g.dimensions[0]).toBe(256);
    expect(g.dimensions[1]).toBe(256);
    expect(g.dimensions[2]).toBeGreaterThanOrEqual(100);
    expect(g.dimensions[2]).toBeLessThanOrEqual(130);
    expect(g.spacingMm).toEqual([1, 1, 1.5]);
    expect(g.direction).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it('covers T11–L3 completely (every fully labelled level lies inside the field of view)', () => {
    const g = phantom.ct.geometry;
    const zLo = g.originMm[2];
    const zHi = zLo + (g.dimensions[2] - 1) * g.spacingMm[2];
    const full = phantom.parameters.levels.filter((l) => l.fullyLabelled).map((l) => l.name);
    expect(full).toEqual(['T11', 'T12', 'L1', 'L2', 'L3']);
    for (const lv of phantom.parameters.levels.filter((l) => l.fullyLabelled)) {
      expect(lv.canal.zMinMm).toBeGreaterThanOrEqual(zLo - 0.75);
      expect(lv.canal.zMaxMm).toBeLessThanOrEqual(zHi + 0.75);
    }
  });

  it('uses the cited morphometry for body and pedicle dimensions', () => {
    for (const lv of phantom.parameters.levels) {
      const m = LEVEL_MORPHOMETRY.find((x) => x.name === lv.name);
      expect(m).toBeDefined();
      if (!m) continue;
      expect(2 * lv.body.semiAxisXMm).toBe(m.bodyWidthMm);
      expect(2 * lv.body.semiAxisYMm).toBe(m.bodyDepthMm);
      expect(lv.body.heightMm).toBe(m.bodyHeightMm);
      for (const p of [lv.pedicles.left, lv.pedicles.right]) {
        expect(2 * p.isthmusHalfWidthMm).toBe(m.pedicleWidthMm);
        expect(2 * p.isthmusHalfHeightMm).toBe(m.pedicleHeightMm);
        expect(p.medialAngleDeg).toBe(m.pedicleMedialAngleDeg);
      }
    }
    // Panjabi 1992 L1: pedicle width ≈ 8 mm, transverse angle ≈ 11°, canal width ≈ 21–22 mm.
    const l1 = phantom.parameters.levels.find((l) => l.name === 'L1');
    expect(l1?.morphometry.pedicleWidthMm).toBeCloseTo(8, 0);
    expect(l1?.morphometry.pedicleMedialAngleDeg).toBeCloseTo(11, 0);
  });

  it('rasterises each vertebral body to within 2 % of the analytic super-ellipse area × sampled height', () => {
    const g = phantom.ct.geometry;
    for (const lv of phantom.parameters.levels.filter((l) => l.fullyLabelled)) {
      const b = lv.body;
      // Sampled height: slice centres inside [zc − h/2, zc + h/2] (the analytic volume is b.volumeMm3 = area · h).
      let slices = 0;
      for (let k = 0; k < g.dimensions[2]; k++) {
        const z = g.originMm[2] + k * g.spacingMm[2];
        if (Math.abs(z - b.centreMm[2]) <= b.heightMm / 2) slices++;
      }
      const areaMm2 = b.volumeMm3 / b.heightMm;
      const values = [lv.labels.vertebralBody ?? -1, ...(lv.labels.lesion ? [lv.labels.lesion] : [])];
      const measured = count(phantom.labels.data, values) * voxelMm3();
      expect(Math.abs(measured / (areaMm2 * slices * g.spacingMm[2]) - 1)).toBeLessThan(0.02);
      // The super-ellipse area formula itself, checked against an ellipse (n = 2 → πab).
      expect(superEllipseAreaMm2(b.semiAxisXMm, b.semiAxisYMm, 2)).toBeCloseTo(Math.PI * b.semiAxisXMm * b.semiAxisYMm, 9);
      expect(Math.abs(slices * g.spacingMm[2] - b.heightMm)).toBeLessThanOrEqual(g.spacingMm[2]);
    }
  });

  it('rasterises the L1 lesion to within 5 % of the ellipsoid volume 4/3·π·abc', () => {
    const les = phantom.parameters.lesions[0];
    expect(les.level).toBe('L1');
    expect(2 * Math.min(...les.radiiMm)).toBeGreaterThanOrEqual(15);
    expect(2 * Math.max(...les.radiiMm)).toBeLessThanOrEqual(20);
    const analytic = (4 / 3) * Math.PI * les.radiiMm[0] * les.radiiMm[1] * les.radiiMm[2];
    const measured = count(phantom.labels.data, [les.label]) * voxelMm3();
    expect(Math.abs(measured / analytic - 1)).toBeLessThan(0.05);
  });

  it('keeps the lesion inside the cancellous core of the L1 body, off-centre', () => {
    const les = phantom.parameters.lesions[0];
    const body = phantom.parameters.levels.find((l) => l.name === 'L1')?.body;
    if (!body) throw new Error('no L1');
    const n = body.superEllipseExponent;
    const a = body.semiAxisXMm - body.cortexThicknessMm;
    const b = body.semiAxisYMm - body.cortexThicknessMm;
    for (let t = 0; t < 64; t++) for (let u = 0; u <= 16; u++) {
      const th = (2 * Math.PI * t) / 64;
      const ph = (Math.PI * u) / 16;
      const p: Vec3 = [
        les.centreMm[0] + les.radiiMm[0] * Math.sin(ph) * Math.cos(th),
        les.centreMm[1] + les.radiiMm[1] * Math.sin(ph) * Math.sin(th),
        les.centreMm[2] + les.radiiMm[2] * Math.cos(ph),
      ];
      const dx = Math.abs(p[0] - body.centreMm[0]) / a;
      const dy = Math.abs(p[1] - body.centreMm[1]) / b;
      expect(dx ** n + dy ** n).toBeLessThan(1);
      expect(Math.abs(p[2] - body.centreMm[2])).toBeLessThan(body.heightMm / 2 - body.endplateThicknessMm);
    }
    expect(Math.hypot(les.centreMm[0] - body.centreMm[0], les.centreMm[1] - body.centreMm[1])).toBeGreaterThan(5);
  });

  it('places the spine posteriorly with spinous processes pointing +y (posterior) and the canal behind the bodies', () => {
    for (const lv of phantom.parameters.levels) {
      expect(lv.canal.centreMm[1]).toBeGreaterThan(lv.body.centreMm[1]);
      expect(lv.spinousProcess.centreMm[1]).toBeGreaterThan(lv.canal.centreMm[1] + lv.canal.semiAxisYMm);
      expect(lv.body.centreMm[1]).toBeLessThan(0);
      expect(lv.pedicles.left.isthmusCentreMm[0]).toBeGreaterThan(0); // patient left = +x
      expect(lv.pedicles.right.isthmusCentreMm[0]).toBeLessThan(0);
    }
  });

  it('keeps pedicles and canal disjoint (analytic solids share no point on a 0.5 mm lattice)', () => {
    for (const lv of phantom.parameters.levels) {
      const solids = levelSolids(lv);
      const canal = solids.find((s) => s.kind === 'spinalCanal')?.solid;
      // levelSolids order: body, left pedicle, right pedicle, canal, posterior elements…
      const peds = [solids[1], solids[2]];
      if (lv.fullyLabelled) expect(peds.map((p) => p.kind)).toEqual(['leftPedicle', 'rightPedicle']);
      if (!canal) throw new Error('no canal');
      let checked = 0;
      for (const p of peds) {
        const bb = p.solid.bbox;
        for (let z = bb.minMm[2]; z <= bb.maxMm[2]; z += 0.5) for (let y = bb.minMm[1]; y <= bb.maxMm[1]; y += 0.5) for (let x = bb.minMm[0]; x <= bb.maxMm[0]; x += 0.5) {
          const inPedicle = p.solid.classify(x, y, z) !== 0;
          if (inPedicle) checked++;
          if (inPedicle && canal.classify(x, y, z)) throw new Error(`${lv.name} pedicle overlaps canal at ${x},${y},${z}`);
        }
      }
      expect(checked).toBeGreaterThan(1000);
    }
  });
});

describe('analytic pedicle', () => {
  const l1 = (): NonNullable<ReturnType<typeof findL1>> => {
    const v = findL1();
    if (!v) throw new Error('no L1');
    return v;
  };
  const findL1 = () => phantom.parameters.levels.find((l) => l.name === 'L1');

  it('is narrowest at the isthmus and its axis is a unit vector in the axial plane at the published medial angle', () => {
    for (const p of [l1().pedicles.left, l1().pedicles.right]) {
      const [a0, b0] = pedicleSemiAxesMm(toTube(p), 0);
      for (let s = p.sMinMm; s <= p.sMaxMm; s += 0.25) {
        const [a, b] = pedicleSemiAxesMm(toTube(p), s);
        expect(a).toBeGreaterThanOrEqual(a0);
        expect(b).toBeGreaterThanOrEqual(b0);
      }
      expect(Math.hypot(...p.axisDirection)).toBeCloseTo(1, 12);
      expect(p.axisDirection[2]).toBe(0);
      // Medial angle: angle between the axis and the sagittal plane; the axis converges towards the midline anteriorly.
      const angle = (Math.atan2(Math.abs(p.axisDirection[0]), -p.axisDirection[1]) * 180) / Math.PI;
      expect(angle).toBeCloseTo(11, 6);
      expect(Math.sign(p.axisDirection[0])).toBe(p.side === 'left' ? -1 : 1);
    }
  });

  it('publishes the exact optimum clearance: min distance from the axis to the tube surface = min(A0, B0)', () => {
    const p = l1().pedicles.left;
    let minDist = Infinity;
    const c = p.isthmusCentreMm;
    for (let s = p.sMinMm; s <= p.sMaxMm; s += 0.05) {
      const [a, b] = pedicleSemiAxesMm(toTube(p), s);
      for (let t = 0; t < 360; t += 2) {
        const th = (t * Math.PI) / 180;
        const u = a * Math.cos(th);
        const v = b * Math.sin(th);
        // Surface point minus its projection on the axis line.
        const q: Vec3 = [0, 1, 2].map((k) => c[k] + s * p.axisDirection[k] + u * p.widthDirection[k] + v * p.heightDirection[k]) as Vec3;
        const rel: Vec3 = [q[0] - c[0], q[1] - c[1], q[2] - c[2]];
        const along = rel[0] * p.axisDirection[0] + rel[1] * p.axisDirection[1] + rel[2] * p.axisDirection[2];
        const d = Math.hypot(rel[0] - along * p.axisDirection[0], rel[1] - along * p.axisDirection[1], rel[2] - along * p.axisDirection[2]);
        minDist = Math.min(minDist, d);
      }
    }
    expect(minDist).toBeCloseTo(p.optimalAxisClearanceMm, 6);
    expect(p.optimalAxisClearanceMm).toBe(4); // half the 8 mm L1 pedicle width
  });

  it('rasterised isthmus width across the axis matches the 8 mm morphometric pedicle width (±1 voxel)', () => {
    for (const p of [l1().pedicles.left, l1().pedicles.right]) {
      const label = p.side === 'left' ? l1().labels.leftPedicle : l1().labels.rightPedicle;
      let inside = 0;
      const step = 0.05;
      for (let u = -10; u <= 10; u += step) {
        const q: Vec3 = [0, 1, 2].map((k) => p.isthmusCentreMm[k] + u * p.widthDirection[k]) as Vec3;
        if (sample(phantom.labels.data, q) === label) inside += step;
      }
      expect(Math.abs(inside - 8)).toBeLessThanOrEqual(1.0);
    }
  });

  it('labels the isthmus centre as pedicle and the axis points posterior and anterior of it as posterior elements / body', () => {
    const lv = l1();
    const p = lv.pedicles.left;
    expect(sample(phantom.labels.data, p.isthmusCentreMm)).toBe(lv.labels.leftPedicle);
    const deep: Vec3 = [0, 1, 2].map((k) => p.isthmusCentreMm[k] + (p.sMaxMm + 5) * p.axisDirection[k]) as Vec3;
    expect(sample(phantom.labels.data, deep)).toBe(lv.labels.vertebralBody);
    const back: Vec3 = [0, 1, 2].map((k) => p.isthmusCentreMm[k] + (p.sMinMm - 2) * p.axisDirection[k]) as Vec3;
    expect(sample(phantom.labels.data, back)).toBe(lv.labels.posteriorElements);
  });
});

function toTube(p: import('../../../src/phantom').PedicleParams) {
  return {
    isthmusCentreMm: p.isthmusCentreMm, axis: p.axisDirection, lateral: p.widthDirection, vertical: p.heightDirection,
    isthmusHalfWidthMm: p.isthmusHalfWidthMm, isthmusHalfHeightMm: p.isthmusHalfHeightMm, widthFlarePerMm: p.widthFlarePerMm,
    heightFlarePerMm: p.heightFlarePerMm, flareCapMm: p.flareCapMm, sMinMm: p.sMinMm, sMaxMm: p.sMaxMm, cortexThicknessMm: p.cortexThicknessMm,
  };
}

describe('CT numbers', () => {
  it('has nominal tissue HU inside the documented ranges', () => {
    expect(TISSUE_HU.CorticalBone).toBeGreaterThanOrEqual(1000);
    expect(TISSUE_HU.CorticalBone).toBeLessThanOrEqual(1500);
    expect(TISSUE_HU.CancellousBone).toBeGreaterThanOrEqual(150);
    expect(TISSUE_HU.CancellousBone).toBeLessThanOrEqual(300);
    expect(TISSUE_HU.Lesion).toBeGreaterThanOrEqual(20);
    expect(TISSUE_HU.Lesion).toBeLessThanOrEqual(60);
    expect(TISSUE_HU.Disc).toBe(80);
    expect(TISSUE_HU.Csf).toBe(5);
    expect(TISSUE_HU.Cord).toBe(35);
    expect(TISSUE_HU.Muscle).toBe(50);
    expect(TISSUE_HU.Fat).toBe(-100);
  });

  it('measures mean HU ≈ nominal and noise σ ≈ 15 HU in the interior of each tissue', () => {
    const g = phantom.ct.geometry;
    const [nx, ny, nz] = g.dimensions;
    const t = phantom.tissues.data;
    const stats = new Map<number, { n: number; sum: number; sum2: number }>();
    for (let k = 0; k < nz; k++) for (let j = 1; j < ny - 1; j++) for (let i = 1; i < nx - 1; i++) {
      const v = i + nx * (j + ny * k);
      const c = t[v];
      // Interior in-plane (the scanner blur is in-plane only): all 8 neighbours have the same tissue.
      if (t[v - 1] !== c || t[v + 1] !== c || t[v - nx] !== c || t[v + nx] !== c || t[v - nx - 1] !== c || t[v - nx + 1] !== c || t[v + nx - 1] !== c || t[v + nx + 1] !== c) continue;
      const s = stats.get(c) ?? { n: 0, sum: 0, sum2: 0 };
      const hu = phantom.ct.data[v];
      s.n++; s.sum += hu; s.sum2 += hu * hu;
      stats.set(c, s);
    }
    const check = (tissue: number, nominal: number, minN: number): void => {
      const s = stats.get(tissue);
      if (!s) throw new Error(`no interior voxels for tissue ${tissue}`);
      expect(s.n).toBeGreaterThan(minN);
      const mean = s.sum / s.n;
      const sd = Math.sqrt(s.sum2 / s.n - mean * mean);
      expect(Math.abs(mean - nominal)).toBeLessThan(4 * 15 / Math.sqrt(s.n) + 0.5);
      expect(sd).toBeGreaterThan(14);
      expect(sd).toBeLessThan(16);
    };
    check(Tissue.CancellousBone, TISSUE_HU.CancellousBone, 10000);
    check(Tissue.Disc, TISSUE_HU.Disc, 5000);
    check(Tissue.Muscle, TISSUE_HU.Muscle, 10000);
    check(Tissue.Fat, TISSUE_HU.Fat, 10000);
    check(Tissue.Lesion, TISSUE_HU.Lesion, 500);
    check(Tissue.Csf, TISSUE_HU.Csf, 1000);
    check(Tissue.Cord, TISSUE_HU.Cord, 500);
    // Air is clamped at −1024 (scanner floor), so only its mean is checked loosely.
    const air = stats.get(Tissue.Air);
    expect(air && air.sum / air.n).toBeLessThan(-990);
  });

  it('shows a bright cortical shell on the vertebral body (mean > 700 HU after the 0.5 mm scanner blur of a 1.2 mm, 1250 HU shell)', () => {
    const lv = phantom.parameters.levels.find((l) => l.name === 'L2');
    if (!lv) throw new Error('no L2');
    const g = phantom.ct.geometry;
    const nx = g.dimensions[0];
    const ny = g.dimensions[1];
    const { data } = phantom.ct;
    // Mean HU over the anterior cortical wall (labelled cortical in the tissue map) across the mid-body slices.
    let sum = 0, n = 0;
    for (let k = 0; k < g.dimensions[2]; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const v = i + nx * (j + ny * k);
      if (phantom.tissues.data[v] === Tissue.CorticalBone && phantom.labels.data[v] === lv.labels.vertebralBody) { sum += data[v]; n++; }
    }
    // With the 0.5 mm in-plane blur a 1.2 mm shell keeps most of its 1250 HU.
    expect(sum / n).toBeGreaterThan(700);
  });

  it('is deterministic for a seed and the seed only changes the noise', () => {
    const again = generatePhantom({ seed: 1 });
    expect(Buffer.from(again.ct.data.buffer).equals(Buffer.from(phantom.ct.data.buffer))).toBe(true);
    const other = generatePhantom({ seed: 2 });
    expect(Buffer.from(other.labels.data.buffer).equals(Buffer.from(phantom.labels.data.buffer))).toBe(true);
    expect(Buffer.from(other.ct.data.buffer).equals(Buffer.from(phantom.ct.data.buffer))).toBe(false);
  });
});
