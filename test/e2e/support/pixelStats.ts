/** Statistics of an RGBA pixel buffer, to tell a rendered CT slice from a blank or uniform canvas. */
export interface PixelStats {
  /** Number of pixels sampled. */
  count: number;
  /** Mean and standard deviation of luminance (0–255). */
  mean: number;
  std: number;
  /** Fractions of pixels: black (<16, air/background), mid grey (48–208, soft tissue), bright (>208, bone). */
  darkFraction: number;
  midFraction: number;
  brightFraction: number;
  /** Fraction of pixels whose R, G, B differ by at most 8 (greyscale rendering). */
  greyFraction: number;
  /** 99.9th percentile of luminance: the brightest structures (bone), robust to a few stray pixels. */
  p999: number;
}

/** Computes PixelStats over RGBA bytes (as from CanvasRenderingContext2D.getImageData). */
export function pixelStats(rgba: ArrayLike<number>): PixelStats {
  const count = Math.floor(rgba.length / 4);
  let sum = 0;
  let sumSq = 0;
  let dark = 0;
  let mid = 0;
  let bright = 0;
  let grey = 0;
  const histogram = new Uint32Array(256);
  for (let i = 0; i < count; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    histogram[Math.min(255, Math.round(y))]++;
    sum += y;
    sumSq += y * y;
    if (y < 16) dark++;
    else if (y > 208) bright++;
    else if (y >= 48) mid++;
    if (Math.max(r, g, b) - Math.min(r, g, b) <= 8) grey++;
  }
  const mean = count ? sum / count : 0;
  let p999 = 0;
  for (let v = 255, above = 0; v >= 0; v--) {
    above += histogram[v];
    if (above > count * 0.001) {
      p999 = v;
      break;
    }
  }
  const std = count ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 0;
  return {
    count,
    mean,
    std,
    darkFraction: count ? dark / count : 0,
    midFraction: count ? mid / count : 0,
    brightFraction: count ? bright / count : 0,
    greyFraction: count ? grey / count : 0,
    p999,
  };
}
