// Readers of RT objects: specific typed errors for foreign / corrupt objects, and foreign RT Plans with any number
// of control points per channel.
import { data as dcmjsData, type NaturalDataset } from 'dcmjs';
import { DicomObjectError, RT_PLAN_STORAGE, writeRtFile } from '../../../src/dicom/rtCommon';
import { readRtPlan } from '../../../src/dicom/rtPlan';
import { readRtStruct } from '../../../src/dicom/rtStruct';
import { readRtDose } from '../../../src/dicom/rtDose';
import { encodePlan, decodePlan, type EncodedPlan } from '../../../src/planStore';
import { fixtureBundle, FIXTURE_PATIENT_ID } from '../planStore/fixture';

let enc: EncodedPlan;
let bundle: ReturnType<typeof fixtureBundle>;
beforeAll(() => {
  bundle = fixtureBundle();
  enc = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.77' });
});

/** Naturalized dataset of a file (private elements dropped). */
function natural(bytes: Uint8Array): NaturalDataset {
  const copy = bytes.slice().buffer;
  const dict = dcmjsData.DicomMessage.readFile(copy).dict;
  for (const tag of Object.keys(dict)) if (parseInt(tag.slice(0, 4), 16) % 2 === 1) delete dict[tag];
  return dcmjsData.DicomMetaDictionary.naturalizeDataset(dict);
}
function rewrite(bytes: Uint8Array, edit: (ds: NaturalDataset) => void): Uint8Array {
  const ds = natural(bytes);
  edit(ds);
  return new Uint8Array(writeRtFile(ds, String(ds.SOPClassUID), String(ds.SOPInstanceUID)));
}
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DicomObjectError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a DicomObjectError');
}

describe('RT readers reject what they cannot use, with specific errors', () => {
  it('wrong SOP class: an RT Dose given as RT Plan, a SEG given as RT Structure Set', () => {
    expect(codeOf(() => readRtPlan(enc.files.rtdose))).toMatch(/^WRONG_SOP_CLASS: RT Plan: not an RT Plan \(SOP Class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.481\.2, modality RTDOSE\)/);
    expect(codeOf(() => readRtStruct(enc.files.seg))).toMatch(/^WRONG_SOP_CLASS: .*modality SEG/);
  });

  it("another patient's object", () => {
    expect(codeOf(() => readRtPlan(enc.files.rtplan, { patientId: 'SOMEONE-ELSE' }))).toBe(
      `PATIENT_MISMATCH: RT Plan: belongs to another patient (Patient ID "${FIXTURE_PATIENT_ID}", expected "SOMEONE-ELSE")`,
    );
    expect(codeOf(() => readRtDose(enc.files.rtdose, { patientId: 'X' }))).toMatch(/^PATIENT_MISMATCH/);
  });

  it("another patient's (or study's) SEG in an otherwise consistent plan", () => {
    const foreignPatient = rewrite(enc.files.seg, (ds) => { ds.PatientID = 'SOMEONE-ELSE'; });
    expect(codeOf(() => decodePlan({ ...enc.files, seg: foreignPatient }, bundle.ct))).toBe(
      `PATIENT_MISMATCH: seg.dcm: belongs to another patient (Patient ID "SOMEONE-ELSE", expected "${FIXTURE_PATIENT_ID}")`,
    );
    const foreignStudy = rewrite(enc.files.seg, (ds) => { ds.StudyInstanceUID = '2.25.999'; });
    expect(codeOf(() => decodePlan({ ...enc.files, seg: foreignStudy }, bundle.ct))).toMatch(/^STUDY_MISMATCH: seg\.dcm: belongs to another study \(2\.25\.999/);
    // The untouched SEG still decodes (the rewrite itself keeps the object readable).
    const same = rewrite(enc.files.seg, () => undefined);
    expect(decodePlan({ ...enc.files, seg: same }, bundle.ct).segments.length).toBeGreaterThan(0);
  });

  it('an RT Dose in Explicit VR Big Endian (retired) is refused rather than read byte-swapped', () => {
    const parsed = dcmjsData.DicomMessage.readFile(enc.files.rtdose.slice().buffer);
    parsed.meta['00020010'] = { vr: 'UI', Value: ['1.2.840.10008.1.2.2'] };
    expect(codeOf(() => readRtDose(new Uint8Array(parsed.write())))).toMatch(/^UNSUPPORTED: RT Dose: Explicit VR Big Endian \(retired, PS3\.5 A\.3\)/);
  });

  it('wrong Frame of Reference (planned on other images)', () => {
    expect(codeOf(() => readRtStruct(enc.files.rtstruct, { frameOfReferenceUID: '1.2.3' }))).toMatch(/^FRAME_OF_REFERENCE_MISMATCH: .*differs from the planning CT's 1\.2\.3/);
    expect(codeOf(() => readRtDose(enc.files.rtdose, { frameOfReferenceUID: '1.2.3' }))).toMatch(/^FRAME_OF_REFERENCE_MISMATCH/);
    const otherCt = { ...bundle.ct, frameOfReferenceUID: '1.2.3.4', geometry: { ...bundle.ct.geometry, frameOfReferenceUID: '1.2.3.4' } };
    expect(() => decodePlan(enc.files, otherCt)).toThrow(/Frame of Reference/);
  });

  it('missing tags name the attribute and tag', () => {
    const noRakr = rewrite(enc.files.rtplan, (ds) => delete (ds.SourceSequence as NaturalDataset[])[0].ReferenceAirKermaRate);
    expect(codeOf(() => readRtPlan(noRakr))).toBe('MISSING_ATTRIBUTE: RT Plan: SourceSequence item 1: missing ReferenceAirKermaRate (300A,022A)');
    const noScaling = rewrite(enc.files.rtdose, (ds) => delete ds.DoseGridScaling);
    expect(codeOf(() => readRtDose(noScaling))).toBe('MISSING_ATTRIBUTE: RT Dose: missing DoseGridScaling (3004,000E)');
    const noRois = rewrite(enc.files.rtstruct, (ds) => delete ds.StructureSetROISequence);
    expect(codeOf(() => readRtStruct(noRois))).toMatch(/^MISSING_ATTRIBUTE: .*StructureSetROISequence \(3006,0020\)/);
  });

  it('mismatched companions: a dose of another plan', () => {
    const other = encodePlan(bundle, { rtPlanSopInstanceUID: '2.25.78' });
    expect(() => decodePlan({ ...enc.files, rtdose: other.files.rtdose }, bundle.ct)).toThrow(/rtdose\.dcm is the dose of RT Plan 2\.25\.78/);
  });

  it('not DICOM / truncated', () => {
    expect(codeOf(() => readRtPlan(new TextEncoder().encode('hello')))).toMatch(/^NOT_DICOM/);
    expect(codeOf(() => readRtPlan(enc.files.rtplan.slice(0, 400)))).toMatch(/^(CORRUPT|MISSING_ATTRIBUTE)/);
  });
});

describe('foreign RT Plans (no PVPI private data)', () => {
  const pos = (x: number, y: number, z: number): string[] => [String(x), String(y), String(z)];
  function foreignPlan(): Uint8Array {
    const ds: NaturalDataset = {
      SOPClassUID: RT_PLAN_STORAGE,
      SOPInstanceUID: '2.25.900',
      StudyInstanceUID: '2.25.901',
      SeriesInstanceUID: '2.25.902',
      PatientID: 'P1',
      Modality: 'RTPLAN',
      RTPlanLabel: 'Prostate',
      BrachyTreatmentTechnique: 'PERMANENT',
      BrachyTreatmentType: 'LDR',
      SourceSequence: [{ SourceNumber: '1', SourceIsotopeName: 'I-125', SourceIsotopeHalfLife: '59.4', ReferenceAirKermaRate: '0.5', SourceModelID: 'XYZ' }],
      ApplicationSetupSequence: [
        {
          ChannelSequence: [
            {
              // 4 control points: the source dwells at the second one only (weight 0 → 0 → 1 → 1).
              ChannelNumber: '1', ReferencedSourceNumber: '1', NumberOfControlPoints: '4',
              BrachyControlPointSequence: [
                { ControlPointIndex: '0', CumulativeTimeWeight: '0', ControlPoint3DPosition: pos(0, 0, 0) },
                { ControlPointIndex: '1', CumulativeTimeWeight: '0', ControlPoint3DPosition: pos(1, 2, 3) },
                { ControlPointIndex: '2', CumulativeTimeWeight: '1', ControlPoint3DPosition: pos(1, 2, 3) },
                { ControlPointIndex: '3', CumulativeTimeWeight: '1', ControlPoint3DPosition: pos(5, 2, 3) },
              ],
            },
            {
              // A stranded channel: two dwell positions.
              ChannelNumber: '2', ReferencedSourceNumber: '1',
              BrachyControlPointSequence: [
                { ControlPointIndex: '0', CumulativeTimeWeight: '0', ControlPoint3DPosition: pos(10, 0, 0) },
                { ControlPointIndex: '1', CumulativeTimeWeight: '0.5', ControlPoint3DPosition: pos(10, 0, 10) },
                { ControlPointIndex: '2', CumulativeTimeWeight: '1', ControlPoint3DPosition: pos(10, 0, 10) },
              ],
            },
            {
              // Weights absent: the channel's (first) position.
              ChannelNumber: '3', ReferencedSourceNumber: '1',
              BrachyControlPointSequence: [{ ControlPointIndex: '0', ControlPoint3DPosition: pos(-4, -5, -6) }],
            },
            {
              // Relative positions only: cannot be placed, reported.
              ChannelNumber: '4', ReferencedSourceNumber: '1',
              BrachyControlPointSequence: [{ ControlPointIndex: '0', CumulativeTimeWeight: '0', ControlPointRelativePosition: '5' }],
            },
          ],
        },
      ],
    };
    return new Uint8Array(writeRtFile(ds, RT_PLAN_STORAGE, '2.25.900'));
  }

  it('one seed per dwell position, whatever the number of control points; unplaceable channels are reported', () => {
    const rp = readRtPlan(foreignPlan());
    expect(rp.extras).toBeUndefined();
    expect(rp.seeds.map((s) => [s.channelNumber, s.positionMm])).toEqual([
      [1, [1, 2, 3]],
      [2, [10, 0, 0]],
      [2, [10, 0, 10]],
      [3, [-4, -5, -6]],
    ]);
    expect(rp.seeds.every((s) => s.airKermaStrengthU === 0.5)).toBe(true);
    expect(rp.warnings).toEqual(['RT Plan: setup 1 channel 4: no Control Point 3D Position; the seed cannot be placed']);
  });
});
