import { decayCorrectedStrengthU, doseIntegrationHours, meanLifeHours, mCiToU, totalDoseGy } from '../../../src/dose/decay';

describe('permanent implant dose', () => {
  it('τ = T½/ln 2 = 2056.7 h for 125I (59.40 d)', () => {
    expect(meanLifeHours()).toBeCloseTo((59.4 * 24) / Math.LN2, 9);
    expect(meanLifeHours()).toBeCloseTo(2056.706, 2);
  });

  it('total dose to infinity equals the numerical integral of the decaying dose rate', () => {
    const rate0 = 7.3; // cGy/h
    const lambda = Math.LN2 / (59.4 * 24);
    // Simpson's rule over 40 half-lives, 1 h steps.
    const T = 40 * 59.4 * 24;
    const n = Math.round(T);
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
      s += w * rate0 * Math.exp(-lambda * i);
    }
    const integralCGy = s / 3;
    expect(totalDoseGy(rate0) * 100).toBeCloseTo(integralCGy, 3);
  });

  it('dose to a finite time: first day and one half-life', () => {
    expect(doseIntegrationHours(24)).toBeCloseTo((1 - Math.exp(-24 / meanLifeHours())) * meanLifeHours(), 9);
    expect(doseIntegrationHours(59.4 * 24) / doseIntegrationHours()).toBeCloseTo(0.5, 12);
    expect(() => doseIntegrationHours(-1)).toThrow(/≥ 0/);
  });

  it('decay-corrects S_K from calibration to implant date, and converts mCi with 1.270 U/mCi', () => {
    const cal = Date.UTC(2024, 0, 1);
    expect(decayCorrectedStrengthU(1, cal, cal + 59.4 * 86_400_000)).toBeCloseTo(0.5, 12);
    expect(decayCorrectedStrengthU(1, new Date(cal), new Date(cal - 59.4 * 86_400_000))).toBeCloseTo(2, 12);
    expect(mCiToU(0.5)).toBeCloseTo(0.635, 12);
  });
});
