import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { numberFlag, stringFlag, UsageError } from '../args';
import { buildPhantomStudy, generatePhantom } from '../../phantom';

/** `pvpi phantom --out DIR [--seed N]`: writes DIR/ct/*.dcm, DIR/seg/ground-truth.dcm and DIR/phantom.json. */
export const phantomCommand: Command = {
  name: 'phantom',
  summary: 'write the synthetic spine CT phantom (DICOM CT + ground-truth SEG + phantom.json)',
  usage: 'phantom --out DIR [--seed N]',
  async run(args, io) {
    const out = stringFlag(args, 'out');
    const seed = numberFlag(args, 'seed', 1);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be an integer 0…4294967295, got ${seed}`);
    const phantom = generatePhantom({ seed });
    const study = buildPhantomStudy(phantom);
    const ctDir = path.join(out, 'ct');
    const segDir = path.join(out, 'seg');
    mkdirSync(ctDir, { recursive: true });
    mkdirSync(segDir, { recursive: true });
    // Remove stale slices from an earlier run so DIR/ct always holds exactly one series.
    for (const name of readdirSync(ctDir)) if (name.endsWith('.dcm')) rmSync(path.join(ctDir, name));
    for (const f of study.ctFiles) writeFileSync(path.join(ctDir, f.fileName), new Uint8Array(f.bytes));
    writeFileSync(path.join(segDir, study.seg.fileName), new Uint8Array(study.seg.bytes));
    writeFileSync(path.join(out, 'phantom.json'), study.parametersJson + '\n');
    const [nx, ny, nz] = phantom.ct.geometry.dimensions;
    io.out(`phantom (seed ${seed}) written to ${out}`);
    io.out(`  CT:  ${study.ctFiles.length} slices ${nx}x${ny}, ${phantom.ct.geometry.spacingMm.join(' x ')} mm  -> ${ctDir}`);
    io.out(`  SEG: ${study.seg.segments.length} segments, ${study.seg.numberOfFrames} frames -> ${path.join(segDir, study.seg.fileName)}`);
    io.out(`  StudyInstanceUID   ${study.uids.studyInstanceUID}`);
    io.out(`  CT SeriesUID       ${study.uids.ctSeriesInstanceUID}`);
    io.out(`  SEG SeriesUID      ${study.uids.segSeriesInstanceUID}`);
    io.out(`  FrameOfReferenceUID ${study.uids.frameOfReferenceUID}`);
    return 0;
  },
};
