/**
 * Example 2: a durable ordered store without a log. `@photondb/btree` over `@photondb/slab`'s page
 * file: writes stay in memory until you checkpoint, and a checkpoint is atomic — after a crash
 * the file holds the last checkpoint, whole. Good for bulk-built, read-mostly data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BTree } from '@photondb/btree';
import { lsn } from '@photondb/contracts';
import { NodeFileSystem } from '@photondb/io';
import { PageFile } from '@photondb/slab';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const path = mkdtempSync(join(tmpdir(), 'photon-example-'));
  try {
    const dir = new NodeFileSystem().openDirectory(path);
    const store = PageFile.open(dir, { create: true });
    const tree = BTree.open(store, 'words');
    for (let i = 0; i < 10_000; i++) tree.put(enc(`word${String(i).padStart(5, '0')}`), enc(String(i * i)));
    tree.flush();                      // dirty nodes to fresh pages (copy-on-write)
    await store.checkpoint(lsn(1));    // atomically durable
    await store.close();

    const reopened = PageFile.open(dir, {});
    const again = BTree.open(reopened, 'words');
    const value = again.get(enc('word00042'));
    const count = again.count({ gte: enc('word09990') });
    log(`word00042 → ${value === undefined ? 'missing' : dec(value)}; ${count} words from word09990`);
    await reopened.close();
    return [value === undefined ? 'missing' : dec(value), String(count)];
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
