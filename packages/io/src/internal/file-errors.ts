/**
 * The PhotonErrors every file system implementation raises, built in one place so that the three
 * implementations report the same codes and context for the same mistake.
 */
import { PhotonError, isValidFileName } from '@photondb/contracts';

/** Throws INVALID_ARGUMENT unless `name` is a single path component. */
export function checkName(name: string, dirPath: string): void {
  if (!isValidFileName(name)) {
    throw new PhotonError('INVALID_ARGUMENT', `file name ${JSON.stringify(name)} is not a single path component (no '/', '\\', NUL, '.', '..' or empty)`, { path: dirPath });
  }
}

/** Throws INVALID_ARGUMENT unless `n` is a non-negative safe integer. */
export function checkNonNegative(what: string, n: number, path: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new PhotonError('INVALID_ARGUMENT', `${what} is ${String(n)}; a non-negative safe integer is required`, { path });
  }
}

export function closedError(path: string): PhotonError {
  return new PhotonError('CLOSED', `file ${path} is closed`, { path });
}

export function readOnlyError(path: string): PhotonError {
  return new PhotonError('READ_ONLY', `file ${path} was opened read-only`, { path });
}

export function notFoundError(path: string): PhotonError {
  return new PhotonError('NOT_FOUND', `${path} does not exist`, { path, errno: 'ENOENT' });
}

export function existsError(path: string): PhotonError {
  return new PhotonError('EXISTS', `${path} already exists`, { path, errno: 'EEXIST' });
}

/** The error of every write or sync on a handle whose earlier sync failed. */
export function poisonedError(path: string, cause: unknown): PhotonError {
  return new PhotonError('IO', `file ${path} failed an earlier sync; its unsynced data may be lost, so it refuses further writes and syncs until reopened`, { path }, { cause });
}

export function lockedError(path: string, pid: number, detail: string): PhotonError {
  return new PhotonError('LOCKED', `${path} is locked by process ${pid}${detail}`, { path, pid });
}

/** Joins a directory path and a name with '/'. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}
