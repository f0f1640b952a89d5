/**
 * @photondb/io/testing: byte surgery for corruption tests (TESTING.md R5) and scoped failpoints.
 * Every helper works through the `PagedFile` role, so it damages Node, memory and simulated
 * files alike. Not for production code: these write without syncing and without checks of intent.
 */
import { PhotonError } from '@photondb/contracts';
import type { PagedFile } from '@photondb/contracts';
import { setFailpointHandler } from '../failpoint.js';
export { runHostilePool, summarizeOutcomes } from './hostile-pool.js';
export { reportFigure, scaled } from './report.js';
export type { Figure } from './report.js';
export type { HostileOutcome, HostilePoolOptions } from './hostile-pool.js';

function checkOffset(file: PagedFile, what: string, offset: number, limit: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= limit) {
    throw new PhotonError('INVALID_ARGUMENT', `${what} ${String(offset)} is outside ${file.path} (${limit} allowed: 0 to ${limit - 1})`, { path: file.path, offset, limit });
  }
}

/** The whole contents of `file` as a new array (the caller owns it). */
export function readAllBytes(file: PagedFile): Uint8Array {
  const out = new Uint8Array(file.sizeBytes());
  let at = 0;
  while (at < out.length) {
    const n = file.read(at, out.subarray(at));
    if (n === 0) break;
    at += n;
  }
  return at === out.length ? out : out.slice(0, at);
}

/** Flips bit `bitOffset` of `file` (bit 0 is the least significant bit of byte 0). */
export function flipBit(file: PagedFile, bitOffset: number): void {
  checkOffset(file, 'bit offset', bitOffset, file.sizeBytes() * 8);
  const offset = Math.floor(bitOffset / 8);
  const byte = new Uint8Array(1);
  file.read(offset, byte);
  byte[0] ^= 1 << (bitOffset % 8);
  file.write(offset, byte);
}

/** Sets byte `offset` of `file` to `value` (0..255). */
export function setByte(file: PagedFile, offset: number, value: number): void {
  checkOffset(file, 'offset', offset, file.sizeBytes());
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new PhotonError('INVALID_ARGUMENT', `byte value ${String(value)} is not in 0..255`, { path: file.path, actual: value });
  }
  file.write(offset, Uint8Array.of(value));
}

/** Cuts (or zero-extends) `file` to `sizeBytes`. */
export function truncateTo(file: PagedFile, sizeBytes: number): void {
  file.truncate(sizeBytes);
}

/**
 * Zeroes the sector of `sectorBytes` (default 512) containing `offset`, clipped to the file's
 * end: what a lost sector write leaves on many disks.
 */
export function zeroSector(file: PagedFile, offset: number, sectorBytes = 512): void {
  const size = file.sizeBytes();
  checkOffset(file, 'offset', offset, size);
  const start = offset - (offset % sectorBytes);
  file.write(start, new Uint8Array(Math.min(sectorBytes, size - start)));
}

/**
 * Runs `fn` with failpoint handlers installed: when the engine reaches failpoint `name` and
 * `handlers[name]` exists, it is called (it may throw to inject a failure). The previous handler
 * is restored when `fn` settles, even if it throws.
 */
export async function withFailpoints<T>(handlers: Record<string, () => void>, fn: () => T | Promise<T>): Promise<T> {
  const previous = setFailpointHandler((name) => {
    if (Object.prototype.hasOwnProperty.call(handlers, name)) handlers[name]();
    else previous?.(name);
  });
  try {
    return await fn();
  } finally {
    setFailpointHandler(previous);
  }
}
