/**
 * Exact structural equality for round-trip tests: numbers by Object.is (so -0 differs from 0),
 * times by both fields, binary bytewise, objects by their own key order. Also the normal form a
 * key decodes to (-0 folded, time offsets dropped, object keys in code point order).
 */
import { compareStrings, isTime, time } from '@photondb/datum';
import type { Datum } from '@photondb/datum';

export function exactEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (isTime(a) || isTime(b)) return isTime(a) && isTime(b) && Object.is(a.epochMs, b.epochMs) && a.offsetMinutes === b.offsetMinutes;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => exactEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => exactEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** What `decodeKey(encodeKey(d))` must give back. */
export function keyNormalForm(d: Datum): Datum {
  if (typeof d === 'number') return d === 0 ? 0 : d;
  if (d === null || typeof d !== 'object' || d instanceof Uint8Array) return d;
  if (isTime(d)) return time(d.epochMs, 0);
  if (Array.isArray(d)) return d.map(keyNormalForm);
  const out: Record<string, Datum> = {};
  for (const k of Object.keys(d).sort(compareStrings)) Object.defineProperty(out, k, { value: keyNormalForm(d[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
