/**
 * Branded ids. A `PageId` cannot be passed where an `Lsn` is expected, although both are plain
 * numbers at run time. Make them with the checked constructors, which throw INVALID_ARGUMENT on
 * anything that is not a non-negative safe integer; inside a package, after validation at the
 * boundary, the `unsafe*` casts are free.
 */
import { PhotonError } from './errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A page number inside a page file (0 and 1 are usually the meta pages). */
export type PageId = Brand<number, 'PageId'>;
/** A log sequence number: strictly increasing, never reused, at most 2^53 - 1. */
export type Lsn = Brand<number, 'Lsn'>;
/** A transaction id. */
export type TxnId = Brand<number, 'TxnId'>;
/** A log segment number. */
export type SegmentNo = Brand<number, 'SegmentNo'>;

function checkId(kind: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PhotonError(
      'INVALID_ARGUMENT',
      `${kind} must be a non-negative safe integer (0 to 2^53 - 1); got ${String(value)}`,
    );
  }
  return value;
}

/** Checked constructor: throws INVALID_ARGUMENT unless `n` is a non-negative safe integer. */
export function pageId(n: number): PageId {
  return checkId('page id', n) as PageId;
}
/** Checked constructor: throws INVALID_ARGUMENT unless `n` is a non-negative safe integer. */
export function lsn(n: number): Lsn {
  return checkId('LSN', n) as Lsn;
}
/** Checked constructor: throws INVALID_ARGUMENT unless `n` is a non-negative safe integer. */
export function txnId(n: number): TxnId {
  return checkId('transaction id', n) as TxnId;
}
/** Checked constructor: throws INVALID_ARGUMENT unless `n` is a non-negative safe integer. */
export function segmentNo(n: number): SegmentNo {
  return checkId('segment number', n) as SegmentNo;
}

/** The LSN before every record: a checkpoint at ZERO_LSN covers nothing. */
export const ZERO_LSN = 0 as Lsn;

/** Unchecked casts for values a package has already validated (hot paths). */
export const unsafePageId = (n: number): PageId => n as PageId;
export const unsafeLsn = (n: number): Lsn => n as Lsn;
