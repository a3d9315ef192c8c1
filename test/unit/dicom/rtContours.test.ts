// Pixel-edge contours of label masks: filling them back (even-odd at pixel centres) must give the same mask.
import { maskToPolygons, polygonsToMask } from '../../../src/dicom/contours';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function area(poly: number[]): number {
  let a = 0;
  for (let p = 0; p < poly.length / 2; p++) {
    const q = (p + 1) % (poly.length / 2);
    a += poly[2 * p] * poly[2 * q + 1] - poly[2 * q] * poly[2 * p + 1];
  }
  return a / 2;
}

describe('mask ↔ closed planar contours', () => {
  it('a 10×6 rectangle is one 4-point loop with the pixel-edge area 60', () => {
    const w = 20, h = 12;
    const m = new Uint8Array(w * h);
    for (let j = 3; j < 9; j++) for (let i = 5; i < 15; i++) m[i + j * w] = 1;
    const polys = maskToPolygons(m, w, h);
    expect(polys).toHaveLength(1);
    expect(polys[0]).toHaveLength(8);
    expect(Math.abs(area(polys[0]))).toBe(60);
    expect(Math.min(...polys[0].filter((_, i) => i % 2 === 0))).toBe(4.5);
    expect(polygonsToMask(polys, w, h)).toEqual(m);
  });

  it('a ring gives an outer and an inner loop of opposite orientation; XOR filling keeps the hole', () => {
    const w = 16, h = 16;
    const m = new Uint8Array(w * h);
    for (let j = 2; j < 14; j++) for (let i = 2; i < 14; i++) m[i + j * w] = i < 5 || i > 10 || j < 5 || j > 10 ? 1 : 0;
    const polys = maskToPolygons(m, w, h);
    expect(polys).toHaveLength(2);
    const areas = polys.map(area).sort((a, b) => a - b);
    expect(areas).toEqual([-36, 144]);
    expect(polygonsToMask(polys, w, h)).toEqual(m);
  });

  it('random masks (diagonal touching, single pixels, image borders) fill back exactly', () => {
    const rand = lcg(7);
    for (let t = 0; t < 200; t++) {
      const w = 1 + Math.floor(rand() * 24);
      const h = 1 + Math.floor(rand() * 24);
      const p = rand();
      const m = new Uint8Array(w * h);
      for (let i = 0; i < m.length; i++) m[i] = rand() < p ? 1 : 0;
      const polys = maskToPolygons(m, w, h);
      expect(polygonsToMask(polys, w, h)).toEqual(m);
      let count = 0;
      m.forEach((v) => (count += v));
      expect(polys.reduce((s, poly) => s + area(poly), 0)).toBeCloseTo(count, 9);
    }
  });

  it('an empty mask has no contours', () => {
    expect(maskToPolygons(new Uint8Array(9), 3, 3)).toEqual([]);
  });
});
