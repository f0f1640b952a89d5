import { describe, it } from '@jest/globals';
import type { Directory, PageStore } from '@photondb/contracts';
import { MemoryFileSystem, SimulatedFileSystem } from '@photondb/io';
import { runPageStoreContract } from '@photondb/contracts/testing';
import { PageFile } from '../src/index.js';
import type { PageFileOptions } from '../src/index.js';
import { CrashDirectory } from './helpers/crash-directory.js';

const variants: Array<[string, PageFileOptions]> = [
  ['io MemoryFileSystem, ARC, 4 KiB', { cache: 'arc', pageSizeBytes: 4096, cacheSizeBytes: 8 * 4096 }],
  ['io MemoryFileSystem, LRU, 4 KiB', { cache: 'lru', pageSizeBytes: 4096, cacheSizeBytes: 8 * 4096 }],
  ['io MemoryFileSystem, ARC, snappy, 4 KiB', { cache: 'arc', compression: 'snappy', pageSizeBytes: 4096, cacheSizeBytes: 8 * 4096 }],
  ['io MemoryFileSystem, LRU, snappy, 64 KiB', { cache: 'lru', compression: 'snappy', pageSizeBytes: 65536, cacheSizeBytes: 8 * 65536 }],
];
for (const [name, options] of variants) runPageStoreContract(`PageFile on ${name}`, ioMemoryHarness(options), { describe, it });

/** Reopen with crash = power loss: pending writes applied, dropped, torn or garbled (seeded). */
function crashHarness(options: PageFileOptions) {
  const dirs = new WeakMap<PageStore, CrashDirectory>();
  let seed = 1;
  return {
    async create(): Promise<PageStore> {
      const dir = new CrashDirectory();
      const store = PageFile.open(dir, { ...options, create: true });
      dirs.set(store, dir);
      return store;
    },
    async reopen(store: PageStore, { crash }: { crash: boolean }): Promise<PageStore> {
      const dir = dirs.get(store)!;
      if (crash) dir.crash(seed++);
      else await store.close();
      const next = PageFile.open(dir, options);
      dirs.set(next, dir);
      return next;
    },
  };
}

runPageStoreContract('PageFile on a crash-simulating directory, ARC, 4 KiB', crashHarness({ cacheSizeBytes: 0 }), { describe, it });
runPageStoreContract('PageFile on a crash-simulating directory, LRU, snappy, 64 KiB', crashHarness({ cache: 'lru', compression: 'snappy', pageSizeBytes: 65536, cacheSizeBytes: 0 }), { describe, it });

/** On `@photondb/io`'s MemoryFileSystem: a crash is abandoning the handle (a process crash). */
function ioMemoryHarness(options: PageFileOptions) {
  const dirs = new WeakMap<PageStore, Directory>();
  return {
    async create(): Promise<PageStore> {
      const dir = new MemoryFileSystem().openDirectory('/db', { create: true });
      const store = PageFile.open(dir, { ...options, create: true });
      dirs.set(store, dir);
      return store;
    },
    async reopen(store: PageStore, { crash }: { crash: boolean }): Promise<PageStore> {
      const dir = dirs.get(store)!;
      if (!crash) await store.close();
      const next = PageFile.open(dir, options);
      dirs.set(next, dir);
      return next;
    },
  };
}

/** On `@photondb/io`'s SimulatedFileSystem: a crash is a power loss with torn, dropped or garbled writes. */
function ioSimulatedHarness(options: PageFileOptions) {
  const systems = new WeakMap<PageStore, SimulatedFileSystem>();
  let seed = 1;
  return {
    async create(): Promise<PageStore> {
      const fs = new SimulatedFileSystem({ seed: seed++ });
      const dir = fs.openDirectory('/db', { create: true });
      fs.openDirectory('/').syncSync(); // make /db itself durable
      const store = PageFile.open(dir, { ...options, create: true });
      systems.set(store, fs);
      return store;
    },
    async reopen(store: PageStore, { crash }: { crash: boolean }): Promise<PageStore> {
      let fs = systems.get(store)!;
      if (crash) fs = fs.crash({ seed: seed++, damage: 'mixed' });
      else await store.close();
      const next = PageFile.open(fs.openDirectory('/db'), options);
      systems.set(next, fs);
      return next;
    },
  };
}

runPageStoreContract('PageFile on io SimulatedFileSystem, ARC, snappy, 4 KiB', ioSimulatedHarness({ compression: 'snappy', cacheSizeBytes: 0 }), { describe, it });
runPageStoreContract('PageFile on io SimulatedFileSystem, LRU, 64 KiB', ioSimulatedHarness({ cache: 'lru', pageSizeBytes: 65536, cacheSizeBytes: 0 }), { describe, it });
