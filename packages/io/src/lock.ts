/**
 * The process lock: one writer per database directory (DESIGN.md section 4, TESTING.md R9).
 *
 * Node has no flock, so the lock is a file created exclusively (format.ts, "Lock file").
 * Invariants:
 *  1. At most one holder per real path in this process: a process-wide registry refuses a second
 *     `acquireLock` of the same real path before touching the file system.
 *  2. Across processes, O_EXCL creation decides: exactly one creator of a missing lock file wins.
 *  3. A stale lock (its pid is gone on this host) is removed only by a breaker holding the
 *     exclusive `<name>.break` file, and only if the lock file is still the very file (same inode)
 *     it judged stale; then every breaker races for invariant 2 again. So two breakers cannot both
 *     remove a fresh lock and both win.
 *  4. `release()` removes the lock file only while it is still this holder's file (same inode).
 *
 * Not handled: a lock on a network file system shared between hosts (a foreign host's lock is
 * always treated as held; remove it by hand), and a breaker killed while holding `.break` races
 * with a single later breaker of that `.break` file.
 */
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PhotonError } from '@photondb/contracts';
import type { FileLock } from '@photondb/contracts';
import { LOCK_BREAK_SUFFIX, LOCK_SETTLE_MS, MAX_LOCK_FILE_BYTES, decodeLockFile, encodeLockFile } from './format.js';
import type { LockHolder } from './format.js';
import { checkName, lockedError } from './internal/file-errors.js';
import { errnoOf, fromNodeError } from './internal/node-errors.js';

/** Real paths of lock files held by this process. */
const heldInProcess = new Set<string>();

const CREATE_FLAGS = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
const MAX_ATTEMPTS = 400;
const RETRY_MS = 5;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether process `pid` exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

/** Creates `path` exclusively holding this process's pid and host; false if it exists. */
function tryCreate(path: string): { ino: number } | false {
  let fd: number;
  try {
    fd = openSync(path, CREATE_FLAGS, 0o600);
  } catch (e) {
    if (errnoOf(e) === 'EEXIST') return false;
    throw fromNodeError(e, 'create lock file', path);
  }
  try {
    const bytes = encodeLockFile({ pid: process.pid, host: hostname() });
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    // The inode of what we created, from the descriptor: the name may already be gone (a
    // breaker that judged the file stale before we wrote it).
    return { ino: fstatSync(fd).ino };
  } catch (e) {
    throw fromNodeError(e, 'write lock file', path);
  } finally {
    closeSync(fd);
  }
}

interface Observed {
  readonly ino: number;
  readonly holder: LockHolder | undefined;
}

/** Reads the lock file; undefined when it vanished meanwhile. */
function observe(path: string): Observed | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined;
    throw fromNodeError(e, 'read lock file', path);
  }
  try {
    const buf = new Uint8Array(MAX_LOCK_FILE_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return { ino: fstatSync(fd).ino, holder: decodeLockFile(buf.subarray(0, n)) };
  } catch (e) {
    throw fromNodeError(e, 'read lock file', path);
  } finally {
    closeSync(fd);
  }
}

/** Reads the lock file, giving an unparsable one LOCK_SETTLE_MS to be completed by its writer. */
function observeSettled(path: string): Observed | undefined {
  const deadline = Date.now() + LOCK_SETTLE_MS;
  for (;;) {
    const seen = observe(path);
    if (seen === undefined || seen.holder !== undefined || Date.now() >= deadline) return seen;
    sleepMs(RETRY_MS);
  }
}

/** Whether `holder` may still hold the lock (invariant 1 handles this process's own locks). */
function isLive(holder: LockHolder | undefined): boolean {
  if (holder === undefined) return false;
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return false;
  return isProcessAlive(holder.pid);
}

/** Removes the stale lock file `path` if it is still inode `ino`, under the `.break` mutex. */
function breakStale(path: string, ino: number): void {
  const breakPath = path + LOCK_BREAK_SUFFIX;
  const mutex = tryCreate(breakPath);
  if (mutex === false) {
    // Give a breaker that has just created the mutex time to write its pid into it.
    const breaker = observeSettled(breakPath);
    if (breaker !== undefined && !isLive(breaker.holder)) removeIfSame(breakPath, breaker.ino);
    else sleepMs(RETRY_MS);
    return;
  }
  try {
    removeIfSame(path, ino);
  } finally {
    removeIfSame(breakPath, mutex.ino);
  }
}

function removeIfSame(path: string, ino: number): void {
  try {
    if (lstatSync(path).ino === ino) unlinkSync(path);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') throw fromNodeError(e, 'remove lock file', path);
  }
}

/**
 * Takes the exclusive lock file `name` (default `LOCK`) in directory `dirPath`.
 *
 * Throws `LOCKED { path, pid }` when this process already holds it (pid = this process) or a
 * live process does; breaks a stale lock (dead pid on this host, or an unparsable file) and takes
 * it; `NOT_FOUND` when the directory is missing; `INVALID_ARGUMENT` for a bad name; `IO` for other
 * failures. The returned lock's `release()` removes the file; it is idempotent.
 */
export function acquireLock(dirPath: string, name = 'LOCK'): FileLock {
  checkName(name, dirPath);
  let real: string;
  try {
    real = realpathSync(dirPath);
  } catch (e) {
    throw fromNodeError(e, 'lock directory', dirPath);
  }
  const path = join(real, name);
  if (heldInProcess.has(path)) throw lockedError(path, process.pid, ' (this process)');
  let lastPid = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const created = tryCreate(path);
    if (created !== false) return holdLock(path, created.ino);
    const seen = observeSettled(path);
    if (seen === undefined) continue;
    if (isLive(seen.holder)) throw lockedError(path, seen.holder?.pid ?? 0, seen.holder?.host === hostname() ? '' : ` on host ${seen.holder?.host}`);
    lastPid = seen.holder?.pid ?? 0;
    breakStale(path, seen.ino);
  }
  throw new PhotonError('LOCKED', `could not take ${path} after ${MAX_ATTEMPTS} attempts: other processes keep breaking or taking it`, { path, pid: lastPid });
}

function holdLock(path: string, ino: number): FileLock {
  heldInProcess.add(path);
  let released = false;
  return {
    path,
    release(): void {
      if (released) return;
      released = true;
      heldInProcess.delete(path);
      removeIfSame(path, ino);
    },
  };
}
