/** Node-only helpers: read a CT series or a SEG from disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { VolumeGeometry } from '../geometry/volume';
import { DicomInputError } from './dataset';
import { readCtSeries, type ReadCtSeriesOptions } from './ctSeries';
import { readSeg } from './seg';

/** Reads every regular file of a directory (non-recursive; hidden files and DICOMDIR skipped) as one CT series. */
export function readCtSeriesDir(dir: string, options: Omit<ReadCtSeriesOptions, 'names'> = {}): ReturnType<typeof readCtSeries> {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((n) => !n.startsWith('.') && n.toUpperCase() !== 'DICOMDIR').sort();
  } catch (e) {
    throw new DicomInputError('EMPTY', `cannot read directory ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const files = entries.map((n) => path.join(dir, n)).filter((p) => statSync(p).isFile());
  if (files.length === 0) throw new DicomInputError('EMPTY', `no files in ${dir}`);
  const buffers = files.map((f) => new Uint8Array(readFileSync(f)));
  return readCtSeries(buffers, { ...options, names: files.map((f) => path.basename(f)) });
}

/** Reads a SEG file onto a CT grid. */
export function readSegFile(file: string, ctGeometry: VolumeGeometry): ReturnType<typeof readSeg> {
  return readSeg(new Uint8Array(readFileSync(file)), ctGeometry, path.basename(file));
}
