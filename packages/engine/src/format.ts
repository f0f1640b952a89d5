/**
 * The engine's log records. The log (`@photondb/wal`) treats payloads as opaque bytes; these are
 * the engine's. Every committed transaction is one record, so a crash never leaves half of one.
 *
 * Commit record, type RECORD_COMMIT (1), format v1. Little-endian.
 *
 *   OFFSET  SIZE  FIELD       MEANING
 *        0     1  version     1
 *        1     2  tables      number of tables the transaction wrote, >= 1
 *   then `tables` times:
 *        +0    2  nameLen     bytes of the table name
 *        +2  nameLen name     UTF-8 table name
 *        +.    4  redoLen     bytes of the redo payload
 *        +.  redoLen redo     `@photondb/btree` encodeRedo() of the table's puts and deletes
 *
 * Table record, type RECORD_CREATE_TABLE (2) or RECORD_DROP_TABLE (3), format v1:
 *
 *   OFFSET  SIZE  FIELD       MEANING
 *        0     1  version     1
 *        1     2  nameLen     bytes of the table name
 *        3  nameLen name      UTF-8 table name
 *
 * Valid iff (1) the version is 1, (2) every length stays inside the payload, (3) the payload
 * ends exactly after the last field. A reader refuses anything else with CORRUPTION naming the
 * LSN; an unknown version is CORRUPTION naming both versions (the log's checksum already passed,
 * so an unknown version means a newer writer).
 * Pinned by format.test.ts "golden commit record v1".
 */
import { PhotonError } from '@photondb/contracts';
import { decodeRedo, encodeRedoInto, redoBytes } from '@photondb/btree';
import type { BatchOp } from '@photondb/btree';

export const RECORD_COMMIT = 1;
export const RECORD_CREATE_TABLE = 2;
export const RECORD_DROP_TABLE = 3;
export const ENGINE_RECORD_VERSION = 1;

const VERSION_BYTES = 1;
const TABLE_COUNT_BYTES = 2;
const NAME_LENGTH_BYTES = 2;
const REDO_LENGTH_BYTES = 4;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** A decoded commit: table name to its operations. */
export type CommitOps = Map<string, readonly BatchOp[]>;

/**
 * UTF-8 bytes of recently used table names: a commit names its tables, and encoding the same
 * few names for every commit showed in the commit profile (peers-bench `commits-64`). Bounded,
 * since tables can be created and dropped without end.
 */
const nameBytesCache = new Map<string, Uint8Array>();
const NAME_CACHE_ENTRIES = 256;

function tableNameBytes(table: string): Uint8Array {
  let bytes = nameBytesCache.get(table);
  if (bytes === undefined) {
    bytes = utf8Encoder.encode(table);
    if (nameBytesCache.size >= NAME_CACHE_ENTRIES) nameBytesCache.clear();
    nameBytesCache.set(table, bytes);
  }
  return bytes;
}

/**
 * Encodes a commit record payload, sized exactly and written in one pass into one buffer (each
 * table's redo payload is encoded in place, not built and then copied).
 */
export function encodeCommit(ops: CommitOps): Uint8Array {
  let size = VERSION_BYTES + TABLE_COUNT_BYTES;
  for (const [table, tableOps] of ops) size += NAME_LENGTH_BYTES + tableNameBytes(table).length + REDO_LENGTH_BYTES + redoBytes(tableOps);
  // Every byte is written below, so the buffer need not be zeroed: a small one comes from Node's
  // buffer pool (a fresh ArrayBuffer per commit showed in the commits-64 profile).
  const out = typeof Buffer === 'function' ? Buffer.allocUnsafe(size) : new Uint8Array(size);
  out[0] = ENGINE_RECORD_VERSION;
  putU16(out, VERSION_BYTES, ops.size);
  let at = VERSION_BYTES + TABLE_COUNT_BYTES;
  for (const [table, tableOps] of ops) {
    const name = tableNameBytes(table);
    putU16(out, at, name.length);
    out.set(name, at + NAME_LENGTH_BYTES);
    at += NAME_LENGTH_BYTES + name.length;
    const end = encodeRedoInto(out, at + REDO_LENGTH_BYTES, tableOps);
    putU32(out, at, end - at - REDO_LENGTH_BYTES);
    at = end;
  }
  return out;
}

function putU16(out: Uint8Array, at: number, n: number): void {
  out[at] = n & 0xff;
  out[at + 1] = (n >>> 8) & 0xff;
}

function putU32(out: Uint8Array, at: number, n: number): void {
  out[at] = n & 0xff;
  out[at + 1] = (n >>> 8) & 0xff;
  out[at + 2] = (n >>> 16) & 0xff;
  out[at + 3] = (n >>> 24) & 0xff;
}

/**
 * Decodes a commit record payload; CORRUPTION (naming `lsn`) on anything malformed. With `views`
 * the keys and values are views of `payload`, for applying at once (see `decodeRedo`).
 */
export function decodeCommit(payload: Uint8Array, lsn: number, views = false): CommitOps {
  const reader = new Reader(payload, lsn);
  reader.version();
  const count = reader.u16();
  const ops: CommitOps = new Map();
  for (let i = 0; i < count; i++) {
    const name = reader.name();
    const redoLength = reader.u32();
    ops.set(name, decodeRedo(reader.bytes(redoLength), views));
  }
  reader.end();
  return ops;
}

/** Encodes a create-table or drop-table record payload. */
export function encodeTableRecord(name: string): Uint8Array {
  const bytes = utf8Encoder.encode(name);
  const out = new Uint8Array(VERSION_BYTES + NAME_LENGTH_BYTES + bytes.length);
  out[0] = ENGINE_RECORD_VERSION;
  new DataView(out.buffer).setUint16(VERSION_BYTES, bytes.length, true);
  out.set(bytes, VERSION_BYTES + NAME_LENGTH_BYTES);
  return out;
}

/** Decodes a create-table or drop-table record payload. */
export function decodeTableRecord(payload: Uint8Array, lsn: number): string {
  const reader = new Reader(payload, lsn);
  reader.version();
  const name = reader.name();
  reader.end();
  return name;
}

class Reader {
  private at = 0;
  private readonly view: DataView;
  private readonly bytesIn: Uint8Array;
  private readonly lsn: number;
  constructor(bytesIn: Uint8Array, lsn: number) {
    this.bytesIn = bytesIn;
    this.lsn = lsn;
    this.view = new DataView(bytesIn.buffer, bytesIn.byteOffset, bytesIn.byteLength);
  }
  private fail(what: string): never {
    throw new PhotonError('CORRUPTION', `log record at LSN ${this.lsn} is malformed: ${what}`, { lsn: this.lsn, offset: this.at });
  }
  private need(n: number): void {
    if (this.at + n > this.bytesIn.length) this.fail(`needs ${n} more bytes at offset ${this.at}, has ${this.bytesIn.length - this.at}`);
  }
  version(): void {
    this.need(VERSION_BYTES);
    const v = this.bytesIn[this.at++];
    if (v !== ENGINE_RECORD_VERSION) this.fail(`record version ${v}; this engine reads version ${ENGINE_RECORD_VERSION}`);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.bytesIn.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  name(): string {
    const length = this.u16();
    try {
      return utf8Decoder.decode(this.bytes(length));
    } catch (e) {
      if ((e as { code?: string }).code === 'CORRUPTION') throw e;
      return this.fail('table name is not valid UTF-8');
    }
  }
  end(): void {
    if (this.at !== this.bytesIn.length) this.fail(`${this.bytesIn.length - this.at} trailing bytes`);
  }
}
