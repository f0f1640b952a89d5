/**
 * The one on-disk structure of @photondb/io: the lock file.
 *
 * Lock file, format v1 (`LOCK` by default, created O_CREAT|O_EXCL|O_NOFOLLOW, mode 0o600).
 * ASCII text, two lines, each ended by "\n":
 *
 *   LINE  FIELD  MEANING
 *      1  pid    decimal process id of the holder, 1 <= pid <= 2^31 - 1
 *      2  host   os.hostname() of the holder, at most MAX_LOCK_HOST_CHARS characters
 *
 * Valid iff (1) it parses as above and (2) it is at most MAX_LOCK_FILE_BYTES long.
 * Reader (lock.ts): a valid file whose host is ours and whose pid is alive (`kill(pid, 0)`), or
 * whose host is another machine's, is held: `LOCKED { path, pid }`. A valid file naming a dead pid
 * on our host, or naming this process while this process does not hold it, is stale and broken.
 * An unparsable file is re-read for LOCK_SETTLE_MS (its writer may be between create and write),
 * then treated as stale (a crash can leave it empty or zero-filled).
 * Breakers serialise on the exclusive file `<name>.break` (same format).
 * Pinned by format.test.ts "golden lock file v1".
 */

/** The largest lock file a reader accepts. */
export const MAX_LOCK_FILE_BYTES = 512;
/** The longest host name written into a lock file. */
export const MAX_LOCK_HOST_CHARS = 255;
/** How long an unparsable lock file is given to become valid before it is called stale. */
export const LOCK_SETTLE_MS = 200;
/** Suffix of the file that serialises breakers of a stale lock. */
export const LOCK_BREAK_SUFFIX = '.break';

/** A lock file's contents. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
}

/** Encodes a lock file. */
export function encodeLockFile(holder: LockHolder): Uint8Array {
  const host = holder.host.replace(/[\n\r]/g, ' ').slice(0, MAX_LOCK_HOST_CHARS);
  return new TextEncoder().encode(`${holder.pid}\n${host}\n`);
}

/** Decodes a lock file; undefined when it is not valid (see the spec above). */
export function decodeLockFile(bytes: Uint8Array): LockHolder | undefined {
  if (bytes.length === 0 || bytes.length > MAX_LOCK_FILE_BYTES) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const match = /^([1-9][0-9]{0,9})\n([^\n]*)\n$/.exec(text);
  if (match === null) return undefined;
  const pid = Number(match[1]);
  if (pid > 0x7fffffff) return undefined;
  return { pid, host: match[2] };
}
