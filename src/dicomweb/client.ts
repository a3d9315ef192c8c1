/**
 * A small DICOMweb client (PS3.18): STOW-RS, QIDO-RS and WADO-RS, built on the standard `fetch`
 * (browser, Web Worker, Node ≥ 18). Authorization headers are injectable (e.g. OHIF's user
 * authentication service), every request has a timeout, and every failure is a {@link DicomwebError}
 * with a one-line message.
 */
import { DicomTags, getSequence, getString, getNumber, isDicomJsonDataset, type DicomJsonDataset } from './dicomJson';
import { DicomwebError, type DicomwebErrorKind, type FailedInstance, type StoreOutcome, type StoredInstance } from './errors';
import { decodeMultipartResponse, encodeMultipartRelated, MultipartError } from './multipart';

/** Headers added to every request, or a function returning them (called per request, may be async). */
export type HeaderProvider =
  | Readonly<Record<string, string>>
  | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** The subset of `RequestInit` this client uses. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  signal: AbortSignal;
}

/** The subset of `Response` this client uses. */
export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch`-compatible function. */
export type FetchFunction = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Client configuration. */
export interface DicomwebClientOptions {
  /** DICOMweb root, e.g. `http://127.0.0.1:8042/dicom-web` or `/dicom-web` in a browser (no trailing slash needed). */
  readonly url: string;
  /** Extra headers, e.g. `{ Authorization: 'Bearer …' }`, or a function returning them. */
  readonly headers?: HeaderProvider;
  /** Default time limit per request, response body included (ms). Default 60 000. */
  readonly timeoutMs?: number;
  /** `fetch` implementation; default `globalThis.fetch`. */
  readonly fetch?: FetchFunction;
}

/** Per-request options. */
export interface RequestOptions {
  /** Cancels the request; the promise then rejects with kind `aborted`. */
  readonly signal?: AbortSignal;
  /** Overrides the client's default time limit (ms). */
  readonly timeoutMs?: number;
}

/** QIDO-RS query parameters (PS3.18 §10.6.1.2): attribute matches (keyword or tag), `limit`, `offset`,
 * `includefield`, `fuzzymatching`. Arrays are sent as repeated parameters. */
export type QidoQuery = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** Options for {@link DicomwebClient.storeInstances}. */
export interface StoreOptions extends RequestOptions {
  /** Store into this study (`POST /studies/{uid}`); instances of other studies are then rejected. */
  readonly studyInstanceUID?: string;
}

/** Options for {@link DicomwebClient.storeInstancesInBatches}. */
export interface BatchStoreOptions extends StoreOptions {
  /** Maximum bytes of DICOM per request (default 16 MiB; a larger single instance is sent alone). */
  readonly maxBatchBytes?: number;
  /** Maximum instances per request (default 100). */
  readonly maxBatchCount?: number;
  /** Called after each successful batch with the number of instances stored so far. */
  readonly onProgress?: (storedCount: number, totalCount: number) => void;
}

/** Options for {@link DicomwebClient.retrieveFrames}. */
export interface FrameOptions extends RequestOptions {
  /** Requested transfer syntax of the frames; default: the server's default for
   * `application/octet-stream`, i.e. Explicit VR Little Endian (PS3.18 §8.7.3.5.2). `*` = as stored. */
  readonly transferSyntaxUID?: string;
}

interface RawResponse {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string | null;
  readonly body: Uint8Array;
}

interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly accept: string;
  readonly query?: QidoQuery;
  readonly body?: Uint8Array<ArrayBuffer>;
  readonly contentType?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const decoder = new TextDecoder();

function defaultFetch(): FetchFunction {
  const f: unknown = (globalThis as { fetch?: unknown }).fetch;
  if (typeof f !== 'function') {
    throw new Error('DicomwebClient: no global fetch available; pass options.fetch');
  }
  return (url, init) => (f as (u: string, i: FetchInit) => Promise<FetchResponse>).call(globalThis, url, init);
}

function encodeQuery(query: QidoQuery | undefined): string {
  if (query === undefined) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
    for (const v of values) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** Error codes anywhere in an error's `cause` chain (Node's fetch wraps socket errors, sometimes in AggregateError). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const codes: string[] = [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string') codes.push(record.code);
  codes.push(...errorCodes(record.cause, depth + 1));
  if (Array.isArray(record.errors)) for (const e of record.errors) codes.push(...errorCodes(e, depth + 1));
  return codes;
}

const UNREACHABLE_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ECONNABORTED: 'connection aborted',
};

/** First line of a server's error body, shortened (Orthanc sends JSON with "Message"/"Details"). */
function summarizeServerBody(body: Uint8Array): string | undefined {
  if (body.length === 0) return undefined;
  const text = decoder.decode(body.subarray(0, 4096));
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const rec = parsed as Record<string, unknown>;
      const parts = [rec['Message'], rec['Details'], rec['message'], rec['error']].filter(
        (p): p is string => typeof p === 'string' && p !== '',
      );
      if (parts.length > 0) return parts.join(': ').slice(0, 200);
      return undefined; // JSON without a message (e.g. a DICOM dataset): nothing human-readable
    }
  } catch {
    // not JSON: use the text
  }
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('<'));
  return line === undefined ? undefined : line.slice(0, 200);
}

function parseStoredInstance(item: DicomJsonDataset): StoredInstance {
  const url = getString(item, DicomTags.RetrieveURL);
  return {
    sopClassUID: getString(item, DicomTags.ReferencedSOPClassUID) ?? '',
    sopInstanceUID: getString(item, DicomTags.ReferencedSOPInstanceUID) ?? '',
    ...(url === undefined ? {} : { retrieveUrl: url }),
  };
}

function parseFailedInstance(item: DicomJsonDataset, reasonTag: string): FailedInstance {
  const reason = getNumber(item, reasonTag);
  return {
    sopClassUID: getString(item, DicomTags.ReferencedSOPClassUID) ?? '',
    sopInstanceUID: getString(item, DicomTags.ReferencedSOPInstanceUID) ?? '',
    ...(reason === undefined ? {} : { reasonCode: reason }),
  };
}

/**
 * Parse a STOW-RS response body (PS3.18 §10.5.3.1, DICOM JSON) into a {@link StoreOutcome}.
 * Returns undefined when the body is not a Store Instances Response.
 */
export function parseStoreResponse(body: Uint8Array, status: number, sentCount: number): StoreOutcome | undefined {
  if (body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
  const dataset = Array.isArray(parsed) && parsed.length === 1 ? (parsed[0] as unknown) : parsed;
  if (!isDicomJsonDataset(dataset)) return undefined;
  if (dataset[DicomTags.ReferencedSOPSequence] === undefined && dataset[DicomTags.FailedSOPSequence] === undefined) {
    return undefined;
  }
  const referenced = getSequence(dataset, DicomTags.ReferencedSOPSequence);
  const retrieveUrl = getString(dataset, DicomTags.RetrieveURL);
  return {
    status,
    sentCount,
    stored: referenced.map(parseStoredInstance),
    failed: getSequence(dataset, DicomTags.FailedSOPSequence).map((i) => parseFailedInstance(i, DicomTags.FailureReason)),
    warnings: referenced
      .filter((i) => i[DicomTags.WarningReason] !== undefined)
      .map((i) => parseFailedInstance(i, DicomTags.WarningReason)),
    ...(retrieveUrl === undefined ? {} : { retrieveUrl }),
  };
}

function mergeOutcomes(a: StoreOutcome | undefined, b: StoreOutcome): StoreOutcome {
  if (a === undefined) return b;
  return {
    status: b.status,
    sentCount: a.sentCount + b.sentCount,
    stored: [...a.stored, ...b.stored],
    failed: [...a.failed, ...b.failed],
    warnings: [...a.warnings, ...b.warnings],
    ...(b.retrieveUrl ?? a.retrieveUrl ? { retrieveUrl: b.retrieveUrl ?? a.retrieveUrl } : {}),
  };
}

function hexCode(code: number | undefined): string {
  return code === undefined ? '' : ` (reason 0x${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** A DICOMweb client bound to one server root. All methods reject with {@link DicomwebError}. */
export class DicomwebClient {
  /** DICOMweb root without trailing slash. */
  readonly url: string;
  private readonly headers: HeaderProvider | undefined;
  private readonly timeoutMs: number;
  private readonly fetchFn: FetchFunction;

  constructor(options: DicomwebClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.headers = options.headers;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? defaultFetch();
  }

  // ---------------------------------------------------------------- STOW-RS (PS3.18 §10.5)

  /**
   * Store DICOM Part 10 instances in one STOW-RS request.
   * Resolves only when the server stored every instance; otherwise rejects with kind `store-failed`
   * (its `store` field lists what was stored and what was rejected) or a transport/HTTP error.
   */
  async storeInstances(instances: readonly Uint8Array[], options: StoreOptions = {}): Promise<StoreOutcome> {
    const { body, contentType } = encodeMultipartRelated(
      instances.map((data) => ({ contentType: 'application/dicom', body: data })),
      { type: 'application/dicom' },
    );
    const path = options.studyInstanceUID === undefined ? '/studies' : `/studies/${encodeURIComponent(options.studyInstanceUID)}`;
    const res = await this.send({ method: 'POST', path, accept: 'application/dicom+json', body, contentType }, options);
    const outcome = parseStoreResponse(res.body, res.status, instances.length);
    const ok = res.status >= 200 && res.status < 300;
    if (outcome === undefined) {
      if (!ok) throw this.httpError('POST', res);
      if (res.status === 200 || res.status === 204) {
        return { status: res.status, sentCount: instances.length, stored: [], failed: [], warnings: [] };
      }
      throw new DicomwebError(`STOW-RS to ${res.url} returned HTTP ${res.status} without a Store Instances Response`, {
        kind: 'bad-response', url: res.url, method: 'POST', status: res.status,
      });
    }
    const rejected = Math.max(outcome.failed.length, instances.length - outcome.stored.length);
    if (ok && rejected === 0) return outcome;
    {
      const firstReason = outcome.failed[0]?.reasonCode;
      const serverMessage = summarizeServerBody(res.body);
      const httpPart = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      const what = outcome.stored.length === 0
        ? `STOW-RS rejected all ${instances.length} instance(s)`
        : `STOW-RS stored only ${outcome.stored.length} of ${instances.length} instance(s), ${rejected} rejected`;
      throw new DicomwebError(
        `${what} at ${res.url} (${httpPart})${hexCode(firstReason)}${rejected > outcome.failed.length ? '; the server could not read at least one part as DICOM' : ''}`,
        {
          kind: 'store-failed', url: res.url, method: 'POST', status: res.status, store: outcome,
          ...(serverMessage === undefined ? {} : { serverMessage }),
        },
      );
    }
  }

  /**
   * Store many instances in several STOW-RS requests (bounded by bytes and count).
   * On failure the rejection's `store` field accumulates everything stored by earlier batches.
   */
  async storeInstancesInBatches(instances: readonly Uint8Array[], options: BatchStoreOptions = {}): Promise<StoreOutcome> {
    const maxBytes = options.maxBatchBytes ?? 16 * 1024 * 1024;
    const maxCount = options.maxBatchCount ?? 100;
    let total: StoreOutcome | undefined;
    let i = 0;
    while (i < instances.length) {
      const batch: Uint8Array[] = [];
      let bytes = 0;
      while (i < instances.length && batch.length < maxCount) {
        const next = instances[i] as Uint8Array;
        if (batch.length > 0 && bytes + next.length > maxBytes) break;
        batch.push(next);
        bytes += next.length;
        i++;
      }
      try {
        total = mergeOutcomes(total, await this.storeInstances(batch, options));
      } catch (error) {
        if (error instanceof DicomwebError && total !== undefined) {
          const store = mergeOutcomes(total, error.store ?? { status: error.status ?? 0, sentCount: batch.length, stored: [], failed: [], warnings: [] });
          throw new DicomwebError(`${error.message} (after ${total.stored.length} instance(s) stored by earlier requests)`, {
            kind: error.kind, url: error.url, method: error.method, store, cause: error,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.serverMessage === undefined ? {} : { serverMessage: error.serverMessage }),
          });
        }
        throw error;
      }
      options.onProgress?.(total.stored.length, instances.length);
    }
    return total ?? { status: 200, sentCount: 0, stored: [], failed: [], warnings: [] };
  }

  // ---------------------------------------------------------------- QIDO-RS (PS3.18 §10.6)

  /** Search studies (`GET /studies?…`). */
  searchStudies(query?: QidoQuery, options?: RequestOptions): Promise<DicomJsonDataset[]> {
    return this.getJson('/studies', query, options);
  }

  /** Search series, within one study when `studyInstanceUID` is given. */
  searchSeries(studyInstanceUID?: string, query?: QidoQuery, options?: RequestOptions): Promise<DicomJsonDataset[]> {
    const path = studyInstanceUID === undefined ? '/series' : `/studies/${encodeURIComponent(studyInstanceUID)}/series`;
    return this.getJson(path, query, options);
  }

  /** Search instances, within a study and/or series when given. */
  searchInstances(
    studyInstanceUID?: string,
    seriesInstanceUID?: string,
    query?: QidoQuery,
    options?: RequestOptions,
  ): Promise<DicomJsonDataset[]> {
    let path = '';
    if (studyInstanceUID !== undefined) path += `/studies/${encodeURIComponent(studyInstanceUID)}`;
    if (seriesInstanceUID !== undefined) path += `/series/${encodeURIComponent(seriesInstanceUID)}`;
    return this.getJson(`${path}/instances`, query, options);
  }

  // ---------------------------------------------------------------- WADO-RS (PS3.18 §10.4)

  /** Metadata of every instance of a study (DICOM JSON, bulk data as BulkDataURI). */
  retrieveStudyMetadata(studyInstanceUID: string, options?: RequestOptions): Promise<DicomJsonDataset[]> {
    return this.getJson(`/studies/${encodeURIComponent(studyInstanceUID)}/metadata`, undefined, options);
  }

  /** Metadata of every instance of a series. */
  retrieveSeriesMetadata(studyInstanceUID: string, seriesInstanceUID: string, options?: RequestOptions): Promise<DicomJsonDataset[]> {
    return this.getJson(`${seriesPath(studyInstanceUID, seriesInstanceUID)}/metadata`, undefined, options);
  }

  /** Metadata of one instance. */
  async retrieveInstanceMetadata(
    studyInstanceUID: string,
    seriesInstanceUID: string,
    sopInstanceUID: string,
    options?: RequestOptions,
  ): Promise<DicomJsonDataset> {
    const path = `${instancePath(studyInstanceUID, seriesInstanceUID, sopInstanceUID)}/metadata`;
    const list = await this.getJson(path, undefined, options);
    const first = list[0];
    if (first === undefined) {
      throw new DicomwebError(`WADO-RS metadata of instance ${sopInstanceUID} is empty`, {
        kind: 'bad-response', url: this.url + path, method: 'GET',
      });
    }
    return first;
  }

  /** One instance as a DICOM Part 10 file, in the transfer syntax it is stored in. */
  async retrieveInstance(
    studyInstanceUID: string,
    seriesInstanceUID: string,
    sopInstanceUID: string,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    const path = instancePath(studyInstanceUID, seriesInstanceUID, sopInstanceUID);
    const parts = await this.getMultipart(path, 'multipart/related; type="application/dicom"; transfer-syntax=*', options);
    const first = parts[0];
    if (first === undefined) {
      throw new DicomwebError(`WADO-RS returned no part for instance ${sopInstanceUID}`, {
        kind: 'bad-response', url: this.url + path, method: 'GET',
      });
    }
    return first;
  }

  /** All instances of a series as DICOM Part 10 files. */
  retrieveSeries(studyInstanceUID: string, seriesInstanceUID: string, options?: RequestOptions): Promise<Uint8Array[]> {
    return this.getMultipart(
      seriesPath(studyInstanceUID, seriesInstanceUID),
      'multipart/related; type="application/dicom"; transfer-syntax=*',
      options,
    );
  }

  /**
   * Pixel data of frames (1-based frame numbers) of one instance, one buffer per frame in request order.
   * Uncompressed frames are the raw little-endian pixel cells (PS3.5 §8.1.1).
   */
  async retrieveFrames(
    studyInstanceUID: string,
    seriesInstanceUID: string,
    sopInstanceUID: string,
    frameNumbers: readonly number[],
    options: FrameOptions = {},
  ): Promise<Uint8Array[]> {
    if (frameNumbers.length === 0 || frameNumbers.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new RangeError(`frame numbers must be integers ≥ 1, got [${frameNumbers.join(', ')}]`);
    }
    const path = `${instancePath(studyInstanceUID, seriesInstanceUID, sopInstanceUID)}/frames/${frameNumbers.join(',')}`;
    const ts = options.transferSyntaxUID === undefined ? '' : `; transfer-syntax=${options.transferSyntaxUID}`;
    const frames = await this.getMultipart(path, `multipart/related; type="application/octet-stream"${ts}`, options);
    if (frames.length !== frameNumbers.length) {
      throw new DicomwebError(
        `WADO-RS returned ${frames.length} frame(s) for ${frameNumbers.length} requested at ${this.url + path}`,
        { kind: 'bad-response', url: this.url + path, method: 'GET' },
      );
    }
    return frames;
  }

  // ---------------------------------------------------------------- transport

  private async getJson(path: string, query: QidoQuery | undefined, options: RequestOptions = {}): Promise<DicomJsonDataset[]> {
    const res = await this.send({ method: 'GET', path, query, accept: 'application/dicom+json' }, options);
    if (res.status < 200 || res.status >= 300) throw this.httpError('GET', res);
    if (res.status === 204 || res.body.length === 0) return []; // 204 No Content: no matches (PS3.18 §10.6.3)
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(res.body));
    } catch {
      throw new DicomwebError(`DICOMweb server returned invalid JSON for GET ${res.url}`, {
        kind: 'bad-response', url: res.url, method: 'GET', status: res.status,
      });
    }
    if (!Array.isArray(parsed) || !parsed.every(isDicomJsonDataset)) {
      throw new DicomwebError(`DICOMweb server returned JSON that is not a DICOM JSON array for GET ${res.url}`, {
        kind: 'bad-response', url: res.url, method: 'GET', status: res.status,
      });
    }
    return parsed;
  }

  private async getMultipart(path: string, accept: string, options: RequestOptions = {}): Promise<Uint8Array[]> {
    const res = await this.send({ method: 'GET', path, accept }, options);
    if (res.status < 200 || res.status >= 300) throw this.httpError('GET', res);
    try {
      return decodeMultipartResponse(res.body, res.contentType).map((p) => p.body);
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      throw new DicomwebError(`DICOMweb server returned a malformed multipart body for GET ${res.url}: ${error.message}`, {
        kind: 'bad-response', url: res.url, method: 'GET', status: res.status, cause: error,
      });
    }
  }

  private httpError(method: string, res: RawResponse): DicomwebError {
    const kind: DicomwebErrorKind = res.status >= 500 ? 'server-error' : 'client-error';
    const serverMessage = summarizeServerBody(res.body);
    const statusText = res.statusText ? ` ${res.statusText}` : '';
    const what = kind === 'server-error' ? 'DICOMweb server error' : 'DICOMweb server refused the request';
    return new DicomwebError(
      `${what}: ${method} ${res.url} → HTTP ${res.status}${statusText}${serverMessage === undefined ? '' : ` (${serverMessage})`}`,
      { kind, url: res.url, method, status: res.status, ...(serverMessage === undefined ? {} : { serverMessage }) },
    );
  }

  private async resolveHeaders(): Promise<Record<string, string>> {
    if (this.headers === undefined) return {};
    const h = typeof this.headers === 'function' ? await this.headers() : this.headers;
    return { ...h };
  }

  /** Perform one HTTP exchange, reading the whole body under the time limit. Never throws non-DicomwebErrors. */
  private async send(spec: RequestSpec, options: RequestOptions): Promise<RawResponse> {
    const url = this.url + spec.path + encodeQuery(spec.query);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const external = options.signal;
    const onAbort = (): void => controller.abort();
    if (external?.aborted === true) controller.abort();
    external?.addEventListener('abort', onAbort);
    let gotResponse = false;
    try {
      const headers: Record<string, string> = { ...(await this.resolveHeaders()), Accept: spec.accept };
      if (spec.contentType !== undefined) headers['Content-Type'] = spec.contentType;
      const init: FetchInit = { method: spec.method, headers, signal: controller.signal };
      if (spec.body !== undefined) init.body = spec.body;
      if (controller.signal.aborted) throw new Error('aborted before sending');
      const response = await this.fetchFn(url, init);
      gotResponse = true;
      const body = new Uint8Array(await response.arrayBuffer());
      return {
        url, status: response.status, statusText: response.statusText,
        contentType: response.headers.get('content-type'), body,
      };
    } catch (error) {
      if (error instanceof DicomwebError) throw error;
      const where = `${spec.method} ${url}`;
      if (timedOut) {
        throw new DicomwebError(`DICOMweb server did not answer ${where} within ${formatSeconds(timeoutMs)}`, {
          kind: 'timeout', url, method: spec.method, cause: error,
        });
      }
      if (external?.aborted === true) {
        throw new DicomwebError(`DICOMweb request ${where} was cancelled`, { kind: 'aborted', url, method: spec.method, cause: error });
      }
      const codes = errorCodes(error);
      const unreachable = codes.map((c) => UNREACHABLE_CODES[c]).find((r) => r !== undefined);
      if (unreachable !== undefined && !gotResponse) {
        throw new DicomwebError(`Cannot reach DICOMweb server at ${this.url}: ${unreachable}`, {
          kind: 'unreachable', url, method: spec.method, cause: error,
        });
      }
      if (gotResponse || codes.length > 0) {
        const code = codes[0] ?? 'connection closed';
        throw new DicomwebError(`Connection to DICOMweb server lost during ${where} (${code})`, {
          kind: 'connection-lost', url, method: spec.method, cause: error,
        });
      }
      // Browsers report every network failure (refused, DNS, CORS) as an opaque TypeError.
      const detail = error instanceof Error && error.message !== '' ? error.message : String(error);
      throw new DicomwebError(`Cannot reach DICOMweb server at ${this.url}: ${detail}`, {
        kind: 'unreachable', url, method: spec.method, cause: error,
      });
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', onAbort);
    }
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function seriesPath(studyInstanceUID: string, seriesInstanceUID: string): string {
  return `/studies/${encodeURIComponent(studyInstanceUID)}/series/${encodeURIComponent(seriesInstanceUID)}`;
}

function instancePath(studyInstanceUID: string, seriesInstanceUID: string, sopInstanceUID: string): string {
  return `${seriesPath(studyInstanceUID, seriesInstanceUID)}/instances/${encodeURIComponent(sopInstanceUID)}`;
}
