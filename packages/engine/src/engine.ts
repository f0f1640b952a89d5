/**
 * The typed engine API: `open()`, `PhotonDB`, tables, transactions, snapshots, scans and
 * iterators. Every public method checks its arguments and the engine's state first (typed errors,
 * nothing written), encodes keys and values with the configured codecs, and calls the core.
 */
import { PhotonError, ownedCopy, hasErrorCode, isPhotonError, mutantActive } from '@photondb/contracts';
import { keyRangeForPrefix } from '@photondb/datum';
import type { Codec } from '@photondb/datum';
import { EngineCore, DEFAULT_TABLE, MAX_TABLE_NAME_BYTES } from './core.js';
import { ReadSet } from './conflicts.js';
import { resolveOptions } from './options.js';
import type { OpenOptions } from './options.js';
import { makeRange, prefixEnd } from './range.js';
import type { ByteRange } from './range.js';
import type {
  BatchOperation,
  CommitOptions,
  CompactOptions,
  CompactReport,
  EngineIterator,
  EngineStats,
  EntryIterable,
  RangeOptions,
  ReadOperations,
  RecoveryReport,
  Snapshot,
  StorageEngine,
  Transaction,
  VerifyProblem,
} from './types.js';
import { LiveView, TransactionView } from './views.js';
import type { Entry, ReadView, SnapshotView, TableReader } from './views.js';
import { WriteSet } from './write-set.js';

/**
 * Opens (and by default creates) the database in directory `path`.
 *
 * Start-up takes the lock (`LOCKED` if another process or handle holds it), opens the page file
 * (`NOT_A_DATABASE`, `UNSUPPORTED_VERSION`, `CORRUPTION`), replays the log after the last
 * checkpoint (a torn tail is dropped and reported in `recovery`; damage before valid records is
 * `CORRUPTION`), and checkpoints. `NOT_FOUND` when missing and `createIfMissing` is false;
 * `EXISTS` when present and `errorIfExists` is set; `INVALID_ARGUMENT` for bad options;
 * `ABORTED` when `signal` aborts recovery.
 */
export async function open<K = Uint8Array, V = Uint8Array>(path: string, options: OpenOptions<K, V> = {}): Promise<PhotonDB<K, V>> {
  const resolved = resolveOptions(options as OpenOptions<unknown, unknown>);
  const core = await EngineCore.open(path, resolved);
  return new PhotonDB<K, V>(core);
}

/** How keys and values are encoded and bounded. */
interface Codecs {
  readonly key: Codec<unknown>;
  readonly value: Codec<unknown>;
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
}

function wrapCodecError(e: unknown, what: string): never {
  if (isPhotonError(e)) throw e;
  throw new PhotonError('INVALID_ARGUMENT', `${what} could not be encoded: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
}

function encodeKeyBytes(codecs: Codecs, key: unknown): Uint8Array {
  if (key === undefined || key === null && codecs.key.name === 'raw') {
    throw new PhotonError('INVALID_ARGUMENT', `key must not be ${String(key)}`);
  }
  if (codecs.key.name === 'raw' && !(key instanceof Uint8Array)) {
    throw new PhotonError('INVALID_ARGUMENT', `key must be a Uint8Array with the raw key encoding; got ${typeof key}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = codecs.key.encode(key);
  } catch (e) {
    wrapCodecError(e, 'key');
  }
  if (bytes.length > codecs.maxKeyBytes) {
    throw new PhotonError('TOO_LARGE', `key is ${bytes.length} bytes after encoding; at most ${codecs.maxKeyBytes} are allowed (maxKeyBytes)`, { limit: codecs.maxKeyBytes, actual: bytes.length });
  }
  return bytes;
}

function encodeValueBytes(codecs: Codecs, value: unknown): Uint8Array {
  if (value === undefined) throw new PhotonError('INVALID_ARGUMENT', 'value must not be undefined; use delete() to remove a key');
  if (codecs.value.name === 'raw' && !(value instanceof Uint8Array)) {
    throw new PhotonError('INVALID_ARGUMENT', `value must be a Uint8Array with the raw value encoding; got ${value === null ? 'null' : typeof value}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = codecs.value.encode(value);
  } catch (e) {
    wrapCodecError(e, 'value');
  }
  if (bytes.length > codecs.maxValueBytes) {
    throw new PhotonError('TOO_LARGE', `value is ${bytes.length} bytes after encoding; at most ${codecs.maxValueBytes} are allowed (maxValueBytes)`, { limit: codecs.maxValueBytes, actual: bytes.length });
  }
  return bytes;
}

/**
 * `bytes`, copied when the codec returned the caller's own buffer (the raw codec does; the others
 * make new bytes). A Node `Buffer` copy where there is one: small ones come from Node's pool,
 * several times cheaper than a fresh ArrayBuffer (this is on every commit's path).
 */
function ownedBytes(bytes: Uint8Array, input: unknown): Uint8Array {
  return bytes !== input ? bytes : ownedCopy(bytes);
}

interface EncodedRange {
  readonly range: ByteRange;
  readonly reverse: boolean;
  readonly limit: number;
}

const RANGE_KEYS = new Set(['gt', 'gte', 'lt', 'lte', 'prefix', 'reverse', 'limit']);

function encodeRange(codecs: Codecs, options: RangeOptions<unknown> | undefined): EncodedRange {
  if (options === undefined) return { range: makeRange({}), reverse: false, limit: Infinity };
  if (typeof options !== 'object' || options === null) throw new PhotonError('INVALID_ARGUMENT', 'range options must be an object');
  for (const k of Object.keys(options)) {
    if (!RANGE_KEYS.has(k)) throw new PhotonError('INVALID_ARGUMENT', `unknown range option "${k}"; allowed: gt, gte, lt, lte, prefix, reverse, limit`);
  }
  const { reverse = false, limit = Infinity } = options;
  if (typeof reverse !== 'boolean') throw new PhotonError('INVALID_ARGUMENT', 'range option reverse must be true or false');
  if (typeof limit !== 'number' || !(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new PhotonError('INVALID_ARGUMENT', `range option limit must be a non-negative integer or Infinity; got ${String(limit)}`);
  }
  const bound = (k: 'gt' | 'gte' | 'lt' | 'lte'): Uint8Array | undefined =>
    options[k] === undefined ? undefined : encodeBoundBytes(codecs, options[k]);
  let prefixLower: Uint8Array | undefined;
  let prefixUpper: Uint8Array | undefined;
  if (options.prefix !== undefined) {
    if (codecs.key.name === 'datumKey' && Array.isArray(options.prefix)) {
      const r = keyRangeForPrefix(options.prefix);
      prefixLower = r.gte;
      prefixUpper = r.lt;
    } else {
      prefixLower = encodeBoundBytes(codecs, options.prefix);
      prefixUpper = prefixEnd(prefixLower);
    }
  }
  return { range: makeRange({ gt: bound('gt'), gte: bound('gte'), lt: bound('lt'), lte: bound('lte'), prefixLower, prefixUpper }), reverse, limit };
}

/** Range bounds may be any encodable key, including MINVAL/MAXVAL for datum keys; no size limit. */
function encodeBoundBytes(codecs: Codecs, key: unknown): Uint8Array {
  if (codecs.key.name === 'raw' && !(key instanceof Uint8Array)) {
    throw new PhotonError('INVALID_ARGUMENT', `range bounds must be Uint8Arrays with the raw key encoding; got ${typeof key}`);
  }
  try {
    // Scans and cursors use their bounds lazily (at each step): a copy, so a caller reusing its
    // buffer does not move a bound it already passed.
    return ownedBytes(codecs.key.encode(key), key);
  } catch (e) {
    return wrapCodecError(e, 'range bound');
  }
}

/** True when `s` has no lone surrogate (String.prototype.isWellFormed, which ES2023 lib lacks). */
function isWellFormedText(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

function checkTableName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new PhotonError('INVALID_ARGUMENT', 'table name must be a non-empty string');
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_TABLE_NAME_BYTES || !isWellFormedText(name)) {
    throw new PhotonError('INVALID_ARGUMENT', `table name must be well-formed text of at most ${MAX_TABLE_NAME_BYTES} UTF-8 bytes; got ${bytes} bytes`);
  }
  return name;
}

// ------------------------------------------------------------------ iteration

const gcRelease = new FinalizationRegistry<SnapshotView>((view) => view.release());

/** Yields decoded entries of one range from one reader, at most `limit`. */
function* decodedEntries<K, V>(reader: TableReader, r: EncodedRange, codecs: Codecs, from?: Uint8Array): Generator<[K, V]> {
  let range = r.range;
  if (from !== undefined) {
    range = r.reverse
      ? makeRange({ ...boundsOf(range), lte: from })
      : makeRange({ ...boundsOf(range), gte: from });
  }
  if (r.limit === 0) return;
  const it = reader.range(range, r.reverse);
  let n = 0;
  for (let next = it.next(); !next.done; next = it.next()) {
    const [k, v] = next.value as Entry;
    yield [codecs.key.decode(k) as K, codecs.value.decode(v) as V];
    if (++n >= r.limit) return;
  }
}

function boundsOf(range: ByteRange): { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array } {
  const b: { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array } = {};
  if (range.lower) b[range.lowerInclusive ? 'gte' : 'gt'] = range.lower;
  if (range.upper) b[range.upperInclusive ? 'lte' : 'lt'] = range.upper;
  return b;
}

/** A single-use scan over one pinned view; releases the view when the loop ends or breaks. */
class Scan<K, V> implements EntryIterable<K, V> {
  private used = false;
  private readonly reader: TableReader;
  private readonly range: EncodedRange;
  private readonly codecs: Codecs;
  private readonly owned: SnapshotView | undefined;

  constructor(reader: TableReader, range: EncodedRange, codecs: Codecs, owned: SnapshotView | undefined) {
    this.reader = reader;
    this.range = range;
    this.codecs = codecs;
    this.owned = owned;
    if (owned) gcRelease.register(this, owned, this);
  }

  *[Symbol.iterator](): Iterator<[K, V]> {
    if (this.used) throw new PhotonError('INVALID_ARGUMENT', 'a scan can be iterated once; call scan() again');
    this.used = true;
    try {
      yield* decodedEntries<K, V>(this.reader, this.range, this.codecs);
    } finally {
      this.release();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<[K, V]> {
    yield* { [Symbol.iterator]: () => this[Symbol.iterator]() };
  }

  private release(): void {
    if (this.owned) {
      gcRelease.unregister(this);
      this.owned.release();
    }
  }
}

/** A cursor over one pinned view with `seek`. */
class Cursor<K, V> implements EngineIterator<K, V> {
  private readonly reader: TableReader;
  private readonly range: EncodedRange;
  private readonly codecs: Codecs;
  private readonly owned: SnapshotView | undefined;
  private current: Generator<[K, V]>;
  private closed = false;

  constructor(reader: TableReader, range: EncodedRange, codecs: Codecs, owned: SnapshotView | undefined) {
    this.reader = reader;
    this.range = range;
    this.codecs = codecs;
    this.owned = owned;
    this.current = decodedEntries<K, V>(reader, range, codecs);
    if (owned) gcRelease.register(this, owned, this);
  }

  next(): [K, V] | undefined {
    if (this.closed) throw new PhotonError('CLOSED', 'the iterator is closed');
    const r = this.current.next();
    return r.done ? undefined : r.value;
  }

  seek(key: K): void {
    if (this.closed) throw new PhotonError('CLOSED', 'the iterator is closed');
    const bytes = encodeBoundBytes(this.codecs, key);
    this.current = decodedEntries<K, V>(this.reader, this.range, this.codecs, bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.owned) {
      gcRelease.unregister(this);
      this.owned.release();
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  *[Symbol.iterator](): Iterator<[K, V]> {
    try {
      for (let e = this.next(); e !== undefined; e = this.next()) yield e;
    } finally {
      this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<[K, V]> {
    yield* { [Symbol.iterator]: () => this[Symbol.iterator]() };
  }
}

// ------------------------------------------------------------------ read operations

/**
 * Read operations over a view source. `pin()` gives a stable view for scans (owned: released by
 * the scan) or the source's own stable view (not owned).
 */
abstract class Reads<K, V> implements ReadOperations<K, V> {
  protected abstract readonly codecs: Codecs;
  protected abstract readonly tableName: string;
  protected abstract pointView(): ReadView;
  protected abstract pin(): { view: ReadView; owned: SnapshotView | undefined };

  getSync(key: K): V | undefined {
    const bytes = encodeKeyBytes(this.codecs, key);
    const value = this.pointView().reader(this.tableName).get(bytes);
    return value === undefined ? undefined : (this.codecs.value.decode(value) as V);
  }

  async get(key: K): Promise<V | undefined> {
    return this.getSync(key);
  }

  scan(options?: RangeOptions<K>): EntryIterable<K, V> {
    const range = encodeRange(this.codecs, options as RangeOptions<unknown>);
    const { view, owned } = this.pin();
    try {
      return new Scan<K, V>(view.reader(this.tableName), range, this.codecs, owned);
    } catch (e) {
      owned?.release();
      throw e;
    }
  }

  iterator(options?: RangeOptions<K>): EngineIterator<K, V> {
    const range = encodeRange(this.codecs, options as RangeOptions<unknown>);
    const { view, owned } = this.pin();
    try {
      return new Cursor<K, V>(view.reader(this.tableName), range, this.codecs, owned);
    } catch (e) {
      owned?.release();
      throw e;
    }
  }

  count(options?: RangeOptions<K>): number {
    const r = encodeRange(this.codecs, options as RangeOptions<unknown>);
    const reader = this.pointView().reader(this.tableName);
    if (r.limit === Infinity && !r.reverse) return reader.count(r.range);
    let n = 0;
    for (const _ of decodedEntries(reader, r, this.codecs)) n++;
    return n;
  }
}

// ------------------------------------------------------------------ tables and the engine

/** A named keyspace (its own B-tree) with the engine's API. */
export class Table<K = Uint8Array, V = Uint8Array> extends Reads<K, V> {
  protected readonly core: EngineCore;
  protected readonly codecs: Codecs;
  protected readonly tableName: string;
  private readonly live: LiveView;

  /** @internal */
  constructor(core: EngineCore, codecs: Codecs, tableName: string) {
    super();
    this.core = core;
    this.codecs = codecs;
    this.tableName = tableName;
    this.live = new LiveView(core);
  }

  /** The table's name (`default` for the engine's own keyspace). */
  get name(): string {
    return this.tableName;
  }

  protected pointView(): ReadView {
    this.core.checkReadable();
    return this.live;
  }

  protected pin(): { view: ReadView; owned: SnapshotView } {
    const view = this.core.snapshotView();
    return { view, owned: view };
  }

  /** Stores `value` under `key` in one durable transaction. */
  set(key: K, value: V, options?: CommitOptions): Promise<void> {
    // Not async: `batch` is, and every error becomes its rejection; a wrapper promise adopting
    // it would cost each commit three more microtask turns (peers-bench commits-64).
    return this.batch([{ type: 'put', key, value }], options);
  }

  /** Removes `key` (no error when absent) in one durable transaction. */
  delete(key: K, options?: CommitOptions): Promise<void> {
    return this.batch([{ type: 'del', key }], options);
  }

  /** Applies puts and deletes atomically. Every operation is checked before anything is written. */
  async batch(operations: readonly BatchOperation<K, V>[], options?: CommitOptions): Promise<void> {
    this.core.checkWritable();
    if (!Array.isArray(operations)) throw new PhotonError('INVALID_ARGUMENT', 'batch() takes an array of operations');
    const sync = checkCommitOptions(options);
    const writes = new WriteSet();
    for (const op of operations) {
      if (typeof op !== 'object' || op === null) throw new PhotonError('INVALID_ARGUMENT', 'each batch operation must be an object');
      const table = op.table === undefined ? this.tableName : checkTableName(op.table);
      if (!this.core.hasTable(table)) throw new PhotonError('NOT_FOUND', `no table named "${table}"`);
      // The commit is applied to the trees after its log sync, when the caller may have changed
      // its buffers: the write set keeps copies.
      const key = ownedBytes(encodeKeyBytes(this.codecs, op.key), op.key);
      if (op.type === 'put') writes.table(table).set(key, ownedBytes(encodeValueBytes(this.codecs, op.value), op.value));
      else if (op.type === 'del') writes.table(table).set(key, undefined);
      else throw new PhotonError('INVALID_ARGUMENT', `batch operation type must be 'put' or 'del'; got ${String((op as { type: unknown }).type)}`);
    }
    await this.core.commit(writes, null, 0, sync);
  }
}

function checkCommitOptions(options: CommitOptions | undefined): boolean | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new PhotonError('INVALID_ARGUMENT', 'commit options must be an object');
  if (options.sync !== undefined && typeof options.sync !== 'boolean') throw new PhotonError('INVALID_ARGUMENT', 'option sync must be true or false');
  return options.sync;
}

/** An open PhotonDB database. */
export class PhotonDB<K = Uint8Array, V = Uint8Array> extends Table<K, V> implements StorageEngine<K, V> {
  /** @internal */
  constructor(core: EngineCore) {
    const o = core.options;
    super(core, { key: o.keyCodec, value: o.valueCodec, maxKeyBytes: o.maxKeyBytes, maxValueBytes: o.maxValueBytes }, DEFAULT_TABLE);
  }

  /** The database directory. */
  get path(): string {
    return this.core.path;
  }

  /** What recovery found at open (clean shutdown, records replayed, torn tail dropped). */
  get recovery(): RecoveryReport {
    return this.core.recovery;
  }

  /** Starts a transaction reading a snapshot as of now, buffering its writes. */
  beginTransaction(): Transaction<K, V> {
    this.core.checkWritable();
    const view = this.core.snapshotView();
    return new TransactionImpl<K, V>(
      { core: this.core, codecs: this.codecs, view, writes: new WriteSet(), reads: new ReadSet(), state: 'open' },
      DEFAULT_TABLE,
    );
  }

  /**
   * Runs `fn` in a transaction and commits it; on CONFLICT runs it again, at most
   * `maxTransactionRetries` more times. Rolls back when `fn` throws.
   */
  async transaction<T>(fn: (tx: Transaction<K, V>) => T | Promise<T>, options?: CommitOptions): Promise<T> {
    if (typeof fn !== 'function') throw new PhotonError('INVALID_ARGUMENT', 'transaction() takes a function');
    for (let attempt = 0; ; attempt++) {
      const tx = this.beginTransaction();
      try {
        const result = await fn(tx);
        if (tx.state === 'open') await tx.commit(options);
        return result;
      } catch (e) {
        tx.rollback();
        if (hasErrorCode(e, 'CONFLICT') && attempt < this.core.options.maxTransactionRetries) continue;
        throw e;
      }
    }
  }

  /** A read-only view pinned at the current version. Release it (or `await using`). */
  snapshot(): Snapshot<K, V> {
    return new SnapshotImpl<K, V>(this.core.snapshotView(), this.codecs, DEFAULT_TABLE);
  }

  /** A handle on an existing table (`NOT_FOUND` if there is none). */
  table(name: string): Table<K, V> {
    checkTableName(name);
    this.core.checkReadable();
    if (!this.core.hasTable(name)) throw new PhotonError('NOT_FOUND', `no table named "${name}"; create it with createTable()`);
    return new Table<K, V>(this.core, this.codecs, name);
  }

  /** Creates a table durably (`EXISTS` if it exists) and returns its handle. */
  async createTable(name: string): Promise<Table<K, V>> {
    checkTableName(name);
    await this.core.createTable(name);
    return new Table<K, V>(this.core, this.codecs, name);
  }

  /** Drops a table and all its entries, durably. */
  async dropTable(name: string): Promise<void> {
    checkTableName(name);
    await this.core.dropTable(name);
  }

  /** Names of the tables (not counting the default keyspace), sorted. */
  tables(): string[] {
    this.core.checkReadable();
    return this.core.tableNames();
  }

  /** Writes every applied commit into the page file and trims the log. */
  async checkpoint(): Promise<void> {
    this.core.checkWritable();
    await this.core.waitForCommits();
    await this.core.checkpoint();
  }

  /**
   * Rewrites the database into a new, dense page file and swaps it in atomically, returning free
   * space to the file system. Commits wait while it runs; open snapshots, scans and iterators keep
   * reading the old file until they end. `signal` aborts it before the swap (`ABORTED`, nothing
   * changed); `onProgress` hears each table copied.
   */
  async compact(options: CompactOptions = {}): Promise<CompactReport> {
    this.core.checkWritable();
    if (typeof options !== 'object' || options === null) throw new PhotonError('INVALID_ARGUMENT', 'compact options must be an object');
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new PhotonError('INVALID_ARGUMENT', 'compact option signal must be an AbortSignal');
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new PhotonError('INVALID_ARGUMENT', 'compact option onProgress must be a function');
    await this.core.waitForCommits();
    return this.core.compact(options);
  }

  /** Every integrity problem found in the trees and the page file (empty when sound). */
  verify(): VerifyProblem[] {
    return this.core.verify();
  }

  /** Typed statistics. */
  stats(): EngineStats {
    return this.core.stats();
  }

  /** Writes a consistent copy of the database into the directory `path` while staying open. */
  async backup(path: string): Promise<void> {
    if (typeof path !== 'string' || path.length === 0) throw new PhotonError('INVALID_ARGUMENT', 'backup path must be a non-empty string');
    await this.core.backup(path);
  }

  /** For inspection tools: the engine core (page store, log). Not a stable API. */
  get internals(): EngineCore {
    return this.core;
  }

  /** Waits for commits in flight, checkpoints, writes the closing marker and releases the lock. */
  async close(): Promise<void> {
    await this.core.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// ------------------------------------------------------------------ snapshots and transactions

class SnapshotImpl<K, V> extends Reads<K, V> implements Snapshot<K, V> {
  protected readonly codecs: Codecs;
  protected readonly tableName: string;
  private readonly view: SnapshotView;

  constructor(view: SnapshotView, codecs: Codecs, tableName: string) {
    super();
    this.view = view;
    this.codecs = codecs;
    this.tableName = tableName;
  }

  protected pointView(): ReadView {
    return this.view;
  }

  protected pin(): { view: ReadView; owned: undefined } {
    return { view: this.view, owned: undefined };
  }

  table(name: string): Snapshot<K, V> {
    checkTableName(name);
    this.view.reader(name);
    return new SnapshotImpl<K, V>(this.view, this.codecs, name);
  }

  release(): void {
    this.view.release();
  }

  [Symbol.dispose](): void {
    this.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }
}

interface TxnShared {
  readonly core: EngineCore;
  readonly codecs: Codecs;
  readonly view: SnapshotView;
  readonly writes: WriteSet;
  readonly reads: ReadSet;
  state: Transaction<unknown, unknown>['state'];
}

class TransactionImpl<K, V> extends Reads<K, V> implements Transaction<K, V> {
  protected readonly codecs: Codecs;
  protected readonly tableName: string;
  private readonly shared: TxnShared;
  private readonly txView: TransactionView;

  constructor(shared: TxnShared, tableName: string) {
    super();
    this.shared = shared;
    this.codecs = shared.codecs;
    this.tableName = tableName;
    this.txView = new TransactionView(shared.view, shared.writes, shared.reads);
  }

  get state(): Transaction<K, V>['state'] {
    return this.shared.state;
  }

  private checkOpen(): void {
    if (this.shared.state !== 'open') throw new PhotonError('CLOSED', `the transaction is ${this.shared.state}`);
    this.shared.core.checkReadable();
  }

  protected pointView(): ReadView {
    this.checkOpen();
    return this.txView;
  }

  protected pin(): { view: ReadView; owned: undefined } {
    this.checkOpen();
    return { view: this.txView, owned: undefined };
  }

  table(name: string): Transaction<K, V> {
    checkTableName(name);
    this.checkOpen();
    this.shared.view.reader(name);
    return new TransactionImpl<K, V>(this.shared, name);
  }

  set(key: K, value: V): void {
    this.checkOpen();
    // Buffered until commit(): the caller may change its buffers meanwhile, so they are copied.
    const k = ownedBytes(encodeKeyBytes(this.codecs, key), key);
    const v = ownedBytes(encodeValueBytes(this.codecs, value), value);
    this.shared.writes.table(this.tableName).set(k, v);
  }

  delete(key: K): void {
    this.checkOpen();
    this.shared.writes.table(this.tableName).set(ownedBytes(encodeKeyBytes(this.codecs, key), key), undefined);
  }

  async commit(options?: CommitOptions): Promise<void> {
    this.checkOpen();
    const sync = checkCommitOptions(options);
    const s = this.shared;
    s.state = 'committing';
    try {
      await s.core.commit(s.writes, s.writes.isEmpty ? null : s.reads, s.view.snapshotSeq, sync);
      s.state = 'committed';
    } catch (e) {
      s.state = 'failed';
      throw e;
    } finally {
      s.view.release();
    }
  }

  rollback(): void {
    const s = this.shared;
    if (s.state !== 'open') return;
    s.state = 'rolled-back';
    // Planted isolation bug for the history checker (TESTING.md R8); never on outside tests.
    if (mutantActive('engine-rollback-leak')) void (async () => s.core.commit(s.writes, null, s.view.snapshotSeq, undefined))().catch(() => {});
    s.view.release();
  }
}
