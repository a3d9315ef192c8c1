import { computeDvh, doseMetrics, gatherDoseSamples, structureVoxels, volumeAtLeast } from '../../../src/dose/dvh';

describe('DVH of analytic cases', () => {
  it('uniform dose: every Dx equals the dose, V100 = 100% when the dose ≥ Rx, cumulative DVH is a step', () => {
    const n = 1000;
    const dose = new Float64Array(n).fill(150);
    const mask = new Uint8Array(n).fill(1);
    const s = structureVoxels(mask, 0.001);
    const samples = gatherDoseSamples(dose, s);
    const m = doseMetrics(samples, 100, 2);
    expect(m.volumeCm3).toBeCloseTo(1, 12);
    expect(m.D90Gy).toBe(150);
    expect(m.D100Gy).toBe(150);
    expect(m.DmaxGy).toBe(150);
    expect(m.DmeanGy).toBeCloseTo(150, 9);
    expect(m.V100Pct).toBe(100);
    expect(m.V150Pct).toBe(100);
    expect(m.V200Pct).toBe(0);
    expect(m.D0_1ccGy).toBe(150);
    expect(m.D1ccGy).toBe(150);
    expect(m.D2ccGy).toBeNull();
    expect(m.COIN).toBeCloseTo(0.5, 12); // PTV_ref = 1 cm³ of a 2 cm³ reference isodose
    expect(m.HI).toBe(0); // V150 = V100
    const dvh = computeDvh(samples, 10);
    expect(dvh.cumulativeCm3[15]).toBeCloseTo(1, 12);
    expect(dvh.differentialCm3[15]).toBeCloseTo(1, 12);
    expect(dvh.cumulativeCm3[0]).toBeCloseTo(1, 12);
  });

  it('point source A/r² in a sphere: cumulative DVH and D90 match V(≥D) = 4/3·π·min(R, √(A/D))³', () => {
    const h = 0.5; // mm
    const n = 81;
    const c = (n - 1) / 2;
    const R = 18; // mm
    const A = 1000; // Gy·mm²
    const dose = new Float64Array(n ** 3);
    const mask = new Uint8Array(n ** 3);
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const r = h * Math.hypot(i - c, j - c, k - c);
          const idx = i + n * (j + n * k);
          dose[idx] = r > 0 ? A / (r * r) : 1e9;
          if (r <= R) mask[idx] = 1;
        }
      }
    }
    const samples = gatherDoseSamples(dose, structureVoxels(mask, (h * h * h) / 1000));
    const sphere = (4 / 3) * Math.PI * (R / 10) ** 3; // cm³
    const m = doseMetrics(samples, 10);
    expect(m.volumeCm3 / sphere).toBeCloseTo(1, 2);
    // D90: the hottest 90% is the inner sphere of radius R·0.9^(1/3).
    expect(m.D90Gy / (A / (R * Math.cbrt(0.9)) ** 2)).toBeCloseTo(1, 1);
    expect(Math.abs(m.D90Gy / (A / (R * Math.cbrt(0.9)) ** 2) - 1)).toBeLessThan(0.01);
    // D100 = dose at the sphere surface.
    expect(Math.abs(m.D100Gy / (A / R ** 2) - 1)).toBeLessThan(0.03);
    const dvh = computeDvh(samples, 0.05);
    for (const D of [4, 6, 10]) {
      const expected = (4 / 3) * Math.PI * (Math.min(R, Math.sqrt(A / D)) / 10) ** 3;
      const got = dvh.cumulativeCm3[Math.round(D / 0.05)];
      expect(Math.abs(got / expected - 1)).toBeLessThan(0.02);
    }
    // D1cc: minimum dose in the hottest 1 cm³ = dose at the radius of a 1 cm³ sphere.
    const r1cc = Math.cbrt(1 / ((4 / 3) * Math.PI)) * 10;
    expect(Math.abs((m.D1ccGy ?? 0) / (A / r1cc ** 2) - 1)).toBeLessThan(0.02);
  });

  it('fractional occupancy counts partial voxels by their weight', () => {
    const dose = new Float64Array([100, 200, 300, 400]);
    const occ = new Float32Array([1, 0.5, 0.5, 0]);
    const s = structureVoxels(occ, 1);
    const m = doseMetrics(gatherDoseSamples(dose, s), 150);
    expect(m.volumeCm3).toBe(2);
    expect(m.DmeanGy).toBeCloseTo((100 + 100 + 150) / 2, 12);
    expect(m.V100Pct).toBeCloseTo(50, 12);
    expect(m.D0_1ccGy).toBe(300);
    expect(volumeAtLeast(dose, 250, 1)).toBe(2);
  });
});

describe('Dx by selection equals Dx by a full sort (reference written here)', () => {
  /** Reference: sort descending, walk the cumulative volume (the definition in the module comment). */
  function referenceDx(dose: number[], voxelCm3: number, volumeCm3: number): number | null {
    const total = dose.length * voxelCm3;
    if (volumeCm3 > total * (1 + 1e-9)) return null;
    const sorted = [...dose].sort((a, b) => b - a);
    let acc = 0;
    for (const d of sorted) {
      acc += voxelCm3;
      if (acc >= volumeCm3 - 1e-9 * total) return d;
    }
    return sorted[sorted.length - 1];
  }
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (const [n, ties] of [[10, false], [1000, false], [5000, true], [49_999, false]] as const) {
    it(`${n} voxels${ties ? ' with many equal doses' : ''}`, () => {
      const dose = Array.from({ length: n }, () => (ties ? Math.floor(rnd() * 20) * 10 : 500 * rnd() ** 3));
      const voxelCm3 = 0.001;
      const m = doseMetrics({ doseGy: Float64Array.from(dose), volumeCm3: new Float64Array(n).fill(voxelCm3) }, 120);
      const total = n * voxelCm3;
      expect(m.D90Gy).toBe(referenceDx(dose, voxelCm3, 0.9 * total));
      expect(m.D0_1ccGy).toBe(referenceDx(dose, voxelCm3, 0.1));
      expect(m.D1ccGy).toBe(referenceDx(dose, voxelCm3, 1));
      expect(m.D2ccGy).toBe(referenceDx(dose, voxelCm3, 2));
      expect(m.D100Gy).toBe(Math.min(...dose));
    });
  }
});
