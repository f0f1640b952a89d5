/**
 * Byte-order key comparison, the only ordering the tree knows.
 *
 * Keys are compared as unsigned bytes, lexicographically; a proper prefix sorts first. Short
 * keys are compared in a JS loop (no native call); long keys go through `Buffer.compare`, whose
 * call overhead is repaid above a few dozen bytes (bench/tree.bench.ts, "get").
 */

/** Keys at least this long are compared with Buffer.compare rather than the JS loop. */
const NATIVE_COMPARE_MIN_BYTES = 64;

/**
 * Compares two keys by unsigned bytes: negative if `a < b`, 0 if equal, positive if `a > b`.
 * A proper prefix sorts before the longer key. O(common prefix); allocates nothing.
 */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  if (n >= NATIVE_COMPARE_MIN_BYTES) return Buffer.compare(a, b);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Length of the longest common prefix of `a` and `b`. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The shortest key `s` with `left < s <= right` (separator truncation). Precondition: left < right.
 * Returns a prefix of `right`, sharing its buffer.
 */
export function shortestSeparator(left: Uint8Array, right: Uint8Array): Uint8Array {
  const cp = commonPrefixLength(left, right);
  return right.subarray(0, cp + 1);
}
