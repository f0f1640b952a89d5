/**
 * R7 for the page file (TESTING.md): mutated and crafted page files, each opened, verified, read
 * page by page, written and checkpointed in a Worker with a 256 MiB heap and a 2 s watchdog.
 * Every one must end in success or a typed PhotonError: no hang, no crash, no untyped exception.
 * Most mutations re-seal the page checksum, so they reach the checks behind it: lying payload and
 * stored lengths (2^31, 2^32 - 1, capacity + 1), compressed pages with lying length headers and
 * the three snappyjs seeds, free-list cycles and self-references, meta pages with lying page
 * counts, catalog sizes and free-list heads, and plain bit flips, truncations and random files.
 */
import { describe, expect, it } from '@jest/globals';
import { MemoryFileSystem, checksumSkipping } from '@photondb/io';
import { readAllBytes, reportFigure, runHostilePool, summarizeOutcomes } from '@photondb/io/testing';
import { lsn } from '@photondb/contracts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BlobStore, PageFile } from '../src/index.js';

const ROOT = resolve(__dirname, '../../..');
const url = (p: string): string => pathToFileURL(resolve(ROOT, p)).href;
const FILE = 'data.photon';
const PAGE = 4096;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (async () => {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: workerData.tsconfig });
  return { slab: await import(workerData.slab), io: await import(workerData.io), contracts: await import(workerData.contracts) };
})();
parentPort.on('message', async ({ id, task }) => {
  const { slab, io, contracts } = await ready;
  let outcome = { kind: 'ok' };
  // A typed error from one page or step is an acceptable answer; keep going with the rest.
  const typed = (e) => {
    if (!contracts.isPhotonError(e)) throw e;
  };
  try {
    const dir = new io.MemoryFileSystem().openDirectory('/db', { create: true });
    const f = dir.openFile('${FILE}', { create: true });
    f.write(0, task);
    f.close();
    const store = slab.PageFile.open(dir, { cacheSizeBytes: 0 });
    store.verify();
    const count = store.stats().pageCount;
    for (let id = 0; id < count; id++) {
      try { store.describePage(id); } catch (e) { typed(e); }
      try { store.pin(id).release(); } catch (e) { typed(e); }
    }
    for (const name of store.catalogNames()) store.getCatalog(name);
    try {
      const p = store.allocate();
      store.write(p, new Uint8Array(100));
      await store.checkpoint(contracts.lsn(store.checkpointLsn + 1));
    } catch (e) { typed(e); }
    await store.close();
  } catch (e) {
    if (contracts.isPhotonError(e)) outcome = { kind: 'typed', detail: e.code };
    else outcome = { kind: 'untyped', detail: String((e && e.stack) || e) };
  }
  parentPort.postMessage({ id, outcome });
});
`;

function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

async function baseFile(seed: number): Promise<Uint8Array> {
  const rnd = prng(seed);
  const dir = new MemoryFileSystem().openDirectory('/db', { create: true });
  const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE, compression: rnd(2) === 0 ? 'snappy' : 'none' });
  const ids = [];
  for (let i = 0; i < 6 + rnd(10); i++) {
    const id = store.allocate();
    const text = rnd(2) === 0;
    store.write(id, Uint8Array.from({ length: rnd(store.payloadCapacityBytes) }, (_, j) => (text ? 97 + (j % 7) : rnd(256))));
    ids.push(id);
  }
  store.setCatalog('root', Uint8Array.of(1, 2, 3));
  const blobs = BlobStore.open(store);
  blobs.put(new Uint8Array(rnd(20_000)));
  blobs.flush();
  await store.checkpoint(lsn(1));
  for (const id of ids.slice(0, rnd(ids.length))) store.free(id);
  await store.checkpoint(lsn(2));
  await store.close();
  return readAllBytes(dir.openFile(FILE, { readOnly: true }));
}

const LIES = [0x8000_0000, 0xffff_ffff, 0x7fff_ffff, PAGE - 40 + 1, PAGE, 0, 1];
const SNAPPY_SEEDS = [
  [0x0a, 0xfc, 0xfa, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0xff, 0x07],
  [100, 0x08, 1, 2, 3],
];

function reseal(file: Uint8Array, page: number): void {
  const p = file.subarray(page * PAGE, (page + 1) * PAGE);
  if (p.length < 8) return;
  new DataView(p.buffer, p.byteOffset, p.length).setUint32(4, checksumSkipping(p, 4, 4), true);
}

function mutate(input: Uint8Array, rnd: (n: number) => number): Uint8Array {
  let file = input.slice();
  const pages = Math.max(1, Math.floor(file.length / PAGE));
  const page = rnd(pages);
  const base = page * PAGE;
  const view = new DataView(file.buffer);
  const set32 = (at: number, v: number): void => {
    if (at + 4 <= file.length) view.setUint32(at, v >>> 0, true);
  };
  switch (rnd(12)) {
    case 0: // bit flips, no reseal
      for (let i = 1 + rnd(8); i > 0; i--) file[rnd(file.length)] ^= 1 << rnd(8);
      return file;
    case 1: // lying payload or stored length
      set32(base + [24, 28][rnd(2)], LIES[rnd(LIES.length)]);
      break;
    case 2: // compressed flag with lying lengths and a snappy seed as the stored stream
    {
      file[base + 9] = 1;
      const seed = SNAPPY_SEEDS[rnd(SNAPPY_SEEDS.length)];
      file.set(seed, base + 40);
      set32(base + 28, seed.length);
      set32(base + 24, LIES[rnd(LIES.length)]);
      break;
    }
    case 3: // meta page lies (page 0 or 1): page count, catalog bytes, free-list fields
    {
      const meta = rnd(2) * PAGE;
      const field = [40, 44, 48, 52, 56, 20, 12][rnd(7)];
      set32(meta + 40 + field, [LIES[rnd(LIES.length)], 2, 3, 1, 0, pages, pages + 1][rnd(7)]);
      reseal(file, meta / PAGE);
      return file;
    }
    case 4: // free-list cycle / self-reference: every free-list page's next points at itself or a meta page
      for (let p = 2; p < pages; p++) {
        if (file[p * PAGE + 8] === 3) {
          set32(p * PAGE + 40, [p, 0, 1, 2, pages - 1][rnd(5)]);
          if (rnd(2) === 0) set32(p * PAGE + 44 + 4 * rnd(4), [p, 0, 1, 0xffff_ffff][rnd(4)]);
          reseal(file, p);
        }
      }
      return file;
    case 5: // page id of another page
      set32(base + 12, rnd(pages + 2));
      break;
    case 6: // type and flags
      file[base + 8] = rnd(6);
      file[base + 9] = rnd(4);
      break;
    case 7: // truncation
      return file.subarray(0, rnd(file.length + 1));
    case 8: // random file
      return Uint8Array.from({ length: rnd(5) * PAGE + rnd(PAGE) }, () => rnd(256));
    case 9: // meta generation bump so a damaged meta wins
    {
      const meta = rnd(2);
      set32(meta * PAGE + 40 + 24, 0x7fff_ffff);
      set32(meta * PAGE + 16, 0x7fff_ffff);
      if (rnd(2) === 0) set32(meta * PAGE + 40 + 48, rnd(pages + 3));
      reseal(file, meta);
      return file;
    }
    case 10: // catalog entry with lying sizes
    {
      const meta = rnd(2) * PAGE;
      set32(meta + 40 + 64 + 2 * rnd(3), LIES[rnd(LIES.length)]);
      reseal(file, meta / PAGE);
      return file;
    }
    default: // zero a page
      file = file.slice();
      file.fill(0, base, base + PAGE);
      return file;
  }
  reseal(file, page);
  return file;
}

describe('R7: hostile page files', () => {
  it('ends every open in success or a typed error, in a Worker with a capped heap and a watchdog', async () => {
    const bases = await Promise.all(Array.from({ length: 12 }, (_, i) => baseFile(i + 1)));
    const rnd = prng(777);
    const tasks: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      let file = bases[i % bases.length];
      for (let m = 1 + rnd(3); m > 0; m--) file = mutate(file, rnd);
      tasks.push(file);
    }
    const outcomes = await runHostilePool({
      source: WORKER,
      workerData: {
        tsconfig: resolve(ROOT, 'tsconfig.typecheck.json'),
        slab: url('packages/slab/src/index.ts'),
        io: url('packages/io/src/index.ts'),
        contracts: url('packages/contracts/src/index.ts'),
      },
      tasks,
      timeoutMs: 2000,
      heapMb: 256,
    });
    const { counts, bad } = summarizeOutcomes(outcomes);
    reportFigure({ id: 'R7', what: 'hostile page files (slab)', tried: tasks.length, failed: counts.untyped + counts.hang + counts.crash, detail: JSON.stringify(counts) });
    expect(bad).toEqual([]);
    expect(counts.typed).toBeGreaterThan(100);
  }, 180_000);
});
