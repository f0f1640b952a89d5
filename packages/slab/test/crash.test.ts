/**
 * Crash tests (TESTING.md R2 for the page file): seeded workloads of allocate / write / free /
 * catalog / checkpoint are cut at every I/O step, the directory suffers a power loss (each pending
 * write applied, dropped, torn by 512-byte sectors, or filled with garbage), and the reopened
 * store must equal the model as of the last completed checkpoint, or of the one in flight when
 * its meta page made it, whole. `verify()` must be clean and the store must keep working.
 */
import { describe, expect, it } from '@jest/globals';
import { setMutants, unsafeLsn, unsafePageId } from '@photondb/contracts';
import type { Directory } from '@photondb/contracts';
import { MemoryFileSystem, SimulatedFileSystem } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { withFailpoints } from '@photondb/io/testing';
import { PageFile } from '../src/index.js';
import type { PageFileOptions } from '../src/index.js';
import { CrashDirectory } from './helpers/crash-directory.js';

interface Snapshot {
  readonly lsn: number;
  readonly pages: Map<number, Uint8Array>;
  readonly catalog: Map<string, Uint8Array>;
}

interface Outcome {
  /** Model as of the last checkpoint that completed. */
  committed: Snapshot;
  /** Model as of a checkpoint that started but did not complete, if any. */
  inflight?: Snapshot;
}

function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function bytes(rnd: (n: number) => number, length: number, text: boolean): Uint8Array {
  return Uint8Array.from({ length }, () => (text ? 97 + rnd(3) : rnd(256)));
}

/** Runs a seeded workload; fills `out` as it goes so a crash leaves the models behind. */
async function workload(dir: Directory, seed: number, options: PageFileOptions, out: Outcome): Promise<void> {
  const rnd = prng(seed);
  const store = PageFile.open(dir, { ...options, create: true });
  const pages = new Map<number, Uint8Array>();
  const catalog = new Map<string, Uint8Array>();
  for (let round = 1; round <= 4; round++) {
    for (let i = rnd(6); i >= 0; i--) {
      const id = store.allocate();
      const data = bytes(rnd, rnd(store.payloadCapacityBytes), rnd(2) === 0);
      store.write(id, data);
      pages.set(id, data);
    }
    for (let i = rnd(3); i > 0 && pages.size > 0; i--) {
      const ids = [...pages.keys()];
      const id = ids[rnd(ids.length)];
      store.free(unsafePageId(id));
      pages.delete(id);
    }
    const name = `root${rnd(2)}`;
    const value = bytes(rnd, 8, false);
    store.setCatalog(name, value);
    catalog.set(name, value);
    const snapshot = { lsn: round * 10, pages: new Map(pages), catalog: new Map(catalog) };
    out.inflight = snapshot;
    await store.checkpoint(unsafeLsn(snapshot.lsn));
    out.committed = snapshot;
    out.inflight = undefined;
  }
  await store.close();
}

/** Why `store` differs from `snapshot`, or undefined when it matches. */
function difference(store: PageFile, snapshot: Snapshot): string | undefined {
  if (store.checkpointLsn !== snapshot.lsn) return `LSN ${store.checkpointLsn} is not ${snapshot.lsn}`;
  for (const [id, data] of snapshot.pages) {
    const ref = store.pin(unsafePageId(id));
    const same = Buffer.from(ref.payload).equals(Buffer.from(data));
    ref.release();
    if (!same) return `page ${id} differs`;
  }
  const names = store.catalogNames();
  if (names.join() !== [...snapshot.catalog.keys()].sort().join()) return `catalog names ${names.join()} differ`;
  const ok = names.every((n) => Buffer.from(store.getCatalog(n)!).equals(Buffer.from(snapshot.catalog.get(n)!)));
  return ok ? undefined : 'a catalog value differs';
}

const empty: Snapshot = { lsn: 0, pages: new Map(), catalog: new Map() };

async function crashEverywhere(seed: number, options: PageFileOptions): Promise<number> {
  const probe = new CrashDirectory();
  await workload(probe, seed, options, { committed: empty });
  const steps = probe.opCount;
  let states = 0;
  for (let n = 1; n <= steps; n++) {
    const dir = new CrashDirectory();
    dir.crashAtOp(n);
    const outcome: Outcome = { committed: empty };
    try {
      await workload(dir, seed, options, outcome);
    } catch (e) {
      if (!dir.crashed) throw e;
    }
    expect(dir.crashed).toBe(true);
    dir.crash(seed * 7919 + n);
    states++;
    const store = PageFile.open(dir, { ...options, create: true });
    const committed = difference(store, outcome.committed);
    const inflight = outcome.inflight === undefined ? 'none in flight' : difference(store, outcome.inflight);
    if (committed !== undefined && inflight !== undefined) {
      throw new Error(`seed ${seed}, crash at op ${n}: the reopened store matches neither the last checkpoint (${committed}) nor the one in flight (${inflight})`);
    }
    expect(store.verify()).toEqual([]);
    const id = store.allocate();
    store.write(id, Uint8Array.of(1, 2, 3));
    await store.checkpoint(unsafeLsn(1000));
    expect(store.verify()).toEqual([]);
    await store.close();
  }
  return states;
}

describe('PageFile crash safety', () => {
  const variants: Array<[string, PageFileOptions]> = [
    ['4 KiB, tiny cache', { cacheSizeBytes: 0 }],
    ['4 KiB, snappy, LRU', { compression: 'snappy', cache: 'lru' }],
    ['8 KiB, tiny cache', { pageSizeBytes: 8192, cacheSizeBytes: 0 }],
  ];
  for (const [name, options] of variants) {
    it(`recovers the last checkpoint, whole, after a power loss at every I/O step (${name})`, async () => {
      let states = 0;
      for (const seed of [1, 2, 3, 4, 5, 6, 7]) states += await crashEverywhere(seed, options);
      expect(states).toBeGreaterThan(100);
    });
  }

  it('catches the slab-overwrite-live-page mutant (a freed page reused before the checkpoint)', async () => {
    setMutants(['slab-overwrite-live-page']);
    try {
      let caught = false;
      for (const seed of [1, 2, 3, 4, 5, 6, 7]) {
        try {
          await crashEverywhere(seed, { cacheSizeBytes: 0 });
        } catch {
          caught = true;
        }
      }
      expect(caught).toBe(true);
    } finally {
      setMutants([]);
    }
  });

  it('loses a checkpoint whose meta write was dropped, and keeps the previous one', async () => {
    const dir = new CrashDirectory();
    const store = PageFile.open(dir, { create: true });
    const a = store.allocate();
    store.write(a, Uint8Array.of(1));
    await store.checkpoint(unsafeLsn(1));
    const b = store.allocate();
    store.write(b, Uint8Array.of(2));
    dir.crashAtOp(4); // write b, truncate (grow), sync, write meta, [sync]
    await expect(store.checkpoint(unsafeLsn(2))).rejects.toMatchObject({ code: 'IO' });
    await expect(store.checkpoint(unsafeLsn(3))).rejects.toMatchObject({ code: 'IO' });
    dir.crash(3);
    const reopened = PageFile.open(dir, {});
    expect([1, 2]).toContain(reopened.checkpointLsn);
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });
});

describe('PageFile after an I/O failure', () => {
  it('refuses every mutation with IO but still reads, and closes', async () => {
    const dir = new CrashDirectory();
    const store = PageFile.open(dir, { create: true });
    const a = store.allocate();
    store.write(a, Uint8Array.of(7));
    await store.checkpoint(unsafeLsn(1));
    const b = store.allocate();
    dir.crashAtOp(1);
    await expect(store.checkpoint(unsafeLsn(2))).rejects.toMatchObject({ code: 'IO' });
    for (const call of [() => store.allocate(), () => store.free(a), () => store.write(b, Uint8Array.of(1)), () => store.setCatalog('x', undefined)]) {
      expect(call).toThrow(expect.objectContaining({ code: 'IO' }));
    }
    const ref = store.pin(a);
    expect([...ref.payload]).toEqual([7]);
    ref.release();
    await store.close();
    expect(() => store.pin(a)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});

/** The same workloads on `@photondb/io`'s SimulatedFileSystem, crashed at every counted operation. */
async function simulatedCrashEverywhere(seed: number, options: PageFileOptions, damage: CrashDamage): Promise<number> {
  const open = (fs: SimulatedFileSystem): Directory => {
    const dir = fs.openDirectory('/db', { create: true });
    fs.openDirectory('/').syncSync();
    return dir;
  };
  const probe = new SimulatedFileSystem({ seed });
  await workload(open(probe), seed, options, { committed: empty });
  const steps = probe.opCount;
  for (let n = 1; n <= steps; n++) {
    const fs = new SimulatedFileSystem({ seed });
    fs.crashAtOp(n);
    const outcome: Outcome = { committed: empty };
    try {
      await workload(open(fs), seed, options, outcome);
    } catch (e) {
      if (!fs.isCrashed) throw e;
    }
    expect(fs.isCrashed).toBe(true);
    const after = fs.crash({ seed: seed * 7919 + n, damage });
    const store = PageFile.open(open(after), { ...options, create: true });
    const committed = difference(store, outcome.committed);
    const inflight = outcome.inflight === undefined ? 'none in flight' : difference(store, outcome.inflight);
    if (committed !== undefined && inflight !== undefined) {
      throw new Error(`seed ${seed}, ${damage} crash at op ${n}: the reopened store matches neither the last checkpoint (${committed}) nor the one in flight (${inflight})`);
    }
    expect(store.verify()).toEqual([]);
    const id = store.allocate();
    store.write(id, Uint8Array.of(1, 2, 3));
    await store.checkpoint(unsafeLsn(1000));
    expect(store.verify()).toEqual([]);
    await store.close();
  }
  return steps;
}

describe('PageFile on io SimulatedFileSystem', () => {
  for (const damage of ['torn', 'garbage', 'drop', 'mixed'] as const) {
    it(`recovers the last checkpoint, whole, after a ${damage} power loss at every counted operation`, async () => {
      let states = 0;
      for (const seed of [11, 12, 13, 14, 15]) states += await simulatedCrashEverywhere(seed, { cacheSizeBytes: 0, compression: seed % 2 ? 'snappy' : 'none' }, damage);
      expect(states).toBeGreaterThan(100);
    });
  }

  it('turns EIO and ENOSPC on every write and sync of a checkpoint into IO, poisoning the handle', async () => {
    for (const op of ['write', 'datasync', 'sync', 'truncate'] as const) {
      for (const errno of ['EIO', 'ENOSPC']) {
        for (let nth = 1; nth <= 3; nth++) {
          const fs = new SimulatedFileSystem({ seed: nth });
          const dir = fs.openDirectory('/db', { create: true });
          fs.openDirectory('/').syncSync();
          const store = PageFile.open(dir, { create: true, cacheSizeBytes: 0 });
          const a = store.allocate();
          store.write(a, Uint8Array.of(1));
          await store.checkpoint(unsafeLsn(1));
          for (let i = 0; i < 3; i++) store.write(store.allocate(), Uint8Array.of(i));
          fs.addFault({ op, errno, nth, persistent: true });
          let failed = false;
          try {
            await store.checkpoint(unsafeLsn(2));
          } catch (e) {
            failed = true;
            expect(e).toMatchObject({ code: 'IO' });
            expect(() => store.allocate()).toThrow(expect.objectContaining({ code: 'IO' }));
          }
          fs.clearFaults();
          const after = fs.crash({ seed: nth, damage: 'mixed' });
          const reopened = PageFile.open(after.openDirectory('/db'), {});
          expect(failed ? [1, 2] : [2]).toContain(reopened.checkpointLsn);
          expect(reopened.verify()).toEqual([]);
          await reopened.close();
        }
      }
    }
  });

  it('keeps the previous checkpoint when a named failpoint fails the checkpoint', async () => {
    for (const name of ['slab:checkpoint-before-data-sync', 'slab:checkpoint-before-meta-write', 'slab:checkpoint-before-meta-sync']) {
      const dir = new MemoryFileSystem().openDirectory('/db', { create: true });
      const store = PageFile.open(dir, { create: true });
      const a = store.allocate();
      store.write(a, Uint8Array.of(1));
      await store.checkpoint(unsafeLsn(1));
      store.write(store.allocate(), Uint8Array.of(2));
      await withFailpoints({ [name]: () => { throw new Error(`injected at ${name}`); } }, async () => {
        await expect(store.checkpoint(unsafeLsn(2))).rejects.toMatchObject({ code: 'IO' });
      });
      const reopened = PageFile.open(dir, {});
      // Before the meta write nothing of checkpoint 2 is visible; after it (a process crash keeps
      // written bytes) checkpoint 2 may be whole.
      expect(name === 'slab:checkpoint-before-meta-sync' ? [1, 2] : [1]).toContain(reopened.checkpointLsn);
      expect(reopened.verify()).toEqual([]);
      await reopened.close();
    }
  });
});
