/**
 * STOW-RS / QIDO-RS / WADO-RS against a real Orthanc with the DICOMweb plugin, started by
 * scripts/lib/orthanc.mjs exactly as `npm start` does. References are the files we sent (read with dcmjs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DicomwebClient, DicomTags, DicomwebError, getNumber, getNumbers, getString } from '../../src/dicomweb';
import { prepareFixtures, type FixtureSet, type SentInstance } from './dicomFixtures';
import { callOrthancScript, isAlive, startExpectingFailure, startTestOrthanc, type TestServer } from './orthancHarness';

jest.setTimeout(120_000);

interface LoadResult {
  studies: Array<{ studyInstanceUID: string; files: number; alreadyPresent: boolean; stored: number }>;
  storedCount: number;
}

let workDir: string;
let server: TestServer;
let client: DicomwebClient;
let fixtures: FixtureSet;

async function rejectionOf(p: Promise<unknown>): Promise<DicomwebError> {
  const outcome = await p.then(
    () => new Error('expected the request to fail'),
    (err: unknown) => err,
  );
  if (!(outcome instanceof DicomwebError)) throw outcome;
  return outcome;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
  return m;
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvpi-it-'));
  [server, fixtures] = await Promise.all([startTestOrthanc(), Promise.resolve().then(() => prepareFixtures(workDir))]);
  client = new DicomwebClient({ url: server.dicomwebUrl, timeoutMs: 30_000 });
});

afterAll(async () => {
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe(`DICOMweb round trip on real Orthanc`, () => {
  it('loadStudyIfAbsent stores every file via STOW-RS, and skips a study already present', async () => {
    expect(fixtures.instances.length).toBeGreaterThan(0);
    const studies = new Set(fixtures.instances.map((i) => i.studyInstanceUID));
    const first = await callOrthancScript<LoadResult>('loadStudyIfAbsent', [server.dicomwebUrl, fixtures.dir, {}]);
    expect(first.error).toBeUndefined();
    expect(first.result?.storedCount).toBe(fixtures.instances.length);
    expect(first.result?.studies.map((s) => s.studyInstanceUID).sort()).toEqual([...studies].sort());
    const second = await callOrthancScript<LoadResult>('loadStudyIfAbsent', [server.dicomwebUrl, fixtures.dir, {}]);
    expect(second.result?.storedCount).toBe(0);
    expect(second.result?.studies.every((s) => s.alreadyPresent)).toBe(true);
  });

  it('QIDO-RS finds the study, its series and instances with the counts that were sent', async () => {
    for (const [studyUID, inStudy] of groupBy(fixtures.instances, (i) => i.studyInstanceUID)) {
      const bySeries = groupBy(inStudy, (i) => i.seriesInstanceUID);
      const studies = await client.searchStudies({ StudyInstanceUID: studyUID, includefield: ['00201206', '00201208'] });
      expect(studies).toHaveLength(1);
      const study = studies[0]!;
      expect(getNumber(study, DicomTags.NumberOfStudyRelatedSeries)).toBe(bySeries.size);
      expect(getNumber(study, DicomTags.NumberOfStudyRelatedInstances)).toBe(inStudy.length);

      const series = await client.searchSeries(studyUID, { includefield: '00201209' });
      expect(series.map((s) => getString(s, DicomTags.SeriesInstanceUID)).sort()).toEqual([...bySeries.keys()].sort());
      for (const s of series) {
        const uid = getString(s, DicomTags.SeriesInstanceUID)!;
        expect(getNumber(s, DicomTags.NumberOfSeriesRelatedInstances)).toBe(bySeries.get(uid)!.length);
        const instances = await client.searchInstances(studyUID, uid);
        expect(instances.map((i) => getString(i, DicomTags.SOPInstanceUID)).sort()).toEqual(
          bySeries.get(uid)!.map((i) => i.sopInstanceUID).sort(),
        );
      }
    }
  });

  it('WADO-RS series metadata carries the Frame of Reference and Image Position of every CT slice', async () => {
    const ct = fixtures.instances.filter((i) => i.modality === 'CT');
    expect(ct.length).toBeGreaterThan(1);
    for (const [seriesUID, slices] of groupBy(ct, (i) => i.seriesInstanceUID)) {
      const meta = await client.retrieveSeriesMetadata(slices[0]!.studyInstanceUID, seriesUID);
      expect(meta).toHaveLength(slices.length);
      const bySop = new Map(meta.map((m) => [getString(m, DicomTags.SOPInstanceUID), m]));
      for (const sent of slices) {
        const m = bySop.get(sent.sopInstanceUID);
        expect(m).toBeDefined();
        expect(getString(m!, DicomTags.FrameOfReferenceUID)).toBe(sent.frameOfReferenceUID);
        const ipp = getNumbers(m!, DicomTags.ImagePositionPatient);
        expect(ipp).toHaveLength(3);
        ipp.forEach((v, k) => expect(v).toBeCloseTo(sent.imagePositionPatient![k]!, 6));
      }
    }
  });

  it('WADO-RS frames return the sent pixel data byte for byte (first, middle, last slice)', async () => {
    const ct = fixtures.instances
      .filter((i): i is SentInstance & { pixelData: Uint8Array } => i.modality === 'CT' && i.pixelData !== undefined && i.numberOfFrames === 1)
      .sort((a, b) => a.file.localeCompare(b.file));
    expect(ct.length).toBeGreaterThan(2);
    for (const sent of [ct[0]!, ct[Math.floor(ct.length / 2)]!, ct[ct.length - 1]!]) {
      const [frame] = await client.retrieveFrames(sent.studyInstanceUID, sent.seriesInstanceUID, sent.sopInstanceUID, [1]);
      expect(frame!.length).toBe(sent.pixelData.length);
      expect(Buffer.from(frame!).equals(Buffer.from(sent.pixelData))).toBe(true);
    }
  });

  it('WADO-RS instance retrieval returns a DICOM Part 10 file of the same instance', async () => {
    const sent = fixtures.instances[0]!;
    const bytes = await client.retrieveInstance(sent.studyInstanceUID, sent.seriesInstanceUID, sent.sopInstanceUID);
    expect(Buffer.from(bytes.subarray(128, 132)).toString('latin1')).toBe('DICM'); // PS3.10 §7.1 preamble + prefix
    expect(Buffer.from(bytes).includes(Buffer.from(sent.sopInstanceUID, 'latin1'))).toBe(true);
  });
});

describe('errors a user can act on', () => {
  it('STOW-RS of a corrupt part next to a valid one: store-failed naming 1 of 2 stored', async () => {
    const valid = fixtures.instances[0]!.bytes;
    const corrupt = new TextEncoder().encode('this is not a DICOM file');
    const err = await rejectionOf(client.storeInstances([valid, corrupt]));
    expect(err.kind).toBe('store-failed');
    expect(err.store?.stored.map((s) => s.sopInstanceUID)).toEqual([fixtures.instances[0]!.sopInstanceUID]);
    expect(err.message).toMatch(/^STOW-RS stored only 1 of 2 instance\(s\), 1 rejected at .*\/studies \(HTTP 4\d\d/);
    expect(err.message).not.toMatch(/\n/);

    const all = await rejectionOf(client.storeInstances([corrupt]));
    expect(all.message).toMatch(/^STOW-RS rejected all 1 instance\(s\)/);
  });

  it('an unreachable DICOMweb URL (closed port) gives the one-line error, from the client and from checkDicomweb', async () => {
    const { findFreePortForTest } = await import('./netForTest');
    const port = await findFreePortForTest();
    const url = `http://127.0.0.1:${port}/dicom-web`;
    const e = await rejectionOf(new DicomwebClient({ url }).searchStudies({ limit: 1 }));
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe(`Cannot reach DICOMweb server at ${url}: connection refused`);

    const check = await callOrthancScript('checkDicomweb', [url]);
    expect(check.error).toBe(`Cannot reach DICOMweb server at ${url}: connection refused`);
    const ok = await callOrthancScript<{ studiesFound: number }>('checkDicomweb', [server.dicomwebUrl]);
    expect(ok.result?.studiesFound).toBe(1);
  });

  it('starting Orthanc on a taken port fails before spawning, with a one-line message naming the port and ORTHANC_PORT', async () => {
    if (server.httpPort === undefined) return; // external server: nothing of ours to collide with
    const res = await startExpectingFailure(path.join(workDir, 'second'), server.httpPort);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim()).toBe(
      `Port ${server.httpPort} is already in use by another Orthanc (1.10.1, name "PVPI-Orthanc"): stop that program or choose another port, e.g. ORTHANC_PORT=${server.httpPort + 1}`,
    );
  });

  it('Orthanc missing and not installable (not root): one-line error telling what to install or DICOMWEB_URL', async () => {
    // As root we drop to "nobody" so that no apt-get install is attempted.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const res = await callOrthancScript('ensureOrthancInstalled', [], { env: { ORTHANC_BIN: '/nonexistent/sbin/Orthanc' }, ...asNobody });
    expect(res.error).toBe(
      'Orthanc is not installed (/nonexistent/sbin/Orthanc missing) and cannot be installed automatically without root: ' +
        'install the Debian packages "orthanc orthanc-dicomweb", or set DICOMWEB_URL to an existing DICOMweb server',
    );
    expect(res).toMatchObject({ name: 'OrthancSetupError', userFacing: true });
  });

  it('stops cleanly and keeps its data: after a restart on the same folder the study is already present', async () => {
    const dataDir = path.join(workDir, 'restart');
    const first = await startTestOrthanc({ dataDir, keepData: true });
    const small = fs.mkdtempSync(path.join(workDir, 'one-'));
    fs.copyFileSync(fixtures.instances[0]!.file, path.join(small, 'one.dcm'));
    const load1 = await callOrthancScript<LoadResult>('loadStudyIfAbsent', [first.dicomwebUrl, small, {}]);
    expect(load1.result?.storedCount).toBe(1);
    await first.stop();
    expect(isAlive(first.pid!)).toBe(false);

    const again = await startTestOrthanc({ dataDir });
    try {
      const load2 = await callOrthancScript<LoadResult>('loadStudyIfAbsent', [again.dicomwebUrl, small, {}]);
      expect(load2.result?.studies[0]?.alreadyPresent).toBe(true);
    } finally {
      await again.stop();
    }
  });

  it('Orthanc killed mid-save: typed retryable error listing what earlier batches stored; retry after restart succeeds', async () => {
    const dataDir = path.join(workDir, 'killed');
    const victim = await startTestOrthanc({ dataDir, keepData: true });
    const instances = fixtures.instances.slice(0, 6).map((i) => i.bytes);
    const victimClient = new DicomwebClient({ url: victim.dicomwebUrl, timeoutMs: 20_000 });
    let killed = false;
    const err = await rejectionOf(
      victimClient.storeInstancesInBatches(instances, {
        maxBatchCount: 2,
        onProgress: () => {
          if (!killed) process.kill(victim.pid!, 'SIGKILL'); // after the first request was answered
          killed = true;
        },
      }),
    );
    expect(['unreachable', 'connection-lost']).toContain(err.kind);
    expect(err.retryable).toBe(true);
    expect(err.store?.stored.length).toBe(2);
    expect(err.message).toContain('after 2 instance(s) stored by earlier requests');
    expect(err.message).not.toMatch(/\n/);
    await victim.stop();

    const restarted = await startTestOrthanc({ dataDir });
    try {
      const retry = await new DicomwebClient({ url: restarted.dicomwebUrl }).storeInstancesInBatches(instances, { maxBatchCount: 2 });
      expect(retry.stored.map((s) => s.sopInstanceUID)).toEqual(fixtures.instances.slice(0, 6).map((i) => i.sopInstanceUID));
    } finally {
      await restarted.stop();
    }
  });
});
