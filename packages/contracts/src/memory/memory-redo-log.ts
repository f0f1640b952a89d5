/**
 * The reference in-memory RedoLog: the simplest implementation of the contract.
 *
 * Its "stable storage" is a `MemoryRedoLogBacking`: `flush({ sync: true })` copies appended
 * records there; a new log opened on the same backing sees only what was flushed with sync
 * (a simulated crash drops the rest), plus the LSN high-water mark.
 */
import { PhotonError, copyBytes } from '../errors.js';
import { ZERO_LSN, unsafeLsn } from '../ids.js';
import type { Lsn } from '../ids.js';
import { RESERVED_RECORD_TYPE_MIN } from '../redo-log.js';
import type { FlushOptions, LogRecord, ReadLogOptions, RedoLog, RedoLogStats } from '../redo-log.js';

/** The durable image of a MemoryRedoLog. */
export interface MemoryRedoLogBacking {
  records: LogRecord[];
  lastLsn: Lsn;
  cleanShutdown: boolean;
}

export function createMemoryRedoLogBacking(): MemoryRedoLogBacking {
  return { records: [], lastLsn: ZERO_LSN, cleanShutdown: true };
}

const MEMORY_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** The reference RedoLog, in memory. */
export class MemoryRedoLog implements RedoLog {
  readonly maxRecordBytes = MEMORY_MAX_RECORD_BYTES;
  /** Whether the previous user of the backing closed it cleanly. */
  readonly wasCleanShutdown: boolean;
  private readonly backing: MemoryRedoLogBacking;
  private records: LogRecord[];
  private last: Lsn;
  private closed = false;
  private syncs = 0;
  private flushes = 0;

  constructor(backing: MemoryRedoLogBacking = createMemoryRedoLogBacking()) {
    this.backing = backing;
    this.records = backing.records.slice();
    this.last = backing.lastLsn;
    this.wasCleanShutdown = backing.cleanShutdown;
    backing.cleanShutdown = false;
  }

  get lastLsn(): Lsn {
    return this.last;
  }

  append(type: number, payload: Uint8Array): Lsn {
    this.checkOpen();
    if (!Number.isInteger(type) || type < 0 || type >= RESERVED_RECORD_TYPE_MIN) {
      throw new PhotonError(
        'INVALID_ARGUMENT',
        `record type must be an integer from 0 to ${RESERVED_RECORD_TYPE_MIN - 1}; got ${String(type)}`,
      );
    }
    if (!(payload instanceof Uint8Array)) {
      throw new PhotonError('INVALID_ARGUMENT', 'record payload must be a Uint8Array');
    }
    if (payload.length > this.maxRecordBytes) {
      throw new PhotonError(
        'TOO_LARGE',
        `record payload is ${payload.length} bytes; at most ${this.maxRecordBytes} are allowed`,
        { limit: this.maxRecordBytes, actual: payload.length },
      );
    }
    this.last = unsafeLsn(this.last + 1);
    this.records.push({ lsn: this.last, type, payload: copyBytes(payload) });
    return this.last;
  }

  async flush(options: FlushOptions = {}): Promise<void> {
    this.checkOpen();
    this.flushes++;
    if (options.sync !== false) {
      this.syncs++;
      this.backing.records = this.records.slice();
      this.backing.lastLsn = this.last;
    }
  }

  *read(options: ReadLogOptions = {}): Iterable<LogRecord> {
    this.checkOpen();
    const from = options.fromLsn ?? ZERO_LSN;
    for (const r of this.records) {
      if (r.lsn >= from) yield { lsn: r.lsn, type: r.type, payload: copyBytes(r.payload) };
    }
  }

  async truncateBefore(lsn: Lsn): Promise<void> {
    this.checkOpen();
    this.records = this.records.filter((r) => r.lsn >= lsn);
    this.backing.records = this.backing.records.filter((r) => r.lsn >= lsn);
  }

  stats(): RedoLogStats {
    let bytes = 0;
    for (const r of this.records) bytes += r.payload.length;
    return { records: this.records.length, bytes, syncs: this.syncs, flushes: this.flushes, lastLsn: this.last };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush({ sync: true });
    this.closed = true;
    this.backing.cleanShutdown = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new PhotonError('CLOSED', 'the log is closed');
  }
}
