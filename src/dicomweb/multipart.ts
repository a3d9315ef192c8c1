/**
 * multipart/related encoding and decoding for DICOMweb (STOW-RS request bodies, WADO-RS responses).
 *
 * Pure byte-level code: no DOM, no Node APIs. Framing follows RFC 2046 §5.1.1 (boundary delimiters,
 * CRLF before every delimiter belongs to the delimiter) and DICOM PS3.18 §8.6.1.2 (multipart/related
 * with a `type` parameter).
 */

/** One body part of a multipart message. */
export interface MultipartPart {
  /** Part headers with lower-cased names (e.g. `content-type`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw part body (a view into the decoded message; copy it if you keep it long). */
  readonly body: Uint8Array;
}

/** A part to encode. */
export interface MultipartPartInput {
  /** Content-Type of this part, e.g. `application/dicom`. */
  readonly contentType: string;
  readonly body: Uint8Array;
  /** Extra headers (e.g. `Content-Location`). Must not contain CR or LF. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A parsed Content-Type header: lower-cased media type and parameters (names lower-cased, values unquoted). */
export interface ContentType {
  readonly mediaType: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** Malformed multipart body or Content-Type header. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const CR = 13;
const LF = 10;
const DASH = 45;
const encoder = new TextEncoder();
const latin1Decoder = new TextDecoder('latin1');

/** RFC 2046 §5.1.1: 1–70 characters from bchars, not ending with a space. */
const BOUNDARY_RE = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * Parse a Content-Type header value (RFC 7231 §3.1.1.1): `type/subtype; name=value; name="quoted value"`.
 * Throws {@link MultipartError} when the media type is missing.
 */
export function parseContentType(value: string): ContentType {
  let i = 0;
  const n = value.length;
  const readUntil = (stops: string): string => {
    const start = i;
    while (i < n && !stops.includes(value.charAt(i))) i++;
    return value.slice(start, i).trim();
  };
  const mediaType = readUntil(';').toLowerCase();
  if (!/^[^\s/]+\/[^\s/]+$/.test(mediaType)) {
    throw new MultipartError(`invalid Content-Type "${value}"`);
  }
  const parameters: Record<string, string> = {};
  while (i < n) {
    i++; // skip ';'
    const name = readUntil('=;').toLowerCase();
    if (i >= n || value.charAt(i) === ';') {
      continue; // parameter without value: ignore
    }
    i++; // skip '='
    while (i < n && value.charAt(i) === ' ') i++;
    let paramValue: string;
    if (value.charAt(i) === '"') {
      i++;
      let out = '';
      while (i < n && value.charAt(i) !== '"') {
        if (value.charAt(i) === '\\' && i + 1 < n) i++;
        out += value.charAt(i);
        i++;
      }
      i++; // closing quote
      readUntil(';'); // anything after the quoted string up to the next parameter
      paramValue = out;
    } else {
      paramValue = readUntil(';');
    }
    if (name !== '') parameters[name] = paramValue;
  }
  return { mediaType, parameters };
}

/**
 * A random boundary string (RFC 2046 §5.1.1 compliant, 40 characters).
 * @param random uniform [0,1) generator, injectable for deterministic tests.
 */
export function createBoundary(random: () => number = Math.random): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = 'pvpi-';
  for (let k = 0; k < 35; k++) s += alphabet.charAt(Math.floor(random() * alphabet.length) % alphabet.length);
  return s;
}

/** Index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return from <= haystack.length ? from : -1;
  const first = needle[0] as number;
  const last = haystack.length - needle.length;
  let i = haystack.indexOf(first, from);
  while (i !== -1 && i <= last) {
    let k = 1;
    while (k < needle.length && haystack[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
    i = haystack.indexOf(first, i + 1);
  }
  return -1;
}

function assertHeaderSafe(text: string, what: string): void {
  if (/[\r\n]/.test(text)) throw new MultipartError(`${what} must not contain CR or LF`);
}

/**
 * Encode parts as a `multipart/related` body (RFC 2387) for STOW-RS (PS3.18 §10.5.1.1).
 *
 * @param parts the body parts, in order.
 * @param options `type`: the root media type (e.g. `application/dicom`); `boundary`: fixed boundary
 *   (default random). Throws {@link MultipartError} if the boundary occurs inside a part body.
 * @returns the encoded bytes and the matching Content-Type request header value.
 */
export function encodeMultipartRelated(
  parts: readonly MultipartPartInput[],
  options: { readonly type: string; readonly boundary?: string },
): { body: Uint8Array<ArrayBuffer>; contentType: string; boundary: string } {
  const boundary = options.boundary ?? createBoundary();
  if (!BOUNDARY_RE.test(boundary)) throw new MultipartError(`invalid multipart boundary "${boundary}"`);
  assertHeaderSafe(options.type, 'multipart type');
  const delimiter = encoder.encode(`--${boundary}`);
  const chunks: Uint8Array[] = [];
  parts.forEach((part, index) => {
    if (indexOfBytes(part.body, delimiter) !== -1) {
      throw new MultipartError(`part ${index + 1} contains the multipart boundary; choose another boundary`);
    }
    let head = `--${boundary}\r\nContent-Type: ${part.contentType}\r\n`;
    assertHeaderSafe(part.contentType, 'Content-Type');
    for (const [name, value] of Object.entries(part.headers ?? {})) {
      assertHeaderSafe(name + value, `header ${name}`);
      head += `${name}: ${value}\r\n`;
    }
    chunks.push(encoder.encode(`${head}\r\n`), part.body, encoder.encode('\r\n'));
  });
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  let total = 0;
  for (const c of chunks) total += c.length;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.length;
  }
  return { body, boundary, contentType: `multipart/related; type="${options.type}"; boundary=${boundary}` };
}

/** Parse RFC 822-style part headers (latin1, CRLF separated, folded lines joined). */
function parsePartHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let lastName = '';
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastName !== '') {
      headers[lastName] = `${headers[lastName] ?? ''} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed part header line "${line.slice(0, 80)}"`);
    lastName = line.slice(0, colon).trim().toLowerCase();
    headers[lastName] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Skip transport padding (spaces/tabs) and the CRLF after a boundary line; returns the index after it. */
function skipBoundaryLineEnd(body: Uint8Array, i: number): number {
  while (i < body.length && (body[i] === 32 || body[i] === 9)) i++;
  if (body[i] === CR && body[i + 1] === LF) return i + 2;
  if (body[i] === LF) return i + 1; // tolerate bare LF
  throw new MultipartError('multipart boundary line not followed by CRLF');
}

/**
 * Decode a multipart body (RFC 2046 §5.1.1) into its parts. The preamble and epilogue are ignored.
 * Throws {@link MultipartError} if the first boundary or the close delimiter is missing.
 *
 * @param body the complete response body.
 * @param boundary the boundary parameter of the response Content-Type (without leading dashes).
 */
export function decodeMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  if (boundary === '') throw new MultipartError('empty multipart boundary');
  const dashBoundary = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  // The first boundary may start the body (no preceding CRLF) or follow a preamble.
  let start: number;
  if (indexOfBytes(body.subarray(0, dashBoundary.length), dashBoundary) === 0) {
    start = 0;
  } else {
    const d = indexOfBytes(body, delimiter);
    if (d === -1) throw new MultipartError(`multipart boundary "${boundary}" not found in response body`);
    start = d + 2;
  }
  const parts: MultipartPart[] = [];
  let i = start + dashBoundary.length;
  for (;;) {
    if (body[i] === DASH && body[i + 1] === DASH) return parts; // close delimiter
    const partStart = skipBoundaryLineEnd(body, i);
    const next = indexOfBytes(body, delimiter, partStart);
    if (next === -1) throw new MultipartError('multipart body truncated: close delimiter missing');
    const partBytes = body.subarray(partStart, Math.max(partStart, next));
    // Headers end at the first empty line; a part that starts with CRLF has no headers.
    let headerEnd: number;
    let bodyStart: number;
    if (partBytes[0] === CR && partBytes[1] === LF) {
      headerEnd = 0;
      bodyStart = 2;
    } else {
      const blank = indexOfBytes(partBytes, encoder.encode('\r\n\r\n'));
      if (blank !== -1) {
        headerEnd = blank;
        bodyStart = blank + 4;
      } else {
        // Headers immediately followed by the delimiter: an empty body (lenient; parse errors still throw).
        headerEnd = partBytes.length;
        bodyStart = partBytes.length;
      }
    }
    const headers = parsePartHeaders(latin1Decoder.decode(partBytes.subarray(0, headerEnd)));
    parts.push({ headers, body: partBytes.subarray(bodyStart) });
    i = next + delimiter.length;
  }
}

/**
 * Decode a multipart HTTP response given its Content-Type header.
 * Throws {@link MultipartError} when the response is not multipart or has no boundary.
 */
export function decodeMultipartResponse(body: Uint8Array, contentTypeHeader: string | null): MultipartPart[] {
  if (contentTypeHeader === null) throw new MultipartError('response has no Content-Type header');
  const ct = parseContentType(contentTypeHeader);
  if (!ct.mediaType.startsWith('multipart/')) {
    throw new MultipartError(`expected a multipart response, got ${ct.mediaType}`);
  }
  const boundary = ct.parameters['boundary'];
  if (boundary === undefined) throw new MultipartError('multipart response without boundary parameter');
  return decodeMultipart(body, boundary);
}
