/**
 * Closed planar contours of a binary slice mask and back.
 *
 * The contours follow pixel edges (the boundary between a foreground and a background pixel), so that
 * filling them with the even-odd rule at pixel centres gives back exactly the same mask: a pixel centre is
 * inside iff a ray from it crosses an odd number of boundary edges, whatever way the edges are chained into
 * loops. Holes are separate contours (even-odd / XOR, the convention of most RT systems for PS3.3
 * C.8.8.6.3 "inner contours"). Collinear vertices are merged, so a 10×10 square is 4 points.
 *
 * Coordinates here are pixel-corner coordinates: the corner between pixels is at half-integers; pixel
 * (i, j) has its centre at (i, j) and spans [i − ½, i + ½] × [j − ½, j + ½].
 */

/** A closed polygon in (fractional) pixel coordinates, [u0, v0, u1, v1, …], first point not repeated. */
export type PixelPolygon = number[];

/**
 * Traces the boundary loops of a binary mask (width × height, row-major, non-zero = inside).
 * Each loop keeps the foreground on its left (counter-clockwise outer boundaries in a y-up frame).
 */
export function maskToPolygons(mask: ArrayLike<number>, width: number, height: number): PixelPolygon[] {
  const W = width + 1; // corner grid is (width+1) × (height+1); corner (x, y) sits at pixel coords (x − ½, y − ½)
  const inside = (i: number, j: number): boolean => i >= 0 && j >= 0 && i < width && j < height && mask[i + j * width] !== 0;
  // Directed boundary edges as "from corner → direction" (0 +x, 1 +y, 2 −x, 3 −y), at most 2 per corner.
  const out = new Map<number, number[]>();
  const add = (x: number, y: number, dir: number): void => {
    const c = x + y * W;
    const l = out.get(c);
    if (l) l.push(dir);
    else out.set(c, [dir]);
  };
  let edges = 0;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      if (!inside(i, j)) continue;
      // Pixel (i, j) has corners (i, j) … (i+1, j+1). Foreground on the left of each directed edge (with +y "up").
      if (!inside(i, j - 1)) { add(i, j, 0); edges++; } // bottom edge, +x
      if (!inside(i + 1, j)) { add(i + 1, j, 1); edges++; } // right edge, +y
      if (!inside(i, j + 1)) { add(i + 1, j + 1, 2); edges++; } // top edge, −x
      if (!inside(i - 1, j)) { add(i, j + 1, 3); edges++; } // left edge, −y
    }
  }
  const DX = [1, 0, -1, 0];
  const DY = [0, 1, 0, -1];
  const polygons: PixelPolygon[] = [];
  let used = 0;
  for (const start of [...out.keys()].sort((a, b) => a - b)) {
    while ((out.get(start)?.length ?? 0) > 0) {
      const corners: number[] = [];
      let c = start;
      let prevDir = -1;
      do {
        const dirs = out.get(c);
        if (!dirs || dirs.length === 0) throw new Error('maskToPolygons: open boundary (internal error)');
        // At a corner with two outgoing edges (diagonally touching pixels), prefer the left turn; any choice keeps even-odd exact.
        let k = 0;
        if (dirs.length > 1 && prevDir >= 0) {
          const idx = dirs.indexOf((prevDir + 1) % 4);
          k = idx >= 0 ? idx : 0;
        }
        const dir = dirs.splice(k, 1)[0];
        used++;
        if (dir !== prevDir) corners.push(c);
        prevDir = dir;
        c = (c % W) + DX[dir] + (Math.floor(c / W) + DY[dir]) * W;
      } while (c !== start);
      // Drop the start vertex when it lies in the middle of a straight run.
      const poly: PixelPolygon = [];
      for (const corner of corners) poly.push((corner % W) - 0.5, Math.floor(corner / W) - 0.5);
      polygons.push(removeCollinear(poly));
    }
  }
  if (used !== edges) throw new Error(`maskToPolygons: traced ${used} of ${edges} boundary edges`);
  return polygons;
}

function removeCollinear(poly: PixelPolygon): PixelPolygon {
  const n = poly.length / 2;
  if (n < 3) return poly;
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    const a = (p + n - 1) % n;
    const b = (p + 1) % n;
    const ux = poly[2 * p] - poly[2 * a];
    const uy = poly[2 * p + 1] - poly[2 * a + 1];
    const vx = poly[2 * b] - poly[2 * p];
    const vy = poly[2 * b + 1] - poly[2 * p + 1];
    if (Math.abs(ux * vy - uy * vx) < 1e-12 && ux * vx + uy * vy > 0) continue;
    out.push(poly[2 * p], poly[2 * p + 1]);
  }
  return out;
}

/**
 * Fills polygons (pixel coordinates) with the even-odd rule at pixel centres: pixel (i, j) is set when the
 * horizontal ray from (i, j) towards +u crosses an odd number of polygon edges in total.
 */
export function polygonsToMask(polygons: readonly PixelPolygon[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const xs: number[] = [];
  for (let j = 0; j < height; j++) {
    xs.length = 0;
    for (const poly of polygons) {
      const n = poly.length / 2;
      for (let p = 0; p < n; p++) {
        const q = (p + 1) % n;
        const y0 = poly[2 * p + 1];
        const y1 = poly[2 * q + 1];
        // Half-open rule: an edge counts when j is in [min y, max y), so vertices on the scan line count once.
        if ((y0 <= j && y1 > j) || (y1 <= j && y0 > j)) {
          const x0 = poly[2 * p];
          const x1 = poly[2 * q];
          xs.push(x0 + ((j - y0) * (x1 - x0)) / (y1 - y0));
        }
      }
    }
    if (xs.length === 0) continue;
    xs.sort((a, b) => a - b);
    for (let s = 0; s + 1 < xs.length; s += 2) {
      // Pixels whose centre i lies in [xs[s], xs[s+1]).
      const from = Math.max(0, Math.ceil(xs[s] - 1e-9));
      const to = Math.min(width - 1, Math.ceil(xs[s + 1] - 1e-9) - 1);
      for (let i = from; i <= to; i++) mask[i + j * width] = 1;
    }
  }
  return mask;
}
