/**
 * The engine core: start-up and recovery, the commit pipeline, checkpoints and shutdown, over
 * encoded keys. The typed API (`engine.ts`) wraps it with codecs and argument checks.
 *
 * Lifecycle:
 *
 *     open() ──► [opening] ──recover()──► [open] ──close()──► [closing] ──► [closed]
 *                    │                      │
 *                    └── error: released    └── log or page I/O failure ──► [failed]
 *                                                (reads work; writes fail with IO; close() releases)
 *
 * Commit pipeline (one log record per transaction; see format.ts):
 *  1. validate the read set against later commits (CONFLICT) — conflicts.ts;
 *  2. take a commit sequence number and append the record to the log (an LSN);
 *  3. await the log flush (group commit shares one fdatasync among concurrent commits);
 *  4. apply every pending commit up to this LSN to the trees, in LSN order, then resolve.
 * Invariants:
 *  1. Readers see only durable commits: a commit is applied (step 4) after its flush resolved.
 *  2. Commits are applied in LSN order, and recovery replays them in the same order.
 *  3. No commit is applied while a checkpoint runs; readers are never blocked by one.
 *  4. After a failed flush or checkpoint nothing more is applied or appended (state `failed`);
 *     the log and the last checkpoint still hold every acknowledged commit, and a reopen recovers.
 *
 * Checkpoint: trees write their dirty nodes to fresh pages (copy-on-write), the page file makes
 * them durable with a new meta page recording the last applied LSN, then the log drops whole
 * segments below it.
 */
import { PhotonError, isPhotonError, mutantActive, unsafeLsn } from '@photondb/contracts';
import type { Directory, FileLock, Lsn } from '@photondb/contracts';
import { BTree } from '@photondb/btree';
import type { BatchOp, TreeSnapshot } from '@photondb/btree';
import { failpoint } from '@photondb/io';
import { PageFile } from '@photondb/slab';
import { WriteAheadLog } from '@photondb/wal';
import { dirname } from 'node:path';
import { ConflictTracker } from './conflicts.js';
import type { ReadSet } from './conflicts.js';
import {
  RECORD_COMMIT,
  RECORD_CREATE_TABLE,
  RECORD_DROP_TABLE,
  decodeCommit,
  decodeTableRecord,
  encodeCommit,
  encodeTableRecord,
} from './format.js';
import type { ResolvedOptions } from './options.js';
import { DIRTY_NODE_MEMORY_FACTOR } from './options.js';
import type { CompactOptions, CompactReport, EngineStats, RecoveryReport, VerifyProblem } from './types.js';
import { SnapshotView } from './views.js';
import type { TreeSource } from './views.js';
import type { WriteSet } from './write-set.js';

/** The page file's name inside the database directory. */
export const DATA_FILE = 'data.photon';
/**
 * How the cache budget (`cacheSizeBytes`) is shared. Decoded B-tree nodes serve hot lookups,
 * scans and writes without decoding, so they get 31/32 of it, counted as the memory of their
 * packed keys and values (about one page each). The page file's cache of raw pages gets the rest:
 * the tree reads node pages with `PageStore.peek`, which does not cache them there, so that cache
 * now holds pages written since the last checkpoint (until written back) and overflow chains.
 * (It had 1/8 while leaf probes pinned pages: at 1M keys and 64 MiB, 1/32 took page reads per
 * uniform random get from 0.54 to 0.48.) Every table's tree has its own node budget of that size.
 */
export function pageCacheBytes(options: { cacheSizeBytes: number; pageSizeBytes: number }): number {
  return Math.max(8 * options.pageSizeBytes, Math.floor(options.cacheSizeBytes / 32));
}

/** Bytes of decoded nodes each tree may cache (see `pageCacheBytes`). */
export function treeCacheBytes(options: { cacheSizeBytes: number; pageSizeBytes: number }): number {
  return Math.max(64 * options.pageSizeBytes, Math.floor((options.cacheSizeBytes * 31) / 32));
}

/** `close()` shrinks the file when at least this share of its pages is free (and SHRINK_MIN_FREE_PAGES). */
export const SHRINK_FREE_FRACTION = 0.125;
/** ... and at least this many pages. */
export const SHRINK_MIN_FREE_PAGES = 64;
/** Pages moved between two checkpoints while shrinking (bounds the copies held in memory). */
export const SHRINK_BATCH_PAGES = 8192;

/** Where `compact()` builds the new page file before renaming it over DATA_FILE. */
export const COMPACT_FILE = 'data.photon.compact';
/** The log's subdirectory. */
export const WAL_DIRECTORY = 'wal';
/** The table every engine has; it cannot be dropped. */
export const DEFAULT_TABLE = 'default';
/** The longest B-tree catalog descriptor (@photondb/btree format v2: magic, version, five varints, flags). */
const MAX_DESCRIPTOR_BYTES = 4 + 1 + 8 + 2 + 8 + 1 + 8 + 8;
/** Catalog entries of tables are named TREE_PREFIX + table name. */
export const TREE_PREFIX = 'table:';
/** The longest table name in UTF-8 bytes. */
export const MAX_TABLE_NAME_BYTES = 128;

const VERIFY_EACH_CHECKPOINT = process.env.PHOTON_VERIFY === '1';

type State = 'open' | 'closing' | 'closed' | 'failed';

interface PendingCommit {
  readonly lsn: Lsn;
  readonly seq: number;
  readonly apply: () => void;
}

export class EngineCore implements TreeSource {
  readonly options: ResolvedOptions;
  readonly path: string;
  readonly recovery: RecoveryReport;
  private readonly dir: Directory;
  private readonly lock: FileLock | undefined;
  private store: PageFile;
  private readonly log: WriteAheadLog;
  private readonly trees = new Map<string, BTree>();
  private readonly creating = new Set<string>();
  private readonly conflicts = new ConflictTracker();
  private readonly openViews = new Set<SnapshotView>();
  /** Page files replaced by `compact()`, kept open until the views that still read them end. */
  private retired: { store: PageFile; views: Set<SnapshotView> }[] = [];
  private pending: PendingCommit[] = [];
  /** Commits logged and not yet applied or failed (see `waitForCommits`). */
  private inflight = 0;
  /** Resolved when `inflight` drops to 0; made only while someone waits for that. */
  private drained: { promise: Promise<void>; resolve: () => void } | null = null;
  private checkpointing: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private state: State = 'open';
  private failure: PhotonError | undefined;
  private appliedLsn: Lsn;
  private appliedSeq = 0;
  private bytesSinceCheckpoint = 0;
  private commits = 0;
  private conflictCount = 0;
  private checkpoints = 0;

  private constructor(path: string, options: ResolvedOptions, dir: Directory, lock: FileLock | undefined, store: PageFile, log: WriteAheadLog) {
    this.path = path;
    this.options = options;
    this.dir = dir;
    this.lock = lock;
    this.store = store;
    this.log = log;
    this.appliedLsn = store.checkpointLsn;
    this.recovery = { cleanShutdown: true, replayedRecords: 0, checkpointLsn: store.checkpointLsn, lastLsn: log.lastLsn };
  }

  /** Start-up: lock, page file, log, trees, replay, checkpoint. */
  static async open(path: string, options: ResolvedOptions): Promise<EngineCore> {
    if (typeof path !== 'string' || path.length === 0) {
      throw new PhotonError('INVALID_ARGUMENT', 'database path must be a non-empty string');
    }
    const fs = options.fileSystem;
    const exists = fs.exists(path) && fs.openDirectory(path).exists(DATA_FILE);
    if (!exists && (options.readOnly || !options.createIfMissing)) {
      throw new PhotonError('NOT_FOUND', `no database at ${path}; pass createIfMissing: true to create one`, { path });
    }
    if (exists && options.errorIfExists) {
      throw new PhotonError('EXISTS', `a database already exists at ${path} and errorIfExists is set`, { path });
    }
    // Directories this open creates: each one's name is durable only after its parent is synced.
    const missing: string[] = [];
    for (let p = path; !options.readOnly && !fs.exists(p) && dirname(p) !== p; p = dirname(p)) missing.push(p);
    const dir = fs.openDirectory(path, { create: !options.readOnly });
    for (const created of missing) fs.openDirectory(dirname(created)).syncSync();
    const lock = options.readOnly ? undefined : dir.lock();
    let store: PageFile | undefined;
    let log: WriteAheadLog | undefined;
    try {
      // A compaction that did not finish its rename left its new file behind: the old one is whole.
      if (!options.readOnly && dir.exists(COMPACT_FILE)) dir.remove(COMPACT_FILE);
      store = PageFile.open(dir, {
        fileName: DATA_FILE,
        create: !options.readOnly,
        pageSizeBytes: options.pageSizeBytes,
        compression: options.compression,
        cacheSizeBytes: pageCacheBytes(options),
        readOnly: options.readOnly,
      });
      const walDir = dir.subdirectory(WAL_DIRECTORY, { create: !options.readOnly });
      if (!exists) await dir.sync();
      log = WriteAheadLog.open(walDir, { segmentSizeBytes: options.walSegmentBytes, readOnly: options.readOnly });
      const core = new EngineCore(path, options, dir, lock, store, log);
      await core.recover();
      return core;
    } catch (e) {
      await log?.close().catch(() => {});
      await store?.close().catch(() => {});
      lock?.release();
      throw e;
    }
  }

  // ---------------------------------------------------------------- recovery

  private async recover(): Promise<void> {
    for (const name of this.store.catalogNames()) {
      if (name.startsWith(TREE_PREFIX)) this.trees.set(name.slice(TREE_PREFIX.length), BTree.open(this.store, name, this.treeOptions()));
    }
    if (!this.trees.has(DEFAULT_TABLE)) this.trees.set(DEFAULT_TABLE, BTree.open(this.store, TREE_PREFIX + DEFAULT_TABLE, this.treeOptions()));
    const { signal, onProgress } = this.options;
    const from = unsafeLsn(this.store.checkpointLsn + 1);
    // The log must reach back to the page file's checkpoint. A gap means the page file is older
    // than a checkpoint the log was already truncated for (its newest meta page was lost, and it
    // fell back to the previous one): replaying would silently drop committed transactions.
    if (this.log.firstLsn > from) {
      throw new PhotonError(
        'CORRUPTION',
        `the page file's checkpoint is at LSN ${this.store.checkpointLsn} but the log starts at LSN ${this.log.firstLsn}: the transactions in between are in neither; the page file lost its newest checkpoint`,
        { path: this.path, lsn: this.store.checkpointLsn },
      );
    }
    const lastLsn = this.log.lastLsn;
    let replayed = 0;
    for (const record of this.log.read({ fromLsn: from })) {
      if (signal?.aborted) throw new PhotonError('ABORTED', `open was aborted during recovery at LSN ${record.lsn}`, { lsn: record.lsn });
      failpoint('engine-recovery-replay');
      this.applyRecord(record.type, record.payload, record.lsn);
      this.appliedLsn = record.lsn;
      replayed++;
      if (onProgress && replayed % 1000 === 0) onProgress({ phase: 'replay', records: replayed, lsn: record.lsn, lastLsn });
    }
    const wal = this.log.recovery;
    (this as { recovery: RecoveryReport }).recovery = {
      cleanShutdown: wal.cleanShutdown,
      replayedRecords: replayed,
      checkpointLsn: this.store.checkpointLsn,
      lastLsn,
      ...(wal.tornTail ? { tornTail: { bytesDropped: wal.tornTail.bytesDropped, afterLsn: wal.tornTail.afterLsn } } : {}),
    };
    if (this.appliedLsn < lastLsn) this.appliedLsn = unsafeLsn(lastLsn);
    if (replayed > 0 && !this.options.readOnly) {
      onProgress?.({ phase: 'checkpoint', records: replayed, lsn: this.appliedLsn, lastLsn });
      await this.checkpoint();
    }
  }

  private applyRecord(type: number, payload: Uint8Array, lsn: Lsn): void {
    if (type === RECORD_COMMIT) {
      // Views of the record: apply() copies what the tree keeps, before the next record is read.
      for (const [table, ops] of decodeCommit(payload, lsn, true)) this.trees.get(table)?.apply(ops);
    } else if (type === RECORD_CREATE_TABLE) {
      const name = decodeTableRecord(payload, lsn);
      if (!this.trees.has(name)) this.trees.set(name, BTree.open(this.store, TREE_PREFIX + name, this.treeOptions()));
    } else if (type === RECORD_DROP_TABLE) {
      const name = decodeTableRecord(payload, lsn);
      this.trees.get(name)?.drop();
      this.trees.delete(name);
    } else {
      throw new PhotonError('CORRUPTION', `log record at LSN ${lsn} has unknown type ${type}; this engine writes types 1 to 3`, { lsn });
    }
  }

  private treeOptions(): { maxKeyBytes: number; maxValueBytes: number; cacheBytes: number; packFill: number } {
    const o = this.options;
    return { maxKeyBytes: o.maxKeyBytes, maxValueBytes: o.maxValueBytes, cacheBytes: treeCacheBytes(o), packFill: o.packFill };
  }

  // ---------------------------------------------------------------- state checks

  /** Throws CLOSED unless the engine can serve reads. */
  checkReadable(): void {
    if (this.state === 'closed' || this.state === 'closing') throw new PhotonError('CLOSED', `the database at ${this.path} is closed`, { path: this.path });
  }

  /** Throws CLOSED, READ_ONLY or IO unless the engine accepts writes. */
  checkWritable(): void {
    this.checkReadable();
    if (this.options.readOnly) throw new PhotonError('READ_ONLY', `the database at ${this.path} was opened read-only`, { path: this.path });
    if (this.failure) {
      throw new PhotonError('IO', `the database refuses writes after an I/O failure; reopen it to recover (${this.failure.message})`, { path: this.path }, { cause: this.failure });
    }
  }

  private fail(e: unknown): PhotonError {
    if (!this.failure) {
      this.failure = isPhotonError(e) && e.code === 'IO' ? e : new PhotonError('IO', `I/O failure: ${(e as Error)?.message ?? String(e)}`, { path: this.path }, { cause: e });
      if (this.state === 'open') this.state = 'failed';
      this.pending = [];
    }
    return this.failure;
  }

  // ---------------------------------------------------------------- reads

  tree(name: string): BTree {
    const t = this.trees.get(name);
    if (t === undefined) throw new PhotonError('NOT_FOUND', `no table named "${name}"; create it with createTable()`);
    return t;
  }

  hasTable(name: string): boolean {
    return this.trees.has(name);
  }

  tableNames(): string[] {
    return [...this.trees.keys()].filter((n) => n !== DEFAULT_TABLE).sort();
  }

  /** Pins the current version of every table. Release the view when done. */
  snapshotView(): SnapshotView {
    this.checkReadable();
    const snaps = new Map<string, TreeSnapshot>();
    for (const [name, tree] of this.trees) snaps.set(name, tree.snapshot());
    const view: SnapshotView = new SnapshotView(snaps, this.appliedSeq, () => {
      this.openViews.delete(view);
      this.pruneConflicts();
      this.releaseRetired(view);
    });
    this.openViews.add(view);
    return view;
  }

  // ---------------------------------------------------------------- commits

  /**
   * Validates, logs, waits for durability and applies a transaction's writes. Throws (rather
   * than rejects) when the commit is refused before it is logged; callers are async functions,
   * for which the two are the same. Not async itself, so the promise a committer awaits is the
   * pipeline's, with no wrapper promise and its microtask turns in between.
   */
  commit(writes: WriteSet, reads: ReadSet | null, snapshotSeq: number, sync: boolean | undefined): Promise<void> {
    this.checkWritable();
    // Planted isolation bugs for the history checker (TESTING.md R8); never on outside tests.
    if (mutantActive('engine-late-snapshot')) snapshotSeq = this.appliedSeq;
    if (reads !== null && !mutantActive('engine-no-conflict-check')) {
      try {
        this.conflicts.validate(reads, snapshotSeq);
      } catch (e) {
        this.conflictCount++;
        throw e;
      }
    }
    if (writes.isEmpty) return Promise.resolve();
    for (const table of writes.tables.keys()) this.tree(table);
    // The write set holds the engine's own copies (engine.ts `ownedBytes`), so the ops can wait
    // for the log sync and the payload can go to the log uncopied.
    const ops = writes.toCommitOps();
    const payload = encodeCommit(ops);
    if (payload.length > this.log.maxRecordBytes) {
      throw new PhotonError('TOO_LARGE', `transaction is ${payload.length} bytes when logged; at most ${this.log.maxRecordBytes} are allowed in one commit`, { limit: this.log.maxRecordBytes, actual: payload.length });
    }
    const seq = this.conflicts.record(writes);
    const lsn = this.append(RECORD_COMMIT, payload, true);
    this.commits++;
    return this.pipeline(lsn, seq, sync, () => this.applyOps(ops));
  }

  private applyOps(ops: Map<string, BatchOp[]>): void {
    for (const [table, tableOps] of ops) this.trees.get(table)?.apply(tableOps);
  }

  /** Logs and applies a table creation. */
  async createTable(name: string): Promise<void> {
    this.checkWritable();
    if (this.trees.has(name) || this.creating.has(name)) throw new PhotonError('EXISTS', `table "${name}" already exists`);
    this.checkCatalogRoom(name);
    this.creating.add(name);
    try {
      const lsn = this.append(RECORD_CREATE_TABLE, encodeTableRecord(name));
      await this.pipeline(lsn, 0, undefined, () => {
        this.trees.set(name, BTree.open(this.store, TREE_PREFIX + name, this.treeOptions()));
      });
    } finally {
      this.creating.delete(name);
    }
  }

  /**
   * Every table's B-tree keeps its descriptor in the page file's catalog (one meta page): refuse
   * a table whose descriptor could not fit there at the next checkpoint, before anything is
   * logged, rather than fail that checkpoint.
   */
  private checkCatalogRoom(name: string): void {
    const encoder = new TextEncoder();
    // Catalog entry = u16 name length + name + u32 value length + value; descriptors are at most
    // MAX_DESCRIPTOR_BYTES. Counted for every table, existing or being created, and the new one.
    const entry = (table: string): number => 6 + encoder.encode(TREE_PREFIX + table).length + MAX_DESCRIPTOR_BYTES;
    let used = 2;
    for (const table of this.trees.keys()) used += entry(table);
    for (const table of this.creating) used += entry(table);
    for (const other of this.store.catalogNames()) {
      if (!other.startsWith(TREE_PREFIX)) used += 6 + encoder.encode(other).length + (this.store.getCatalog(other)?.length ?? 0);
    }
    const need = used + entry(name);
    const limit = this.store.catalogCapacityBytes;
    if (need > limit) {
      throw new PhotonError(
        'TOO_LARGE',
        `table "${name}" does not fit: the catalog of table roots would need ${need} bytes and holds ${limit} with ${this.options.pageSizeBytes}-byte pages (${this.trees.size - 1} tables exist); use shorter table names, fewer tables or a larger pageSizeBytes`,
        { limit, actual: need },
      );
    }
  }

  /** Logs and applies a table drop. Open snapshots keep reading the dropped table's version. */
  async dropTable(name: string): Promise<void> {
    this.checkWritable();
    if (name === DEFAULT_TABLE) throw new PhotonError('INVALID_ARGUMENT', 'the default table cannot be dropped');
    this.tree(name);
    const lsn = this.append(RECORD_DROP_TABLE, encodeTableRecord(name));
    await this.pipeline(lsn, 0, undefined, () => {
      this.trees.get(name)?.drop();
      this.trees.delete(name);
    });
  }

  /** `owned`: the payload is the engine's own and never changed again (the log keeps it, uncopied). */
  private append(type: number, payload: Uint8Array, owned = false): Lsn {
    try {
      const lsn = owned ? this.log.appendOwned(type, payload) : this.log.append(type, payload);
      this.bytesSinceCheckpoint += payload.length;
      return lsn;
    } catch (e) {
      if (isPhotonError(e) && (e.code === 'TOO_LARGE' || e.code === 'INVALID_ARGUMENT')) throw e;
      throw this.fail(e);
    }
  }

  private pipeline(lsn: Lsn, seq: number, sync: boolean | undefined, apply: () => void): Promise<void> {
    this.pending.push({ lsn, seq, apply });
    this.inflight++;
    return this.awaitDurable(lsn, sync ?? this.options.sync);
  }

  private async awaitDurable(lsn: Lsn, sync: boolean): Promise<void> {
    try {
      try {
        failpoint('engine-before-log-flush');
        // Mutant (TESTING.md R3): acknowledge before the record is durable.
        if (mutantActive('engine-ack-before-durable')) void this.log.flush({ sync }).catch(() => {});
        else await this.log.flush({ sync });
      } catch (e) {
        throw this.fail(e);
      }
      while (this.checkpointing) await this.checkpointing.catch(() => {});
      if (this.failure) throw this.failure;
      this.applyUpTo(lsn);
      this.maybeCheckpoint();
    } finally {
      // Counted here rather than with a reaction on the promise: one promise less per commit.
      if (--this.inflight === 0 && this.drained !== null) {
        this.drained.resolve();
        this.drained = null;
      }
    }
  }

  private applyUpTo(lsn: Lsn): void {
    while (this.pending.length > 0 && this.pending[0].lsn <= lsn) {
      const next = this.pending.shift()!;
      next.apply();
      this.appliedLsn = next.lsn;
      if (next.seq > 0) this.appliedSeq = next.seq;
    }
    this.pruneConflicts();
  }

  private pruneConflicts(): void {
    let horizon = this.appliedSeq;
    for (const v of this.openViews) if (v.snapshotSeq < horizon) horizon = v.snapshotSeq;
    this.conflicts.prune(horizon);
  }

  private maybeCheckpoint(): void {
    if (this.checkpointing || this.state !== 'open') return;
    if (this.bytesSinceCheckpoint >= this.options.checkpointLogBytes || this.dirtyBytesEstimate() >= this.options.checkpointDirtyBytes) {
      this.checkpoint().catch(() => {});
    }
  }

  /** Memory the B-tree nodes changed since the last checkpoint take, estimated (options.ts). */
  private dirtyBytesEstimate(): number {
    let nodes = 0;
    for (const tree of this.trees.values()) nodes += tree.dirtyNodesSinceFlush;
    return nodes * DIRTY_NODE_MEMORY_FACTOR * this.store.pageSizeBytes;
  }

  // ---------------------------------------------------------------- checkpoint, compact, backup

  /** Makes every applied commit part of the page file and lets the log drop what it no longer needs. */
  checkpoint(): Promise<void> {
    if (this.options.readOnly) return Promise.reject(new PhotonError('READ_ONLY', `the database at ${this.path} was opened read-only`));
    if (this.failure) return Promise.reject(this.failure);
    if (this.checkpointing) return this.checkpointing;
    const run = async (): Promise<void> => {
      const lsn = this.appliedLsn;
      this.bytesSinceCheckpoint = 0;
      for (const tree of this.trees.values()) tree.flush();
      if (VERIFY_EACH_CHECKPOINT) this.assertVerified();
      // Mutant (TESTING.md R3): drop the log before the pages that replace it are durable.
      const truncateFirst = mutantActive('engine-truncate-before-checkpoint');
      if (truncateFirst) await this.log.truncateBefore(unsafeLsn(lsn + 1));
      failpoint('engine-before-store-checkpoint');
      await this.store.checkpoint(lsn);
      failpoint('engine-before-log-truncate');
      if (!truncateFirst) await this.log.truncateBefore(unsafeLsn(lsn + 1));
      this.checkpoints++;
    };
    const p = run().catch((e: unknown) => {
      throw this.fail(e);
    });
    this.checkpointing = p;
    const clear = (): void => {
      if (this.checkpointing === p) this.checkpointing = null;
    };
    p.then(clear, clear);
    return p;
  }

  private assertVerified(): void {
    const problems = this.verifyTrees();
    if (problems.length > 0) {
      throw new PhotonError('INTERNAL', `verify after flush found ${problems.length} problems: ${problems.slice(0, 3).map((p) => `${p.where}: ${p.message}`).join('; ')}`);
    }
  }

  private verifyTrees(): VerifyProblem[] {
    const problems: VerifyProblem[] = [];
    for (const [name, tree] of this.trees) {
      for (const p of tree.verify()) problems.push({ where: `table "${name}"`, message: typeof p === 'string' ? p : JSON.stringify(p) });
    }
    return problems;
  }

  /** Every structural problem of the trees and the page file, as data. */
  verify(): VerifyProblem[] {
    this.checkReadable();
    const problems = this.verifyTrees();
    for (const p of this.store.verify()) problems.push({ where: 'page file', message: typeof p === 'string' ? p : JSON.stringify(p) });
    return problems;
  }

  /**
   * Rewrites every table into a new page file with full, dense pages (bulk load), then replaces
   * the old file atomically: the file shrinks to what the data needs and its free pages are
   * returned to the file system. Commits wait while it runs; readers do not (views opened before
   * keep reading the old file, which stays open until they end).
   *
   * Crash safety: the new file is complete and synced under `data.photon.compact` before a rename
   * (and a directory sync) puts it in place; both files hold the same checkpoint, so a crash at
   * any point leaves a valid database. A left-over `.compact` file is removed at open.
   */
  compact(options: CompactOptions = {}): Promise<CompactReport> {
    if (this.options.readOnly) return Promise.reject(new PhotonError('READ_ONLY', `the database at ${this.path} was opened read-only`));
    if (this.failure) return Promise.reject(this.failure);
    const run = async (): Promise<CompactReport> => {
      while (this.checkpointing) await this.checkpointing.catch(() => {});
      const result = this.compactNow(options);
      this.checkpointing = result.then(
        () => undefined,
        () => undefined,
      );
      try {
        return await result;
      } finally {
        this.checkpointing = null;
      }
    };
    return run();
  }

  private async compactNow(options: CompactOptions): Promise<CompactReport> {
    const { signal, onProgress } = options;
    const lsn = this.appliedLsn;
    // Everything applied goes into the old file first, so the new one can carry its checkpoint.
    for (const tree of this.trees.values()) tree.flush();
    await this.store.checkpoint(lsn);
    const before = this.store.stats();
    const tmp = COMPACT_FILE;
    if (this.dir.exists(tmp)) this.dir.remove(tmp);
    const next = PageFile.open(this.dir, {
      fileName: tmp,
      create: true,
      pageSizeBytes: before.pageSizeBytes,
      compression: before.compression,
      cacheSizeBytes: pageCacheBytes(this.options),
    });
    const rebuilt = new Map<string, BTree>();
    try {
      let copied = 0;
      for (const [name, tree] of this.trees) {
        if (signal?.aborted) throw new PhotonError('ABORTED', `compact was aborted after ${copied} entries; the database is unchanged`);
        const fresh = BTree.open(next, TREE_PREFIX + name, this.treeOptions());
        fresh.load(tree.range());
        fresh.flush();
        rebuilt.set(name, fresh);
        copied += fresh.stats().entries;
        onProgress?.({ phase: 'copy', table: name, entries: copied });
      }
      await next.checkpoint(lsn);
      failpoint('engine-compact-before-rename');
      this.dir.rename(tmp, DATA_FILE);
      await this.dir.sync();
    } catch (e) {
      await next.close().catch(() => {});
      try {
        if (this.dir.exists(tmp)) this.dir.remove(tmp);
      } catch {
        // a crash-like failure: the next open removes it
      }
      if (isPhotonError(e) && e.code === 'ABORTED') throw e;
      throw this.fail(e);
    }
    const old = this.store;
    this.store = next;
    for (const [name, tree] of rebuilt) this.trees.set(name, tree);
    if (this.openViews.size === 0) await old.close().catch(() => {});
    else this.retired.push({ store: old, views: new Set(this.openViews) });
    const after = next.stats();
    onProgress?.({ phase: 'done', table: '', entries: [...rebuilt.values()].reduce((n, t) => n + t.stats().entries, 0) });
    return {
      pagesBefore: before.pageCount,
      pagesAfter: after.pageCount,
      bytesBefore: before.pageCount * before.pageSizeBytes,
      bytesAfter: after.pageCount * after.pageSizeBytes,
    };
  }

  /** Closes replaced page files that no open view reads any more. */
  private releaseRetired(view: SnapshotView): void {
    if (this.retired.length === 0) return;
    this.retired = this.retired.filter((r) => {
      r.views.delete(view);
      if (r.views.size > 0) return true;
      void r.store.close().catch(() => {});
      return false;
    });
  }

  /** Writes a consistent copy of the database to `targetPath` (a new directory). */
  async backup(targetPath: string): Promise<void> {
    this.checkReadable();
    if (!this.options.readOnly) {
      await this.waitForCommits();
      await this.checkpoint();
    }
    const target = this.options.fileSystem.openDirectory(targetPath, { create: true });
    if (target.exists(DATA_FILE)) throw new PhotonError('EXISTS', `a database already exists at ${targetPath}`, { path: targetPath });
    // The copy is synchronous: no checkpoint can run while it reads, and pages of the durable
    // checkpoint are never overwritten (copy-on-write), so the copy is that checkpoint.
    const src = this.dir.openFile(DATA_FILE, { readOnly: true });
    const dst = target.openFile(DATA_FILE, { create: true, exclusive: true });
    try {
      const chunk = new Uint8Array(1 << 20);
      const size = src.sizeBytes();
      for (let at = 0; at < size; ) {
        const n = src.read(at, chunk);
        if (n === 0) break;
        dst.write(at, n === chunk.length ? chunk : chunk.subarray(0, n));
        at += n;
      }
      await dst.sync();
    } finally {
      src.close();
      dst.close();
    }
    target.subdirectory(WAL_DIRECTORY, { create: true });
    await target.sync();
  }

  /** Resolves when every commit in flight has been applied or has failed. */
  async waitForCommits(): Promise<void> {
    while (this.inflight > 0) {
      if (this.drained === null) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        this.drained = { promise, resolve };
      }
      await this.drained.promise;
    }
  }

  // ---------------------------------------------------------------- stats, close

  stats(): EngineStats {
    this.checkReadable();
    const store = this.store.stats();
    const log = this.log.stats();
    let entries = 0;
    let depth = 0;
    let leaf = 0;
    let branch = 0;
    let overflow = 0;
    for (const tree of this.trees.values()) {
      const s = tree.stats();
      entries += s.entries;
      depth = Math.max(depth, s.depth);
      leaf += s.leafNodes;
      branch += s.branchNodes;
      overflow += s.overflowPages;
    }
    return {
      entries,
      tables: this.trees.size - 1,
      treeDepth: depth,
      pageSizeBytes: store.pageSizeBytes,
      pageCount: store.pageCount,
      freePages: store.freePageCount,
      pagesByType: { meta: 2, leaf, branch, overflow, free: store.freePageCount, other: Math.max(0, store.pageCount - 2 - leaf - branch - overflow - store.freePageCount) },
      fileBytes: store.pageCount * store.pageSizeBytes,
      logBytes: log.bytes,
      logRecords: log.records,
      cacheHits: store.cacheHits,
      cacheMisses: store.cacheMisses,
      cacheEvictions: store.cacheEvictions,
      fsyncs: log.syncs,
      commits: this.commits,
      conflicts: this.conflictCount,
      checkpoints: this.checkpoints,
      checkpointLsn: store.checkpointLsn,
      lastLsn: this.log.lastLsn,
    };
  }

  /** The page store, for inspection tools (read-only use). */
  get pageStore(): PageFile {
    return this.store;
  }

  /** The log, for inspection tools (read-only use). */
  get redoLog(): WriteAheadLog {
    return this.log;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Flushes, checkpoints, writes the closing marker, syncs and releases the lock. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const wasFailed = this.state === 'failed';
    this.state = 'closing';
    this.closing = (async () => {
      await this.waitForCommits();
      if (this.checkpointing) await this.checkpointing.catch(() => {});
      let error: unknown;
      failpoint('engine-close');
      if (!this.options.readOnly && !wasFailed && !this.failure) {
        try {
          await this.checkpointForClose();
        } catch (e) {
          error = e;
        }
      }
      if (!this.failure && error === undefined) {
        await this.log.close().catch((e: unknown) => (error ??= e));
      } else {
        await this.log.close().catch(() => {});
      }
      await this.store.close().catch((e: unknown) => (error ??= e));
      for (const r of this.retired) await r.store.close().catch(() => {});
      this.retired = [];
      this.lock?.release();
      this.state = 'closed';
      if (error !== undefined) throw error;
    })();
    return this.closing;
  }

  private async checkpointForClose(): Promise<void> {
    this.state = 'open';
    try {
      await this.checkpoint();
      if (this.options.shrinkOnClose) await this.shrinkFile();
    } finally {
      this.state = 'closing';
    }
  }

  /**
   * Gives the page file's free space back to the file system when a good part of it is free
   * (`SHRINK_FREE_FRACTION`): the trees move their pages above `limit` (the pages in use plus
   * slack) to the free pages below it, a checkpoint makes the copies durable and frees the old
   * pages, and the checkpoints after it cut the free end off the file (slab). Nothing logical
   * changes, so nothing is logged: a crash on the way leaves the last checkpoint, which is whole.
   * Pages are moved `SHRINK_BATCH_PAGES` at a time, so the copies waiting for a checkpoint stay
   * within a bounded amount of memory.
   */
  private async shrinkFile(): Promise<void> {
    const start = this.store.stats();
    const free = start.freePageCount;
    if (free < SHRINK_MIN_FREE_PAGES || free < start.pageCount * SHRINK_FREE_FRACTION) return;
    const inUse = start.pageCount - free;
    // Copies of the branches above moved nodes and the free-list chain also need pages below it.
    const limit = inUse + Math.ceil(inUse / 64) + 16;
    // No page needs moving twice when the pages below the limit suffice, so this many rounds
    // move every page once; it also ends the loop if they do not (copies landing above it again).
    const maxRounds = Math.ceil(start.pageCount / SHRINK_BATCH_PAGES) + 1;
    for (let round = 0; round < maxRounds; round++) {
      let moved = 0;
      for (const tree of this.trees.values()) {
        moved += tree.relocate(limit, { maxPages: SHRINK_BATCH_PAGES - moved });
        if (moved >= SHRINK_BATCH_PAGES) break;
      }
      if (moved === 0) break;
      await this.checkpoint();
    }
    // The pages moved off are free now; the next checkpoints drop the free end (the last
    // free-list chain may sit there once).
    for (let i = 0; i < 3; i++) {
      const before = this.store.stats().pageCount;
      await this.checkpoint();
      if (this.store.stats().pageCount >= before) break;
    }
  }
}
