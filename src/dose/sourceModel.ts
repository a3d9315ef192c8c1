/**
 * Seed source models: the TG-43U1 consensus data of one seed design, loaded from a JSON data file
 * in `src/dose/models/` (one file per model, with units and provenance).
 */
import model6711 from './models/6711.json';
import modelI25S06 from './models/bebigI25S06.json';
import model6702 from './models/6702.json';

/** TG-43U1 consensus dataset of one seed model (lengths in cm, angles in degrees). */
export interface SourceModel {
  /** Short identifier used by the CLI and plans, e.g. "6711". */
  id: string;
  name: string;
  radionuclide: string;
  halfLifeDays: number;
  /** Λ, cGy·h⁻¹·U⁻¹. */
  doseRateConstantCGyPerHPerU: number;
  /** Active length L used by the line-source geometry function G_L, cm. */
  activeLengthCm: number;
  /** Titanium capsule (outer radius and total length, cm): the "inside the source" region. */
  capsule: { outerRadiusCm: number; lengthCm: number };
  /** Air-kerma strength per unit apparent activity, U/mCi. */
  apparentActivityUPerMCi: number;
  radialDoseFunction: { rCm: number[]; gL: number[] };
  /** F[thetaIndex][rIndex]. */
  anisotropyFunction: { rCm: number[]; thetaDeg: number[]; F: number[][] };
  anisotropyFactor: { rCm: number[]; phiAn: number[] };
  provenance: Record<string, unknown>;
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function isIncreasing(a: number[]): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i] > a[i - 1])) return false;
  return true;
}

function field(o: Record<string, unknown>, key: string, where: string): unknown {
  if (!(key in o)) throw new Error(`source model ${where}: missing "${key}"`);
  return o[key];
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`source model: ${where} must be an object`);
  return v as Record<string, unknown>;
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`source model: ${where} must be a positive number`);
  return v;
}

function table(v: unknown, where: string, increasing: boolean): number[] {
  if (!isNumberArray(v) || v.length < 2) throw new Error(`source model: ${where} must be an array of at least 2 numbers`);
  if (increasing && !isIncreasing(v)) throw new Error(`source model: ${where} must be strictly increasing`);
  return v;
}

/** Validates untrusted JSON (e.g. a site-supplied model file) and returns a typed model; throws a specific error. */
export function parseSourceModel(json: unknown): SourceModel {
  const o = obj(json, 'the model');
  const id = field(o, 'id', '');
  if (typeof id !== 'string' || !id) throw new Error('source model: "id" must be a non-empty string');
  const w = `"${id}"`;
  const name = field(o, 'name', w);
  const radionuclide = field(o, 'radionuclide', w);
  const g = obj(field(o, 'radialDoseFunction', w), `${w}.radialDoseFunction`);
  const a = obj(field(o, 'anisotropyFunction', w), `${w}.anisotropyFunction`);
  const p = obj(field(o, 'anisotropyFactor', w), `${w}.anisotropyFactor`);
  const c = obj(field(o, 'capsule', w), `${w}.capsule`);
  const gr = table(field(g, 'rCm', w), `${w} g_L rCm`, true);
  const gv = table(field(g, 'gL', w), `${w} g_L values`, false);
  if (gr.length !== gv.length) throw new Error(`source model ${w}: g_L rCm and gL lengths differ`);
  const ar = table(field(a, 'rCm', w), `${w} F rCm`, true);
  const at = table(field(a, 'thetaDeg', w), `${w} F thetaDeg`, true);
  if (at[0] !== 0 || at[at.length - 1] !== 90) throw new Error(`source model ${w}: F thetaDeg must run from 0 to 90`);
  const F = field(a, 'F', w);
  if (!Array.isArray(F) || F.length !== at.length || !F.every((row) => isNumberArray(row) && row.length === ar.length)) {
    throw new Error(`source model ${w}: F must be ${at.length} rows (theta) of ${ar.length} numbers (r)`);
  }
  const pr = table(field(p, 'rCm', w), `${w} phi_an rCm`, true);
  const pv = table(field(p, 'phiAn', w), `${w} phi_an values`, false);
  if (pr.length !== pv.length) throw new Error(`source model ${w}: phi_an rCm and phiAn lengths differ`);
  return {
    id,
    name: typeof name === 'string' ? name : id,
    radionuclide: typeof radionuclide === 'string' ? radionuclide : '',
    halfLifeDays: num(field(o, 'halfLifeDays', w), `${w}.halfLifeDays`),
    doseRateConstantCGyPerHPerU: num(field(o, 'doseRateConstantCGyPerHPerU', w), `${w}.doseRateConstantCGyPerHPerU`),
    activeLengthCm: num(field(o, 'activeLengthCm', w), `${w}.activeLengthCm`),
    capsule: {
      outerRadiusCm: num(field(c, 'outerRadiusCm', w), `${w}.capsule.outerRadiusCm`),
      lengthCm: num(field(c, 'lengthCm', w), `${w}.capsule.lengthCm`),
    },
    apparentActivityUPerMCi: num(field(o, 'apparentActivityUPerMCi', w), `${w}.apparentActivityUPerMCi`),
    radialDoseFunction: { rCm: gr, gL: gv },
    anisotropyFunction: { rCm: ar, thetaDeg: at, F: F as number[][] },
    anisotropyFactor: { rCm: pr, phiAn: pv },
    provenance: typeof o.provenance === 'object' && o.provenance !== null ? (o.provenance as Record<string, unknown>) : {},
  };
}

const builtIn: SourceModel[] = [parseSourceModel(model6711), parseSourceModel(modelI25S06), parseSourceModel(model6702)];

/** The bundled consensus models (6711, I25.S06, 6702). */
export function listSourceModels(): SourceModel[] {
  return builtIn.slice();
}

/** Looks up a bundled model by id (case-insensitive; "I25S06" and "bebig" also name I25.S06). */
export function getSourceModel(id: string): SourceModel {
  const key = id.trim().toLowerCase().replace(/[^a-z0-9]/g, '');
  const alias: Record<string, string> = { bebig: 'i25s06', isoseed: 'i25s06', ciae6711: '6711', oncoseed: '6711' };
  const wanted = alias[key] ?? key;
  const m = builtIn.find((x) => x.id.toLowerCase().replace(/[^a-z0-9]/g, '') === wanted);
  if (!m) throw new Error(`unknown seed model "${id}"; known: ${builtIn.map((x) => x.id).join(', ')}`);
  return m;
}
