import { getSourceModel, listSourceModels, parseSourceModel } from '../../../src/dose/sourceModel';
import {
  anisotropyFunction,
  doseRateCGyPerH,
  doseRatePolarCGyPerH,
  geometryFunctionLine,
  radialDoseFunction,
} from '../../../src/dose/tg43';

const m6711 = getSourceModel('6711');

describe('TG-43U1 defining values', () => {
  it.each(listSourceModels().map((m) => [m.id, m.doseRateConstantCGyPerHPerU]))('model %s: Ḋ(1 cm, 90°) = Λ·S_K', (id, lambda) => {
    const m = getSourceModel(String(id));
    expect(doseRateCGyPerH(m, 1, 0, 1)).toBeCloseTo(Number(lambda), 10);
    expect(doseRateCGyPerH(m, 2.5, 0, 1)).toBeCloseTo(2.5 * Number(lambda), 10);
  });

  it('published consensus constants (TG-43U1): Λ 0.965 / 1.012 / 1.036 cGy/h/U, L 0.30 / 0.35 / 0.30 cm', () => {
    expect(getSourceModel('6711').doseRateConstantCGyPerHPerU).toBe(0.965);
    expect(getSourceModel('I25.S06').doseRateConstantCGyPerHPerU).toBe(1.012);
    expect(getSourceModel('6702').doseRateConstantCGyPerHPerU).toBe(1.036);
    expect(getSourceModel('bebig').activeLengthCm).toBe(0.35);
    expect(getSourceModel('CIAE-6711').id).toBe('6711');
  });
});

describe('hand-computed values of the 2D formalism', () => {
  // Reference numbers computed by hand (independent Python) from the tabulated g_L, F and
  // G_L = β/(L r sinθ) (1/(r² − L²/4) on the axis), normalised by G_L(1 cm, 90°).
  it.each([
    ['6711', 1.5, 45, 0.3732638227046327], // g(1.5)=0.908, F bilinear (1,2 cm; 40°,50°) = 0.94825
    ['6711', 3, 0, 0.03339909366911912], // on the axis: g(3)=0.632, F(3,0°)=0.488
    ['6711', 2, 90, 0.19747189088114664], // g(2)=0.814
    ['I25.S06', 0.75, 20, 1.366268660512613], // g(0.75)=1.020, F = (0.686+0.721)/2
    ['6702', 4, 15, 0.027053849358976992], // g(4)=0.553, F(4,15°)=0.749
  ])('model %s at r = %f cm, θ = %f°', (id, r, th, expected) => {
    const m = getSourceModel(String(id));
    const v = doseRatePolarCGyPerH(m, 1, Number(r), (Number(th) * Math.PI) / 180);
    expect(v / Number(expected)).toBeCloseTo(1, 9);
  });

  it('1D formalism: Λ·G_L(r,90°)/G_L(1,90°)·g_L(r)·φ_an(r)', () => {
    expect(doseRateCGyPerH(m6711, 1, 0, 1, '1D')).toBeCloseTo(0.965 * 0.944, 10);
    expect(doseRateCGyPerH(m6711, 1, 0, 2, '1D') / 0.18582104931915897).toBeCloseTo(1, 9);
  });

  it('g_L: nearest neighbour below 0.1 cm, log-linear beyond 10 cm', () => {
    expect(radialDoseFunction(m6711, 0.05)).toBe(1.055);
    expect(radialDoseFunction(m6711, 12) / 0.043580643632690846).toBeCloseTo(1, 9);
    expect(radialDoseFunction(m6711, 0.2)).toBeCloseTo((1.078 + 1.082) / 2, 12);
  });

  it('F: nearest neighbour in r outside the table', () => {
    expect(anisotropyFunction(m6711, 0.2, 0)).toBe(0.333);
    expect(anisotropyFunction(m6711, 9, 0)).toBe(0.55);
  });
});

describe('symmetry, limits and inside the source', () => {
  it('is symmetric about the transverse plane (θ ↔ 180° − θ) and in the away sign', () => {
    for (const [along, away] of [[0.3, 0.7], [2, 0.1], [1.2, 3.4], [4, 0]]) {
      const a = doseRateCGyPerH(m6711, 1, along, away);
      expect(doseRateCGyPerH(m6711, 1, -along, away)).toBeCloseTo(a, 12);
      expect(doseRateCGyPerH(m6711, 1, along, -away)).toBeCloseTo(a, 12);
    }
  });

  it('G_L tends to the inverse square far from the source (any angle)', () => {
    for (const th of [0, 0.3, 1, Math.PI / 2]) expect(geometryFunctionLine(20, th, 0.3) * 400).toBeCloseTo(1, 3);
    // Dose rate × r² / (Λ g F / G_L(1,90°)) → 1 far away
    const r = 15;
    const rest = (0.965 * radialDoseFunction(m6711, r) * 1) / geometryFunctionLine(1, Math.PI / 2, 0.3);
    expect((doseRateCGyPerH(m6711, 1, 0, r) * r * r) / rest).toBeCloseTo(1, 3);
  });

  it('stays finite and positive inside the source, and continuous across r = 0.1 cm', () => {
    expect(Number.isFinite(doseRateCGyPerH(m6711, 1, 0, 0))).toBe(true);
    expect(doseRateCGyPerH(m6711, 1, 0, 0)).toBeGreaterThan(doseRateCGyPerH(m6711, 1, 0, 0.2));
    expect(Number.isFinite(doseRateCGyPerH(m6711, 1, 0.1, 0))).toBe(true);
    const inside = doseRateCGyPerH(m6711, 1, 0, 0.0999999);
    const outside = doseRateCGyPerH(m6711, 1, 0, 0.1000001);
    expect(inside / outside).toBeCloseTo(1, 4);
  });
});

describe('source model files', () => {
  it('rejects malformed model data with a specific error', () => {
    expect(() => parseSourceModel({ id: 'x' })).toThrow(/missing "name"/);
    const good = JSON.parse(JSON.stringify(m6711)) as Record<string, unknown>;
    (good.anisotropyFunction as { thetaDeg: number[] }).thetaDeg[10] = 80;
    expect(() => parseSourceModel(good)).toThrow(/strictly increasing|0 to 90/);
    expect(() => getSourceModel('9999')).toThrow(/unknown seed model "9999"/);
  });
});
