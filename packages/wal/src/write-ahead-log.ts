/**
 * WriteAheadLog: a segmented, checksummed, append-only log of opaque records with group commit.
 *
 * Lifecycle:
 *
 *     open() --> open --close()--> closed
 *                 |  a failed write or sync
 *                 v
 *               failed (appends and flushes fail with IO; close() releases the files)
 *
 * Write path. `append` validates, assigns the next LSN, copies the payload into a queue and
 * returns: no I/O. `flush` writes the queue to the active segment with one positional write
 * (rotating to a new segment when it is full) and, with `sync`, waits for an fdatasync that covers
 * it. Only one sync runs at a time; callers that arrive while it runs share the next one, so N
 * concurrent committers cost about two syncs, not N (group commit; see `stats().recordsPerSync`).
 *
 * Durability steps, in order (each is a failpoint for tests, and the two syncs are mutants):
 *  - segment creation: write header + preallocate `<name>.tmp`, fsync it, rename, fsync the
 *    directory (`wal:before-dir-sync`; mutant `wal-skip-dir-sync`);
 *  - rotation seals the full segment with an fdatasync before the next one is written
 *    (`wal:before-seal`), so only the last segment can ever have a torn tail;
 *  - flush: fdatasync of the active segment (`wal:before-datasync`; mutant `wal-skip-datasync`);
 *  - close: flush, a closing marker record, fdatasync (`wal:close`), then the active segment is
 *    cut to the sector after the marker (`wal:close-truncate`), so a closed log keeps no
 *    preallocated space; the next open writes to a new segment when it appends.
 */
import { PhotonError, RESERVED_RECORD_TYPE_MIN, copyBytes, describeValue, formatCount, isPhotonError, mutantActive, unsafeLsn } from '@photondb/contracts';
import type { Directory, FileLock, FlushOptions, LogRecord, Lsn, PagedFile, ReadLogOptions, RedoLog, RedoLogStats } from '@photondb/contracts';
import { failpoint } from '@photondb/io';
import {
  CLOSING_MARKER_TYPE,
  FIRST_RECORD_OFFSET,
  alignSector,
  encodeRecord,
  encodeSegmentHeader,
  recordBytes,
  segmentFileName,
  align8,
} from './format.js';
import { resolveOptions } from './options.js';
import type { ResolvedOptions, WriteAheadLogOptions } from './options.js';
import { nextRecord, scanLog } from './scan.js';
import type { CorruptionReport, TornTail } from './scan.js';

/** What `open` found. */
export interface RecoveryReport {
  /** The last shutdown wrote a closing marker (true for a new log). */
  readonly cleanShutdown: boolean;
  /** Whether `open` created the log. */
  readonly created: boolean;
  /** Set when the log ended in a partly written record: where, how many bytes, after which LSN. */
  readonly tornTail?: TornTail;
  /** Salvage mode only: damage that hit durable data; records from there on are not readable. */
  readonly corruption?: CorruptionReport;
  /** Segment files found. */
  readonly segments: number;
  /** Valid records found. */
  readonly records: number;
}

/** Counters of a log. */
export interface WriteAheadLogStats extends RedoLogStats {
  /** Records in the log (found at open, plus appended, minus truncated). */
  readonly records: number;
  /** Bytes of records in the log's segments (headers and padding included). */
  readonly bytes: number;
  /** fdatasync/fsync calls made for commits (group commits and seals). */
  readonly syncs: number;
  readonly flushes: number;
  readonly lastLsn: number;
  /** The highest LSN known to be on stable storage. */
  readonly durableLsn: number;
  readonly segments: number;
  /** Records appended since open. */
  readonly appendedRecords: number;
  /** Payload bytes appended since open. */
  readonly appendedBytes: number;
  /** Average records made durable per sync since open (group commit at work when > 1). */
  readonly recordsPerSync: number;
}

interface Segment {
  readonly segmentNo: number;
  readonly name: string;
  readonly salt: number;
  readonly firstLsn: number;
  /** The file's capacity (preallocated size). */
  readonly sizeBytes: number;
  /** Offset where the next record goes. */
  end: number;
  records: number;
  /** The next write starts at a sector boundary (a sync started since the last write). */
  alignNext: boolean;
  file: PagedFile | null;
}

interface Pending {
  readonly lsn: number;
  readonly type: number;
  readonly payload: Uint8Array;
}

type State = 'open' | 'failed' | 'closed';

function randomSalt(): number {
  const b = new Uint32Array(1);
  globalThis.crypto.getRandomValues(b);
  return b[0];
}

/**
 * A durable write-ahead log in a directory. Implements `RedoLog` from `@photondb/contracts`.
 *
 * Errors: `INVALID_ARGUMENT` (options, record type, payload), `TOO_LARGE` (payload over
 * `maxRecordBytes`), `CLOSED`, `READ_ONLY`, `LOCKED` (another writer holds the directory), `IO`
 * (a failed write or sync; the log is then failed), `CORRUPTION` (damage that hit durable data),
 * `UNSUPPORTED_VERSION`.
 */
export class WriteAheadLog implements RedoLog {
  /** What `open` found: clean shutdown, torn tail, segments and records. */
  readonly recovery: RecoveryReport;
  readonly maxRecordBytes: number;
  private readonly dir: Directory;
  private readonly options: ResolvedOptions;
  private readonly lock: FileLock | undefined;
  private readonly segments: Segment[];
  private state: State = 'open';
  private failure: PhotonError | undefined;
  private nextLsn: number;
  /** The highest LSN written to a segment (in the OS). */
  private writtenLsn: number;
  /** The highest LSN on stable storage. */
  private durableLsn: number;
  private pending: Pending[] = [];
  private syncing: Promise<void> | null = null;
  /** The end of the current turn, shared by the flushers waiting for it (endOfTurn). */
  private turn: Promise<void> | null = null;
  /** Records the last group sync made durable (see flush). */
  private lastGroupRecords = 0;
  private scratch = new Uint8Array(64 * 1024);
  private counters = { syncs: 0, flushes: 0, appendedRecords: 0, appendedBytes: 0, syncedRecords: 0, recordSyncs: 0, records: 0 };

  private constructor(dir: Directory, options: ResolvedOptions, lock: FileLock | undefined, segments: Segment[], lastLsn: number, recovery: RecoveryReport) {
    this.dir = dir;
    this.options = options;
    this.lock = lock;
    this.segments = segments;
    this.maxRecordBytes = options.maxRecordBytes;
    this.nextLsn = lastLsn + 1;
    this.writtenLsn = lastLsn;
    this.durableLsn = lastLsn;
    this.recovery = recovery;
    this.counters.records = recovery.records;
  }

  /**
   * Opens (creating when missing and not read-only) the log in `dir`, scans it, cuts a torn tail
   * and is ready for appends. Synchronous, like the rest of the write path except the syncs.
   */
  static open(dir: Directory, options?: WriteAheadLogOptions): WriteAheadLog {
    const resolved = resolveOptions(options);
    if (dir === null || typeof dir !== 'object' || typeof dir.list !== 'function') {
      throw new PhotonError('INVALID_ARGUMENT', 'WriteAheadLog.open needs a Directory (from a FileSystem of @photondb/io)');
    }
    const lock = resolved.readOnly || !resolved.lock ? undefined : dir.lock('LOCK');
    try {
      const scan = scanLog(dir, { salvage: resolved.salvage, places: false });
      const segments: Segment[] = scan.segments.map((s) => ({ ...s, alignNext: true, file: null }));
      const recovery: RecoveryReport = {
        cleanShutdown: scan.segments.length === 0 ? true : scan.cleanShutdown,
        created: scan.segments.length === 0 && !resolved.readOnly,
        segments: scan.segments.length,
        records: scan.segments.reduce((n, s) => n + s.records, 0),
        ...(scan.tornTail ? { tornTail: scan.tornTail } : {}),
        ...(scan.corruption ? { corruption: scan.corruption } : {}),
      };
      const log = new WriteAheadLog(dir, resolved, lock, segments, scan.lastLsn, recovery);
      if (!resolved.readOnly) log.prepareForWrites(scan.temporaryFiles, scan.tornTail);
      return log;
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** Removes left-over temporary files, cuts a torn tail, and makes sure a segment is active. */
  private prepareForWrites(temporaryFiles: readonly string[], tornTail: TornTail | undefined): void {
    for (const name of temporaryFiles) this.dir.remove(name);
    if (temporaryFiles.length > 0) this.dir.syncSync();
    if (this.segments.length === 0) {
      this.createSegment(1, 1, this.options.segmentSizeBytes);
      return;
    }
    const active = this.segments[this.segments.length - 1];
    const file = this.fileOf(active);
    if (tornTail !== undefined) {
      // Zero the torn bytes in whole sectors past the durable ones, so nothing left of them can
      // be read as a record later; the rest of the last durable sector is left alone (a reader
      // skips it: format.ts, "Sector alignment").
      const from = alignSector(tornTail.offset);
      const to = tornTail.offset + tornTail.bytesDropped;
      if (to > from) {
        file.write(from, new Uint8Array(to - from));
        file.datasyncSync();
      }
    }
  }

  /**
   * The LSN of the first record the log still holds (or the next one it will hold, when it holds
   * none). Records below it were dropped by `truncateBefore`. A reader whose state is older than
   * `firstLsn - 1` cannot catch up from this log.
   */
  get firstLsn(): Lsn {
    return unsafeLsn(this.segments.length === 0 ? this.nextLsn : this.segments[0].firstLsn);
  }

  /** The LSN of the last appended record (ZERO_LSN when the log never held one). */
  get lastLsn(): Lsn {
    return unsafeLsn(this.nextLsn - 1);
  }

  /** Appends a record and returns its LSN. No I/O: `flush` writes and syncs. The payload is copied. */
  append(type: number, payload: Uint8Array): Lsn {
    this.checkAppend(type, payload);
    return this.enqueue(type, copyBytes(payload));
  }

  /**
   * `append`, without copying the payload: the log keeps `payload` itself until it is written,
   * and reads it then. For a caller that built the payload for this record and never changes it
   * again (the engine's commit records); anyone else should call `append`.
   */
  appendOwned(type: number, payload: Uint8Array): Lsn {
    this.checkAppend(type, payload);
    return this.enqueue(type, payload);
  }

  private checkAppend(type: number, payload: Uint8Array): void {
    this.checkWritable();
    if (typeof type !== 'number' || !Number.isInteger(type) || type < 0 || type >= RESERVED_RECORD_TYPE_MIN) {
      throw new PhotonError('INVALID_ARGUMENT', `record type must be an integer from 0 to ${RESERVED_RECORD_TYPE_MIN - 1}; got ${describeValue(type)} (${RESERVED_RECORD_TYPE_MIN} and up are the log's own)`);
    }
    if (!(payload instanceof Uint8Array)) {
      throw new PhotonError('INVALID_ARGUMENT', `record payload must be a Uint8Array; got ${payload === null ? 'null' : typeof payload}`);
    }
    if (payload.length > this.maxRecordBytes) {
      throw new PhotonError('TOO_LARGE', `record payload is ${formatCount(payload.length)} bytes; at most ${formatCount(this.maxRecordBytes)} are allowed (option maxRecordBytes)`, {
        limit: this.maxRecordBytes,
        actual: payload.length,
      });
    }
    if (this.nextLsn >= Number.MAX_SAFE_INTEGER) throw new PhotonError('TOO_LARGE', 'the log has used every LSN up to 2^53 - 1', { lsn: this.nextLsn });
  }

  private enqueue(type: number, payload: Uint8Array): Lsn {
    const lsn = this.nextLsn++;
    this.pending.push({ lsn, type, payload });
    this.counters.appendedRecords++;
    this.counters.appendedBytes += payload.length;
    this.counters.records++;
    return unsafeLsn(lsn);
  }

  /**
   * Resolves when every record appended before the call is written to the OS and, with `sync`
   * (the default), on stable storage. Concurrent flushes share syncs (group commit).
   */
  async flush(options?: FlushOptions): Promise<void> {
    this.checkUsable();
    if (this.failure !== undefined) throw this.failure;
    const sync = options?.sync ?? true;
    if (typeof sync !== 'boolean') throw new PhotonError('INVALID_ARGUMENT', `flush option sync must be true or false; got ${describeValue(sync)}`);
    this.counters.flushes++;
    const target = this.nextLsn - 1;
    if (!sync) {
      this.writeOutOrFail();
      return;
    }
    // A durable flush leaves the writing to the group sync (runSync), so the records of every
    // committer that joins it go out in one write.
    while (this.durableLsn < target) {
      if (this.failure !== undefined) throw this.failure;
      if (this.state === 'closed') throw this.closedError();
      if (this.syncing !== null) {
        await this.syncing.catch(() => {});
        continue;
      }
      // Let committers that are appending in this same turn of the event loop join this sync.
      // When the last group had several, more are on their way: each was woken by that sync and
      // is a chain of promise continuations away from appending again, so wait for the turn of
      // the event loop to end (one setImmediate, a few microseconds) rather than one microtask.
      if (this.lastGroupRecords > 1) await this.endOfTurn();
      else await null;
      if (this.syncing !== null || this.durableLsn >= target) continue;
      const run = this.runSync();
      this.syncing = run;
      try {
        await run;
      } finally {
        if (this.syncing === run) this.syncing = null;
      }
    }
  }

  /**
   * Resolves at the end of this turn of the event loop; every flusher of the turn shares one
   * setImmediate (64 concurrent committers made 64 of them per group; peers-bench commits-64).
   */
  private endOfTurn(): Promise<void> {
    let turn = this.turn;
    if (turn === null) {
      const t = nextTurn();
      this.turn = turn = t;
      void t.then(() => {
        if (this.turn === t) this.turn = null;
      });
    }
    return turn;
  }

  /** One group sync: writes what is queued, then one fdatasync of the active segment. */
  private async runSync(): Promise<void> {
    this.writeOutOrFail();
    const covers = this.writtenLsn;
    if (covers <= this.durableLsn) return;
    const active = this.segments[this.segments.length - 1];
    // Bytes written from now on must not share a sector with what this sync makes durable.
    active.alignNext = true;
    try {
      failpoint('wal:before-datasync');
      if (!mutantActive('wal-skip-datasync')) await this.fileOf(active).datasync();
    } catch (e) {
      throw this.poison(e, 'sync');
    }
    this.counters.syncs++;
    this.counters.recordSyncs++;
    // A rotation's seal may have made more durable while this sync ran: count only what it added.
    this.lastGroupRecords = covers - this.durableLsn;
    if (covers > this.durableLsn) {
      this.counters.syncedRecords += covers - this.durableLsn;
      this.durableLsn = covers;
    }
  }

  private writeOutOrFail(): void {
    try {
      this.writeOut();
    } catch (e) {
      throw this.poison(e, 'write');
    }
  }

  /** Writes the queued records to segments (rotating as needed). Blocking, no sync. */
  private writeOut(): void {
    if (this.pending.length === 0) return;
    const queue = this.pending;
    this.pending = [];
    let active = this.segments[this.segments.length - 1];
    // After a sync the next record starts at a sector boundary; `end` moves only when a record
    // is written there, so a segment left for the next one still ends at its last record.
    let start = active.alignNext ? Math.min(alignSector(active.end), active.sizeBytes) : active.end;
    active.alignNext = false;
    let used = 0;
    let lastWritten = this.writtenLsn;
    const emit = (): void => {
      if (used === 0) return;
      this.fileOf(active).write(start, this.scratch.subarray(0, used));
      active.end = start + used;
      start = active.end;
      used = 0;
    };
    {
      for (const rec of queue) {
        const size = recordBytes(rec.payload.length);
        if (start + used + size > active.sizeBytes) {
          emit();
          this.writtenLsn = lastWritten;
          active = this.rotate(size);
          active.alignNext = false;
          start = active.end;
        }
        if (used + size > this.scratch.length) {
          if (used > 0) emit();
          if (size > this.scratch.length) this.scratch = new Uint8Array(align8(size));
        }
        encodeRecord(this.scratch, used, active.salt, rec.lsn, this.durableLsn, rec.type, rec.payload);
        used += size;
        if (rec.type !== CLOSING_MARKER_TYPE) {
          active.records++;
          lastWritten = rec.lsn;
        }
      }
      emit();
      this.writtenLsn = lastWritten;
    }
  }

  /** Seals the active segment (fdatasync) and creates the next one, large enough for `need`. */
  private rotate(need: number): Segment {
    const old = this.segments[this.segments.length - 1];
    failpoint('wal:before-seal');
    if (!mutantActive('wal-skip-datasync')) this.fileOf(old).datasyncSync();
    this.counters.syncs++;
    this.durableLsn = Math.max(this.durableLsn, this.writtenLsn);
    const size = Math.max(this.options.segmentSizeBytes, align8(FIRST_RECORD_OFFSET + need));
    return this.createSegment(old.segmentNo + 1, this.writtenLsn + 1, size);
  }

  /** Creates a segment durably (temporary name, preallocate, fsync, rename, directory fsync). */
  private createSegment(segmentNo: number, firstLsn: number, sizeBytes: number): Segment {
    const name = segmentFileName(segmentNo);
    const tmp = `${name}.tmp`;
    const salt = randomSalt();
    if (this.dir.exists(tmp)) this.dir.remove(tmp);
    const file = this.dir.openFile(tmp, { create: true, exclusive: true });
    try {
      file.write(0, encodeSegmentHeader({ salt, segmentNo, firstLsn }));
      // Sparse. Written zeros would make each later group sync ~30% cheaper on ext4 (no block
      // allocation to journal: ~190 vs ~130 us for a 9.6 KB group) but cost a second write of the
      // whole log (fillseq of 1M keys 15% slower); recycling old segments would get both.
      file.truncate(sizeBytes);
      file.syncSync();
    } finally {
      file.close();
    }
    this.dir.rename(tmp, name);
    failpoint('wal:before-dir-sync');
    if (!mutantActive('wal-skip-dir-sync')) this.dir.syncSync();
    const segment: Segment = { segmentNo, name, salt, firstLsn, sizeBytes, end: FIRST_RECORD_OFFSET, records: 0, alignNext: false, file: null };
    this.segments.push(segment);
    return segment;
  }

  private fileOf(segment: Segment): PagedFile {
    segment.file ??= this.dir.openFile(segment.name, { readOnly: this.options.readOnly });
    return segment.file;
  }

  /**
   * Iterates the records with `lsn >= fromLsn` in LSN order (writing queued appends to the OS
   * first, so every appended record is included). Throws CORRUPTION for a record that no longer
   * validates. The payloads are the caller's.
   */
  read(options?: ReadLogOptions): Iterable<LogRecord> {
    this.checkUsable();
    const from = options?.fromLsn ?? 0;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0) {
      throw new PhotonError('INVALID_ARGUMENT', `fromLsn must be a non-negative safe integer; got ${describeValue(from)}`);
    }
    if (!this.options.readOnly && this.failure === undefined) this.writeOutOrFail();
    const segments = this.segments.map((s) => ({ segment: s, end: s.end }));
    const readSegment = (segment: Segment, end: number): Uint8Array => {
      const bytes = new Uint8Array(end);
      const file = this.fileOf(segment);
      let done = 0;
      while (done < end) {
        const n = file.read(done, bytes.subarray(done));
        if (n === 0) break;
        done += n;
      }
      return bytes;
    };
    const dir = this.dir;
    return {
      *[Symbol.iterator](): Iterator<LogRecord> {
        for (let i = 0; i < segments.length; i++) {
          const { segment, end } = segments[i];
          const next = segments[i + 1]?.segment.firstLsn;
          if (next !== undefined && next <= from) continue;
          if (end <= FIRST_RECORD_OFFSET) continue;
          const bytes = readSegment(segment, end);
          let expected = segment.firstLsn;
          let offset = FIRST_RECORD_OFFSET;
          while (offset < end) {
            const found = nextRecord(bytes, offset, end, segment.salt, expected);
            if (found === undefined) {
              const path = `${dir.path}/${segment.name}`;
              throw new PhotonError('CORRUPTION', `log segment ${path} is damaged at offset ${offset}: the record for LSN ${expected} no longer validates`, { path, offset, lsn: expected });
            }
            const r = found.header;
            offset = found.offset;
            if (r.type !== CLOSING_MARKER_TYPE) {
              if (r.lsn >= from) {
                const start = offset + 32;
                yield { lsn: unsafeLsn(r.lsn), type: r.type, payload: bytes.slice(start, start + r.length) };
              }
              expected++;
            }
            offset += recordBytes(r.length);
          }
        }
      },
    };
  }

  /**
   * Drops whole segments whose records are all below `lsn`, oldest first, syncing the directory
   * after each removal so that a crash leaves a contiguous run of segments. When every record is
   * below `lsn`, the active segment is sealed and a fresh one started, so it can go too.
   */
  async truncateBefore(lsn: Lsn): Promise<void> {
    this.checkWritable();
    if (typeof lsn !== 'number' || !Number.isSafeInteger(lsn) || lsn < 0) {
      throw new PhotonError('INVALID_ARGUMENT', `truncateBefore needs a non-negative safe integer LSN; got ${describeValue(lsn)}`);
    }
    try {
      this.writeOut();
      const active = this.segments[this.segments.length - 1];
      if (this.nextLsn <= lsn && active.records > 0 && this.pending.length === 0) {
        this.writtenLsn = this.nextLsn - 1;
        this.rotate(0);
      }
      while (this.segments.length > 1 && this.segments[1].firstLsn <= lsn) {
        const old = this.segments[0];
        old.file?.close();
        old.file = null;
        this.dir.remove(old.name);
        this.segments.shift();
        this.counters.records -= old.records;
        await this.dir.sync();
      }
    } catch (e) {
      throw this.poison(e, 'truncate');
    }
  }

  stats(): WriteAheadLogStats {
    const c = this.counters;
    let bytes = 0;
    for (const s of this.segments) bytes += s.end;
    return {
      records: c.records,
      bytes,
      syncs: c.syncs,
      flushes: c.flushes,
      lastLsn: this.nextLsn - 1,
      durableLsn: this.durableLsn,
      segments: this.segments.length,
      appendedRecords: c.appendedRecords,
      appendedBytes: c.appendedBytes,
      recordsPerSync: c.recordSyncs === 0 ? 0 : c.syncedRecords / c.recordSyncs,
    };
  }

  /**
   * Flushes and syncs every record, writes the closing marker, syncs it and closes the files.
   * Idempotent. After a failure it only closes the files (no marker: the next open sees an unclean
   * shutdown).
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      if (this.state === 'open' && !this.options.readOnly) {
        // Records appended while close() waits are synced before the marker claims them durable;
        // from here to the marker's write nothing awaits, so no append can slip in.
        do await this.flush({ sync: true });
        while (this.durableLsn < this.nextLsn - 1);
        failpoint('wal:close');
        const last = this.nextLsn - 1;
        this.pending.push({ lsn: last, type: CLOSING_MARKER_TYPE, payload: new Uint8Array(0) });
        this.durableLsn = Math.max(this.durableLsn, last);
        this.writeOutOrFail();
        const active = this.segments[this.segments.length - 1];
        const file = this.fileOf(active);
        try {
          if (!mutantActive('wal-skip-datasync')) await file.datasync();
        } catch (e) {
          throw this.poison(e, 'sync');
        }
        // The marker is durable: give back the preallocated zeros after it (a closed log then
        // takes a sector or two, not a segment). The next open appends to a new segment once
        // this one is full, which it is. A crash before the cut leaves the longer file, as valid.
        const keep = alignSector(active.end);
        if (keep < active.sizeBytes) {
          try {
            failpoint('wal:close-truncate');
            file.truncate(keep);
          } catch (e) {
            throw this.poison(e, 'truncate');
          }
        }
      }
    } finally {
      this.state = 'closed';
      for (const s of this.segments) {
        s.file?.close();
        s.file = null;
      }
      this.lock?.release();
    }
  }

  private checkUsable(): void {
    if (this.state === 'closed') throw this.closedError();
  }

  private checkWritable(): void {
    this.checkUsable();
    if (this.options.readOnly) throw new PhotonError('READ_ONLY', `the log at ${this.dir.path} was opened read-only`, { path: this.dir.path });
    if (this.failure !== undefined) throw this.failure;
  }

  private closedError(): PhotonError {
    return new PhotonError('CLOSED', `the log at ${this.dir.path} is closed`, { path: this.dir.path });
  }

  /** Marks the log failed after an I/O error; returns the IO error every later call gets. */
  private poison(e: unknown, what: string): PhotonError {
    if (this.failure === undefined) {
      const detail = isPhotonError(e) ? e.message : e instanceof Error ? e.message : String(e);
      this.failure = new PhotonError(
        'IO',
        `the log at ${this.dir.path} failed to ${what} and refuses further appends; reopen it to recover (${detail})`,
        { path: this.dir.path, ...(isPhotonError(e) && e.errno !== undefined ? { errno: e.errno } : {}) },
        { cause: e },
      );
      this.state = 'failed';
      this.pending = [];
    }
    return this.failure;
  }
}

/** Resolves after the current turn of the event loop (its microtasks included). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
