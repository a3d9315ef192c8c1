// A small hand-made plan on a small axial CT grid: vertebral body (box), canal (cylinder), lesion (sphere inside
// the body), two transpedicular needles with seeds, and its TG-43 dose from src/dose (full decay, Gy).
import type { ScalarVolume, Vec3, VolumeGeometry } from '../../../src/geometry/volume';
import { voxelToPatient } from '../../../src/geometry/volume';
import { Codes } from '../../../src/dicom/codes';
import { CT_IMAGE_STORAGE } from '../../../src/dicom/dataset';
import type { SegmentDefinition } from '../../../src/dicom/seg';
import { uidFromName } from '../../../src/dicom/uid';
import type { PlanningCt } from '../../../src/dicom/rtStruct';
import { createPlan, type Plan } from '../../../src/planning/plan';
import { DoseEngine } from '../../../src/dose/doseEngine';
import { getSourceModel } from '../../../src/dose/sourceModel';
import { meanLifeHours } from '../../../src/dose/decay';
import type { PlanBundle } from '../../../src/planStore/encode';

export const FIXTURE_PATIENT_ID = 'PVPI-UNIT-1';

export function fixtureCt(tag = 'unit', dims: [number, number, number] = [48, 40, 16]): PlanningCt {
  const geometry: VolumeGeometry = {
    dimensions: dims,
    spacingMm: [1, 1, 2],
    originMm: [-23.5, -19.5, -15],
    direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    frameOfReferenceUID: uidFromName(`${tag}/for`),
  };
  return {
    geometry,
    study: {
      patientName: 'Unit^Fixture',
      patientId: FIXTURE_PATIENT_ID,
      patientBirthDate: '19600101',
      patientSex: 'O',
      studyInstanceUID: uidFromName(`${tag}/study`),
      studyDate: '20250101',
      studyTime: '090000',
      studyId: 'U1',
      accessionNumber: 'U1',
      studyDescription: 'unit fixture',
      referringPhysicianName: '',
    },
    seriesInstanceUID: uidFromName(`${tag}/ct-series`),
    frameOfReferenceUID: geometry.frameOfReferenceUID as string,
    sopClassUID: CT_IMAGE_STORAGE,
    sopInstanceUIDs: Array.from({ length: dims[2] }, (_, k) => uidFromName(`${tag}/ct/${k}`)),
  };
}

/** Label values: 1 body, 2 canal, 3 lesion. */
export function fixtureLabels(g: VolumeGeometry): ScalarVolume<Uint8Array> {
  const [nx, ny, nz] = g.dimensions;
  const data = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const [x, y, z] = voxelToPatient(g, i, j, k);
    let v = 0;
    if (Math.abs(x) <= 14 && y >= -14 && y <= 6 && Math.abs(z) <= 11) v = 1;
    if (Math.hypot(x, y - 12) <= 5 && Math.abs(z) <= 13) v = 2;
    if (Math.hypot(x - 3, y + 4, z - 1) <= 6) v = 3;
    data[i + nx * (j + ny * k)] = v;
  }
  return { geometry: g, data };
}

export function fixtureSegments(): SegmentDefinition[] {
  const auto = { algorithmType: 'SEMIAUTOMATIC' as const, algorithmName: 'PVPI unit fixture' };
  return [
    { label: 'L1 Vertebral body', labelValues: [1, 3], category: Codes.anatomicalStructure, type: Codes.vertebralBody, rgb: [241, 214, 145], ...auto },
    { label: 'L1 Spinal canal', labelValues: [2], category: Codes.anatomicalStructure, type: Codes.vertebralCanal, rgb: [244, 214, 49], ...auto },
    { label: 'L1 Lesion', labelValues: [3], category: Codes.morphologicallyAbnormalStructure, type: Codes.neoplasmSecondary, rgb: [220, 40, 40], ...auto },
  ];
}

export function fixturePlan(ct: PlanningCt): Plan {
  const plan = createPlan({
    id: 'plan-7f3a',
    name: 'L1 left+right',
    nowDateTime: '2025-03-04T10:11:12.345Z',
    references: { patientID: FIXTURE_PATIENT_ID, studyInstanceUID: ct.study.studyInstanceUID, seriesInstanceUID: ct.seriesInstanceUID, frameOfReferenceUID: ct.frameOfReferenceUID },
    source: { modelId: '6711', airKermaStrengthU: 0.8, calibrationDateTime: '2025-02-20T12:00:00Z' },
    prescriptionGy: 110,
  });
  plan.prescription.targetLabel = 'L1 Lesion';
  plan.implantDateTime = '2025-03-05T08:00:00Z';
  plan.modifiedDateTime = '2025-03-04T11:00:00.5Z';
  const left: Vec3 = [-20.25, 18.125, 1.5];
  const right: Vec3 = [21.3333333, 17.9, 0.75];
  const tipL: Vec3 = [-2.5, -9.75, 1.25];
  const tipR: Vec3 = [4.2, -10.1, 0.5];
  plan.needles.push(
    { id: 'needle-left-0001', label: 'L1 left transpedicular', entryMm: left, tipMm: tipL, gauge: 11, outerDiameterMm: 3.05, side: 'left', approach: 'transpedicular', findings: [{ code: 'CANAL_MARGIN', severity: 'error', message: 'passes 1.4 mm from the canal (< 2 mm)' }], override: { reason: 'lesion reachable only this way', by: 'Dr. Müller', atDateTime: '2025-03-04T10:30:00Z' } },
    { id: 'needle-right-0002', label: 'L1 right transpedicular', entryMm: right, tipMm: tipR, gauge: 13, outerDiameterMm: 2.41, side: 'right', approach: 'transpedicular', findings: [] },
  );
  const along = (a: Vec3, b: Vec3, t: number): Vec3 => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
  const dir = (a: Vec3, b: Vec3): Vec3 => {
    const L = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    return [(b[0] - a[0]) / L, (b[1] - a[1]) / L, (b[2] - a[2]) / L];
  };
  [0.72, 0.86, 1].forEach((t, i) => plan.seeds.push({ id: `sL${i}`, positionMm: along(left, tipL, t), axis: dir(left, tipL), needleId: 'needle-left-0001' }));
  [0.8, 1].forEach((t, i) => plan.seeds.push({ id: `sR${i}`, positionMm: along(right, tipR, t), axis: dir(right, tipR), needleId: 'needle-right-0002', ...(i === 1 ? { airKermaStrengthU: 0.65 } : {}) }));
  plan.structures = [
    { label: 'L1 Vertebral body', role: 'other', segmentNumber: 1, colorRgb: [241, 214, 145] },
    { label: 'L1 Spinal canal', role: 'organ-at-risk', segmentNumber: 2, colorRgb: [244, 214, 49] },
    { label: 'L1 Lesion', role: 'target', segmentNumber: 3, colorRgb: [220, 40, 40] },
  ];
  plan.constraints = plan.constraints.map((c) => ({ ...c, structureLabel: 'L1 Spinal canal' }));
  return plan;
}

/** Total dose (Gy, full decay) of the plan's seeds on `g`, from the TG-43 engine. */
export function fixtureDose(plan: Plan, g: VolumeGeometry): Float32Array {
  const engine = new DoseEngine(g, getSourceModel(plan.source.modelId));
  engine.setSeeds(plan.seeds.map((s) => ({ id: s.id, positionMm: s.positionMm, axis: s.axis, airKermaStrengthU: s.airKermaStrengthU ?? plan.source.airKermaStrengthU })));
  const out = new Float32Array(g.dimensions[0] * g.dimensions[1] * g.dimensions[2]);
  engine.fillDoseRate(out, 0, g.dimensions[2], meanLifeHours() / 100);
  return out;
}

export function fixtureBundle(tag = 'unit'): PlanBundle {
  const ct = fixtureCt(tag);
  const plan = fixturePlan(ct);
  return { plan, ct, segmentation: { labels: fixtureLabels(ct.geometry), segments: fixtureSegments() }, dose: { geometry: ct.geometry, doseGy: fixtureDose(plan, ct.geometry) } };
}
