/** Test fixture: the phantom (generated once per test file) and the trajectory model of one of its levels. */
import { generatePhantom, type LevelParams, type Phantom } from '../../../src/phantom';
import { buildTrajectoryModel, type LevelMasks, type TrajectoryModel } from '../../../src/geometry/levelAnatomy';

let cached: Phantom | undefined;
export function phantom(): Phantom {
  cached ??= generatePhantom({ seed: 1 });
  return cached;
}

export function levelParams(name: string): LevelParams {
  const lv = phantom().parameters.levels.find((l) => l.name === name);
  if (!lv) throw new Error(`no level ${name}`);
  return lv;
}

function maskOf(values: Array<number | undefined>): Uint8Array {
  const labels = phantom().labels.data;
  const set = new Set(values.filter((v): v is number => v !== undefined));
  const m = new Uint8Array(labels.length);
  for (let v = 0; v < labels.length; v++) if (set.has(labels[v])) m[v] = 1;
  return m;
}

export function levelMasks(name: string): LevelMasks {
  const L = levelParams(name).labels;
  return {
    body: maskOf([L.vertebralBody, L.lesion]),
    canal: maskOf([L.spinalCanal]),
    leftPedicle: maskOf([L.leftPedicle]),
    rightPedicle: maskOf([L.rightPedicle]),
    posteriorElements: maskOf([L.posteriorElements]),
  };
}

const models = new Map<string, TrajectoryModel>();
export function levelModel(name: string): TrajectoryModel {
  let m = models.get(name);
  if (!m) {
    const p = phantom();
    m = buildTrajectoryModel({ geometry: p.ct.geometry, ct: p.ct, masks: levelMasks(name), level: name });
    models.set(name, m);
  }
  return m;
}
