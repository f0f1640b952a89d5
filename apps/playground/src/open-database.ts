/**
 * Opening a database for a command. The CLI always opens with raw keys and values (see
 * value-format.ts for presentation), so it works on any PhotonDB database whatever codecs the
 * application that wrote it used. Read-only commands open read-only: no lock is taken and
 * nothing is written, so `stat`, `pages` or `check` work beside a running `serve`.
 */
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';

/** A database as the CLI sees it: raw bytes in and out. */
export type RawDB = PhotonDB<Uint8Array, Uint8Array>;

/** How a command wants the database opened. */
export interface OpenFor {
  /** Open without writing (no lock, no checkpoint). */
  readonly readOnly?: boolean;
  /** Create the database when missing (default false: NOT_FOUND). */
  readonly create?: boolean;
  /** Durability of commits (default true). */
  readonly sync?: boolean;
  /** Page size of a new database. */
  readonly pageSizeBytes?: number;
}

/** Opens `path` with raw codecs. Throws the engine's PhotonErrors (NOT_FOUND, LOCKED, ...). */
export async function openDatabase(path: string, how: OpenFor = {}): Promise<RawDB> {
  return open<Uint8Array, Uint8Array>(path, {
    keyEncoding: 'raw',
    valueEncoding: 'raw',
    readOnly: how.readOnly ?? false,
    createIfMissing: how.create ?? false,
    sync: how.sync ?? true,
    ...(how.pageSizeBytes !== undefined ? { pageSizeBytes: how.pageSizeBytes } : {}),
  });
}

/** Runs `fn` with the database open and always closes it afterwards. */
export async function withDatabase<T>(path: string, how: OpenFor, fn: (db: RawDB) => Promise<T> | T): Promise<T> {
  const db = await openDatabase(path, how);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
