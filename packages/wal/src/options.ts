/**
 * Options of `WriteAheadLog.open`, their defaults and their validation. Invalid options are an
 * `INVALID_ARGUMENT` error that names the option, the value and what is allowed, thrown before
 * anything is created or written.
 */
import { PhotonError, describeValue, formatCount } from '@photondb/contracts';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';

/** Options of `WriteAheadLog.open`. */
export interface WriteAheadLogOptions {
  /**
   * Size of a new segment file in bytes (default 16 MiB, 4 KiB to 1 GiB). Segments are
   * preallocated to this size; a record larger than a segment gets a segment of its own.
   */
  readonly segmentSizeBytes?: number;
  /** The largest payload one record may carry (default 16 MiB, 0 to 1 GiB). */
  readonly maxRecordBytes?: number;
  /** Open for reading only: no torn tail is cut, nothing is created; appends fail with READ_ONLY. */
  readonly readOnly?: boolean;
  /**
   * Take the directory's `LOCK` so that a second writer (in this or another process) fails with
   * LOCKED (default true; ignored when read-only).
   */
  readonly lock?: boolean;
  /**
   * Tools only: on mid-log corruption, keep the records before the damage and report it in
   * `recovery.corruption` instead of failing (default false). Implies read-only.
   */
  readonly salvage?: boolean;
}

/** Options after defaults. */
export interface ResolvedOptions {
  readonly segmentSizeBytes: number;
  readonly maxRecordBytes: number;
  readonly readOnly: boolean;
  readonly lock: boolean;
  readonly salvage: boolean;
}

export const DEFAULT_SEGMENT_SIZE_BYTES = 16 * 1024 * 1024;
export const MIN_SEGMENT_SIZE_BYTES = 4096;
export const MAX_SEGMENT_SIZE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** The record length field is 32 bits; we allow a quarter of that so sizes stay safe to add. */
export const MAX_MAX_RECORD_BYTES = 1024 * 1024 * 1024 - SEGMENT_HEADER_BYTES - RECORD_HEADER_BYTES - 8;

const KNOWN = new Set(['segmentSizeBytes', 'maxRecordBytes', 'readOnly', 'lock', 'salvage']);

function integerIn(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PhotonError(
      'INVALID_ARGUMENT',
      `option ${name} must be an integer from ${formatCount(min)} to ${formatCount(max)}; got ${describeValue(value)}`,
      { limit: max, ...(typeof value === 'number' ? { actual: value } : {}) },
    );
  }
  return value;
}

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new PhotonError('INVALID_ARGUMENT', `option ${name} must be true or false; got ${describeValue(value)}`);
  return value;
}

/** Validates `options` and applies the defaults. */
export function resolveOptions(options: WriteAheadLogOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new PhotonError('INVALID_ARGUMENT', `options must be an object; got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new PhotonError('INVALID_ARGUMENT', `unknown option "${key}"; allowed: ${[...KNOWN].join(', ')}`);
  }
  const salvage = booleanOption('salvage', options.salvage, false);
  return {
    segmentSizeBytes: integerIn('segmentSizeBytes', options.segmentSizeBytes, MIN_SEGMENT_SIZE_BYTES, MAX_SEGMENT_SIZE_BYTES, DEFAULT_SEGMENT_SIZE_BYTES),
    maxRecordBytes: integerIn('maxRecordBytes', options.maxRecordBytes, 0, MAX_MAX_RECORD_BYTES, DEFAULT_MAX_RECORD_BYTES),
    readOnly: booleanOption('readOnly', options.readOnly, false) || salvage,
    lock: booleanOption('lock', options.lock, true),
    salvage,
  };
}
