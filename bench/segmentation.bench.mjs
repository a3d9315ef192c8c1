// Segmentation benchmark: click-to-segment each vertebra T11–L3 of the synthetic phantom (thoracic levels with their
// ribs; 256×256×120 CT, 1 mm pixels, 1.5 mm slices). Target (issue #4): < 2 s per vertebra on this machine.
// Also reports the Dice of each structure on L1 (the level with the lesion) measured in the same run.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { generatePhantom } = require('../build/core/phantom/index.js');
const { segmentVertebra, LABEL_VALUES, dice } = require('../build/core/segmentation/index.js');

const TARGET_MS = 2000;

export default async function run() {
  const phantom = generatePhantom();
  const levels = ['T11', 'T12', 'L1', 'L2', 'L3'];
  const centres = levels.map((name) => phantom.parameters.levels.find((l) => l.name === name).body.centreMm);
  // One warm-up run (JIT), then the timed runs.
  segmentVertebra(phantom.ct, centres[3]);
  const times = [];
  let l1;
  for (let i = 0; i < levels.length; i++) {
    const t = performance.now();
    const r = segmentVertebra(phantom.ct, centres[i]);
    times.push(performance.now() - t);
    if (levels[i] === 'L1') l1 = r;
  }
  const worst = Math.max(...times);
  const gt = phantom.labels.data;
  const gtValue = (name) => phantom.labelTable.find((l) => l.name === `L1 ${name}`).value;
  const d = (name, key) => {
    const v = gtValue(name);
    const a = new Uint8Array(gt.length);
    const b = new Uint8Array(gt.length);
    for (let i = 0; i < gt.length; i++) {
      a[i] = gt[i] === v ? 1 : 0;
      b[i] = l1.labels[i] === LABEL_VALUES[key] ? 1 : 0;
    }
    return Math.round(dice(a, b) * 1000) / 1000;
  };
  return {
    segmentVertebraMs: Math.round(times.reduce((s, t) => s + t, 0) / times.length),
    segmentVertebraWorstMs: Math.round(worst),
    segmentVertebraTargetRatio: Math.round((worst / TARGET_MS) * 100) / 100,
    segDiceL1Body: d('Vertebral body', 'body'),
    segDiceL1LeftPedicle: d('Left pedicle', 'leftPedicle'),
    segDiceL1RightPedicle: d('Right pedicle', 'rightPedicle'),
    segDiceL1Canal: d('Spinal canal', 'canal'),
    segDiceL1Lesion: d('Lesion', 'lesion'),
  };
}
