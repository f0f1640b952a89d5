import { describe, it } from '@jest/globals';
import {
  MemoryPageStore,
  MemoryRedoLog,
  createMemoryPageStoreBacking,
  createMemoryRedoLogBacking,
  runPageStoreContract,
  runRedoLogContract,
} from '@photondb/contracts/testing';
import type { MemoryPageStoreBacking, MemoryRedoLogBacking } from '@photondb/contracts/testing';
import type { PageStore, RedoLog } from '@photondb/contracts';

const api = { describe, it };

for (const pageSizeBytes of [512, 4096]) {
  const backings = new WeakMap<PageStore, MemoryPageStoreBacking>();
  runPageStoreContract(`MemoryPageStore ${pageSizeBytes} B`, {
    async create() {
      const backing = createMemoryPageStoreBacking({ pageSizeBytes });
      const store = new MemoryPageStore(backing);
      backings.set(store, backing);
      return store;
    },
    async reopen(store, { crash }) {
      const backing = backings.get(store)!;
      if (!crash) await store.close();
      const next = new MemoryPageStore(backing);
      backings.set(next, backing);
      return next;
    },
  }, api);
}

const logBackings = new WeakMap<RedoLog, MemoryRedoLogBacking>();
runRedoLogContract('MemoryRedoLog', {
  async create() {
    const backing = createMemoryRedoLogBacking();
    const log = new MemoryRedoLog(backing);
    logBackings.set(log, backing);
    return log;
  },
  async reopen(log, { crash }) {
    const backing = logBackings.get(log)!;
    if (!crash) await log.close();
    const next = new MemoryRedoLog(backing);
    logBackings.set(next, backing);
    return next;
  },
}, api);
