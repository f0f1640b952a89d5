/**
 * RedoLog: an append-only, checksummed log of opaque records ordered by LSN.
 *
 * Model. Each `append` gets the next LSN (strictly increasing, never reused, across restarts).
 * A record is durable once a `flush({ sync: true })` that was called after its append resolves.
 * After a crash, a reopened log holds a prefix of the appended records that contains every
 * durable one; a torn tail is dropped and reported, never returned as data.
 *
 * Record types below `RESERVED_RECORD_TYPE_MIN` belong to the caller; the log uses the rest for
 * itself (for example the closing marker) and never returns them from `read`.
 */
import type { Lsn } from './ids.js';

/** Record types at or above this value are reserved for the log itself. */
export const RESERVED_RECORD_TYPE_MIN = 0xf0;

/** One record read back from a log. */
export interface LogRecord {
  readonly lsn: Lsn;
  /** 0 to RESERVED_RECORD_TYPE_MIN - 1. */
  readonly type: number;
  /** The payload; owned by the caller. */
  readonly payload: Uint8Array;
}

/** Options for `flush`. */
export interface FlushOptions {
  /** true (default): resolve after the bytes are on stable storage; false: after they are in the OS. */
  readonly sync?: boolean;
}

/** Options for `read`. */
export interface ReadLogOptions {
  /** Only records with `lsn >= fromLsn` (default: the first record the log holds). */
  readonly fromLsn?: Lsn;
}

/** Counters every log reports; implementations may add more fields. */
export interface RedoLogStats {
  readonly records: number;
  readonly bytes: number;
  readonly syncs: number;
  readonly flushes: number;
  readonly lastLsn: number;
}

/**
 * An append-only redo log.
 *
 * Errors: `CLOSED` after `close()`; `INVALID_ARGUMENT` for a record type outside 0 to
 * RESERVED_RECORD_TYPE_MIN - 1 or a non-Uint8Array payload; `TOO_LARGE` for a payload over the
 * implementation's limit; `IO` after a failed write or sync, which poisons the log: pending and
 * later appends and flushes fail until it is reopened; `CORRUPTION` from `read` on damage
 * followed by valid records.
 */
export interface RedoLog {
  /** The LSN of the last appended record, or ZERO_LSN if none ever was. */
  readonly lastLsn: Lsn;
  /** The largest payload one record may carry. */
  readonly maxRecordBytes: number;
  /** Appends a record (the payload is copied) and returns its LSN. */
  append(type: number, payload: Uint8Array): Lsn;
  /** Resolves when every record appended before the call is written (and synced, by default). */
  flush(options?: FlushOptions): Promise<void>;
  /** Iterates the records with `lsn >= fromLsn`, in LSN order. Flushed records are always included. */
  read(options?: ReadLogOptions): Iterable<LogRecord>;
  /**
   * Allows the log to drop records with `lsn < lsn` (whole segments at a time: some may remain).
   * Call only once those records are durable elsewhere (after a checkpoint).
   */
  truncateBefore(lsn: Lsn): Promise<void>;
  stats(): RedoLogStats;
  /** Flushes, syncs, writes a closing marker and closes. Idempotent. */
  close(): Promise<void>;
}
