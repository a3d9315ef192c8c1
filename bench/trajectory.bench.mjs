// Trajectory benchmark on the synthetic phantom (L1, 11G): one-off model preparation per level, the per-drag
// evaluation of a path (target: a few ms, so the OHIF tool can re-check on every mouse move) and a suggestion.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { generatePhantom } = require('../build/core/phantom/index.js');
const { buildTrajectoryModel, evaluateTrajectory, suggestTrajectory } = require('../build/core/geometry/index.js');

export default async function run() {
  const phantom = generatePhantom();
  const lv = phantom.parameters.levels.find((l) => l.name === 'L1');
  const labels = phantom.labels.data;
  const mask = (values) => {
    const m = new Uint8Array(labels.length);
    for (let i = 0; i < labels.length; i++) if (values.includes(labels[i])) m[i] = 1;
    return m;
  };
  const L = lv.labels;
  const masks = {
    body: mask([L.vertebralBody, L.lesion]), canal: mask([L.spinalCanal]), leftPedicle: mask([L.leftPedicle]),
    rightPedicle: mask([L.rightPedicle]), posteriorElements: mask([L.posteriorElements]),
  };
  let t = performance.now();
  const model = buildTrajectoryModel({ geometry: phantom.ct.geometry, ct: phantom.ct, masks, level: 'L1' });
  const modelMs = performance.now() - t;

  // A drag: the entry moves in 0.5 mm steps around the pedicle axis, the tip stays.
  const p = lv.pedicles.left;
  const at = (s, du, dv) => [0, 1, 2].map((k) => p.isthmusCentreMm[k] + s * p.axisDirection[k] + du * p.widthDirection[k] + dv * p.heightDirection[k]);
  const tip = at(28, 0, 0);
  for (let i = 0; i < 20; i++) evaluateTrajectory(model, at(-40, (i % 5) - 2, 0), tip); // warm-up (JIT)
  const n = 200;
  t = performance.now();
  for (let i = 0; i < n; i++) evaluateTrajectory(model, at(-40, ((i % 20) - 10) * 0.5, ((i % 7) - 3) * 0.5), tip);
  const evaluateMs = (performance.now() - t) / n;

  suggestTrajectory(model, { side: 'right' }); // warm-up
  t = performance.now();
  const s = suggestTrajectory(model, { side: 'left' });
  const suggestMs = performance.now() - t;
  return {
    trajectoryModelMs: Math.round(modelMs),
    trajectoryEvaluateMs: Math.round(evaluateMs * 100) / 100,
    trajectorySuggestMs: Math.round(suggestMs),
    trajectorySuggestClearanceMm: Math.round(s.minClearanceMm * 100) / 100,
    trajectoryOptimumClearanceMm: Math.round((p.optimalAxisClearanceMm - 3.05 / 2) * 100) / 100,
  };
}
