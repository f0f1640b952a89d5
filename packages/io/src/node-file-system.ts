/**
 * NodeFileSystem: the contracts' file roles over real files with node:fs.
 *
 * Reads and writes are positional and synchronous (the storage core is synchronous, DESIGN.md
 * section 2); short reads and writes are looped. `sync`/`datasync` return Promises that run
 * fsync/fdatasync on libuv's thread pool, so commits can group while a flush is in flight; the
 * `*Sync` forms block. A failed sync poisons the handle (TESTING.md: a retried fsync can
 * "succeed" with the data gone). Files are created 0o600, directories 0o700, never through a
 * symbolic link (O_NOFOLLOW). Directory sync opens the directory read-only and fsyncs it.
 */
import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { PhotonError } from '@photondb/contracts';
import type { AppendFile, Directory, FileLock, FileSystem, OpenDirectoryOptions, OpenFileOptions, PagedFile } from '@photondb/contracts';
import { acquireLock } from './lock.js';
import { checkName, checkNonNegative, closedError, joinPath, poisonedError, readOnlyError } from './internal/file-errors.js';
import { errnoOf, fromNodeError } from './internal/node-errors.js';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;

/** A file opened with a file descriptor; see the contracts' `PagedFile`. */
class NodePagedFile implements PagedFile {
  readonly path: string;
  private readonly fd: number;
  private readonly readOnly: boolean;
  private closed = false;
  private syncsInFlight = 0;
  private closeWhenIdle = false;
  private poison: unknown = undefined;

  constructor(path: string, fd: number, readOnly: boolean) {
    this.path = path;
    this.fd = fd;
    this.readOnly = readOnly;
  }

  read(position: number, target: Uint8Array): number {
    if (this.closed) throw closedError(this.path);
    checkNonNegative('read position', position, this.path);
    let done = 0;
    try {
      while (done < target.length) {
        const n = readSync(this.fd, target, done, target.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
    } catch (e) {
      throw fromNodeError(e, 'read', this.path);
    }
    return done;
  }

  write(position: number, source: Uint8Array): void {
    this.checkWritable();
    checkNonNegative('write position', position, this.path);
    let done = 0;
    try {
      // A write may be short (a full disk, a signal): loop until every byte is written.
      while (done < source.length) done += writeSync(this.fd, source, done, source.length - done, position + done);
    } catch (e) {
      throw fromNodeError(e, 'write', this.path);
    }
  }

  sizeBytes(): number {
    if (this.closed) throw closedError(this.path);
    try {
      return fstatSync(this.fd).size;
    } catch (e) {
      throw fromNodeError(e, 'stat', this.path);
    }
  }

  truncate(sizeBytes: number): void {
    this.checkWritable();
    checkNonNegative('size', sizeBytes, this.path);
    try {
      ftruncateSync(this.fd, sizeBytes);
    } catch (e) {
      throw fromNodeError(e, 'truncate', this.path);
    }
  }

  sync(): Promise<void> {
    return this.flushAsync(fsync, 'fsync');
  }

  datasync(): Promise<void> {
    return this.flushAsync(fdatasync, 'fdatasync');
  }

  syncSync(): void {
    this.checkWritable();
    this.flushed(() => fsyncSync(this.fd), 'fsync');
  }

  datasyncSync(): void {
    this.checkWritable();
    this.flushed(() => fdatasyncSync(this.fd), 'fdatasync');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.syncsInFlight > 0) this.closeWhenIdle = true;
    else closeSync(this.fd);
  }

  private flushAsync(flush: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void, what: string): Promise<void> {
    try {
      this.checkWritable();
    } catch (e) {
      return Promise.reject(e);
    }
    this.syncsInFlight++;
    return new Promise<void>((done, fail) => {
      flush(this.fd, (err) => {
        this.syncsInFlight--;
        if (this.closeWhenIdle && this.syncsInFlight === 0) closeSync(this.fd);
        try {
          this.flushed(() => {
            if (err !== null) throw err;
          }, what);
          done();
        } catch (e) {
          fail(e);
        }
      });
    });
  }

  /** Runs a flush; a failure poisons the handle (see the contracts' PagedFile). */
  private flushed(run: () => void, what: string): void {
    try {
      run();
    } catch (e) {
      const error = fromNodeError(e, what, this.path);
      if (this.poison === undefined) this.poison = error;
      throw error;
    }
  }

  private checkWritable(): void {
    if (this.closed) throw closedError(this.path);
    if (this.readOnly) throw readOnlyError(this.path);
    if (this.poison !== undefined) throw poisonedError(this.path, this.poison);
  }
}

/** An append handle: positional writes at the end it tracks (one writer per file). */
class NodeAppendFile implements AppendFile {
  readonly path: string;
  private readonly file: NodePagedFile;
  private end: number;

  constructor(file: NodePagedFile) {
    this.path = file.path;
    this.file = file;
    this.end = file.sizeBytes();
  }

  append(source: Uint8Array): void {
    this.file.write(this.end, source);
    this.end += source.length;
  }

  sizeBytes(): number {
    return this.file.sizeBytes();
  }

  sync(): Promise<void> {
    return this.file.sync();
  }

  datasync(): Promise<void> {
    return this.file.datasync();
  }

  syncSync(): void {
    this.file.syncSync();
  }

  close(): void {
    this.file.close();
  }
}

function openFd(path: string, options: OpenFileOptions): number {
  let flags = (options.readOnly === true ? constants.O_RDONLY : constants.O_RDWR) | NOFOLLOW;
  if (options.create === true) flags |= constants.O_CREAT;
  if (options.create === true && options.exclusive === true) flags |= constants.O_EXCL;
  try {
    return openSync(path, flags, 0o600);
  } catch (e) {
    throw fromNodeError(e, 'open', path);
  }
}

/** Fsyncs a directory: open it read-only, fsync, close. */
function syncDirectorySync(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | DIRECTORY);
  } catch (e) {
    throw fromNodeError(e, 'open directory for sync', path);
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    throw fromNodeError(e, 'fsync directory', path);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(path: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | DIRECTORY);
  } catch (e) {
    return Promise.reject(fromNodeError(e, 'open directory for sync', path));
  }
  return new Promise<void>((done, fail) => {
    fsync(fd, (err) => {
      closeSync(fd);
      if (err === null) done();
      else fail(fromNodeError(err, 'fsync directory', path));
    });
  });
}

/** A real directory; see the contracts' `Directory`. */
class NodeDirectory implements Directory {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  list(): string[] {
    try {
      // Array.from: a plain array of this realm (jest compares prototypes).
      return Array.from(readdirSync(this.path)).sort();
    } catch (e) {
      throw fromNodeError(e, 'list', this.path);
    }
  }

  exists(name: string): boolean {
    checkName(name, this.path);
    try {
      lstatSync(joinPath(this.path, name));
      return true;
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return false;
      throw fromNodeError(e, 'stat', joinPath(this.path, name));
    }
  }

  openFile(name: string, options: OpenFileOptions = {}): PagedFile {
    checkName(name, this.path);
    const path = joinPath(this.path, name);
    return new NodePagedFile(path, openFd(path, options), options.readOnly === true);
  }

  openAppend(name: string, options: OpenFileOptions = {}): AppendFile {
    checkName(name, this.path);
    const path = joinPath(this.path, name);
    return new NodeAppendFile(new NodePagedFile(path, openFd(path, options), options.readOnly === true));
  }

  subdirectory(name: string, options: { readonly create?: boolean } = {}): Directory {
    checkName(name, this.path);
    return openNodeDirectory(joinPath(this.path, name), options.create === true, false);
  }

  rename(from: string, to: string): void {
    checkName(from, this.path);
    checkName(to, this.path);
    try {
      renameSync(joinPath(this.path, from), joinPath(this.path, to));
    } catch (e) {
      throw fromNodeError(e, 'rename', joinPath(this.path, from));
    }
  }

  remove(name: string): void {
    checkName(name, this.path);
    try {
      unlinkSync(joinPath(this.path, name));
    } catch (e) {
      throw fromNodeError(e, 'remove', joinPath(this.path, name));
    }
  }

  sync(): Promise<void> {
    return syncDirectory(this.path);
  }

  syncSync(): void {
    syncDirectorySync(this.path);
  }

  lock(name = 'LOCK'): FileLock {
    return acquireLock(this.path, name);
  }
}

function openNodeDirectory(path: string, create: boolean, recursive: boolean): Directory {
  if (create) {
    try {
      mkdirSync(path, { recursive, mode: 0o700 });
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw fromNodeError(e, 'create directory', path);
    }
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    throw fromNodeError(e, 'open directory', path);
  }
  if (!isDirectory) throw new PhotonError('IO', `${path} is not a directory`, { path, errno: 'ENOTDIR' });
  return new NodeDirectory(path);
}

/**
 * The real file system. Paths are resolved against the current directory. Errors: `NOT_FOUND`,
 * `EXISTS`, `CLOSED`, `READ_ONLY`, `INVALID_ARGUMENT`, `LOCKED`, and `IO` with the errno name
 * for any other operating-system failure.
 */
export class NodeFileSystem implements FileSystem {
  readonly name = 'node';

  /** Opens a directory; `create` makes it and its missing parents with mode 0o700. */
  openDirectory(path: string, options: OpenDirectoryOptions = {}): Directory {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
      throw new PhotonError('INVALID_ARGUMENT', `directory path ${JSON.stringify(path)} is not a valid path`);
    }
    return openNodeDirectory(resolve(path), options.create === true, true);
  }

  /** Whether a file or directory exists at `path` (a dangling symbolic link counts). */
  exists(path: string): boolean {
    try {
      lstatSync(path);
      return true;
    } catch (e) {
      if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return false;
      throw fromNodeError(e, 'stat', path);
    }
  }
}
