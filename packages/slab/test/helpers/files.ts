/**
 * Thin wrappers over `@photondb/io` for the slab's tests: an in-memory directory, and byte
 * surgery by file name (the surgery itself is io/testing's `flipBit` and `readAllBytes`).
 */
import type { Directory } from '@photondb/contracts';
import { unsafePageId } from '@photondb/contracts';
import type { PageFile } from '../../src/index.js';
import { MemoryFileSystem } from '@photondb/io';
import { flipBit, readAllBytes } from '@photondb/io/testing';

/** A fresh, empty in-memory directory. */
export function memoryDirectory(): Directory {
  return new MemoryFileSystem().openDirectory('/db', { create: true });
}

/** A copy of the whole file. */
export function fileBytes(dir: Directory, name: string): Uint8Array {
  const file = dir.openFile(name);
  try {
    return readAllBytes(file);
  } finally {
    file.close();
  }
}

/** Writes `bytes` at `offset` (creating the file if needed), without syncing. */
export function patch(dir: Directory, name: string, offset: number, bytes: Uint8Array): void {
  const file = dir.openFile(name, { create: true });
  try {
    file.write(offset, bytes);
  } finally {
    file.close();
  }
}

/** Flips the bits of `mask` in byte `offset`. */
export function flipBits(dir: Directory, name: string, offset: number, mask: number): void {
  const file = dir.openFile(name);
  try {
    for (let bit = 0; bit < 8; bit++) if (mask & (1 << bit)) flipBit(file, offset * 8 + bit);
  } finally {
    file.close();
  }
}

/** A copy of page `id`'s payload, pinned and released. */
export function readPayload(store: PageFile, id: number): Uint8Array {
  const ref = store.pin(unsafePageId(id));
  try {
    return ref.payload.slice();
  } finally {
    ref.release();
  }
}
