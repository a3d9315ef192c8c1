import { DicomwebClient, type FetchFunction, type FetchInit, type FetchResponse } from '../../../src/dicomweb/client';
import { DicomwebError } from '../../../src/dicomweb/errors';
import { decodeMultipartResponse } from '../../../src/dicomweb/multipart';

const enc = new TextEncoder();
const BASE = 'http://pacs.test:8042/dicom-web';

interface Recorded {
  url: string;
  init: FetchInit;
}

function response(status: number, body: string | Uint8Array, contentType = 'application/dicom+json', statusText = ''): FetchResponse {
  const bytes = typeof body === 'string' ? enc.encode(body) : body;
  return {
    status,
    statusText,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) },
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

function fakeServer(handler: (url: string, init: FetchInit) => FetchResponse | Promise<FetchResponse>): {
  fetch: FetchFunction;
  calls: Recorded[];
} {
  const calls: Recorded[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return handler(url, init);
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<DicomwebError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DicomwebError) return e;
    throw new Error(`expected DicomwebError, got ${String(e)}`);
  }
  throw new Error('expected a rejection');
}

// DICOM JSON of a Store Instances Response (PS3.18 §10.5.3.1) as Orthanc writes it.
function stowBody(stored: string[], failed: Array<[string, number]> = []): string {
  const ref = (uid: string) => ({
    '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
    '00081155': { vr: 'UI', Value: [uid] },
  });
  return JSON.stringify({
    '00081198': { vr: 'SQ', ...(failed.length ? { Value: failed.map(([uid, code]) => ({ ...ref(uid), '00081197': { vr: 'US', Value: [code] } })) } : {}) },
    '00081199': { vr: 'SQ', ...(stored.length ? { Value: stored.map(ref) } : {}) },
  });
}

describe('DicomwebClient requests', () => {
  it('QIDO: builds the URL with encoded query, sends Accept and injected (async) auth headers', async () => {
    const srv = fakeServer(() => response(200, JSON.stringify([{ '0020000D': { vr: 'UI', Value: ['1.2.3'] } }])));
    const client = new DicomwebClient({ url: `${BASE}/`, fetch: srv.fetch, headers: async () => ({ Authorization: 'Bearer t0k' }) });
    const studies = await client.searchStudies({ PatientName: 'Doe^J*', limit: 5, includefield: ['00201208', '00080061'], skip: undefined });
    expect(studies).toHaveLength(1);
    expect(srv.calls[0]?.url).toBe(`${BASE}/studies?PatientName=Doe%5EJ*&limit=5&includefield=00201208&includefield=00080061`);
    expect(srv.calls[0]?.init.headers).toEqual({ Authorization: 'Bearer t0k', Accept: 'application/dicom+json' });
    expect(srv.calls[0]?.init.method).toBe('GET');
  });

  it('QIDO paths for series and instances', async () => {
    const srv = fakeServer(() => response(204, ''));
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch });
    expect(await client.searchSeries('1.2')).toEqual([]);
    await client.searchInstances('1.2', '1.2.3');
    await client.searchInstances();
    expect(srv.calls.map((c) => c.url)).toEqual([
      `${BASE}/studies/1.2/series`,
      `${BASE}/studies/1.2/series/1.2.3/instances`,
      `${BASE}/instances`,
    ]);
  });

  it('STOW: sends every instance as an application/dicom part and returns the stored UIDs', async () => {
    const instances = [enc.encode('DICM-one'), Uint8Array.from([0, 13, 10, 45, 45, 255])];
    const srv = fakeServer(() => response(200, stowBody(['1.1', '1.2'])));
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch, headers: { 'X-Api-Key': 'k' } });
    const outcome = await client.storeInstances(instances, { studyInstanceUID: '9.9' });
    expect(outcome.stored.map((s) => s.sopInstanceUID)).toEqual(['1.1', '1.2']);
    const call = srv.calls[0] as Recorded;
    expect(call.url).toBe(`${BASE}/studies/9.9`);
    expect(call.init.method).toBe('POST');
    expect(call.init.headers['X-Api-Key']).toBe('k');
    expect(call.init.headers['Accept']).toBe('application/dicom+json');
    const parts = decodeMultipartResponse(call.init.body as Uint8Array, call.init.headers['Content-Type'] ?? null);
    expect(call.init.headers['Content-Type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    expect(parts.map((p) => p.headers['content-type'])).toEqual(['application/dicom', 'application/dicom']);
    expect(parts.map((p) => Array.from(p.body))).toEqual(instances.map((i) => Array.from(i)));
  });

  it('WADO-RS frames: decodes one buffer per frame, in order', async () => {
    const body = enc.encode(
      '--f\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\r\n--f\r\nContent-Type: application/octet-stream\r\n\r\n\x03\r\n--f--\r\n',
    );
    const srv = fakeServer(() => response(200, body, 'multipart/related; type="application/octet-stream"; boundary=f'));
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch });
    const frames = await client.retrieveFrames('1', '2', '3', [1, 2]);
    expect(frames.map((f) => Array.from(f))).toEqual([[1, 2], [3]]);
    expect(srv.calls[0]?.url).toBe(`${BASE}/studies/1/series/2/instances/3/frames/1,2`);
    expect(srv.calls[0]?.init.headers['Accept']).toBe('multipart/related; type="application/octet-stream"');
    const e = await rejection(client.retrieveFrames('1', '2', '3', [1, 2, 3]));
    expect(e.kind).toBe('bad-response');
    await expect(client.retrieveFrames('1', '2', '3', [0])).rejects.toThrow(RangeError);
  });
});

describe('DicomwebClient errors: typed, one line', () => {
  it('partial STOW (Orthanc: HTTP 400, fewer referenced than sent, unreadable part not listed) → store-failed', async () => {
    const srv = fakeServer(() => response(400, stowBody(['1.1', '1.3']), 'application/dicom+json', 'Bad Request'));
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch });
    const e = await rejection(client.storeInstances([enc.encode('a'), enc.encode('b'), enc.encode('c')]));
    expect(e.kind).toBe('store-failed');
    expect(e.status).toBe(400);
    expect(e.store?.stored.map((s) => s.sopInstanceUID)).toEqual(['1.1', '1.3']);
    expect(e.store?.sentCount).toBe(3);
    expect(e.message).toBe(
      `STOW-RS stored only 2 of 3 instance(s), 1 rejected at ${BASE}/studies (HTTP 400 Bad Request); the server could not read at least one part as DICOM`,
    );
    expect(e.retryable).toBe(false);
  });

  it('STOW with FailedSOPSequence and a failure reason (HTTP 202) → store-failed naming the reason code', async () => {
    const srv = fakeServer(() => response(202, stowBody(['1.1'], [['1.2', 0xc000]])));
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch });
    const e = await rejection(client.storeInstances([enc.encode('a'), enc.encode('b')]));
    expect(e.kind).toBe('store-failed');
    expect(e.store?.failed).toEqual([{ sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: '1.2', reasonCode: 0xc000 }]);
    expect(e.message).toContain('(reason 0xC000)');
    expect(e.message).toContain('stored only 1 of 2');
  });

  it('STOW where nothing was stored → "rejected all"', async () => {
    const srv = fakeServer(() => response(400, stowBody([]), 'application/dicom+json', 'Bad Request'));
    const e = await rejection(new DicomwebClient({ url: BASE, fetch: srv.fetch }).storeInstances([enc.encode('junk')]));
    expect(e.kind).toBe('store-failed');
    expect(e.message).toMatch(/^STOW-RS rejected all 1 instance\(s\)/);
  });

  it('4xx and 5xx carry the status and the server explanation', async () => {
    const orthanc404 = JSON.stringify({ HttpError: 'Not Found', HttpStatus: 404, Message: 'Unknown resource', Details: 'Accessing an inexistent study' });
    const srv = fakeServer((url) => (url.includes('missing') ? response(404, orthanc404, 'application/json', 'Not Found') : response(503, 'Service Unavailable\n<html>', 'text/plain')));
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch });
    const e404 = await rejection(client.retrieveSeriesMetadata('missing', '1'));
    expect(e404.kind).toBe('client-error');
    expect(e404.status).toBe(404);
    expect(e404.serverMessage).toBe('Unknown resource: Accessing an inexistent study');
    expect(e404.message).toBe(
      `DICOMweb server refused the request: GET ${BASE}/studies/missing/series/1/metadata → HTTP 404 Not Found (Unknown resource: Accessing an inexistent study)`,
    );
    expect(e404.retryable).toBe(false);
    const e503 = await rejection(client.searchStudies());
    expect(e503.kind).toBe('server-error');
    expect(e503.retryable).toBe(true);
    expect(e503.message).not.toMatch(/[\r\n]/);
  });

  it('connection refused (Node fetch: TypeError with cause.code) → unreachable', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const client = new DicomwebClient({ url: 'http://127.0.0.1:1/dicom-web', fetch: () => Promise.reject(refused) });
    const e = await rejection(client.searchStudies({ limit: 1 }));
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe('Cannot reach DICOMweb server at http://127.0.0.1:1/dicom-web: connection refused');
    expect(e.retryable).toBe(true);
    expect(e.cause).toBe(refused);
  });

  it('browser-style opaque network failure → unreachable with the browser message', async () => {
    const client = new DicomwebClient({ url: '/dicom-web', fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    const e = await rejection(client.searchStudies());
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe('Cannot reach DICOMweb server at /dicom-web: Failed to fetch');
  });

  it('connection reset while reading the body → connection-lost', async () => {
    const reset = Object.assign(new Error('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const client = new DicomwebClient({
      url: BASE,
      fetch: async () => ({ ...response(200, ''), arrayBuffer: () => Promise.reject(reset) }),
    });
    const e = await rejection(client.storeInstances([enc.encode('x')]));
    expect(e.kind).toBe('connection-lost');
    expect(e.message).toBe(`Connection to DICOMweb server lost during POST ${BASE}/studies (UND_ERR_SOCKET)`);
  });

  it('no answer within the time limit → timeout; caller abort → aborted', async () => {
    const hang: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const client = new DicomwebClient({ url: BASE, fetch: hang, timeoutMs: 5 });
    const e = await rejection(client.searchStudies());
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe(`DICOMweb server did not answer GET ${BASE}/studies within 5 ms`);

    const controller = new AbortController();
    const pending = new DicomwebClient({ url: BASE, fetch: hang }).searchStudies(undefined, { signal: controller.signal });
    controller.abort();
    const a = await rejection(pending);
    expect(a.kind).toBe('aborted');
    expect(a.retryable).toBe(false);
  });

  it('malformed bodies → bad-response', async () => {
    const client = new DicomwebClient({
      url: BASE,
      fetch: async (url) => (url.endsWith('/studies') ? response(200, '{not json') : response(200, '[{"bad key": 1}]')),
    });
    expect((await rejection(client.searchStudies())).kind).toBe('bad-response');
    expect((await rejection(client.searchSeries())).kind).toBe('bad-response');
    const mp = new DicomwebClient({ url: BASE, fetch: async () => response(200, 'abc', 'multipart/related; boundary=zz') });
    const e = await rejection(mp.retrieveInstance('1', '2', '3'));
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain('malformed multipart');
  });
});

describe('storeInstancesInBatches', () => {
  it('splits by count and bytes, and reports what earlier batches stored when a later one fails', async () => {
    let n = 0;
    const sizes: number[] = [];
    const srv = fakeServer((_url, init) => {
      const parts = decodeMultipartResponse(init.body as Uint8Array, init.headers['Content-Type'] ?? null);
      sizes.push(parts.length);
      n++;
      if (n === 3) return response(500, 'disk full', 'text/plain', 'Internal Server Error');
      return response(200, stowBody(parts.map((_p, i) => `${n}.${i}`)));
    });
    const client = new DicomwebClient({ url: BASE, fetch: srv.fetch });
    const instances = Array.from({ length: 7 }, () => new Uint8Array(10));
    const progress: number[] = [];
    const e = await rejection(
      client.storeInstancesInBatches(instances, { maxBatchCount: 3, maxBatchBytes: 25, onProgress: (done) => progress.push(done) }),
    );
    expect(sizes).toEqual([2, 2, 2]); // 25 bytes allow two 10-byte instances per request
    expect(progress).toEqual([2, 4]);
    expect(e.kind).toBe('server-error');
    expect(e.store?.stored.map((s) => s.sopInstanceUID)).toEqual(['1.0', '1.1', '2.0', '2.1']);
    expect(e.message).toContain('after 4 instance(s) stored by earlier requests');
    expect(e.retryable).toBe(true);
  });
});
