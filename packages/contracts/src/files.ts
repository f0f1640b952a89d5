/**
 * File roles: the narrow interfaces through which every storage layer touches files.
 *
 * `@photondb/io` implements them three times (Node files, in-memory files, and a crash simulator),
 * so one simulator can test every layer. Each layer takes the narrowest role it needs: the log
 * writer a `Directory`, the page file a `PagedFile`. I/O is synchronous (positional reads and
 * writes, as better-sqlite3 and lmdb-js do) except the syncs, which also have a Promise form that
 * runs off the event loop so that concurrent commits can share one flush.
 *
 * Errors (all `PhotonError`): `IO` for an operating-system failure (with `errno` and `path`),
 * `NOT_FOUND` when a file or directory is missing and creation was not asked for, `EXISTS` for an
 * exclusive create of an existing name, `CLOSED` after `close()`, `INVALID_ARGUMENT` for a name
 * that is not a single path component, `LOCKED` when a lock is held elsewhere.
 */

/** Options for opening a file inside a directory. */
export interface OpenFileOptions {
  /** Create the file when it is missing (default false: a missing file is `NOT_FOUND`). */
  readonly create?: boolean;
  /** With `create`, fail with `EXISTS` when the file already exists (O_EXCL). */
  readonly exclusive?: boolean;
  /** Open for reading only; writes, truncates and syncs then fail with `READ_ONLY`. */
  readonly readOnly?: boolean;
}

/**
 * A file read and written at explicit positions: the page file and log segments.
 *
 * Durability: bytes written are in the OS after `write` returns (they survive a process crash);
 * they are on stable storage only after a `sync`/`datasync` resolves. A failed sync poisons the
 * handle: every later write or sync on it fails with `IO`, because the kernel may have dropped the
 * data and marked it clean, so a retry could "succeed" with the data gone.
 */
export interface PagedFile {
  /** The path the file was opened at, for error messages. */
  readonly path: string;
  /**
   * Reads up to `target.length` bytes starting at `position` into `target`.
   * Returns the number of bytes read, which is less than `target.length` only at end of file.
   * The caller owns `target`.
   */
  read(position: number, target: Uint8Array): number;
  /**
   * Writes every byte of `source` at `position` (short writes are retried until complete),
   * growing the file if needed. The bytes are copied before this returns.
   */
  write(position: number, source: Uint8Array): void;
  /** The current size in bytes. */
  sizeBytes(): number;
  /** Sets the size to `sizeBytes`, cutting or zero-extending. Durable after a full `sync`. */
  truncate(sizeBytes: number): void;
  /** fsync: data and metadata (size) on stable storage. Use after the file grew. */
  sync(): Promise<void>;
  /** fdatasync: data on stable storage; a size change may not be. */
  datasync(): Promise<void>;
  /** Synchronous `sync`, blocking the event loop. */
  syncSync(): void;
  /** Synchronous `datasync`, blocking the event loop. */
  datasyncSync(): void;
  /** Closes the handle. Idempotent. Pending unsynced writes stay in the OS. */
  close(): void;
}

/**
 * A file that only grows at its end: the narrow role of a writer that never rewrites.
 * Same durability and poisoning rules as `PagedFile`.
 */
export interface AppendFile {
  readonly path: string;
  /** Appends every byte of `source` at the end of the file. */
  append(source: Uint8Array): void;
  sizeBytes(): number;
  sync(): Promise<void>;
  datasync(): Promise<void>;
  syncSync(): void;
  close(): void;
}

/** A held lock; `release()` is idempotent. */
export interface FileLock {
  readonly path: string;
  release(): void;
}

/**
 * A directory of files named by single path components (no `/`, no `..`, not empty).
 *
 * A created, renamed or removed name is durable only after `sync()` of the directory.
 */
export interface Directory {
  readonly path: string;
  /** Names of the entries (files and directories), sorted. */
  list(): string[];
  /** Whether an entry with that name exists. */
  exists(name: string): boolean;
  /** Opens (and with `create`, creates) a file. Files are created with mode 0o600. */
  openFile(name: string, options?: OpenFileOptions): PagedFile;
  /** Opens (and with `create`, creates) a file for appending. */
  openAppend(name: string, options?: OpenFileOptions): AppendFile;
  /** Opens (and with `create`, creates with mode 0o700) a subdirectory. */
  subdirectory(name: string, options?: { readonly create?: boolean }): Directory;
  /** Atomically renames `from` to `to`, replacing `to`. Durable after `sync()`. */
  rename(from: string, to: string): void;
  /** Removes a file. `NOT_FOUND` if missing. Durable after `sync()`. */
  remove(name: string): void;
  /** Makes creates, renames and removes in this directory durable. */
  sync(): Promise<void>;
  /** Synchronous `sync`. */
  syncSync(): void;
  /**
   * Takes the exclusive lock `name` (default `LOCK`) on this directory for this process: a second
   * holder, in this process or another, gets `LOCKED` at once, naming the holder's pid.
   */
  lock(name?: string): FileLock;
}

/** Options for opening a directory. */
export interface OpenDirectoryOptions {
  /** Create the directory (and missing parents) with mode 0o700 when missing. */
  readonly create?: boolean;
}

/** A file system: the root from which directories are opened. */
export interface FileSystem {
  /** A short name for messages and stats (`node`, `memory`, `simulated`). */
  readonly name: string;
  /** Opens a directory by path; `NOT_FOUND` unless it exists or `create` is set. */
  openDirectory(path: string, options?: OpenDirectoryOptions): Directory;
  /** Whether a path exists. */
  exists(path: string): boolean;
}

/**
 * Checks that `name` is a single path component; throws `INVALID_ARGUMENT` otherwise.
 * Shared by every implementation so that none can be led outside its directory.
 */
export function isValidFileName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    name !== '..' &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0')
  );
}
