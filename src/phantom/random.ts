/** Small seeded pseudo-random generators, so the phantom is bit-identical for a given seed on every platform. */

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), 32-bit state words; returns uniform numbers in [0, 1). */
export function createUniform(seed: number): () => number {
  let a = 0x9e3779b9 ^ (seed | 0);
  let b = 0x243f6a88 ^ Math.imul(seed | 0, 0x85ebca6b);
  let c = 0xb7e15162;
  let d = 1;
  const next = (): number => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next(); // warm up: decorrelate nearby seeds
  return next;
}

/** Standard normal deviates (Box–Muller, both outputs used), driven by a seeded uniform generator. */
export function createGaussian(seed: number): () => number {
  const uniform = createUniform(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u <= 1e-12) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * Fills `out` with N(0, sigma²) deviates: the inverse normal CDF tabulated at 65 536 equiprobable quantiles, indexed by
 * 16-bit halves of a seeded uniform stream. Exact in distribution up to the ±4.2σ table ends; avoids per-sample
 * transcendental calls (fast in every JavaScript host).
 */
export function fillGaussian(out: Float32Array, seed: number, sigma: number): void {
  const size = 65536;
  const table = new Float32Array(size);
  for (let i = 0; i < size; i++) table[i] = sigma * inverseNormalCdf((i + 0.5) / size);
  const uniform = createUniform(seed);
  for (let v = 0; v < out.length; v += 2) {
    const u = (uniform() * 4294967296) >>> 0;
    out[v] = table[u & 0xffff];
    if (v + 1 < out.length) out[v + 1] = table[u >>> 16];
  }
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
