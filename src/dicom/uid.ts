/**
 * Deterministic DICOM UIDs in the UUID-derived root 2.25 (PS3.5 §B.2): 2.25.<128-bit UUID as a decimal integer>.
 * The UUID is a name-based version-8 UUID (RFC 9562) whose 122 free bits come from a 128-bit FNV-1a hash of the name, so the
 * same name always gives the same UID (idempotent re-runs) and different names practically never collide.
 */

const FNV128_OFFSET = 144066263297769815596495629667062367629n;
const FNV128_PRIME = 309485009821345068724781371n;
const MASK128 = (1n << 128n) - 1n;

/** 128-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv1a128(text: string): bigint {
  let h = FNV128_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV128_PRIME) & MASK128;
  }
  return h;
}

/** UID 2.25.<n> for a name (e.g. `pvpi-phantom/seed-1/study`); at most 44 characters (limit 64). */
export function uidFromName(name: string): string {
  // Hash the reversed name first so that names differing only at the end (…/ct/1, …/ct/2) still differ in every digit.
  let h = fnv1a128([...name].reverse().join('') + '\u0000' + name);
  // RFC 9562 version 8 (bits 48–51 of the UUID = 0b1000) and variant 0b10 (bits 64–65).
  h = (h & ~(0xfn << 76n)) | (0x8n << 76n);
  h = (h & ~(0x3n << 62n)) | (0x2n << 62n);
  return `2.25.${h.toString(10)}`;
}

/** Random UID 2.25.<random UUID v4> (uses the platform CSPRNG when present, Math.random otherwise). */
export function randomUid(): string {
  const bytes = new Uint8Array(16);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return `2.25.${n.toString(10)}`;
}

/** DICOM UID syntax (PS3.5 §9.1): digits and dots, no leading zeros in components, ≤ 64 characters. */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(uid);
}
