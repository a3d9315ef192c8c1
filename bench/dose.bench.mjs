// Dose engine benchmark: 40 seeds on a 128³ grid at 1 mm, fast engine (2 worker_threads) vs the naive
// direct formalism (same 2 threads), a single-seed move, and the DVH of a 50 cm³ structure.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { createNodeDoseWorkerPool } = require('../build/core/dose/worker/workerPoolNode.js');

const N = 128;
const geometry = {
  dimensions: [N, N, N],
  spacingMm: [1, 1, 1],
  originMm: [-(N - 1) / 2, -(N - 1) / 2, -(N - 1) / 2],
  direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
};

/** 40 seeds on 8 needles through a ~3.5 cm vertebral-body tumour, 5 seeds per needle 5 mm apart. */
function seeds() {
  const out = [];
  let n = 0;
  for (let needle = 0; needle < 8; needle++) {
    const x0 = -12 + (needle % 4) * 8;
    const z0 = needle < 4 ? -6 : 6;
    const axis = [0.15 * ((needle % 3) - 1), 1, 0.1 * ((needle % 2) - 0.5)];
    const len = Math.hypot(...axis);
    const u = axis.map((a) => a / len);
    for (let s = 0; s < 5; s++) {
      const t = -10 + 5 * s;
      out.push({ id: `s${n++}`, positionMm: [x0 + u[0] * t, u[1] * t, z0 + u[2] * t], axis: u, airKermaStrengthU: 0.7 * 1.27 });
    }
  }
  return out;
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

export default async function run() {
  const pool = createNodeDoseWorkerPool(2);
  try {
    await pool.init(geometry, '6711');
    const plan = seeds();
    // Warm-up (lookup tables, JIT), then timed runs.
    await pool.setSeeds(plan);
    const full = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await pool.setSeeds(plan);
      full.push(performance.now() - t);
    }
    // Single-seed moves as a drag makes them: 5 untimed (JIT of the incremental path), then 20 timed; median.
    const moves = [];
    for (let r = 0; r < 25; r++) {
      const s = plan[(r * 7) % plan.length];
      const moved = { ...s, positionMm: [s.positionMm[0] + 1.5 * Math.cos(r), s.positionMm[1] + 1, s.positionMm[2] + 1.5 * Math.sin(r)] };
      const t = performance.now();
      await pool.updateSeed(moved);
      if (r >= 5) moves.push(performance.now() - t);
    }
    // 50 cm³ sphere (r = 22.85 mm) around the implant centre.
    const mask = new Uint8Array(N * N * N);
    const R = Math.cbrt((50000 * 3) / (4 * Math.PI));
    for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
      const x = i - (N - 1) / 2, y = j - (N - 1) / 2, z = k - (N - 1) / 2;
      if (x * x + y * y + z * z <= R * R) mask[i + N * (j + N * k)] = 1;
    }
    const nVox = await pool.setStructure('ctv', mask);
    await pool.dvh('ctv', 120);
    const dvhT = [];
    let metrics;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      metrics = (await pool.dvh('ctv', 120)).metrics;
      dvhT.push(performance.now() - t);
    }
    const info = await pool.info();
    const t0 = performance.now();
    await pool.naiveDose(plan);
    const naiveMs = performance.now() - t0;
    const fullDoseMs = median(full);
    return {
      seeds: plan.length,
      grid: [N, N, N],
      fullDoseMs: round(fullDoseMs),
      naiveMs: round(naiveMs),
      speedupVsNaive: round(naiveMs / fullDoseMs),
      singleSeedUpdateMs: round(median(moves)),
      dvhMs: round(median(dvhT)),
      doseWorkers: pool.size,
      doseRefinedFraction: round(info.reduce((a, i) => a + i.refinedFraction, 0) / info.length, 3),
      dvhStructureCm3: round(nVox / 1000),
      dvhD90Gy: round(metrics.D90Gy),
    };
  } finally {
    await pool.close();
  }
}

function round(x, d = 1) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
