/**
 * What a power loss leaves behind: builds the post-crash tree of a `SimulatedFileSystem` from each
 * file's durable image and volatile contents and each directory's durable entries and pending
 * namespace operations.
 *
 * Model (../../shared/TESTING.md, "The fault-injecting file API"):
 *  1. A file's bytes as of its last sync/datasync survive exactly.
 *  2. Its size after the crash is either the durable size or the current size (seeded).
 *  3. Each 512-byte sector where durable and current contents differ comes back, by damage kind:
 *     `drop` the durable sector; `torn` the durable or the current sector (seeded, per sector, so
 *     a write spanning sectors can tear); `garbage` one of durable, current or random bytes;
 *     `mixed` picks one of apply-all, drop, torn, garbage per file. Beyond a size, bytes read as 0.
 *  4. A directory keeps its durable entries (as of its last sync) plus a seeded prefix of the
 *     creates, renames and removes made since, in order, as a journaling file system would
 *     (`drop`: none of them). A directory that did not survive takes its whole subtree with it.
 *
 * Deliberately not modelled: reordering of namespace operations, and `datasync` leaving a size
 * change volatile (both syncs make the whole file durable).
 */
import { DirNode, FileNode, applyNamespaceOp } from './internal/memory-tree.js';
import type { Node } from './internal/memory-tree.js';
import { Prng } from './internal/prng.js';

/** Crash sectors are 512 bytes: the unit a disk writes atomically. */
export const SECTOR_BYTES = 512;

/**
 * How unsynced data fares in a simulated crash: `drop` loses all of it; `torn` keeps each
 * changed sector's old or new contents (seeded); `garbage` also lets a sector come back as random
 * bytes; `mixed` picks one treatment (all applied, dropped, torn, garbage) per file.
 */
export type CrashDamage = 'drop' | 'torn' | 'garbage' | 'mixed';

/** The post-crash tree: new nodes, every one fully durable. */
export function crashTree(root: DirNode, prng: Prng, damage: CrashDamage): DirNode {
  return crashDir(root, prng, damage, new Map());
}

function crashDir(dir: DirNode, prng: Prng, damage: CrashDamage, seen: Map<Node, Node>): DirNode {
  const entries = new Map(dir.durableEntries);
  const applied = damage === 'drop' ? 0 : prng.below(dir.pending.length + 1);
  for (let i = 0; i < applied; i++) applyNamespaceOp(entries, dir.pending[i]);
  const out = new DirNode();
  seen.set(dir, out);
  for (const name of [...entries.keys()].sort()) {
    const node = entries.get(name) as Node;
    let copy = seen.get(node);
    if (copy === undefined) {
      copy = node.kind === 'dir' ? crashDir(node, prng, damage, seen) : new FileNode(crashFileContents(node, prng, damage));
      seen.set(node, copy);
    }
    out.entries.set(name, copy);
  }
  out.makeDurable();
  return out;
}

/** The bytes a file holds after a crash (a new array). */
export function crashFileContents(file: FileNode, prng: Prng, damage: CrashDamage): Uint8Array {
  const durable = file.durable;
  const current = file.view();
  if (!file.dirty) return durable.slice();
  let kind: CrashDamage | 'apply' = damage;
  if (damage === 'mixed') kind = (['apply', 'drop', 'torn', 'garbage'] as const)[prng.below(4)];
  if (kind === 'drop') return durable.slice();
  if (kind === 'apply') return current.slice();
  const size = durable.length === current.length || prng.coin() ? current.length : durable.length;
  const out = new Uint8Array(size);
  for (let start = 0; start < size; start += SECTOR_BYTES) {
    const end = Math.min(start + SECTOR_BYTES, size);
    const before = durable.subarray(Math.min(start, durable.length), Math.min(end, durable.length));
    const after = current.subarray(Math.min(start, current.length), Math.min(end, current.length));
    if (sameSector(before, after, end - start)) {
      out.set(after, start);
      continue;
    }
    const pick = prng.below(kind === 'garbage' ? 3 : 2);
    if (pick === 0) out.set(before, start);
    else if (pick === 1) out.set(after, start);
    else for (let i = start; i < end; i++) out[i] = prng.uint32() & 0xff;
  }
  return out;
}

/** Whether two sector slices are equal once both are zero-padded to `length`. */
function sameSector(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) {
    if ((i < a.length ? a[i] : 0) !== (i < b.length ? b[i] : 0)) return false;
  }
  return true;
}
