/**
 * Limits and argument checks at the public boundary.
 *
 * Node sizing needs every entry to take at most a third of a node, so that both halves of a
 * split fit (mutate.ts): a value is inline only while key + value <= a quarter of the payload,
 * and a key is at most a third of the payload minus the largest entry overhead. Public methods
 * call these checks before changing anything; internal code trusts normalized arguments.
 */
import { PhotonError, copyBytes, describeValue, formatCount } from '@photondb/contracts';
import type { PageStore } from '@photondb/contracts';
import type { Bounds, RangeOptions } from './cursor.js';
import type { Layout } from './node.js';

/** Default and absolute upper bound of `maxKeyBytes` (further bounded by the page size). */
export const MAX_KEY_BYTES = 1024;
/** Default `maxValueBytes`: 16 MiB. */
export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;
/** Largest `maxValueBytes` accepted: 2^31 - 1. */
export const MAX_VALUE_BYTES = 0x7fffffff;
/** Default `packFill` (pack.ts). */
export const DEFAULT_PACK_FILL = 0.9;
/** Default number of decoded nodes the pager caches. */
export const DEFAULT_CACHE_NODES = 4096;
/** Smallest page payload the tree works with. */
export const MIN_PAYLOAD_BYTES = 192;
/** Bytes of a key's worst-case entry overhead (length varints, tag, overflow reference). */
const KEY_ENTRY_OVERHEAD_BYTES = 32;

/** Options of `BTree.open`. */
export interface TreeOptions {
  /** Largest key in bytes; default min(1024, payload / 4); at most payload / 3 - 32. */
  maxKeyBytes?: number;
  /** Largest value in bytes; default 16 MiB; at most 2^31 - 1. */
  maxValueBytes?: number;
  /** Decoded nodes kept in the pager's cache; default 4096, at least 1. Ignored with `cacheBytes`. */
  cacheNodes?: number;
  /**
   * Memory the pager's cache of decoded nodes may use, in bytes (each node counted by its packed
   * keys and values plus a fixed overhead, `nodeMemoryBytes`); when set, it bounds the cache
   * instead of `cacheNodes`. At least 1; the cache always keeps the node it just loaded.
   */
  cacheBytes?: number;
  /**
   * How full `flush()` packs runs of neighbouring leaves changed since the last flush, as a share
   * of the page payload (pack.ts): leaves filled in random order are about 69% full, packed ones
   * up to this. 0 turns packing off; otherwise from 0.5 to 1. Default 0.9.
   */
  packFill?: number;
}

/** How the pager's cache is bounded: a node count, or bytes of node memory. */
export interface CacheBudget {
  readonly unit: 'nodes' | 'bytes';
  readonly limit: number;
}

function bad(message: string): never {
  throw new PhotonError('INVALID_ARGUMENT', message);
}

function intOption(options: TreeOptions, name: keyof TreeOptions, fallback: number, min: number, max: number): number {
  const v = options[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    bad(`option ${name} must be an integer from ${formatCount(min)} to ${formatCount(max)}; got ${describeValue(v)}`);
  }
  return v;
}

/**
 * The `packFill` option validated (undefined gives DEFAULT_PACK_FILL): 0, or a number from 0.5
 * to 1. Throws INVALID_ARGUMENT. Exported so a caller can refuse it before creating anything.
 */
export function checkPackFill(value: unknown): number {
  const packFill = value === undefined ? DEFAULT_PACK_FILL : value;
  if (typeof packFill !== 'number' || !(packFill === 0 || (packFill >= 0.5 && packFill <= 1))) {
    bad(`option packFill must be 0 (no packing) or a number from 0.5 to 1; got ${describeValue(packFill)}`);
  }
  return packFill;
}

/** Derives the node layout from the store and validated options. Throws INVALID_ARGUMENT. */
export function makeLayout(store: PageStore, options: TreeOptions | undefined): { layout: Layout; cache: CacheBudget; packFill: number } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) bad('options must be an object');
  const o = options ?? {};
  const capacity = store.payloadCapacityBytes;
  if (!Number.isInteger(capacity) || capacity < MIN_PAYLOAD_BYTES) {
    bad(`page payload of ${String(capacity)} bytes is too small for a B-tree; at least ${MIN_PAYLOAD_BYTES} are needed`);
  }
  const keyLimit = Math.floor(capacity / 3) - KEY_ENTRY_OVERHEAD_BYTES;
  const maxKeyBytes = intOption(o, 'maxKeyBytes', Math.min(MAX_KEY_BYTES, Math.floor(capacity / 4), keyLimit), 1, Math.min(MAX_KEY_BYTES, keyLimit));
  const maxValueBytes = intOption(o, 'maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 0, MAX_VALUE_BYTES);
  const cacheNodes = intOption(o, 'cacheNodes', DEFAULT_CACHE_NODES, 1, 2 ** 30);
  const cacheBytes = o.cacheBytes === undefined ? undefined : intOption(o, 'cacheBytes', 0, 1, 2 ** 50);
  const packFill = checkPackFill(o.packFill);
  const quarter = Math.floor(capacity / 4);
  return {
    layout: { capacityBytes: capacity, inlineLimitBytes: quarter, underflowBytes: quarter, maxKeyBytes, maxValueBytes },
    cache: cacheBytes === undefined ? { unit: 'nodes', limit: cacheNodes } : { unit: 'bytes', limit: cacheBytes },
    packFill,
  };
}

/** Checks a key: INVALID_ARGUMENT unless a Uint8Array, TOO_LARGE above the limit. */
export function checkKey(layout: Layout, key: unknown, what = 'key'): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) bad(`${what} must be a Uint8Array; got ${describe(key)}`);
  if (key.length > layout.maxKeyBytes) {
    throw new PhotonError(
      'TOO_LARGE',
      `${what} is ${formatCount(key.length)} bytes; at most ${formatCount(layout.maxKeyBytes)} are allowed (maxKeyBytes)`,
      { limit: layout.maxKeyBytes, actual: key.length },
    );
  }
}

/** Checks a value: INVALID_ARGUMENT unless a Uint8Array, TOO_LARGE above the limit. */
export function checkValue(layout: Layout, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) bad(`value must be a Uint8Array; got ${describe(value)}`);
  if (value.length > layout.maxValueBytes) {
    throw new PhotonError(
      'TOO_LARGE',
      `value is ${formatCount(value.length)} bytes; at most ${formatCount(layout.maxValueBytes)} are allowed (maxValueBytes)`,
      { limit: layout.maxValueBytes, actual: value.length },
    );
  }
}

/** A bound key only needs to be a Uint8Array: any length may bound a range. */
export function checkBound(key: unknown, name: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) bad(`range option ${name} must be a Uint8Array; got ${describe(key)}`);
}

/** Validates range options into bounds. Throws INVALID_ARGUMENT. */
export function parseRange(options: RangeOptions | undefined): Bounds {
  if (options === undefined) return { loInclusive: true, hiInclusive: true, reverse: false, limit: Infinity };
  if (typeof options !== 'object' || options === null) bad('range options must be an object');
  const { gt, gte, lt, lte, reverse, limit } = options;
  if (gt !== undefined && gte !== undefined) bad('range options gt and gte are exclusive');
  if (lt !== undefined && lte !== undefined) bad('range options lt and lte are exclusive');
  if (gt !== undefined) checkBound(gt, 'gt');
  if (gte !== undefined) checkBound(gte, 'gte');
  if (lt !== undefined) checkBound(lt, 'lt');
  if (lte !== undefined) checkBound(lte, 'lte');
  if (reverse !== undefined && typeof reverse !== 'boolean') bad(`range option reverse must be a boolean; got ${describe(reverse)}`);
  if (limit !== undefined && !(typeof limit === 'number' && (limit === Infinity || (Number.isInteger(limit) && limit >= 0)))) {
    bad(`range option limit must be a non-negative integer; got ${describe(limit)}`);
  }
  // Copied: a range is read lazily, and the caller may reuse its buffers meanwhile.
  const lo = gt ?? gte;
  const hi = lt ?? lte;
  return {
    lo: lo === undefined ? undefined : copyBytes(lo),
    loInclusive: gt === undefined,
    hi: hi === undefined ? undefined : copyBytes(hi),
    hiInclusive: lt === undefined,
    reverse: reverse === true,
    limit: limit ?? Infinity,
  };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return describeValue(v);
  if (typeof v === 'string') return `string "${v.slice(0, 20)}"`;
  return `${typeof v} ${String(v)}`;
}
