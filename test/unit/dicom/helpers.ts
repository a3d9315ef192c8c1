// Shared helpers for the DICOM tests: small synthetic studies, dataset mutation, dciodvfy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { data as dcmjsData, type NaturalDataset } from 'dcmjs';
import type { ScalarVolume } from '../../../src/geometry/volume';
import { CT_IMAGE_STORAGE, uidFromName, writeDicomFile, type CtSeriesInfo, type StudyInfo } from '../../../src/dicom';

export const study: StudyInfo = {
  patientName: 'Test^Patient',
  patientId: 'T1',
  patientBirthDate: '19700101',
  patientSex: 'F',
  studyInstanceUID: uidFromName('test/study'),
  studyDate: '20240102',
  studyTime: '101010',
  studyId: 'S1',
  accessionNumber: 'A1',
  studyDescription: 'unit test',
  referringPhysicianName: '',
};

export function ctInfo(nz: number, tag = 'a', extra: Partial<CtSeriesInfo> = {}): CtSeriesInfo {
  return {
    ...study,
    seriesInstanceUID: uidFromName(`test/series/${tag}`),
    seriesNumber: 2,
    seriesDescription: 'test CT',
    frameOfReferenceUID: uidFromName('test/for'),
    sopInstanceUIDs: Array.from({ length: nz }, (_, k) => uidFromName(`test/series/${tag}/${k}`)),
    manufacturer: 'Test',
    manufacturerModelName: 'Unit',
    kvp: 120,
    windowCenterHu: 40,
    windowWidthHu: 400,
    bodyPartExamined: 'SPINE',
    ...extra,
  };
}

/** A small volume with a known HU ramp including the extremes −1024 and 3071. */
export function rampVolume(): ScalarVolume<Int16Array> {
  const dims: [number, number, number] = [7, 5, 4];
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let v = 0; v < data.length; v++) data[v] = ((v * 37) % 4096) - 1024;
  data[0] = -1024;
  data[1] = 3071;
  return {
    geometry: { dimensions: dims, spacingMm: [0.8, 0.9, 2.5], originMm: [-10.5, 20.25, -33], direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] },
    data,
  };
}

/** Reads a Part 10 buffer, applies `edit` to the naturalized dataset and writes it back. */
export function mutate(bytes: ArrayBuffer, edit: (ds: NaturalDataset) => void): ArrayBuffer {
  const dict = dcmjsData.DicomMessage.readFile(bytes);
  const ds = dcmjsData.DicomMetaDictionary.naturalizeDataset(dict.dict);
  edit(ds);
  return writeDicomFile(ds, String(ds.SOPClassUID ?? CT_IMAGE_STORAGE), String(ds.SOPInstanceUID ?? '1.2.3'));
}

export const hasDciodvfy = spawnSync('sh', ['-c', 'command -v dciodvfy']).status === 0;

/** Runs dciodvfy on a buffer; returns its output lines that report errors (and all lines for diagnosis). */
export function dciodvfy(bytes: ArrayBuffer, name = 'file.dcm'): { errors: string[]; warnings: string[]; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pvpi-dciodvfy-'));
  const file = path.join(dir, name);
  writeFileSync(file, new Uint8Array(bytes));
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const lines = output.split('\n');
  return { errors: lines.filter((l) => /error/i.test(l)), warnings: lines.filter((l) => /warning/i.test(l)), output };
}
