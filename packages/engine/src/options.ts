/**
 * Open options: defaults, validation (INVALID_ARGUMENT before anything is created), and the
 * resolved form the engine uses inside.
 */
import { PhotonError, describeValue } from '@photondb/contracts';
import type { FileSystem } from '@photondb/contracts';
import { checkPackFill } from '@photondb/btree';
import { resolveCodec } from '@photondb/datum';
import type { Codec } from '@photondb/datum';
import { NodeFileSystem } from '@photondb/io';

/** Built-in encodings: raw bytes (default), UTF-8 strings, JSON, or datum (order-preserving keys). */
export type EncodingName = 'raw' | 'utf8' | 'json' | 'datum';

/** Progress of recovery at open. */
export interface RecoveryProgress {
  readonly phase: 'replay' | 'checkpoint';
  readonly records: number;
  readonly lsn: number;
  readonly lastLsn: number;
}

/** Options of `open()`. */
export interface OpenOptions<K = Uint8Array, V = Uint8Array> {
  /** Create the database when the directory holds none (default true). */
  readonly createIfMissing?: boolean;
  /** Fail with EXISTS when a database is already there (default false). */
  readonly errorIfExists?: boolean;
  /** Open without writing anything: no lock, no checkpoint; writes fail with READ_ONLY. */
  readonly readOnly?: boolean;
  /** Page size of a new database: a power of two from 4096 to 65536 (default 8192). */
  readonly pageSizeBytes?: number;
  /** Page cache budget in bytes (default 64 MiB). */
  readonly cacheSizeBytes?: number;
  /** Page compression of a new database (default 'none'). */
  readonly compression?: 'none' | 'snappy';
  /** true (default): commits resolve once on stable storage; false: once in the OS. */
  readonly sync?: boolean;
  readonly keyEncoding?: EncodingName | Codec<K>;
  readonly valueEncoding?: EncodingName | Codec<V>;
  /** Largest encoded key (default 1024 bytes, at most a quarter of a page). */
  readonly maxKeyBytes?: number;
  /** Largest encoded value (default 16 MiB). */
  readonly maxValueBytes?: number;
  /** Checkpoint when the log has grown this much since the last one (default 64 MiB). */
  readonly checkpointLogBytes?: number;
  /**
   * Checkpoint when the B-tree nodes changed since the last one take about this much memory
   * (default 256 MiB; counted as `DIRTY_NODE_MEMORY_FACTOR` × pageSizeBytes a changed node).
   * Changed nodes stay in memory until a checkpoint writes them, outside the cache budget: with
   * `cacheSizeBytes` this bounds the engine's memory. Lower saves memory; random writes over a
   * tree larger than this then checkpoint more often and write more pages per change.
   */
  readonly checkpointDirtyBytes?: number;
  /** Log segment size (default 16 MiB). */
  readonly walSegmentBytes?: number;
  /**
   * On `close()`, when at least an eighth of the page file is free, move the pages at its end to
   * free pages nearer the start and truncate the file (default true). Costs about the time of
   * writing the moved pages; `compact()` packs pages full as well, at the cost of rewriting all.
   */
  readonly shrinkOnClose?: boolean;
  /**
   * How full a checkpoint packs the B-tree leaves changed since the last one, as a share of a
   * page (`@photondb/btree` TreeOptions.packFill): leaves filled in random order are ~69% full,
   * packed ones up to this. 0 turns packing off; otherwise from 0.5 to 1 (default 0.9).
   */
  readonly packFill?: number;
  /** Retries of `transaction()` on CONFLICT (default 10). */
  readonly maxTransactionRetries?: number;
  /** The file system (default NodeFileSystem). Tests pass a simulator. */
  readonly fileSystem?: FileSystem;
  /** Aborts recovery at open (the database stays as it was). */
  readonly signal?: AbortSignal;
  /** Called during recovery. */
  readonly onProgress?: (progress: RecoveryProgress) => void;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  readonly createIfMissing: boolean;
  readonly errorIfExists: boolean;
  readonly readOnly: boolean;
  readonly pageSizeBytes: number;
  readonly cacheSizeBytes: number;
  readonly compression: 'none' | 'snappy';
  readonly sync: boolean;
  readonly keyCodec: Codec<unknown>;
  readonly valueCodec: Codec<unknown>;
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
  readonly checkpointLogBytes: number;
  readonly checkpointDirtyBytes: number;
  readonly walSegmentBytes: number;
  readonly shrinkOnClose: boolean;
  readonly packFill: number;
  readonly maxTransactionRetries: number;
  readonly fileSystem: FileSystem;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RecoveryProgress) => void;
}

export const DEFAULT_PAGE_SIZE_BYTES = 8192;
export const DEFAULT_CACHE_SIZE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_KEY_BYTES = 1024;
export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_CHECKPOINT_LOG_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CHECKPOINT_DIRTY_BYTES = 256 * 1024 * 1024;
/**
 * Memory of one changed (dirty) B-tree node, in pages: its key and value arenas with the slack
 * they grow by, and the arrays its clean original leaves until collected. Measured 1.53 × an
 * 8 KiB page a node over 1M random 116-byte puts (285 MiB of array buffers for 18,600 dirty
 * leaves and 56 MiB of cached ones).
 */
export const DIRTY_NODE_MEMORY_FACTOR = 1.5;
/**
 * The engine's stated memory overhead: with the defaults of the write path, a process's peak RSS
 * stays within its RSS before opening + `cacheSizeBytes` + `checkpointDirtyBytes` + this (the V8
 * heap of the write set and the log's buffers, and freed arrays the garbage collector has not
 * yet returned). Measured with a 64 MiB cache: 1M random 116-byte puts, 378 MiB above the
 * process's start; the whole peers-bench fill group (fills, reads, scans, then 1M random
 * overwrites of every leaf after a reopen, which sets the peak), 473 MiB above its start once the
 * harness's own 70 MiB is taken off, i.e. 153 MiB over cache + checkpointDirtyBytes. Since
 * checkpoints pack leaves (2026-12-07) the same group peaks at 481-502 MiB above its start (the
 * harness's 76-77 MiB taken off), 182 MiB over: packed leaves make each changed node larger.
 * Stated with a quarter more (was 192 MiB); `pnpm bench:peers` checks it every run.
 */
export const MEMORY_OVERHEAD_BYTES = 224 * 1024 * 1024;
export const DEFAULT_WAL_SEGMENT_BYTES = 16 * 1024 * 1024;

const KNOWN_OPTIONS = new Set([
  'createIfMissing', 'errorIfExists', 'readOnly', 'pageSizeBytes', 'cacheSizeBytes', 'compression', 'sync',
  'keyEncoding', 'valueEncoding', 'maxKeyBytes', 'maxValueBytes', 'checkpointLogBytes', 'checkpointDirtyBytes', 'walSegmentBytes',
  'shrinkOnClose', 'packFill', 'maxTransactionRetries', 'fileSystem', 'signal', 'onProgress',
]);

function bad(message: string): never {
  throw new PhotonError('INVALID_ARGUMENT', message);
}

function boolOption(o: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') bad(`option ${name} must be true or false; got ${typeof v}`);
  return v;
}

function intOption(o: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    bad(`option ${name} must be an integer from ${min} to ${max}; got ${describeValue(v)}`);
  }
  return v;
}

/** Validates and completes open options. */
export function resolveOptions(options: OpenOptions<unknown, unknown> = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) bad('options must be an object');
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!KNOWN_OPTIONS.has(key)) bad(`unknown option "${key}"; known options: ${[...KNOWN_OPTIONS].join(', ')}`);
  const pageSizeBytes = intOption(o, 'pageSizeBytes', DEFAULT_PAGE_SIZE_BYTES, 4096, 65536);
  if ((pageSizeBytes & (pageSizeBytes - 1)) !== 0) bad(`option pageSizeBytes must be a power of two from 4096 to 65536; got ${pageSizeBytes}`);
  const compression = o.compression ?? 'none';
  if (compression !== 'none' && compression !== 'snappy') bad(`option compression must be 'none' or 'snappy'; got ${describeValue(compression)}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) bad('option signal must be an AbortSignal');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') bad('option onProgress must be a function');
  const fileSystem = (o.fileSystem as FileSystem | undefined) ?? new NodeFileSystem();
  if (typeof fileSystem.openDirectory !== 'function') bad('option fileSystem must implement FileSystem');
  const maxKeyLimit = Math.min(DEFAULT_MAX_KEY_BYTES, Math.floor(pageSizeBytes / 4));
  const packFill = checkPackFill(o.packFill);
  return {
    createIfMissing: boolOption(o, 'createIfMissing', true),
    errorIfExists: boolOption(o, 'errorIfExists', false),
    readOnly: boolOption(o, 'readOnly', false),
    pageSizeBytes,
    cacheSizeBytes: intOption(o, 'cacheSizeBytes', DEFAULT_CACHE_SIZE_BYTES, 64 * 1024, 2 ** 40),
    compression,
    sync: boolOption(o, 'sync', true),
    keyCodec: resolveCodec((o.keyEncoding ?? 'raw') as EncodingName, 'key'),
    valueCodec: resolveCodec((o.valueEncoding ?? 'raw') as EncodingName, 'value'),
    maxKeyBytes: intOption(o, 'maxKeyBytes', maxKeyLimit, 1, maxKeyLimit),
    maxValueBytes: intOption(o, 'maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 0, DEFAULT_MAX_VALUE_BYTES),
    checkpointLogBytes: intOption(o, 'checkpointLogBytes', DEFAULT_CHECKPOINT_LOG_BYTES, 4096, 2 ** 40),
    checkpointDirtyBytes: intOption(o, 'checkpointDirtyBytes', DEFAULT_CHECKPOINT_DIRTY_BYTES, 64 * 1024, 2 ** 40),
    walSegmentBytes: intOption(o, 'walSegmentBytes', DEFAULT_WAL_SEGMENT_BYTES, 4096, 2 ** 30),
    shrinkOnClose: boolOption(o, 'shrinkOnClose', true),
    packFill,
    maxTransactionRetries: intOption(o, 'maxTransactionRetries', 10, 0, 1000),
    fileSystem,
    signal: o.signal as AbortSignal | undefined,
    onProgress: o.onProgress as ((p: RecoveryProgress) => void) | undefined,
  };
}
