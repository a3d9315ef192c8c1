/** Small 3-vector helpers (patient coordinates, mm). Plain tuples, no allocation-free tricks: clarity first. */
import type { Vec3 } from './volume';

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
/** a + s·b */
export const addScaled = (a: Vec3, b: Vec3, s: number): Vec3 => [a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const distance = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Unit vector of a; throws on a zero vector (a degenerate direction is a caller bug). */
export function unit(a: Vec3): Vec3 {
  const n = norm(a);
  if (!(n > 1e-12)) throw new Error('cannot normalise a zero-length vector');
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Component of v perpendicular to the unit vector d, normalised (undefined when v is parallel to d). */
export function perpendicularUnit(v: Vec3, d: Vec3): Vec3 | undefined {
  const p = addScaled(v, d, -dot(v, d));
  const n = norm(p);
  return n > 1e-9 ? [p[0] / n, p[1] / n, p[2] / n] : undefined;
}

/** Patient directions of DICOM LPS: +x patient left, +y posterior, +z superior (PS3.3 C.7.6.2.1.1). */
export const PATIENT_LEFT: Vec3 = [1, 0, 0];
export const PATIENT_POSTERIOR: Vec3 = [0, 1, 0];
export const PATIENT_ANTERIOR: Vec3 = [0, -1, 0];
export const PATIENT_SUPERIOR: Vec3 = [0, 0, 1];
