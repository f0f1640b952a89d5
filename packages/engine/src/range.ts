/**
 * Byte ranges: the normalized form of `{ gt, gte, lt, lte, prefix }` after key encoding, and the
 * membership test the write set and the conflict checker share with the B-tree's own bounds.
 */
import { copyBytes } from '@photondb/contracts';
import { compareKeys } from '@photondb/btree';

/** Bounds over encoded keys. `lower`/`upper` undefined means unbounded. */
export interface ByteRange {
  readonly lower?: Uint8Array;
  readonly lowerInclusive: boolean;
  readonly upper?: Uint8Array;
  readonly upperInclusive: boolean;
}

/** The whole key space. */
export const FULL_RANGE: ByteRange = { lowerInclusive: true, upperInclusive: true };

/** The smallest key greater than every key that starts with `prefix`, or undefined (all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = copyBytes(prefix, 0, end);
  out[end - 1]++;
  return out;
}

/** Builds a range from encoded bounds; the tightest of each side wins. */
export function makeRange(b: {
  gt?: Uint8Array;
  gte?: Uint8Array;
  lt?: Uint8Array;
  lte?: Uint8Array;
  prefixLower?: Uint8Array;
  prefixUpper?: Uint8Array;
}): ByteRange {
  let lower: Uint8Array | undefined;
  let lowerInclusive = true;
  let upper: Uint8Array | undefined;
  let upperInclusive = true;
  const raiseLower = (key: Uint8Array, inclusive: boolean): void => {
    const c = lower === undefined ? 1 : compareKeys(key, lower);
    if (c > 0 || (c === 0 && !inclusive)) {
      lower = key;
      lowerInclusive = inclusive;
    }
  };
  const dropUpper = (key: Uint8Array, inclusive: boolean): void => {
    const c = upper === undefined ? -1 : compareKeys(key, upper);
    if (c < 0 || (c === 0 && !inclusive)) {
      upper = key;
      upperInclusive = inclusive;
    }
  };
  if (b.gte) raiseLower(b.gte, true);
  if (b.gt) raiseLower(b.gt, false);
  if (b.prefixLower) raiseLower(b.prefixLower, true);
  if (b.lte) dropUpper(b.lte, true);
  if (b.lt) dropUpper(b.lt, false);
  if (b.prefixUpper) dropUpper(b.prefixUpper, false);
  return { lower, lowerInclusive, upper, upperInclusive };
}

/** Whether `key` lies inside `range`. */
export function inRange(key: Uint8Array, range: ByteRange): boolean {
  if (range.lower !== undefined) {
    const c = compareKeys(key, range.lower);
    if (c < 0 || (c === 0 && !range.lowerInclusive)) return false;
  }
  if (range.upper !== undefined) {
    const c = compareKeys(key, range.upper);
    if (c > 0 || (c === 0 && !range.upperInclusive)) return false;
  }
  return true;
}

/** Whether the range can hold no key at all. */
export function isEmptyRange(range: ByteRange): boolean {
  if (range.lower === undefined || range.upper === undefined) return false;
  const c = compareKeys(range.lower, range.upper);
  return c > 0 || (c === 0 && !(range.lowerInclusive && range.upperInclusive));
}

/** The same range as B-tree range options. */
export function toTreeBounds(range: ByteRange): { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array } {
  const out: { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array } = {};
  if (range.lower !== undefined) {
    if (range.lowerInclusive) out.gte = range.lower;
    else out.gt = range.lower;
  }
  if (range.upper !== undefined) {
    if (range.upperInclusive) out.lte = range.upper;
    else out.lt = range.upper;
  }
  return out;
}

/** A string that identifies a key's bytes, for Map lookups (latin1: one char per byte). */
export function keyId(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}
