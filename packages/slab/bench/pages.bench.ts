/**
 * Page file benchmarks: pin from cache and from disk, write+checkpoint throughput with and without
 * snappy, blob put/get by size, and snappy's ratio on text-like and random pages.
 */
import { runSuite } from '@photondb-tools/bench';
import { unsafeLsn } from '@photondb/contracts';
import type { PageId } from '@photondb/contracts';
import { BlobStore, PageFile } from '../src/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@photondb/io';

const PAGE = 4096;

function textLike(length: number, seed: number): Uint8Array {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'photon', 'page', 'slot', 'key', 'value', 'tree'];
  let s = '';
  let x = seed;
  while (s.length < length) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += `${words[x % words.length]}${x % 97} `;
  }
  return new TextEncoder().encode(s.slice(0, length));
}

function random(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const paths: string[] = [];
const fs = new NodeFileSystem();
function openStore(options: Parameters<typeof PageFile.open>[1]): PageFile {
  const path = mkdtempSync(join(tmpdir(), 'photon-slab-bench-'));
  paths.push(path);
  return PageFile.open(fs.openDirectory(path), { create: true, ...options });
}

async function filled(count: number, options: Parameters<typeof PageFile.open>[1]): Promise<{ store: PageFile; ids: PageId[] }> {
  const store = openStore(options);
  const ids: PageId[] = [];
  for (let i = 0; i < count; i++) {
    const id = store.allocate();
    store.write(id, textLike(store.payloadCapacityBytes, i));
    ids.push(id);
  }
  await store.checkpoint(unsafeLsn(1));
  return { store, ids };
}

const hot = await filled(256, { cacheSizeBytes: 512 * PAGE });
const cold = await filled(4096, { cacheSizeBytes: 0 });
const hotSnappy = await filled(4096, { cacheSizeBytes: 0, compression: 'snappy' });
let i = 0;

function checkpointCase(name: string, compression: 'none' | 'snappy', data: (n: number) => Uint8Array) {
  const store = openStore({ compression, cacheSizeBytes: 256 * PAGE });
  let lsn = 0;
  const batch = 64;
  const payloads = Array.from({ length: batch }, (_, k) => data(k).subarray(0, store.payloadCapacityBytes));
  let previous: PageId[] = [];
  return {
    name,
    bytesPerOp: PAGE,
    opsPerCall: batch,
    fn: async () => {
      for (const id of previous) store.free(id);
      previous = payloads.map((p) => {
        const id = store.allocate();
        store.write(id, p);
        return id;
      });
      await store.checkpoint(unsafeLsn(++lsn));
    },
  };
}

const blobStore = BlobStore.open(openStore({ cacheSizeBytes: 1024 * PAGE }));
function blobCases(size: number) {
  const data = textLike(size, size);
  const refs = Array.from({ length: 64 }, () => blobStore.put(data));
  let k = 0;
  return [
    { name: `blob put ${size} B`, bytesPerOp: size, fn: () => void blobStore.free(blobStore.put(data)) },
    { name: `blob get ${size} B`, bytesPerOp: size, fn: () => void blobStore.get(refs[k++ & 63]) },
  ];
}

// Compression ratio, printed once.
for (const [kind, make] of [['text-like', textLike], ['random', random]] as const) {
  const store = openStore({ compression: 'snappy' });
  const id = store.allocate();
  store.write(id, make(store.payloadCapacityBytes, 1));
  await store.checkpoint(unsafeLsn(1));
  const stored = store.describePage(id).compressed ? new DataView(store.readRawPage(id).buffer).getUint32(28, true) : store.payloadCapacityBytes;
  console.log(`# snappy on a ${kind} page: ${store.payloadCapacityBytes} -> ${stored} bytes stored (ratio ${(stored / store.payloadCapacityBytes).toFixed(2)})`);
  await store.close();
}

const missesBefore = cold.store.stats().cacheMisses;
const results = await runSuite('slab', [
  { name: 'pin hit (cached page)', fn: () => hot.store.pin(hot.ids[i++ & 255]).release() },
  { name: 'pin miss (read + checksum, 4 KiB)', bytesPerOp: PAGE, fn: () => cold.store.pin(cold.ids[(i = (Math.imul(i, 1103515245) + 12345) >>> 0) & 4095]).release() },
  { name: 'pin miss snappy (read + checksum + decode)', bytesPerOp: PAGE, fn: () => hotSnappy.store.pin(hotSnappy.ids[(i = (Math.imul(i, 1103515245) + 12345) >>> 0) & 4095]).release() },
  checkpointCase('write+checkpoint 64 pages', 'none', (n) => textLike(PAGE, n)),
  checkpointCase('write+checkpoint 64 pages snappy text', 'snappy', (n) => textLike(PAGE, n)),
  checkpointCase('write+checkpoint 64 pages snappy random', 'snappy', (n) => random(PAGE, n)),
  ...blobCases(100),
  ...blobCases(2000),
  ...blobCases(100_000),
]);

const coldStats = cold.store.stats();
console.log(`# pin miss case: ${coldStats.cacheMisses - missesBefore} misses, ${coldStats.cacheHits} hits (cache of ${coldStats.cacheCapacityPages} pages)`);
void results;
for (const path of paths) rmSync(path, { recursive: true, force: true });
