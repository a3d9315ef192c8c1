// Algorithm unit tests on small analytic volumes whose answers are known exactly.
import type { ScalarVolume, Vec3, VolumeGeometry } from '../../../src/geometry/volume';
import { voxelToPatient } from '../../../src/geometry/volume';
import { axisMappingOf, extractCanonicalRoi, patientToCanonical } from '../../../src/segmentation/anatomicalFrame';
import { detectLesion } from '../../../src/segmentation/lesion';
import {
  closeBox,
  connectedFrom,
  countMask,
  dice,
  dilateBox,
  erodeBox,
  fillHoles2D,
  fillHoles3D,
  jointGapsXY,
  labelComponents,
  median3x3XY,
  openBox,
  sliceHoles,
} from '../../../src/segmentation/morphology';
import { LABEL_VALUES, SegmentationError, segmentVertebra } from '../../../src/segmentation';

const idx = (d: readonly number[], x: number, y: number, z: number): number => x + d[0] * (y + d[1] * z);

function box(d: [number, number, number], lo: Vec3, hi: Vec3): Uint8Array {
  const m = new Uint8Array(d[0] * d[1] * d[2]);
  for (let z = lo[2]; z <= hi[2]; z++) for (let y = lo[1]; y <= hi[1]; y++) for (let x = lo[0]; x <= hi[0]; x++) m[idx(d, x, y, z)] = 1;
  return m;
}

describe('morphology on analytic masks', () => {
  const d: [number, number, number] = [20, 20, 20];

  it('dilates and erodes a box by exactly the structuring element', () => {
    const m = box(d, [5, 5, 5], [9, 9, 9]); // 5³
    expect(countMask(dilateBox(m, d, [1, 1, 1]))).toBe(7 ** 3);
    expect(countMask(dilateBox(m, d, [2, 1, 0]))).toBe(9 * 7 * 5);
    expect(countMask(erodeBox(m, d, [1, 1, 1]))).toBe(3 ** 3);
    expect(countMask(openBox(m, d, [1, 1, 1]))).toBe(5 ** 3); // a box survives opening by a smaller box
    expect(countMask(openBox(box(d, [5, 5, 5], [6, 9, 9]), d, [1, 1, 0]))).toBe(0); // a 2-voxel plate does not
  });

  it('closing bridges a one-voxel gap', () => {
    const m = box(d, [2, 5, 5], [8, 9, 9]);
    m.set(box(d, [10, 5, 5], [16, 9, 9]).map((v, i) => v | m[i]));
    expect(countMask(closeBox(m, d, [1, 0, 0]))).toBe(15 * 5 * 5);
  });

  it('fills a closed cavity in 3-D but not a tube open at both ends', () => {
    const shell = box(d, [4, 4, 4], [14, 14, 14]);
    const cavity = box(d, [7, 7, 7], [11, 11, 11]);
    const withCavity = shell.map((v, i) => (cavity[i] ? 0 : v));
    expect(countMask(fillHoles3D(withCavity, d))).toBe(11 ** 3);
    const tube = box(d, [7, 7, 0], [11, 11, 19]);
    const withTube = box(d, [4, 4, 0], [14, 14, 19]).map((v, i) => (tube[i] ? 0 : v));
    expect(countMask(fillHoles3D(withTube, d))).toBe(countMask(withTube));
    // …while per-slice 2-D filling closes the tube's lumen in every slice.
    expect(countMask(fillHoles2D(withTube, d))).toBe(11 * 11 * 20);
    const { ids, sizes } = sliceHoles(withTube, d, 3);
    expect(sizes).toEqual([0, 25]);
    expect(ids[idx(d, 9, 9, 0)]).toBe(1);
  });

  it('labels 6-connected components (diagonal neighbours are separate)', () => {
    const m = new Uint8Array(d[0] * d[1] * d[2]);
    m[idx(d, 1, 1, 1)] = 1;
    m[idx(d, 2, 2, 1)] = 1;
    m.set(box(d, [10, 10, 10], [12, 12, 12]).map((v, i) => v | m[i]));
    const { sizes } = labelComponents(m, d);
    expect(sizes.slice(1).sort((a, b) => a - b)).toEqual([1, 1, 27]);
    expect(countMask(connectedFrom(m, d, [idx(d, 11, 11, 11)]))).toBe(27);
  });

  it('median removes isolated spikes and keeps a step edge in place', () => {
    const dd: [number, number, number] = [9, 9, 1];
    const v = new Float32Array(81);
    for (let y = 0; y < 9; y++) for (let x = 0; x < 9; x++) v[x + 9 * y] = x < 4 ? 1000 : 0;
    v[7 + 9 * 4] = 3000; // spike in the background
    const m = median3x3XY(v, dd);
    expect(m[7 + 9 * 4]).toBe(0);
    for (let y = 0; y < 9; y++) {
      expect(m[3 + 9 * y]).toBe(1000);
      expect(m[4 + 9 * y]).toBe(0);
    }
  });

  it('marks a narrow dark gap between two cortices (joint space), not cancellous bone behind one cortex', () => {
    // Every row along x: cancellous | cortex | 1-px gap | cortex | 5 px cancellous | cortex | 2-px gap | cortex | cancellous.
    const row = [250, 250, 1200, 1200, 300, 1200, 1200, 250, 250, 250, 250, 250, 1200, 350, 320, 1200, 250, 250, 250, 250];
    const dd: [number, number, number] = [20, 5, 1];
    const v = new Float32Array(100);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 20; x++) v[x + 20 * y] = row[x];
    const all = new Uint8Array(100).fill(1);
    const marked = (m: Uint8Array): number[] => Array.from(m).map((b, i) => (b ? i : -1)).filter((i) => i >= 0);
    // With maxStep 2, pixels within 2 of the crop's side are skipped: only row y = 2 is tested, x = 2…17.
    expect(marked(jointGapsXY(v, all, dd, 2, 300))).toEqual([4, 13, 14].map((x) => x + 40));
    // Contrast below the threshold, or outside the mask: not marked.
    expect(countMask(jointGapsXY(v, all, dd, 2, 1000))).toBe(0);
    const notBone = all.slice();
    notBone[44] = 0;
    expect(marked(jointGapsXY(v, notBone, dd, 2, 300))).toEqual([53, 54]);
    // A 4-px gap is wider than 2·maxStep − 1 = 3 px: not a joint space. With maxStep 3 it is.
    const d7: [number, number, number] = [20, 7, 1];
    const wide = new Float32Array(140).fill(250);
    for (let y = 0; y < 7; y++) {
      wide[5 + 20 * y] = 1200;
      wide[10 + 20 * y] = 1200;
    }
    const all7 = new Uint8Array(140).fill(1);
    expect(countMask(jointGapsXY(wide, all7, d7, 2, 300))).toBe(0);
    // maxStep 3 tests rows y = 3 only (x = 3…16): the two middle pixels of the gap (x = 7, 8) have both cortices within 3.
    expect(marked(jointGapsXY(wide, all7, d7, 3, 300))).toEqual([67, 68]);
  });

  it('dice of known overlaps', () => {
    expect(dice([1, 1, 0, 0], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(dice([0, 0], [0, 0])).toBe(1);
  });
});

describe('anatomical frame', () => {
  const dims: [number, number, number] = [4, 5, 6];
  const base = (direction: [Vec3, Vec3, Vec3]): VolumeGeometry => ({ dimensions: dims, spacingMm: [0.8, 0.9, 2], originMm: [10, -20, 30], direction });

  it('maps flipped and permuted axes so that x → left, y → posterior, z → superior', () => {
    // Rows run to the patient's right, columns anterior, slices inferior (feet-first, prone-like).
    const g = base([[-1, 0, 0], [0, -1, 0], [0, 0, -1]]);
    const m = axisMappingOf(g);
    expect(m).toEqual({ sourceAxis: [0, 1, 2], sign: [-1, -1, -1] });
    const data = new Int16Array(4 * 5 * 6).map((_, i) => i);
    const roi = extractCanonicalRoi({ geometry: g, data }, m, [0, 0, 0], [3, 4, 5]);
    // Canonical voxel (0,0,0) is the most right, anterior, inferior one = source (3, 4, 5).
    expect(roi.sourceIndex[0]).toBe(3 + 4 * 4 + 5 * 20);
    expect(roi.spacingMm).toEqual([0.8, 0.9, 2]);
    // Moving +1 along canonical x moves the patient point to the left (+x).
    const p0 = voxelToPatient(g, 3, 4, 5);
    const p1 = voxelToPatient(g, 2, 4, 5);
    expect(p1[0] - p0[0]).toBeCloseTo(0.8, 12);
    expect(patientToCanonical(g, m, p1)[0]).toBeCloseTo(1, 12);
  });

  it('handles rows along the patient y axis (transposed in-plane axes)', () => {
    const m = axisMappingOf(base([[0, 1, 0], [1, 0, 0], [0, 0, 1]]));
    expect(m).toEqual({ sourceAxis: [1, 0, 2], sign: [1, 1, 1] });
  });

  it('rejects a tilted gantry, a sagittal series and degenerate geometry with clear messages', () => {
    const t = (5 * Math.PI) / 180;
    expect(() => axisMappingOf(base([[1, 0, 0], [0, Math.cos(t), -Math.sin(t)], [0, Math.sin(t), Math.cos(t)]]))).toThrow(/tilted gantry/);
    expect(() => axisMappingOf(base([[0, 1, 0], [0, 0, -1], [1, 0, 0]]))).toThrow(/not axial/);
    try {
      axisMappingOf({ ...base([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), spacingMm: [1, 0, 1] });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(SegmentationError);
      expect((e as SegmentationError).code).toBe('invalid-volume');
    }
  });
});

/**
 * An analytic "vertebra" on a 1 mm grid (x → left, y → posterior, z → superior):
 * body = elliptic cylinder (cortex 1200 HU, cancellous 250 HU) with a lytic sphere (40 HU) inside,
 * a ring behind it (pedicles = two bars, laminae = a bar behind the canal) enclosing a canal of soft tissue,
 * discs (80 HU) above and below, and the next bodies beyond them. Soft tissue 40 HU, noise-free.
 */
function analyticSpine(lesionHU = 40): { ct: ScalarVolume<Int16Array>; truth: Uint8Array; lesionVoxels: number } {
  const dims: [number, number, number] = [80, 90, 70];
  const g: VolumeGeometry = { dimensions: dims, spacingMm: [1, 1, 1], originMm: [-40, -50, -35], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
  const data = new Int16Array(dims[0] * dims[1] * dims[2]).fill(40);
  const truth = new Uint8Array(data.length);
  let lesionVoxels = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) {
        const [x, y, z] = voxelToPatient(g, i, j, k);
        const v = i + dims[0] * (j + dims[1] * k);
        const rBody = (x / 20) ** 2 + ((y + 15) / 14) ** 2; // body centre y = −15, posterior wall y = −1
        const inBodyXY = rBody <= 1;
        const levelZ = Math.abs(z) <= 12 ? 0 : Math.abs(z) >= 18 && Math.abs(z) <= 34 ? Math.sign(z) : null;
        if (inBodyXY && levelZ !== null) {
          const cortex = rBody > 0.86 || Math.abs(Math.abs(z) - (levelZ === 0 ? 12 : 18)) < 1 || (levelZ !== 0 && Math.abs(z) > 33);
          data[v] = cortex ? 1200 : 250;
          if (levelZ === 0) truth[v] = LABEL_VALUES.body;
          if (levelZ === 0 && (x - 5) ** 2 + (y + 17) ** 2 + (z - 2) ** 2 <= 36) {
            data[v] = lesionHU;
            truth[v] = LABEL_VALUES.lesion;
            lesionVoxels++;
          }
        } else if (inBodyXY && Math.abs(z) < 18) {
          data[v] = 80; // disc
        }
        // Posterior ring of the middle level (and of the neighbours), canal |x| < 9, −1 < y < 15.
        const ringZ = Math.abs(z) <= 10 || (Math.abs(z) >= 20 && Math.abs(z) <= 32);
        if (ringZ && y > -1.5) {
          const pedicle = Math.abs(x) >= 9 && Math.abs(x) <= 15 && y <= 10;
          const lamina = Math.abs(x) <= 15 && y > 15 && y <= 21;
          const post = (Math.abs(x) >= 9 && Math.abs(x) <= 15 && y > 10 && y <= 15) || lamina;
          if (pedicle || post) {
            data[v] = 1000;
            if (Math.abs(z) <= 10) truth[v] = pedicle ? (x > 0 ? LABEL_VALUES.leftPedicle : LABEL_VALUES.rightPedicle) : LABEL_VALUES.posteriorElements;
          }
          if (Math.abs(x) < 9 && y > -1 && y <= 15 && Math.abs(z) <= 10) truth[v] = LABEL_VALUES.canal;
        }
      }
    }
  }
  return { ct: { geometry: g, data }, truth, lesionVoxels };
}

describe('segmentVertebra on an analytic vertebra', () => {
  const { ct, truth, lesionVoxels } = analyticSpine();
  const seg = segmentVertebra(ct, [-8, -12, -4]);
  const diceOf = (label: number, zMaxMm = Infinity): number => {
    const a: number[] = [];
    const b: number[] = [];
    for (let v = 0; v < truth.length; v++) {
      const k = Math.floor(v / (80 * 90));
      if (Math.abs(-35 + k) > zMaxMm) continue;
      a.push(truth[v] === label ? 1 : 0);
      b.push(seg.labels[v] === label ? 1 : 0);
    }
    return dice(a, b);
  };

  it('finds the body between the discs, with the lytic lesion kept inside the vertebra', () => {
    expect(seg.endplatesZMm.inferior).toBeCloseTo(-12.5, 5);
    expect(seg.endplatesZMm.superior).toBeCloseTo(12.5, 5);
    // Slab = mid-disc planes (discs span 12 < |z| < 18).
    expect(seg.slabZMm.superior).toBeGreaterThanOrEqual(14.5);
    expect(seg.slabZMm.superior).toBeLessThanOrEqual(15.5);
    expect(diceOf(LABEL_VALUES.body)).toBeGreaterThan(0.97);
    expect(diceOf(LABEL_VALUES.lesion)).toBeGreaterThan(0.85);
    const lesion = seg.segments.find((s) => s.key === 'lesion');
    expect(lesion?.label).toBe('Lesion');
    expect(lesion?.voxelCount).toBeGreaterThan(0.7 * lesionVoxels);
    // Nothing of the neighbouring levels.
    let outside = 0;
    for (let v = 0; v < truth.length; v++) {
      const k = Math.floor(v / (80 * 90));
      if (Math.abs(-35 + k) >= 16 && seg.labels[v] !== 0) outside++;
    }
    expect(outside).toBe(0);
  });

  it('splits the arch: left pedicle at +x, right pedicle at −x, canal enclosed by them', () => {
    // Only compare within the ring's z-range (|z| ≤ 10): the canal label extends over the whole slab.
    expect(diceOf(LABEL_VALUES.leftPedicle, 10)).toBeGreaterThan(0.8);
    expect(diceOf(LABEL_VALUES.rightPedicle, 10)).toBeGreaterThan(0.8);
    expect(diceOf(LABEL_VALUES.canal, 10)).toBeGreaterThan(0.9);
    // Voxel centres (±12, 5, 0) mm: i = 40 ± 12, j = 55, k = 35.
    expect(seg.labels[52 + 80 * (55 + 90 * 35)]).toBe(LABEL_VALUES.leftPedicle);
    expect(seg.labels[28 + 80 * (55 + 90 * 35)]).toBe(LABEL_VALUES.rightPedicle);
    expect(seg.labels[40 + 80 * (55 + 90 * 35)]).toBe(LABEL_VALUES.canal);
  });

  it('orders segments with the exact contract labels', () => {
    expect(seg.segments.map((s) => s.label)).toEqual(['Vertebral body', 'Left pedicle', 'Right pedicle', 'Posterior elements', 'Spinal canal', 'Lesion']);
  });

  it('skips the lesion when asked', () => {
    const noLesion = segmentVertebra(ct, [-8, -12, -4], { lesion: false });
    expect(noLesion.segments.map((s) => s.key)).not.toContain('lesion');
  });
});

describe('blastic (sclerotic) lesion option', () => {
  // The same analytic vertebra with the sphere at 900 HU: denser than cancellous bone (250 HU), below the cortex.
  const { ct, truth, lesionVoxels } = analyticSpine(900);
  const diceLesion = (labels: Uint8Array): number => {
    const a: number[] = [];
    const b: number[] = [];
    for (let v = 0; v < truth.length; v++) {
      a.push(truth[v] === LABEL_VALUES.lesion ? 1 : 0);
      b.push(labels[v] === LABEL_VALUES.lesion ? 1 : 0);
    }
    return dice(a, b);
  };

  it('finds the sclerotic sphere with kind "blastic" (Dice > 0.8), not the cortex', () => {
    const seg = segmentVertebra(ct, [-8, -12, -4], { lesion: { kind: 'blastic' } });
    expect(diceLesion(seg.labels)).toBeGreaterThan(0.8);
    const lesion = seg.segments.find((s) => s.key === 'lesion');
    expect(lesion?.voxelCount).toBeGreaterThan(0.7 * lesionVoxels);
    expect(lesion?.voxelCount).toBeLessThan(1.3 * lesionVoxels);
  });

  it('the default (lytic) range finds no lesion in a purely sclerotic vertebra', () => {
    const seg = segmentVertebra(ct, [-8, -12, -4]);
    expect(seg.segments.map((s) => s.key)).not.toContain('lesion');
  });
});

describe('segmentVertebra cuts a rib at its costovertebral joint', () => {
  // The analytic vertebra plus a rib on the patient's left: a dense bar from x = 17 to 45 mm level with the
  // pedicle (0 ≤ y ≤ 6, |z| ≤ 5), separated from the pedicle (x ≤ 15) by a 1 mm joint space whose partial-volume
  // value, 300 HU, is above the 150 HU bone threshold: a plain threshold + opening would grow into the rib.
  const { ct } = analyticSpine();
  const g = ct.geometry;
  const rib = new Uint8Array(ct.data.length);
  const data = ct.data.slice();
  for (let k = 0; k < g.dimensions[2]; k++) {
    for (let j = 0; j < g.dimensions[1]; j++) {
      for (let i = 0; i < g.dimensions[0]; i++) {
        const [x, y, z] = voxelToPatient(g, i, j, k);
        if (y < 0 || y > 6 || Math.abs(z) > 5) continue;
        const v = i + g.dimensions[0] * (j + g.dimensions[1] * k);
        if (x > 15.5 && x < 16.5) data[v] = 300;
        if (x > 16.5 && x < 45.5) {
          data[v] = 1000;
          rib[v] = 1;
        }
      }
    }
  }
  const withRib: ScalarVolume<Int16Array> = { geometry: g, data };
  const ribVoxelsIn = (labels: Uint8Array): number => {
    let n = 0;
    for (let v = 0; v < labels.length; v++) if (rib[v] && labels[v]) n++;
    return n;
  };

  it('leaves the rib out and keeps the left pedicle', () => {
    const seg = segmentVertebra(withRib, [-8, -12, -4]);
    expect(ribVoxelsIn(seg.labels)).toBe(0);
    // Voxel centre (12, 3, 0) mm (i = 52, j = 53, k = 35) is left pedicle.
    expect(seg.labels[52 + 80 * (53 + 90 * 35)]).toBe(LABEL_VALUES.leftPedicle);
  });

  it('grows into the rib when the joint-space cut is disabled (the test can fail)', () => {
    const seg = segmentVertebra(withRib, [-8, -12, -4], { jointGapContrastHU: Infinity });
    expect(ribVoxelsIn(seg.labels)).toBeGreaterThan(0.9 * countMask(rib));
  });
});
