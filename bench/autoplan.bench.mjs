// Auto-plan benchmark: the phantom's L1 lesion (ground-truth masks) on a 1 mm isotropic CT grid (the case; the
// bundled study has 1.5 mm slices, which is easier) with 4 needle tracks (two per pedicle, upper and lower half),
// stock of 3 seed strengths; time of autoPlan (median of 3) and the V100 reached, recomputed with the dose engine.
// Goal: < 5 s.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { generatePhantom } = require('../build/core/phantom/index.js');
const { autoPlan } = require('../build/core/planning/autoPlan.js');
const { DoseEngine, getSourceModel, totalDoseGy } = require('../build/core/dose/index.js');

export default async function run() {
  const p = generatePhantom({ seed: 1, sliceSpacingMm: 1 });
  const mask = (name) => {
    const v = p.labelTable.find((l) => l.name === name).value;
    return Uint8Array.from(p.labels.data, (x) => (x === v ? 1 : 0));
  };
  const lesion = mask('L1 Lesion');
  const canal = mask('L1 Spinal canal');
  const body = mask('L1 Vertebral body');
  for (let v = 0; v < body.length; v++) body[v] |= lesion[v];
  const right = [-24.7, 50, 3.75];
  const left = [24.7, 50, 3.75];
  const input = {
    geometry: p.ct.geometry,
    target: lesion,
    canal,
    body,
    needles: [
      { id: 'R-lower', entryMm: right, tipMm: [-5.6, -26.8, -1.7] },
      { id: 'R-upper', entryMm: right, tipMm: [-5.3, -27.7, 4.7] },
      { id: 'L-upper', entryMm: left, tipMm: [2, -28, 5] },
      { id: 'L-lower', entryMm: left, tipMm: [2, -28, -2] },
    ],
    prescriptionGy: 120,
    sourceModel: '6711',
    strengthsU: [0.6, 0.8, 1.0],
  };
  autoPlan(input); // warm-up (lookup table, JIT)
  const times = [];
  let result;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    result = autoPlan(input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const engine = new DoseEngine(p.ct.geometry, getSourceModel('6711'), { exactAboveFractionOfMax: 0.01 });
  engine.setSeeds(result.seeds);
  const [nx, ny] = p.ct.geometry.dimensions;
  let n = 0;
  let covered = 0;
  for (let v = 0; v < lesion.length; v++) {
    if (!lesion[v]) continue;
    n++;
    if (totalDoseGy(engine.doseRateAt(v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny)))) >= 120) covered++;
  }
  return {
    autoPlanMs: Math.round(times[1]),
    autoPlanGridMm: p.ct.geometry.spacingMm.map((v) => Number(v.toFixed(2))),
    autoPlanNeedles: input.needles.length,
    autoPlanSeeds: result.seeds.length,
    autoPlanCandidates: result.candidateCount,
    autoPlanV100Pct: Number(((100 * covered) / n).toFixed(2)),
    autoPlanEstimateV100Pct: Number(result.estimate.targetV100Pct.toFixed(2)),
    autoPlanTargetMs: 5000,
  };
}
