/**
 * Binary and grey-level morphology on regular 3-D grids (x fastest, then y, then z), written for
 * speed on typed arrays: separable box filters, 6-connected flood fills and 2-D per-slice hole filling.
 * Masks are Uint8Array with 0 / 1 values.
 */

export type Dims = readonly [number, number, number];

/** In-plane (x, y) box mean of radius r voxels (a (2r+1)² window, clamped at the edges); z is left unsmoothed. */
export function boxMeanXY(src: Float32Array, dims: Dims, r: number): Float32Array {
  const [nx, ny, nz] = dims;
  if (r <= 0) return src.slice();
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const w = 2 * r + 1;
  // Pass along x.
  for (let row = 0; row < ny * nz; row++) {
    const o = row * nx;
    let sum = 0;
    for (let t = -r; t <= r; t++) sum += src[o + clamp(t, nx)];
    for (let x = 0; x < nx; x++) {
      tmp[o + x] = sum / w;
      sum += src[o + clamp(x + r + 1, nx)] - src[o + clamp(x - r, nx)];
    }
  }
  // Pass along y.
  for (let z = 0; z < nz; z++) {
    const o = z * nx * ny;
    for (let x = 0; x < nx; x++) {
      let sum = 0;
      for (let t = -r; t <= r; t++) sum += tmp[o + x + nx * clamp(t, ny)];
      for (let y = 0; y < ny; y++) {
        out[o + x + nx * y] = sum / w;
        sum += tmp[o + x + nx * clamp(y + r + 1, ny)] - tmp[o + x + nx * clamp(y - r, ny)];
      }
    }
  }
  return out;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Binary threshold: 1 where lo ≤ v ≤ hi. */
export function thresholdMask(v: Float32Array, lo: number, hi = Infinity): Uint8Array {
  const m = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) m[i] = v[i] >= lo && v[i] <= hi ? 1 : 0;
  return m;
}

/**
 * Binary dilation by a box of half-widths (rx, ry, rz) voxels, separable. Outside the grid counts as 0.
 */
export function dilateBox(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  let cur = mask;
  for (let axis = 0; axis < 3; axis++) if (r[axis] > 0) cur = maxAlong(cur, dims, axis, r[axis], false);
  return cur === mask ? mask.slice() : cur;
}

/** Binary erosion by a box of half-widths (rx, ry, rz) voxels. Outside the grid counts as 1 (no erosion from the crop border). */
export function erodeBox(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  let cur = mask;
  for (let axis = 0; axis < 3; axis++) if (r[axis] > 0) cur = maxAlong(cur, dims, axis, r[axis], true);
  return cur === mask ? mask.slice() : cur;
}

/** Closing (dilate then erode). */
export function closeBox(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  return erodeBox(dilateBox(mask, dims, r), dims, r);
}

/** Opening (erode then dilate). */
export function openBox(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  return dilateBox(erodeBox(mask, dims, r), dims, r);
}

/** 1-D running max (dilation) or min (erosion, `erode` = true) along one axis with a window of ±r. */
function maxAlong(src: Uint8Array, dims: Dims, axis: number, r: number, erode: boolean): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(src.length);
  const n = dims[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const lines = (nx * ny * nz) / n;
  const target = erode ? 0 : 1; // the value whose presence in the window decides the output
  for (let l = 0; l < lines; l++) {
    let start: number;
    if (axis === 0) start = l * nx;
    else if (axis === 1) start = (l % nx) + Math.floor(l / nx) * nx * ny;
    else start = l;
    // count of `target` values in the window [t - r, t + r]
    let count = 0;
    for (let t = 0; t <= Math.min(r, n - 1); t++) if (src[start + t * stride] === target) count++;
    for (let t = 0; t < n; t++) {
      const hit = count > 0;
      out[start + t * stride] = erode ? (hit ? 0 : 1) : hit ? 1 : 0;
      const add = t + r + 1;
      const rem = t - r;
      if (add < n && src[start + add * stride] === target) count++;
      if (rem >= 0 && src[start + rem * stride] === target) count--;
    }
  }
  return out;
}

/**
 * 6-connected component of `mask` containing any of the `seeds` (flat indices; seeds outside the
 * mask are ignored). Returns a new mask.
 */
export function connectedFrom(mask: Uint8Array, dims: Dims, seeds: Iterable<number>): Uint8Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const out = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  let sp = 0;
  for (const s of seeds) {
    if (mask[s] && !out[s]) {
      out[s] = 1;
      stack[sp++] = s;
    }
  }
  while (sp > 0) {
    const p = stack[--sp];
    const x = p % nx;
    const y = Math.floor(p / nx) % ny;
    const z = Math.floor(p / nxy);
    if (x > 0 && mask[p - 1] && !out[p - 1]) { out[p - 1] = 1; stack[sp++] = p - 1; }
    if (x < nx - 1 && mask[p + 1] && !out[p + 1]) { out[p + 1] = 1; stack[sp++] = p + 1; }
    if (y > 0 && mask[p - nx] && !out[p - nx]) { out[p - nx] = 1; stack[sp++] = p - nx; }
    if (y < ny - 1 && mask[p + nx] && !out[p + nx]) { out[p + nx] = 1; stack[sp++] = p + nx; }
    if (z > 0 && mask[p - nxy] && !out[p - nxy]) { out[p - nxy] = 1; stack[sp++] = p - nxy; }
    if (z < nz - 1 && mask[p + nxy] && !out[p + nxy]) { out[p + nxy] = 1; stack[sp++] = p + nxy; }
  }
  return out;
}

/**
 * 3-D hole filling: background voxels not 6-connected to the grid's border become foreground.
 * Cavities enclosed on every side (e.g. a lytic lesion inside a vertebral body) are filled;
 * tubes open at the border (e.g. the spinal canal) are not.
 */
export function fillHoles3D(mask: Uint8Array, dims: Dims): Uint8Array {
  const [nx, ny, nz] = dims;
  const bg = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) bg[i] = mask[i] ? 0 : 1;
  const border: number[] = [];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (x === 0 || y === 0 || z === 0 || x === nx - 1 || y === ny - 1 || z === nz - 1) {
          const p = x + nx * (y + ny * z);
          if (bg[p]) border.push(p);
        }
      }
    }
  }
  const outside = connectedFrom(bg, dims, border);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = outside[i] ? 0 : 1;
  return out;
}

/**
 * Labels the 2-D holes of one slice: background pixels not 4-connected to the slice border.
 * Returns one Int32Array of hole ids (0 = not a hole, 1…n) and per-hole pixel counts (index 0 unused).
 */
export function sliceHoles(mask: Uint8Array, dims: Dims, z: number): { ids: Int32Array; sizes: number[] } {
  const [nx, ny] = dims;
  const nxy = nx * ny;
  const o = z * nxy;
  const ids = new Int32Array(nxy);
  const stack = new Int32Array(nxy);
  // Mark the outside (-1) from the border.
  const flood = (seed: number, id: number): number => {
    let sp = 0;
    let count = 0;
    ids[seed] = id;
    stack[sp++] = seed;
    while (sp > 0) {
      const p = stack[--sp];
      count++;
      const x = p % nx;
      const y = (p - x) / nx;
      if (x > 0 && !mask[o + p - 1] && ids[p - 1] === 0) { ids[p - 1] = id; stack[sp++] = p - 1; }
      if (x < nx - 1 && !mask[o + p + 1] && ids[p + 1] === 0) { ids[p + 1] = id; stack[sp++] = p + 1; }
      if (y > 0 && !mask[o + p - nx] && ids[p - nx] === 0) { ids[p - nx] = id; stack[sp++] = p - nx; }
      if (y < ny - 1 && !mask[o + p + nx] && ids[p + nx] === 0) { ids[p + nx] = id; stack[sp++] = p + nx; }
    }
    return count;
  };
  for (let x = 0; x < nx; x++) {
    for (const y of [0, ny - 1]) {
      const p = x + nx * y;
      if (!mask[o + p] && ids[p] === 0) flood(p, -1);
    }
  }
  for (let y = 0; y < ny; y++) {
    for (const x of [0, nx - 1]) {
      const p = x + nx * y;
      if (!mask[o + p] && ids[p] === 0) flood(p, -1);
    }
  }
  const sizes: number[] = [0];
  for (let p = 0; p < nxy; p++) {
    if (!mask[o + p] && ids[p] === 0) sizes.push(flood(p, sizes.length));
  }
  for (let p = 0; p < nxy; p++) if (ids[p] < 0) ids[p] = 0;
  return { ids, sizes };
}

/** Per-slice 2-D hole filling (holes = background not 4-connected to the slice border), in place on a copy. */
export function fillHoles2D(mask: Uint8Array, dims: Dims): Uint8Array {
  const out = mask.slice();
  const nxy = dims[0] * dims[1];
  for (let z = 0; z < dims[2]; z++) {
    const { ids } = sliceHoles(mask, dims, z);
    for (let p = 0; p < nxy; p++) if (ids[p] > 0) out[z * nxy + p] = 1;
  }
  return out;
}

/** Number of foreground voxels. */
export function countMask(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** Sørensen–Dice coefficient 2|A∩B| / (|A| + |B|) of two equally sized masks (1 when both are empty). */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    sa += x;
    sb += y;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}

/** Labels the 6-connected components of a mask: ids 1…n per voxel (0 = background) and sizes[id]. */
export function labelComponents(mask: Uint8Array, dims: Dims): { ids: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const ids = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  const sizes: number[] = [0];
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || ids[s]) continue;
    const id = sizes.length;
    let n = 0;
    let sp = 0;
    ids[s] = id;
    stack[sp++] = s;
    while (sp > 0) {
      const p = stack[--sp];
      n++;
      const x = p % nx;
      const y = Math.floor(p / nx) % ny;
      const z = Math.floor(p / nxy);
      if (x > 0 && mask[p - 1] && !ids[p - 1]) { ids[p - 1] = id; stack[sp++] = p - 1; }
      if (x < nx - 1 && mask[p + 1] && !ids[p + 1]) { ids[p + 1] = id; stack[sp++] = p + 1; }
      if (y > 0 && mask[p - nx] && !ids[p - nx]) { ids[p - nx] = id; stack[sp++] = p - nx; }
      if (y < ny - 1 && mask[p + nx] && !ids[p + nx]) { ids[p + nx] = id; stack[sp++] = p + nx; }
      if (z > 0 && mask[p - nxy] && !ids[p - nxy]) { ids[p - nxy] = id; stack[sp++] = p - nxy; }
      if (z < nz - 1 && mask[p + nxy] && !ids[p + nxy]) { ids[p + nxy] = id; stack[sp++] = p + nxy; }
    }
    sizes.push(n);
  }
  return { ids, sizes };
}

/**
 * In-plane 3×3 median (edges replicated). Unlike a mean it does not spread dense cortical bone into
 * the neighbouring voxels, so thresholding it keeps bone surfaces in place while removing noise.
 */
export function median3x3XY(src: Float32Array, dims: Dims): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(src.length);
  const w = new Float64Array(9);
  for (let z = 0; z < nz; z++) {
    const o = z * nx * ny;
    for (let y = 0; y < ny; y++) {
      const y0 = o + nx * (y > 0 ? y - 1 : y);
      const y1 = o + nx * y;
      const y2 = o + nx * (y < ny - 1 ? y + 1 : y);
      for (let x = 0; x < nx; x++) {
        const x0 = x > 0 ? x - 1 : x;
        const x2 = x < nx - 1 ? x + 1 : x;
        w[0] = src[y0 + x0]; w[1] = src[y0 + x]; w[2] = src[y0 + x2];
        w[3] = src[y1 + x0]; w[4] = src[y1 + x]; w[5] = src[y1 + x2];
        w[6] = src[y2 + x0]; w[7] = src[y2 + x]; w[8] = src[y2 + x2];
        // Insertion sort of 9 values; the median is the 5th.
        for (let i = 1; i < 9; i++) {
          const v = w[i];
          let j = i - 1;
          while (j >= 0 && w[j] > v) {
            w[j + 1] = w[j];
            j--;
          }
          w[j + 1] = v;
        }
        out[y1 + x] = w[4];
      }
    }
  }
  return out;
}

/**
 * Narrow dark gaps between two bright plates, in-plane: joint spaces (costovertebral, facet) that
 * partial volume and a median filter fill in, so that a plain bone threshold bridges them.
 *
 * A voxel of `mask` is marked when, along the x axis, the y axis or one of the two in-plane diagonals,
 * the brightest voxel within `maxStepPx` steps on *each* side is at least `minContrastHU` brighter than it
 * (a profile minimum between two cortices: a 1-D closing top-hat ≥ minContrastHU). Gaps up to about
 * 2·maxStepPx − 1 pixels wide are found. Voxels outside `mask` are never marked. z is not used
 * (slices are often thicker than the gaps).
 */
export function jointGapsXY(hu: Float32Array, mask: Uint8Array, dims: Dims, maxStepPx: number, minContrastHU: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const out = new Uint8Array(mask.length);
  const d = Math.floor(maxStepPx);
  if (d < 1) return out;
  // Flat in-slice offsets of one step along x, y and the two diagonals. Pixels closer than d to the crop's
  // side are skipped (no second side to compare with).
  const steps = [1, nx, nx + 1, nx - 1];
  for (let z = 0; z < nz; z++) {
    const o = z * nxy;
    for (let y = d; y < ny - d; y++) {
      for (let x = d; x < nx - d; x++) {
        const i = o + x + nx * y;
        if (!mask[i]) continue;
        const need = hu[i] + minContrastHU;
        for (let k = 0; k < 4; k++) {
          const st = steps[k];
          let fwd = -Infinity;
          let back = -Infinity;
          for (let s = 1, off = st; s <= d; s++, off += st) {
            if (hu[i + off] > fwd) fwd = hu[i + off];
            if (hu[i - off] > back) back = hu[i - off];
          }
          if (fwd >= need && back >= need) {
            out[i] = 1;
            break;
          }
        }
      }
    }
  }
  return out;
}
