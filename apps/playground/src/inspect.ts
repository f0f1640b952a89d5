/**
 * Read-only inspection of an open database through the packages' public inspection functions:
 * the page file's page descriptions and raw pages (`@photondb/slab`), a B-tree's lookup path and
 * stats (`@photondb/btree`), and the log's segments and records (`@photondb/wal`). The commands,
 * the REPL and the web server all show what these return; nothing here writes.
 */
import { parseSegmentFileName } from '@photondb/wal';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasErrorCode, pageId as makePageId } from '@photondb/contracts';
import { DATA_FILE, DEFAULT_TABLE, WAL_DIRECTORY } from '@photondb/engine';
import type { EngineStats, RecoveryReport } from '@photondb/engine';
import type { RawDB } from './open-database.js';
import { UsageError } from './usage-error.js';

/** One page as the page map and `photon pages` show it. */
export interface PageInfo {
  readonly id: number;
  readonly type: string;
  readonly version: number;
  readonly payloadBytes: number;
  readonly flags: number;
  readonly compressed: boolean;
  readonly checksumOk: boolean;
  /** Fraction of the page in use, 0 to 1. */
  readonly fill: number;
}

/** Statistics of one table's tree. */
export interface TableInfo {
  readonly name: string;
  readonly entries: number;
  readonly depth: number;
  readonly tree: Readonly<Record<string, unknown>>;
}

/** Everything `photon stat` prints. */
export interface StatReport {
  readonly path: string;
  readonly stats: EngineStats;
  readonly recovery: RecoveryReport;
  readonly tables: readonly TableInfo[];
  readonly files: { readonly dataFileBytes: number; readonly walBytes: number; readonly walSegments: number };
}

/** Names of every table including the default keyspace, default first. */
export function allTables(db: RawDB): string[] {
  return [DEFAULT_TABLE, ...db.tables()];
}

/** Checks a table name exists (UsageError naming the tables otherwise). */
export function checkTable(db: RawDB, name: string): string {
  const all = allTables(db);
  if (!all.includes(name)) throw new UsageError(`no table named "${name}"; tables: ${all.join(', ')}`);
  return name;
}

/** Engine stats, recovery report, per-table tree stats and file sizes. */
export function statReport(db: RawDB): StatReport {
  const tables = allTables(db).map((name) => {
    const s = db.internals.tree(name).stats() as unknown as Record<string, unknown>;
    return { name, entries: Number(s.entries ?? 0), depth: Number(s.depth ?? 0), tree: s };
  });
  return { path: db.path, stats: db.stats(), recovery: db.recovery, tables, files: fileSizes(db.path) };
}

/** Sizes of the page file and the log directory on disk. */
export function fileSizes(dir: string): StatReport['files'] {
  const data = join(dir, DATA_FILE);
  const wal = join(dir, WAL_DIRECTORY);
  let walBytes = 0;
  let walSegments = 0;
  if (existsSync(wal)) {
    for (const name of readdirSync(wal)) {
      if (parseSegmentFileName(name) === undefined) continue; // the LOCK file, a left-over .tmp
      const s = statSync(join(wal, name));
      if (s.isFile()) {
        walBytes += s.size;
        walSegments++;
      }
    }
  }
  return { dataFileBytes: existsSync(data) ? statSync(data).size : 0, walBytes, walSegments };
}

/** The number of pages in the page file. */
export function pageCount(db: RawDB): number {
  return db.internals.pageStore.stats().pageCount;
}

/** Checks a page id is a whole number inside the file (UsageError otherwise). */
export function checkPageId(db: RawDB, text: string): number {
  const id = Number(text);
  const count = pageCount(db);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id) || id >= count) {
    throw new UsageError(`page id must be a whole number from 0 to ${count - 1}; got "${text}"`);
  }
  return id;
}

/** The description of one page (type, version, checksum state, fill). */
export function describePage(db: RawDB, id: number): PageInfo {
  const d = db.internals.pageStore.describePage(makePageId(id));
  return {
    id,
    type: String(d.type),
    version: Number(d.version),
    payloadBytes: d.payloadBytes,
    flags: d.flags,
    compressed: d.compressed,
    checksumOk: d.checksumOk,
    fill: d.fill,
  };
}

/**
 * Descriptions of pages [from, from + limit). A page whose header cannot even be read is listed
 * as type "unreadable" with checksumOk false, so one damaged page does not hide the others.
 */
export function describePages(db: RawDB, from = 0, limit = Infinity): PageInfo[] {
  const end = Math.min(pageCount(db), from + limit);
  const pages: PageInfo[] = [];
  for (let id = from; id < end; id++) {
    try {
      pages.push(describePage(db, id));
    } catch (e) {
      if (!hasErrorCode(e, 'CORRUPTION')) throw e;
      pages.push({ id, type: 'unreadable', version: 0, payloadBytes: 0, flags: 0, compressed: false, checksumOk: false, fill: 0 });
    }
  }
  return pages;
}

/** The raw bytes of one page as stored (header included). */
export function rawPage(db: RawDB, id: number): Uint8Array {
  return db.internals.pageStore.readRawPage(makePageId(id));
}

/** One node on a lookup path. */
export interface PathNode {
  /** The page the node is stored in; null for a node changed since the last checkpoint. */
  readonly pageId: number | null;
  readonly level: number;
  readonly kind: string;
  readonly keys: number;
  /** The slot the lookup followed or landed on. */
  readonly index?: number;
}

/** The nodes a lookup of `key` visits in `table`, root first (`BTree.path`). */
export function keyPath(db: RawDB, table: string, key: Uint8Array): PathNode[] {
  return db.internals.tree(table).path(key).map((n) => ({ pageId: n.pageId, level: n.level, kind: n.kind, keys: n.keys.length, index: n.index }));
}

/** Integrity problems of the trees and the page file (`PhotonDB.verify`). */
export function checkDatabase(db: RawDB): { where: string; message: string }[] {
  return db.verify();
}
