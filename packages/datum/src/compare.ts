/**
 * RethinkDB's total order over datums (rdb_protocol/datum.cc), the order the key codec's bytes
 * reproduce:
 *
 *   MINVAL < arrays < booleans < null < numbers < objects < binary < time < strings < MAXVAL
 *
 * and within a type: arrays lexicographically (a proper prefix is smaller), false < true,
 * numbers numerically (-0 == 0), objects by their key/value pairs in key order (key, then value,
 * then the object with fewer pairs is smaller), binary bytewise, time by epochMs (the offset is
 * ignored), strings by code point (= UTF-8 bytes; not JS `<`, which compares UTF-16 units).
 *
 * Inputs are trusted to be datums (validate at your boundary); a value that has no type throws
 * `INVALID_ARGUMENT`, and so does NaN, which would break the order.
 */
import { PhotonError } from '@photondb/contracts';
import { TYPE_RANK, datumType } from './types.js';
import type { DatumBound, PhotonTime } from './types.js';

/** Unsigned lexicographic comparison of byte strings: -1, 0 or 1. A proper prefix is smaller. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Compares strings by Unicode code point (equivalently, by their UTF-8 bytes): -1, 0 or 1.
 * UTF-16 unit order differs only where a surrogate meets a unit in U+E000..U+FFFF, so the loop
 * compares units and fixes up that one case at the first difference.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (D800..DFFF) encode code points above FFFF: move them above E000..FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The keys of a plain object in code point order. */
export function sortedKeys(o: object): string[] {
  return Object.keys(o).sort(compareStrings);
}

function rankOf(v: DatumBound): number {
  const t = datumType(v);
  if (t === undefined) throw new PhotonError('INVALID_ARGUMENT', `cannot compare ${typeof v === 'object' ? 'a non-plain object' : typeof v}: it is not a datum`);
  return TYPE_RANK[t];
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0; // -0 === 0
  throw new PhotonError('INVALID_ARGUMENT', 'cannot compare NaN: it is not a datum');
}

function compareArrays(a: readonly DatumBound[], b: readonly DatumBound[]): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const c = compareDatum(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareObjects(a: Record<string, DatumBound>, b: Record<string, DatumBound>): number {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = ka.length < kb.length ? ka.length : kb.length;
  for (let i = 0; i < n; i++) {
    const ck = compareStrings(ka[i], kb[i]);
    if (ck !== 0) return ck;
    const cv = compareDatum(a[ka[i]], b[kb[i]]);
    if (cv !== 0) return cv;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/**
 * RethinkDB's total order: negative, zero or positive (always -1, 0 or 1). Accepts MINVAL and
 * MAXVAL anywhere. Throws `INVALID_ARGUMENT` when it meets a non-datum or NaN. Recursion depth is
 * the nesting depth of the inputs (validate them first: at most MAX_DEPTH).
 */
export function compareDatum(a: DatumBound, b: DatumBound): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case TYPE_RANK.array:
      return compareArrays(a as readonly DatumBound[], b as readonly DatumBound[]);
    case TYPE_RANK.boolean:
      return a === b ? 0 : a === false ? -1 : 1;
    case TYPE_RANK.object:
      return compareObjects(a as Record<string, DatumBound>, b as Record<string, DatumBound>);
    case TYPE_RANK.binary:
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case TYPE_RANK.time:
      return compareNumbers((a as PhotonTime).epochMs, (b as PhotonTime).epochMs);
    default:
      return 0; // null, MINVAL, MAXVAL: one value each
  }
}

/** True when `compareDatum(a, b) === 0`: deep equality with -0 == 0 and times by instant. */
export function equalsDatum(a: DatumBound, b: DatumBound): boolean {
  return compareDatum(a, b) === 0;
}
