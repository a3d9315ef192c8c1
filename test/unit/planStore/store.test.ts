// savePlan against a scripted fetch: store order (RT Plan last), progress, and typed errors (retryable or not).
import { DicomwebClient, type FetchFunction } from '../../../src/dicomweb';
import { encodePlan, savePlan, PlanStoreError, type EncodedPlan } from '../../../src/planStore';
import { fixtureBundle } from './fixture';

let enc: EncodedPlan;
beforeAll(() => {
  enc = encodePlan(fixtureBundle('store'), { rtPlanSopInstanceUID: '2.25.31337' });
});

const storeResponse = JSON.stringify({ '00081199': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }] } });

/** A fetch that answers the n-th request with `statusOf(n)` and records which object each STOW carried. */
function scripted(statusOf: (n: number) => number, sent: string[]): FetchFunction {
  let n = 0;
  return async (url, init) => {
    const body = Buffer.from(init.body ?? new Uint8Array());
    // Modality (0008,0060) value of the part: "SEG", "RTSTRUCT", "RTDOSE" or "RTPLAN" preceded by its CS header.
    sent.push(['SEG', 'RTSTRUCT', 'RTPLAN', 'RTDOSE'].find((m) => body.includes(Buffer.concat([Buffer.from([0x08, 0x00, 0x60, 0x00, 0x43, 0x53]), Buffer.from([m.length + (m.length % 2), 0]), Buffer.from(m)]))) ?? '?');
    const status = statusOf(n++);
    const text = status === 200 ? storeResponse : JSON.stringify({ Message: 'nope' });
    return { status, statusText: '', headers: { get: () => 'application/dicom+json' }, arrayBuffer: async () => new TextEncoder().encode(text).buffer };
  };
}

describe('savePlan', () => {
  it('stores SEG, RT Structure Set, RT Dose, then RT Plan into the CT study, reporting progress', async () => {
    const sent: string[] = [];
    const urls: string[] = [];
    const fetch: FetchFunction = (url, init) => (urls.push(url), scripted(() => 200, sent)(url, init));
    const progress: string[] = [];
    const saved = await savePlan(new DicomwebClient({ url: 'http://x/dicom-web', fetch }), enc, { onProgress: (p) => progress.push(`${p.object} ${p.done}/${p.total}`) });
    expect(progress).toEqual(['seg 1/4', 'rtstruct 2/4', 'rtdose 3/4', 'rtplan 4/4']);
    expect(sent).toEqual(['SEG', 'RTSTRUCT', 'RTDOSE', 'RTPLAN']);
    expect(urls.every((u) => u === `http://x/dicom-web/studies/${enc.studyInstanceUID}`)).toBe(true);
    expect(saved.rtPlanSopInstanceUID).toBe('2.25.31337');
  });

  it('a 503 on the RT Dose: retryable PlanStoreError naming what was stored; the RT Plan was never sent', async () => {
    const sent: string[] = [];
    const client = new DicomwebClient({ url: 'http://x/dicom-web', fetch: scripted((n) => (n === 2 ? 503 : 200), sent) });
    const err = await savePlan(client, enc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanStoreError);
    expect(err).toMatchObject({ code: 'server', retryable: true, storedObjects: ['seg', 'rtstruct'], object: 'rtdose' });
    expect(sent).toEqual(['SEG', 'RTSTRUCT', 'RTDOSE']);
    expect((err as Error).message).toMatch(/^Saving the plan to http:\/\/x\/dicom-web \(storing the RT Dose; SEG, RT Structure Set already stored; the plan is not complete\) failed: DICOMweb server error: POST .* HTTP 503 \(nope\)$/);
  });

  it('a 403 (not authorised) is not retryable', async () => {
    const client = new DicomwebClient({ url: 'http://x/dicom-web', fetch: scripted(() => 403, []) });
    await expect(savePlan(client, enc)).rejects.toMatchObject({ code: 'server', retryable: false, storedObjects: [] });
  });

  it('an aborted save says so and stores nothing more', async () => {
    const ac = new AbortController();
    const sent: string[] = [];
    const client = new DicomwebClient({ url: 'http://x/dicom-web', fetch: scripted(() => 200, sent) });
    const p = savePlan(client, enc, { signal: ac.signal, onProgress: (pr) => pr.done === 1 && ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'aborted', storedObjects: ['seg'] });
    expect(sent).toEqual(['SEG']);
  });

  it('a bundle that cannot be encoded is an invalid-input error', async () => {
    const b = fixtureBundle('store2');
    b.plan.references.frameOfReferenceUID = '9.9.9';
    const client = new DicomwebClient({ url: 'http://x/dicom-web', fetch: scripted(() => 200, []) });
    await expect(savePlan(client, b)).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
