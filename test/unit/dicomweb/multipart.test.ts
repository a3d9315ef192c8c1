import {
  createBoundary,
  decodeMultipart,
  decodeMultipartResponse,
  encodeMultipartRelated,
  indexOfBytes,
  MultipartError,
  parseContentType,
} from '../../../src/dicomweb/multipart';

const enc = new TextEncoder();
const latin1 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

describe('parseContentType (RFC 7231 §3.1.1.1)', () => {
  it('lower-cases the media type and parameter names, unquotes values', () => {
    const ct = parseContentType('Multipart/Related; Type="application/dicom"; boundary="a b;c"; transfer-syntax=1.2.840.10008.1.2.1');
    expect(ct.mediaType).toBe('multipart/related');
    expect(ct.parameters).toEqual({ type: 'application/dicom', boundary: 'a b;c', 'transfer-syntax': '1.2.840.10008.1.2.1' });
  });
  it('handles escaped quotes and missing parameters', () => {
    expect(parseContentType('application/dicom+json').parameters).toEqual({});
    expect(parseContentType('text/plain; x="say \\"hi\\""').parameters['x']).toBe('say "hi"');
  });
  it('rejects a header without a media type', () => {
    expect(() => parseContentType('; boundary=x')).toThrow(MultipartError);
  });
});

describe('decodeMultipart (RFC 2046 §5.1.1), hand-written bodies', () => {
  it('ignores preamble and epilogue, honours transport padding and keeps the CRLF before a delimiter out of the body', () => {
    const body = latin1(
      'This is the preamble.\r\n' +
        '--XyZ  \r\n' + // transport padding after the boundary
        'Content-Type: application/octet-stream\r\n' +
        'Content-Location: frame/1\r\n' +
        '\r\n' +
        '\x00\x01\r\n--XY\r\n\xff' + // body contains CRLF and a near-miss of the delimiter
        '\r\n--XyZ\r\n' +
        'content-type: text/plain;\r\n charset=us-ascii\r\n' + // folded header
        '\r\n' +
        'second' +
        '\r\n--XyZ--\r\n' +
        'This is the epilogue.\r\n--XyZ\r\nnot a part\r\n',
    );
    const parts = decodeMultipart(body, 'XyZ');
    expect(parts).toHaveLength(2);
    expect(parts[0]?.headers).toEqual({ 'content-type': 'application/octet-stream', 'content-location': 'frame/1' });
    expect(Array.from(parts[0]?.body ?? [])).toEqual([0, 1, 13, 10, 45, 45, 88, 89, 13, 10, 255]);
    expect(parts[1]?.headers['content-type']).toBe('text/plain; charset=us-ascii');
    expect(text(parts[1]?.body ?? new Uint8Array())).toBe('second');
  });

  it('reads a part without headers (body starts after the blank line) and an empty part', () => {
    const body = latin1('--b\r\n\r\nno headers here\r\n--b\r\nContent-Type: application/dicom\r\n\r\n\r\n--b--');
    const parts = decodeMultipart(body, 'b');
    expect(parts.map((p) => text(p.body))).toEqual(['no headers here', '']);
    expect(parts[0]?.headers).toEqual({});
    expect(parts[1]?.headers).toEqual({ 'content-type': 'application/dicom' });
  });

  it('returns no parts for a message with only the close delimiter', () => {
    expect(decodeMultipart(latin1('--b--\r\n'), 'b')).toEqual([]);
  });

  it('fails clearly on truncated bodies and missing boundaries', () => {
    expect(() => decodeMultipart(latin1('--b\r\nContent-Type: x\r\n\r\nabc'), 'b')).toThrow(/close delimiter missing/);
    expect(() => decodeMultipart(latin1('hello'), 'b')).toThrow(/boundary "b" not found/);
    expect(() => decodeMultipart(latin1('--b\r\nno colon line\r\n\r\nx\r\n--b--'), 'b')).toThrow(/malformed part header/);
  });

  it('decodeMultipartResponse takes the boundary from the Content-Type', () => {
    const body = latin1('--q\r\nContent-Type: application/octet-stream\r\n\r\nABC\r\n--q--\r\n');
    const parts = decodeMultipartResponse(body, 'multipart/related; type="application/octet-stream"; boundary=q');
    expect(text(parts[0]?.body ?? new Uint8Array())).toBe('ABC');
    expect(() => decodeMultipartResponse(body, 'application/json')).toThrow(/expected a multipart response/);
    expect(() => decodeMultipartResponse(body, null)).toThrow(MultipartError);
    expect(() => decodeMultipartResponse(body, 'multipart/related')).toThrow(/without boundary/);
  });
});

describe('encodeMultipartRelated (RFC 2387, PS3.18 §10.5.1.1)', () => {
  it('produces the exact framing', () => {
    const { body, contentType } = encodeMultipartRelated(
      [
        { contentType: 'application/dicom', body: latin1('AB') },
        { contentType: 'application/dicom', body: latin1(''), headers: { 'Content-Location': 'x' } },
      ],
      { type: 'application/dicom', boundary: 'BND' },
    );
    expect(contentType).toBe('multipart/related; type="application/dicom"; boundary=BND');
    expect(text(body)).toBe(
      '--BND\r\nContent-Type: application/dicom\r\n\r\nAB\r\n' +
        '--BND\r\nContent-Type: application/dicom\r\nContent-Location: x\r\n\r\n\r\n' +
        '--BND--\r\n',
    );
  });

  it('round-trips arbitrary binary parts through decodeMultipart', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const parts = [0, 1, 255, 256, 4099].map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) % 256));
    parts.push(latin1('\r\n--\r\n\r\n--')); // delimiter-like bytes
    const { body, boundary } = encodeMultipartRelated(
      parts.map((p) => ({ contentType: 'application/dicom', body: p })),
      { type: 'application/dicom', boundary: createBoundary(rand) },
    );
    const decoded = decodeMultipart(body, boundary);
    expect(decoded.map((p) => Array.from(p.body))).toEqual(parts.map((p) => Array.from(p)));
  });

  it('refuses a boundary that occurs inside a part, and invalid boundaries or headers', () => {
    expect(() =>
      encodeMultipartRelated([{ contentType: 'application/dicom', body: latin1('xx--BNDyy') }], { type: 'application/dicom', boundary: 'BND' }),
    ).toThrow(/contains the multipart boundary/);
    expect(() => encodeMultipartRelated([], { type: 'application/dicom', boundary: 'ends with space ' })).toThrow(/invalid multipart boundary/);
    expect(() => encodeMultipartRelated([], { type: 'application/dicom', boundary: 'x'.repeat(71) })).toThrow(/invalid multipart boundary/);
    expect(() =>
      encodeMultipartRelated([{ contentType: 'application/dicom\r\nX: y', body: latin1('') }], { type: 'application/dicom', boundary: 'B' }),
    ).toThrow(/CR or LF/);
  });
});

describe('helpers', () => {
  it('createBoundary yields RFC 2046 boundaries of 40 characters, deterministic with an injected generator', () => {
    const b = createBoundary(() => 0.5);
    expect(b).toHaveLength(40);
    expect(b).toBe(createBoundary(() => 0.5));
    expect(createBoundary()).toMatch(/^[0-9A-Za-z-]{40}$/);
  });
  it('indexOfBytes finds sub-arrays', () => {
    const hay = enc.encode('abcabcabd');
    expect(indexOfBytes(hay, enc.encode('abd'))).toBe(6);
    expect(indexOfBytes(hay, enc.encode('abc'), 1)).toBe(3);
    expect(indexOfBytes(hay, enc.encode('abe'))).toBe(-1);
    expect(indexOfBytes(hay, enc.encode('abdx'))).toBe(-1);
  });
});
