/**
 * MemoryFileSystem: the contracts' `FileSystem` over byte arrays, for fast unit tests of the other
 * packages. Paths are '/'-separated strings; every write is immediately "durable" (there is no
 * crash to survive), syncs are no-ops that still check the handle's state. Locks are held in the
 * instance (no LOCK file is created). For power-loss testing use `SimulatedFileSystem`.
 */
import type { Directory, FileSystem, OpenDirectoryOptions } from '@photondb/contracts';
import { DirNode, MemoryTree } from './internal/memory-tree.js';
import type { MemoryHost } from './internal/memory-tree.js';

const NO_OP_HOST = (): MemoryHost => ({
  tracksDurability: false,
  before: () => {},
  checkAlive: () => {},
  locks: new Map<DirNode, Set<string>>(),
});

/**
 * An in-memory `FileSystem`. Each instance is an independent tree rooted at '/'.
 * Errors: the contracts' file-role codes (`NOT_FOUND`, `EXISTS`, `CLOSED`, `READ_ONLY`,
 * `INVALID_ARGUMENT`, `LOCKED`, and `IO` for a file/directory mismatch).
 */
export class MemoryFileSystem implements FileSystem {
  readonly name = 'memory';
  private readonly tree = new MemoryTree(NO_OP_HOST());

  /** Opens a directory by '/'-separated path; `create` makes it and its missing parents. */
  openDirectory(path: string, options?: OpenDirectoryOptions): Directory {
    return this.tree.openDirectory(path, options);
  }

  /** Whether a file or directory exists at `path`. */
  exists(path: string): boolean {
    return this.tree.exists(path);
  }
}
