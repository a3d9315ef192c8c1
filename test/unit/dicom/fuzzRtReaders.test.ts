// Deterministic fuzz test: mutated, truncated and tag-deleted versions of valid objects must make the readers
// either succeed or throw a typed error (DicomObjectError / DicomInputError), never a TypeError or RangeError.
import { DicomObjectError } from '../../../src/dicom/rtCommon';
import { DicomInputError } from '../../../src/dicom/dataset';
import { readRtPlan } from '../../../src/dicom/rtPlan';
import { readRtStruct } from '../../../src/dicom/rtStruct';
import { readRtDose } from '../../../src/dicom/rtDose';
import { readSeg } from '../../../src/dicom/seg';
import { encodePlan, decodePlan, type EncodedPlan, type PlanObjectKind } from '../../../src/planStore';
import { fixtureBundle } from '../planStore/fixture';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

let enc: EncodedPlan;
let bundle: ReturnType<typeof fixtureBundle>;
beforeAll(() => {
  bundle = fixtureBundle('fuzz');
  enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.5150' });
});

/** Offsets of the value fields of data elements (explicit VR LE), found by scanning for the element headers. */
function elementOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 132; i + 8 < bytes.length; i++) {
    const vr = String.fromCharCode(bytes[i + 4], bytes[i + 5]);
    if (/^(AE|AS|CS|DA|DS|DT|IS|LO|LT|PN|SH|ST|TM|UI|US|UL|FD|FL|SQ|OB|OW|UT)$/.test(vr) && bytes[i + 1] < 0x80) out.push(i);
  }
  return out;
}

const readers: Record<PlanObjectKind, (b: Uint8Array) => unknown> = {
  rtplan: (b) => readRtPlan(b),
  rtstruct: (b) => readRtStruct(b),
  rtdose: (b) => readRtDose(b),
  seg: (b) => readSeg(b, bundle.ct.geometry),
};

function outcome(fn: () => unknown): 'ok' | 'typed' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof DicomObjectError || e instanceof DicomInputError) return 'typed';
    throw new Error(`untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

describe.each(['rtplan', 'rtstruct', 'rtdose', 'seg'] as PlanObjectKind[])('fuzzing the %s reader', (kind) => {
  it('truncations at 60 positions', () => {
    const bytes = enc.files[kind];
    const rand = lcg(kind.length * 101);
    const tally = { ok: 0, typed: 0 };
    for (let t = 0; t < 60; t++) tally[outcome(() => readers[kind](bytes.slice(0, Math.floor(rand() * bytes.length))))]++;
    expect(tally.typed).toBeGreaterThan(30);
  });

  it('300 random byte mutations inside element headers and values', () => {
    const bytes = enc.files[kind];
    const offsets = elementOffsets(bytes);
    const rand = lcg(kind.length * 7919);
    const tally = { ok: 0, typed: 0 };
    for (let t = 0; t < 300; t++) {
      const m = bytes.slice();
      const at = offsets[Math.floor(rand() * offsets.length)] + Math.floor(rand() * 12);
      const n = 1 + Math.floor(rand() * 4);
      for (let q = 0; q < n && at + q < m.length; q++) m[at + q] = Math.floor(rand() * 256);
      tally[outcome(() => readers[kind](m))]++;
    }
    expect(tally.ok + tally.typed).toBe(300);
  });

  it('decodePlan with the mutated object still fails only with typed errors', () => {
    const rand = lcg(kind.length * 31337);
    const offsets = elementOffsets(enc.files[kind]);
    for (let t = 0; t < 40; t++) {
      const m = enc.files[kind].slice();
      const at = offsets[Math.floor(rand() * offsets.length)] + 8 + Math.floor(rand() * 6);
      if (at < m.length) m[at] = Math.floor(rand() * 256);
      outcome(() => decodePlan({ ...enc.files, [kind]: m }, bundle.ct));
    }
  });
});
