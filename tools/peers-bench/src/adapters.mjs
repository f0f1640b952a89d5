// One small adapter per engine, all with the same shape, so every workload runs the same code:
//   open(dir) → { putBatch(entries, { sync }), put(k, v, { sync }), get(k) (async), getSync?(k),
//                 scan(fromKey, limit) → count, scanAll() → count, close() }
// Keys and values are Buffers. Durable puts use the engine's real durable path (rocksdb's `put`
// ignores `sync: true` in @nxtedition/rocksdb 12.2.12, so it goes through `batch(…, { sync })`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export const adapters = {
  async photondb(dir, cacheSizeBytes = process.env.PHOTON_CACHE ? Number(process.env.PHOTON_CACHE) : undefined) {
    const root = path.resolve(import.meta.dirname, '../../..');
    const { open } = await import(pathToFileURL(path.join(root, 'packages/engine/dist/index.js')).href);
    const db = await open(path.join(dir, 'photon'), { createIfMissing: true, sync: false, ...(cacheSizeBytes !== undefined ? { cacheSizeBytes } : {}) });
    return {
      putBatch: (entries, { sync = false } = {}) => db.batch(entries.map(([key, value]) => ({ type: 'put', key, value })), { sync }),
      put: (key, value, { sync = false } = {}) => db.set(key, value, { sync }),
      get: (key) => db.get(key),
      getSync: (key) => db.getSync(key),
      scan(from, limit) {
        let n = 0;
        for (const _ of db.scan({ gte: from, limit })) n++;
        return n;
      },
      scanAll() {
        let n = 0;
        for (const _ of db.scan()) n++;
        return n;
      },
      close: () => db.close(),
    };
  },

  async lmdb(dir) {
    const { open } = require('lmdb');
    const db = open({ path: path.join(dir, 'lmdb'), keyEncoding: 'binary', encoding: 'binary', compression: false });
    return {
      putBatch: async (entries, { sync = false } = {}) => {
        await db.transaction(() => {
          for (const [k, v] of entries) db.put(k, v);
        });
        if (sync) await db.flushed;
      },
      put: async (key, value, { sync = false } = {}) => {
        await db.put(key, value);
        if (sync) await db.flushed;
      },
      get: async (key) => db.get(key),
      getSync: (key) => db.get(key),
      scan(from, limit) {
        let n = 0;
        for (const _ of db.getRange({ start: from, limit })) n++;
        return n;
      },
      scanAll() {
        let n = 0;
        for (const _ of db.getRange({})) n++;
        return n;
      },
      close: () => db.close(),
    };
  },

  async 'classic-level'(dir) {
    const { ClassicLevel } = require('classic-level');
    const db = new ClassicLevel(path.join(dir, 'level'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return {
      putBatch: (entries, { sync = false } = {}) => db.batch(entries.map(([key, value]) => ({ type: 'put', key, value })), { sync }),
      put: (key, value, { sync = false } = {}) => db.put(key, value, { sync }),
      get: (key) => db.get(key),
      getSync: typeof db.getSync === 'function' ? (key) => db.getSync(key) : undefined,
      async scan(from, limit) {
        let n = 0;
        for await (const _ of db.iterator({ gte: from, limit })) n++;
        return n;
      },
      async scanAll() {
        let n = 0;
        for await (const _ of db.keys()) n++;
        return n;
      },
      close: () => db.close(),
    };
  },

  async rocksdb(dir) {
    const { RocksLevel } = require('@nxtedition/rocksdb');
    const db = new RocksLevel(path.join(dir, 'rocks'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return {
      putBatch: (entries, { sync = false } = {}) => db.batch(entries.map(([key, value]) => ({ type: 'put', key, value })), { sync }),
      put: (key, value, { sync = false } = {}) => (sync ? db.batch([{ type: 'put', key, value }], { sync: true }) : db.put(key, value)),
      get: (key) =>
        db.get(key).catch((e) => {
          if (e?.code === 'LEVEL_NOT_FOUND' || /not ?found/i.test(String(e?.message))) return undefined;
          throw e;
        }),
      getSync: typeof db.getSync === 'function' ? (key) => db.getSync(key) : undefined,
      async scan(from, limit) {
        let n = 0;
        for await (const _ of db.iterator({ gte: from, limit })) n++;
        return n;
      },
      async scanAll() {
        let n = 0;
        for await (const _ of db.iterator({})) n++;
        return n;
      },
      close: () => db.close(),
    };
  },

  async 'better-sqlite3'(dir) {
    const Database = require('better-sqlite3');
    const db = new Database(path.join(dir, 'sqlite.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID');
    const insert = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
    const select = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
    const range = db.prepare('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?');
    const all = db.prepare('SELECT k, v FROM kv ORDER BY k');
    const many = db.transaction((entries) => {
      for (const [k, v] of entries) insert.run(k, v);
    });
    const withSync = (sync, fn) => {
      if (sync) db.pragma('synchronous = FULL');
      try {
        fn();
      } finally {
        if (sync) db.pragma('synchronous = OFF');
      }
    };
    return {
      putBatch: async (entries, { sync = false } = {}) => withSync(sync, () => many(entries)),
      put: async (key, value, { sync = false } = {}) => withSync(sync, () => insert.run(key, value)),
      get: async (key) => select.get(key),
      getSync: (key) => select.get(key),
      scan(from, limit) {
        let n = 0;
        for (const _ of range.iterate(from, limit)) n++;
        return n;
      },
      scanAll() {
        let n = 0;
        for (const _ of all.iterate()) n++;
        return n;
      },
      close: async () => db.close(),
    };
  },

  async 'sorted-btree'() {
    const BTree = require('sorted-btree').default;
    const tree = new BTree(undefined, (a, b) => Buffer.compare(a, b));
    return {
      putBatch: async (entries) => {
        for (const [k, v] of entries) tree.set(k, v);
      },
      put: async (k, v) => {
        tree.set(k, v);
      },
      get: async (k) => tree.get(k),
      getSync: (k) => tree.get(k),
      scan(from, limit) {
        let n = 0;
        for (const _ of tree.entries(from)) if (++n >= limit) break;
        return n;
      },
      scanAll() {
        let n = 0;
        for (const _ of tree.entries()) n++;
        return n;
      },
      close: async () => {},
      memoryOnly: true,
    };
  },

  /**
   * Not an engine: the harness alone. It keeps one bit per key and answers every check from it
   * (a constant 100-byte value), so its peak RSS is what the harness itself holds (keys and values
   * it makes, their garbage, the key orders), to subtract from an engine's. Fill group only.
   */
  async harness() {
    const present = new Uint8Array(1 << 21); // keys below 2^24
    const index = (k) => Number(k.readBigUInt64BE(8));
    const has = (i) => i < 1 << 24 && (present[i >>> 3] & (1 << (i & 7))) !== 0;
    const value = Buffer.alloc(100, 1);
    const count = (from, limit) => {
      let n = 0;
      for (let i = from; i < 1 << 24 && n < limit; i++) if (has(i)) n++;
      return n;
    };
    return {
      putBatch: async (entries) => {
        for (const [k] of entries) {
          const i = index(k);
          present[i >>> 3] |= 1 << (i & 7);
        }
      },
      get: async (k) => (has(index(k)) ? value : undefined),
      getSync: (k) => (has(index(k)) ? value : undefined),
      scan: (from, limit) => count(index(from), limit),
      scanAll: () => count(0, Infinity),
      close: async () => {},
      memoryOnly: true,
      harnessOnly: true,
    };
  },
};
