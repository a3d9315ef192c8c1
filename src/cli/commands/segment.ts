import { writeFileSync } from 'node:fs';
import type { Command } from '../command';
import { numberFlag, pointFlag, stringFlag, UsageError, type ParsedArgs } from '../args';
import { readCtSeriesDir } from '../../dicom/ctSeriesNode';
import { randomUid } from '../../dicom/uid';
import { referencedCtFromMeta, writeSeg } from '../../dicom/seg';
import {
  normaliseLevelName,
  segmentDefinitionsFor,
  segmentVertebra,
  type LesionOptions,
  type VertebraSegmentationOptions,
} from '../../segmentation';

const USAGE =
  'segment --ct DIR --point x,y,z --out seg.dcm [--level L1] [--lesion lytic|blastic|none] [--lesion-min-hu HU] [--lesion-max-hu HU] [--bone-threshold HU]';

function lesionOptions(args: ParsedArgs): LesionOptions | false {
  const kind = stringFlag(args, 'lesion', 'lytic');
  if (kind === 'none') return false;
  if (kind !== 'lytic' && kind !== 'blastic') throw new UsageError(`--lesion must be lytic, blastic or none, got "${kind}"`);
  const opts: LesionOptions = { kind };
  if (args.flags.has('lesion-min-hu')) opts.minHU = numberFlag(args, 'lesion-min-hu');
  if (args.flags.has('lesion-max-hu')) opts.maxHU = numberFlag(args, 'lesion-max-hu');
  if (opts.minHU !== undefined && opts.maxHU !== undefined && opts.minHU >= opts.maxHU) {
    throw new UsageError(`--lesion-min-hu (${opts.minHU}) must be below --lesion-max-hu (${opts.maxHU})`);
  }
  return opts;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * `pvpi segment --ct DIR --point x,y,z --out seg.dcm`: segments the vertebra whose body contains the point
 * (patient mm) and writes a DICOM SEG with the segments "Vertebral body", "Left pedicle", "Right pedicle",
 * "Posterior elements", "Spinal canal" and, when found, "Lesion".
 */
export const segmentCommand: Command = {
  name: 'segment',
  summary: 'segment a vertebra (body, pedicles, posterior elements, canal, lesion) from a point; write DICOM SEG',
  usage: USAGE,
  async run(args, io) {
    const ctDir = stringFlag(args, 'ct');
    const pointMm = pointFlag(args, 'point');
    const out = stringFlag(args, 'out');
    const levelFlag = args.flags.has('level') ? stringFlag(args, 'level') : undefined;
    const level = levelFlag === undefined ? undefined : normaliseLevelName(levelFlag);
    if (levelFlag !== undefined && level === undefined) throw new UsageError(`--level must be a vertebral level such as T12 or L1, got "${levelFlag}"`);
    const options: VertebraSegmentationOptions = { lesion: lesionOptions(args) };
    if (args.flags.has('bone-threshold')) options.boneThresholdHU = numberFlag(args, 'bone-threshold');

    const { volume, meta } = readCtSeriesDir(ctDir);
    const t0 = Date.now();
    const result = segmentVertebra(volume, pointMm, options);
    const elapsedS = (Date.now() - t0) / 1000;

    const segments = segmentDefinitionsFor(result.segments, level);
    const now = new Date();
    const seg = writeSeg(
      { geometry: volume.geometry, data: result.labels },
      segments,
      referencedCtFromMeta(meta),
      {
        seriesInstanceUID: randomUid(),
        sopInstanceUID: randomUid(),
        seriesNumber: 301,
        seriesDescription: `Vertebra segmentation${level ? ` ${level}` : ''}`,
        contentLabel: 'VERTEBRA',
        contentDescription: `Vertebra${level ? ` ${level}` : ''} segmented from ${pointMm.map((v) => v.toFixed(1)).join(',')} mm`,
        contentCreatorName: 'PVPI^Planner',
        manufacturer: 'PVPI Planner',
        manufacturerModelName: 'pvpi segment',
        deviceSerialNumber: '0',
        softwareVersions: '0.1.0',
        contentDate: `${now.getFullYear()}${pad2(now.getMonth() + 1)}${pad2(now.getDate())}`,
        contentTime: `${pad2(now.getHours())}${pad2(now.getMinutes())}${pad2(now.getSeconds())}`,
        dimensionOrganizationUID: randomUid(),
      },
    );
    writeFileSync(out, new Uint8Array(seg.bytes));

    io.out(`vertebra${level ? ` ${level}` : ''} segmented from (${pointMm.map((v) => v.toFixed(1)).join(', ')}) mm (${Math.round(result.seedHU)} HU) in ${elapsedS.toFixed(1)} s`);
    for (const s of result.segments) io.out(`  ${s.label.padEnd(20)} ${s.volumeCm3.toFixed(2).padStart(7)} cm³`);
    io.out(`  endplates z ${result.endplatesZMm.inferior.toFixed(1)} … ${result.endplatesZMm.superior.toFixed(1)} mm`);
    for (const w of result.warnings) io.out(`  warning: ${w}`);
    io.out(`SEG written to ${out} (${result.segments.length} segments, ${seg.numberOfFrames} frames)`);
    return 0;
  },
};
