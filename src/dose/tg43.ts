/**
 * AAPM TG-43U1 dose-rate formalism for one seed (Rivard et al., Med. Phys. 31:633, 2004).
 *
 * Units: distances in cm, angles in radians unless named `Deg`, air-kerma strength S_K in U
 * (1 U = 1 µGy·m²·h⁻¹ = 1 cGy·cm²·h⁻¹), dose rate in cGy/h. The seed sits at the origin with its
 * axis along +z ("along"); "away" is the distance from the axis.
 *
 * Interpolation / extrapolation (TG-43U1 Sec. IV and Appendix C, as implemented here):
 * - g_L(r): linear between tabulated radii; nearest neighbour (g_L(r_min)) below the first radius;
 *   log-linear (exponential) extrapolation from the last two points beyond the last radius.
 * - F(r,θ): bilinear in (r, θ in degrees); nearest neighbour in r outside the tabulated radii;
 *   θ folded into [0°, 90°] (F symmetric about the transverse plane).
 * - φ_an(r): linear; nearest neighbour outside the tabulated radii.
 *
 * Inside the source (no physical meaning: the point is inside the titanium capsule or closer than
 * the first tabulated radius): a point with r < R_MIN_CM = 0.1 cm is evaluated at r = 0.1 cm along the
 * same direction; a point then inside the capsule cylinder (|z| ≤ capsule length/2 and away < capsule
 * radius) is evaluated on the capsule wall (away = capsule radius, same z). Both keep the dose finite
 * (G_L diverges on the active segment), so a voxel containing a seed gets a large but finite dose.
 */
import type { SourceModel } from './sourceModel';

/** Smallest radius at which the formalism is evaluated; closer points are moved out to it (cm). */
export const R_MIN_CM = 0.1;
/** Reference point of the formalism: r0 = 1 cm, θ0 = 90° (TG-43U1 Sec. II.A). */
export const R0_CM = 1;

/** Which TG-43U1 formalism to use. */
export type Tg43Formalism = '2D' | '1D';

/** Index i with a[i] ≤ x < a[i+1], clamped to [0, n-2]. */
function bracket(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length - 2;
  if (x <= a[0]) return 0;
  if (x >= a[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Line-source geometry function G_L(r,θ) in cm⁻² (TG-43U1 eq. 4):
 * β/(L·r·sinθ) off the axis, 1/(r² − L²/4) on the axis.
 */
export function geometryFunctionLine(rCm: number, thetaRad: number, lengthCm: number): number {
  const z = rCm * Math.cos(thetaRad);
  const away = Math.abs(rCm * Math.sin(thetaRad));
  return geometryFunctionLineZAway(z, away, lengthCm);
}

/** G_L at the point (z along the axis, away from it), cm⁻². */
export function geometryFunctionLineZAway(zCm: number, awayCm: number, lengthCm: number): number {
  const h = lengthCm / 2;
  const r2 = zCm * zCm + awayCm * awayCm;
  if (awayCm <= 1e-9 * Math.sqrt(r2)) {
    // On the axis beyond the segment end: 1/(r² − L²/4) (TG-43U1 eq. 4, θ = 0).
    return 1 / (r2 - h * h);
  }
  // β is the angle subtended by the active segment at the point.
  const beta = Math.atan2(awayCm, zCm - h) - Math.atan2(awayCm, zCm + h);
  return beta / (lengthCm * awayCm);
}

/** Point-source geometry function G_P(r) = 1/r², cm⁻². */
export function geometryFunctionPoint(rCm: number): number {
  return 1 / (rCm * rCm);
}

/** Radial dose function g_L(r) (TG-43U1 eq. 5; see module comment for inter/extrapolation). */
export function radialDoseFunction(model: SourceModel, rCm: number): number {
  const { rCm: rs, gL } = model.radialDoseFunction;
  const n = rs.length;
  if (rCm <= rs[0]) return gL[0];
  if (rCm >= rs[n - 1]) {
    const g1 = gL[n - 2];
    const g2 = gL[n - 1];
    return g2 * Math.pow(g2 / g1, (rCm - rs[n - 1]) / (rs[n - 1] - rs[n - 2]));
  }
  const i = bracket(rs, rCm);
  const t = (rCm - rs[i]) / (rs[i + 1] - rs[i]);
  return gL[i] + t * (gL[i + 1] - gL[i]);
}

/** 2D anisotropy function F(r,θ) (TG-43U1 eq. 6), bilinear, θ folded to [0°, 90°]. */
export function anisotropyFunction(model: SourceModel, rCm: number, thetaDeg: number): number {
  const { rCm: rs, thetaDeg: ts, F } = model.anisotropyFunction;
  let th = Math.abs(thetaDeg) % 360;
  if (th > 180) th = 360 - th;
  if (th > 90) th = 180 - th;
  const rc = Math.min(Math.max(rCm, rs[0]), rs[rs.length - 1]);
  const i = bracket(rs, rc);
  const j = bracket(ts, th);
  const u = (rc - rs[i]) / (rs[i + 1] - rs[i]);
  const v = (th - ts[j]) / (ts[j + 1] - ts[j]);
  const f0 = F[j][i] + u * (F[j][i + 1] - F[j][i]);
  const f1 = F[j + 1][i] + u * (F[j + 1][i + 1] - F[j + 1][i]);
  return f0 + v * (f1 - f0);
}

/** 1D anisotropy factor φ_an(r) (TG-43U1 eq. 11), linear, nearest neighbour outside the table. */
export function anisotropyFactor(model: SourceModel, rCm: number): number {
  const { rCm: rs, phiAn } = model.anisotropyFactor;
  if (rCm <= rs[0]) return phiAn[0];
  if (rCm >= rs[rs.length - 1]) return phiAn[phiAn.length - 1];
  const i = bracket(rs, rCm);
  const t = (rCm - rs[i]) / (rs[i + 1] - rs[i]);
  return phiAn[i] + t * (phiAn[i + 1] - phiAn[i]);
}

/** The point where the formalism is actually evaluated, after the inside-source rule (see module comment). */
export function effectivePoint(model: SourceModel, alongCm: number, awayCm: number): { zCm: number; awayCm: number } {
  let z = Math.abs(alongCm);
  let away = Math.abs(awayCm);
  const r = Math.hypot(z, away);
  if (r < R_MIN_CM) {
    if (r === 0) {
      z = 0;
      away = R_MIN_CM;
    } else {
      z *= R_MIN_CM / r;
      away *= R_MIN_CM / r;
    }
  }
  const capsuleRadius = model.capsule.outerRadiusCm;
  if (z <= model.capsule.lengthCm / 2 && away < capsuleRadius) away = capsuleRadius;
  return { zCm: z, awayCm: away };
}

/**
 * Dose rate per unit air-kerma strength, cGy·h⁻¹·U⁻¹, at (along, away) from the seed centre:
 * Ḋ/S_K = Λ · G_L(r,θ)/G_L(r0,θ0) · g_L(r) · F(r,θ) (TG-43U1 eq. 1, 2D) or
 * Λ · G_L(r,θ0)/G_L(r0,θ0) · g_L(r) · φ_an(r) (eq. 11 with the line-source G, 1D).
 */
export function doseRatePerUnitSk(model: SourceModel, alongCm: number, awayCm: number, formalism: Tg43Formalism = '2D'): number {
  const L = model.activeLengthCm;
  const lambda = model.doseRateConstantCGyPerHPerU;
  const g0 = geometryFunctionLineZAway(0, R0_CM, L);
  const p = effectivePoint(model, alongCm, awayCm);
  const r = Math.hypot(p.zCm, p.awayCm);
  if (formalism === '1D') {
    return (lambda * geometryFunctionLineZAway(0, r, L) * radialDoseFunction(model, r) * anisotropyFactor(model, r)) / g0;
  }
  const thetaDeg = (Math.atan2(p.awayCm, p.zCm) * 180) / Math.PI;
  return (lambda * geometryFunctionLineZAway(p.zCm, p.awayCm, L) * radialDoseFunction(model, r) * anisotropyFunction(model, r, thetaDeg)) / g0;
}

/** Dose rate in cGy/h at (along, away) cm from a seed of strength `airKermaStrengthU`. */
export function doseRateCGyPerH(
  model: SourceModel,
  airKermaStrengthU: number,
  alongCm: number,
  awayCm: number,
  formalism: Tg43Formalism = '2D',
): number {
  return airKermaStrengthU * doseRatePerUnitSk(model, alongCm, awayCm, formalism);
}

/** Dose rate in cGy/h at polar coordinates (r, θ) from the seed centre. */
export function doseRatePolarCGyPerH(
  model: SourceModel,
  airKermaStrengthU: number,
  rCm: number,
  thetaRad: number,
  formalism: Tg43Formalism = '2D',
): number {
  return doseRateCGyPerH(model, airKermaStrengthU, rCm * Math.cos(thetaRad), rCm * Math.sin(thetaRad), formalism);
}
