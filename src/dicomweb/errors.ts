/**
 * Typed DICOMweb failures with one-line human messages, so that the viewer, the CLI and the start
 * scripts can show the user what went wrong (and whether retrying makes sense) without a stack trace.
 */

/**
 * What kind of failure occurred:
 * - `unreachable`: connection refused, DNS failure, no route (nothing was sent).
 * - `connection-lost`: the connection broke during the exchange (reset, socket closed); the request may
 *   or may not have been processed by the server.
 * - `timeout`: no complete response within the time limit.
 * - `aborted`: cancelled by the caller's AbortSignal.
 * - `client-error`: HTTP 4xx (bad request, not authorised, not found, …).
 * - `server-error`: HTTP 5xx.
 * - `store-failed`: STOW-RS stored none or only some of the instances (see {@link DicomwebError.store}).
 * - `bad-response`: the server answered with something that is not valid DICOMweb (bad JSON, bad multipart).
 */
export type DicomwebErrorKind =
  | 'unreachable'
  | 'connection-lost'
  | 'timeout'
  | 'aborted'
  | 'client-error'
  | 'server-error'
  | 'store-failed'
  | 'bad-response';

/** Outcome of a STOW-RS request as reported by the server (PS3.18 §10.5.3, Store Instances Response). */
export interface StoreOutcome {
  /** HTTP status of the response. */
  readonly status: number;
  /** Number of instances sent in the request. */
  readonly sentCount: number;
  /** Instances the server reports as stored (ReferencedSOPSequence, 0008,1199). */
  readonly stored: readonly StoredInstance[];
  /** Instances the server reports as failed (FailedSOPSequence, 0008,1198). May be fewer than
   * `sentCount - stored.length` when the server could not even parse a part (Orthanc does this). */
  readonly failed: readonly FailedInstance[];
  /** Instances stored with a warning (ReferencedSOPSequence items carrying WarningReason 0008,1196). */
  readonly warnings: readonly FailedInstance[];
  /** Study RetrieveURL (0008,1190), when given. */
  readonly retrieveUrl?: string;
}

/** One instance the server stored. */
export interface StoredInstance {
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  readonly retrieveUrl?: string;
}

/** One instance the server rejected or stored with a warning. */
export interface FailedInstance {
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  /** FailureReason (0008,1197) or WarningReason (0008,1196) code, PS3.18 Table I.2-1/I.2-2 (e.g. 0xC000). */
  readonly reasonCode?: number;
}

/** Details accepted by the {@link DicomwebError} constructor. */
export interface DicomwebErrorDetails {
  readonly kind: DicomwebErrorKind;
  readonly url: string;
  readonly method: string;
  readonly status?: number;
  /** Short server-provided explanation (first line of the response body, trimmed). */
  readonly serverMessage?: string;
  readonly store?: StoreOutcome;
  readonly cause?: unknown;
}

/**
 * A failed DICOMweb request. `message` is a single line meant for users; the structured fields are for code.
 */
export class DicomwebError extends Error {
  override readonly name = 'DicomwebError';
  readonly kind: DicomwebErrorKind;
  /** Full request URL (query included). */
  readonly url: string;
  /** HTTP method. */
  readonly method: string;
  /** HTTP status, when a response was received. */
  readonly status?: number;
  readonly serverMessage?: string;
  /** For `store-failed` (and any STOW error with a parseable body): what the server stored and rejected. */
  readonly store?: StoreOutcome;

  constructor(message: string, details: DicomwebErrorDetails) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.url = details.url;
    this.method = details.method;
    if (details.status !== undefined) this.status = details.status;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
    if (details.store !== undefined) this.store = details.store;
  }

  /**
   * Whether repeating the same request later may succeed: network failures, timeouts, 5xx, 408 and 429.
   * A `store-failed` is retryable only when the server gave a 5xx; re-sending a STOW is safe (the same
   * SOP Instance UIDs are simply stored again).
   */
  get retryable(): boolean {
    switch (this.kind) {
      case 'unreachable':
      case 'connection-lost':
      case 'timeout':
      case 'server-error':
        return true;
      case 'client-error':
        return this.status === 408 || this.status === 429;
      case 'store-failed':
        return this.status !== undefined && this.status >= 500;
      default:
        return false;
    }
  }
}

/** Type guard usable across bundle boundaries (checks the name, not the prototype). */
export function isDicomwebError(value: unknown): value is DicomwebError {
  return value instanceof DicomwebError || (value instanceof Error && value.name === 'DicomwebError' && 'kind' in value);
}
