/**
 * Edge cases of the typed API: option validation, snapshots of tables created later, counts
 * inside transactions with their own writes, async iteration and disposal, recovery progress
 * and abort, compression, and bad batch operations.
 */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem, SimulatedFileSystem } from '@photondb/io';
import { open } from '@photondb/engine';

const utf8 = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;

describe('options', () => {
  it('rejects each bad option with INVALID_ARGUMENT naming it', async () => {
    const fileSystem = new MemoryFileSystem();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ pageSizeBytes: 12288 }, /power of two/],
      [{ compression: 'zip' }, /compression/],
      [{ signal: {} }, /signal/],
      [{ onProgress: 5 }, /onProgress/],
      [{ fileSystem: {} }, /fileSystem/],
      [{ colour: 'blue' }, /unknown option "colour"/],
      [{ checkpointDirtyBytes: 1000 }, /checkpointDirtyBytes/],
      [{ checkpointDirtyBytes: 1.5e6 + 0.5 }, /checkpointDirtyBytes/],
    ];
    for (const [options, message] of cases) {
      let caught: unknown;
      try {
        await open('/db', { fileSystem, ...options } as never);
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    }
    await expectCode('INVALID_ARGUMENT', () => open('/db', 'fast' as never));
    expect(fileSystem.exists('/db')).toBe(false);
  });

  it('stores pages with snappy compression when asked and reads them back', async () => {
    const fileSystem = new MemoryFileSystem();
    const db = await open<string, string>('/db', { fileSystem, compression: 'snappy', ...utf8 });
    for (let i = 0; i < 500; i++) await db.set(`key${String(i).padStart(4, '0')}`, 'text '.repeat(20), { sync: false });
    await db.checkpoint();
    await db.close();
    const again = await open<string, string>('/db', { fileSystem, ...utf8 });
    expect(await again.get('key0042')).toBe('text '.repeat(20));
    expect(again.count()).toBe(500);
    await again.close();
  });
});

describe('snapshots and transactions', () => {
  it('reports NOT_FOUND for a table created after the snapshot, and CLOSED after release', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    const snap = db.snapshot();
    await db.createTable('later');
    await db.table('later').set('a', '1');
    await expectCode('NOT_FOUND', () => snap.table('later').get('a'));
    snap.release();
    snap.release();
    await expectCode('CLOSED', () => snap.get('a'));
    await db.close();
  });

  it('counts a range inside a transaction with its own writes merged in', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    await db.batch(['a', 'b', 'c', 'd'].map((k) => ({ type: 'put' as const, key: k, value: k })));
    const tx = db.beginTransaction();
    tx.delete('b');
    tx.set('bb', 'new');
    tx.set('e', 'new');
    expect(tx.count({ gte: 'a', lt: 'd' })).toBe(3); // a, bb, c
    expect(tx.count()).toBe(5);
    await tx.commit();
    expect(db.count()).toBe(5);
    await db.close();
  });

  it('iterates scans and iterators with for await, and disposes of the database with await using semantics', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    await db.batch(['x', 'y', 'z'].map((k) => ({ type: 'put' as const, key: k, value: k.toUpperCase() })));
    const seen: string[] = [];
    for await (const [k, v] of db.scan({ reverse: true })) seen.push(k + v);
    for await (const [k] of db.iterator({ gt: 'x' })) seen.push(k);
    expect(seen).toEqual(['zZ', 'yY', 'xX', 'y', 'z']);
    const scan = db.scan();
    [...scan];
    await expectCode('INVALID_ARGUMENT', () => [...scan]);
    expect(db.path).toBe('/db');
    await db[Symbol.asyncDispose]();
    await expectCode('CLOSED', () => db.get('x'));
  });

  it('rejects a batch operation of an unknown type before writing anything', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    await expectCode('INVALID_ARGUMENT', () => db.batch([{ type: 'put', key: 'a', value: '1' }, { type: 'upsert', key: 'b' } as never]));
    expect(db.count()).toBe(0);
    await db.close();
  });
});

describe('recovery', () => {
  it('reports replay progress and can be aborted with a signal', async () => {
    const fs = new SimulatedFileSystem({ seed: 5 });
    const db = await open<string, string>('/db', { fileSystem: fs, ...utf8, checkpointLogBytes: 1 << 30 });
    for (let i = 0; i < 2500; i++) await db.set(`k${i}`, 'v', { sync: i % 500 === 0 });
    await db.set('last', 'v');
    const crashed = fs.crash({ seed: 1, damage: 'drop' });
    const aborted = new AbortController();
    aborted.abort();
    await expectCode('ABORTED', () => open('/db', { fileSystem: crashed, ...utf8, signal: aborted.signal }));
    const progress: string[] = [];
    const reopened = await open<string, string>('/db', { fileSystem: crashed, ...utf8, onProgress: (p) => progress.push(p.phase) });
    expect(progress.filter((p) => p === 'replay').length).toBeGreaterThanOrEqual(2);
    expect(progress[progress.length - 1]).toBe('checkpoint');
    expect(reopened.count()).toBe(2501);
    await reopened.close();
  });
});

describe('memory bound', () => {
  it('checkpoints when the changed B-tree nodes pass checkpointDirtyBytes, and loses nothing', async () => {
    const fileSystem = new MemoryFileSystem();
    const value = 'v'.repeat(100);
    // 4 KiB pages, 64 KiB of dirty nodes allowed: about 10 changed nodes, far below the log bound.
    const tight = await open<string, string>('/tight', { fileSystem, ...utf8, pageSizeBytes: 4096, checkpointLogBytes: 1 << 30, checkpointDirtyBytes: 64 * 1024 });
    const roomy = await open<string, string>('/roomy', { fileSystem, ...utf8, pageSizeBytes: 4096, checkpointLogBytes: 1 << 30 });
    const order = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3000);
    for (let b = 0; b < order.length; b += 100) {
      const ops = order.slice(b, b + 100).map((i) => ({ type: 'put' as const, key: `k${String(i).padStart(5, '0')}`, value }));
      await tight.batch(ops);
      await roomy.batch(ops);
    }
    expect(roomy.stats().checkpoints).toBe(0);
    expect(tight.stats().checkpoints).toBeGreaterThan(5);
    expect(tight.verify()).toEqual([]);
    await tight.close();
    const reopened = await open<string, string>('/tight', { fileSystem, ...utf8 });
    expect(reopened.count()).toBe(3000);
    for (let i = 0; i < 3000; i += 37) expect(reopened.getSync(`k${String(i).padStart(5, '0')}`)).toBe(value);
    await reopened.close();
    await roomy.close();
  });
});

describe('maintenance edges', () => {
  it('refuses checkpoint on a read-only database, shares a checkpoint in flight, and refuses a backup over a database', async () => {
    const fileSystem = new MemoryFileSystem();
    const db = await open<string, string>('/db', { fileSystem, ...utf8 });
    await db.set('a', '1');
    const [p1, p2] = [db.checkpoint(), db.checkpoint()];
    await Promise.all([p1, p2]);
    expect(db.stats().checkpoints).toBeGreaterThanOrEqual(1);
    await db.backup('/copy');
    await expectCode('EXISTS', () => db.backup('/copy'));
    await db.close();
    const ro = await open<string, string>('/db', { fileSystem, ...utf8, readOnly: true });
    await expectCode('READ_ONLY', () => ro.checkpoint());
    await ro.close();
    const copy = await open<string, string>('/copy', { fileSystem, ...utf8 });
    expect(await copy.get('a')).toBe('1');
    await copy.close();
  });

  it('refuses checkpoints and writes with IO after a failed log sync', async () => {
    const fs = new SimulatedFileSystem({ seed: 9 });
    const db = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
    fs.addFault({ op: 'datasync', errno: 'EIO', persistent: true });
    await expectCode('IO', () => db.set('a', '1'));
    await expectCode('IO', () => db.checkpoint());
    await expectCode('IO', () => db.set('b', '2'));
    await db.close().catch(() => {});
  });

  it('fails open with CORRUPTION on a log record of a type the engine never writes', async () => {
    const fileSystem = new MemoryFileSystem();
    const db = await open<string, string>('/db', { fileSystem, ...utf8 });
    await db.set('a', '1');
    await db.close();
    const { WriteAheadLog } = await import('@photondb/wal');
    const log = WriteAheadLog.open(fileSystem.openDirectory('/db/wal'));
    log.append(9, new Uint8Array(4));
    await log.close();
    await expectCode('CORRUPTION', () => open('/db', { fileSystem, ...utf8 }));
  });
});

describe('ownership of bytes', () => {
  it('gives the caller copies: changing a key or value read back, or one written, never changes the database', async () => {
    const db = await open('/db', { fileSystem: new MemoryFileSystem() });
    const key = Buffer.from('key');
    const value = Buffer.from('value');
    await db.set(key, value);
    key.fill(0x41);
    value.fill(0x41);
    const got = db.getSync(Buffer.from('key'))!;
    expect(Buffer.from(got).toString()).toBe('value');
    got.fill(0x42);
    for (const [k, v] of db.scan()) {
      k.fill(0x43);
      v.fill(0x43);
    }
    expect(Buffer.from(db.getSync(Buffer.from('key'))!).toString()).toBe('value');
    expect([...db.scan()].map(([k]) => Buffer.from(k).toString())).toEqual(['key']);
    await db.close();
  });
});

describe('ownership of bytes before the commit is acknowledged', () => {
  it('stores what was passed when the caller changes its buffers before awaiting set, batch, delete or a transaction commit', async () => {
    const fileSystem = new SimulatedFileSystem({ seed: 3 });
    const db = await open('/db', { fileSystem });
    const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString());
    await db.set(Buffer.from('gone'), Buffer.from('x'));
    // set: the key and value are reused for something else before the commit is acknowledged.
    const key = Buffer.from('key1');
    const value = Buffer.from('value-one');
    const setting = db.set(key, value);
    key.write('kex1');
    value.write('CHANGED!!');
    // batch, with a delete whose key is changed too.
    const k2 = Buffer.from('key2');
    const v2 = Buffer.from('value-two');
    const gone = Buffer.from('gone');
    const batching = db.batch([{ type: 'put', key: k2, value: v2 }, { type: 'del', key: gone }]);
    k2.write('kex2');
    v2.write('CHANGED!!');
    gone.write('kept');
    // a transaction: buffered writes, changed before commit() is even called.
    const tx = db.beginTransaction();
    const k3 = Buffer.from('key3');
    const v3 = Buffer.from('value-three');
    tx.set(k3, v3);
    k3.write('kex3');
    v3.write('CHANGED!!!!');
    expect(text(tx.getSync(Buffer.from('key3')))).toBe('value-three');
    await Promise.all([setting, batching, tx.commit()]);
    const expected = [['key1', 'value-one'], ['key2', 'value-two'], ['key3', 'value-three']];
    const contents = (d: typeof db): string[][] => [...d.scan()].map(([k, v]) => [text(k)!, text(v)!]);
    expect(contents(db)).toEqual(expected);
    // The log holds the same as the trees: after a power loss the commits are replayed from it,
    // and after that database's clean close they are in its pages.
    const copy = fileSystem.crash({ seed: 1, damage: 'drop' });
    const replayed = await open('/db', { fileSystem: copy });
    expect(replayed.recovery.cleanShutdown).toBe(false);
    expect(contents(replayed)).toEqual(expected);
    await replayed.close();
    const reopened = await open('/db', { fileSystem: copy });
    expect(contents(reopened)).toEqual(expected);
    await reopened.close();
  });
});

describe('ownership of range bounds', () => {
  it('keeps the bounds a scan, an iterator seek or a transaction scan was given when the caller reuses its buffers', async () => {
    const db = await open('/db', { fileSystem: new MemoryFileSystem() });
    for (const k of ['a', 'b', 'c', 'd']) await db.set(Buffer.from(k), Buffer.from(k));
    const names = (entries: Iterable<[Uint8Array, Uint8Array]>): string => [...entries].map(([k]) => Buffer.from(k).toString()).join(',');
    const lower = Buffer.from('b');
    const upper = Buffer.from('d');
    const scan = db.scan({ gte: lower, lt: upper });
    lower.write('a');
    upper.write('z');
    expect(names(scan)).toBe('b,c');
    const prefix = Buffer.from('c');
    const byPrefix = db.scan({ prefix });
    prefix.write('a');
    expect(names(byPrefix)).toBe('c');
    const cursor = db.iterator();
    const at = Buffer.from('c');
    cursor.seek(at);
    at.write('a');
    expect(Buffer.from(cursor.next()![0]).toString()).toBe('c');
    cursor.close();
    const tx = db.beginTransaction();
    const below = Buffer.from('c');
    const txScan = tx.scan({ lt: below });
    below.write('z');
    expect(names(txScan)).toBe('a,b');
    tx.rollback();
    await db.close();
  });
});

describe('Buffer inputs', () => {
  it('never changes the caller\'s prefix Buffer when turning it into a range', async () => {
    const db = await open('/db', { fileSystem: new MemoryFileSystem() });
    await db.batch(['ab', 'ac', 'b'].map((k) => ({ type: 'put' as const, key: Buffer.from(k), value: Buffer.from(k) })));
    const pool = Buffer.from('xxab'); // a view into a larger buffer, like pooled Buffers are
    const prefix = pool.subarray(2, 3); // "a"
    expect([...db.scan({ prefix })].map(([k]) => Buffer.from(k).toString())).toEqual(['ab', 'ac']);
    expect(pool.toString()).toBe('xxab');
    await db.close();
  });
});

describe('argument checks of the remaining methods', () => {
  it('rejects bad batch, transaction, compact and backup arguments with INVALID_ARGUMENT', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    await expectCode('INVALID_ARGUMENT', () => db.batch('put a' as never));
    await expectCode('INVALID_ARGUMENT', () => db.set('a', '1', { sync: 'yes' } as never));
    await expectCode('INVALID_ARGUMENT', () => db.transaction('work' as never));
    await expectCode('INVALID_ARGUMENT', () => db.compact(null as never));
    await expectCode('INVALID_ARGUMENT', () => db.compact({ onProgress: 1 } as never));
    await expectCode('INVALID_ARGUMENT', () => db.backup(''));
    expect(db.count()).toBe(0);
    await db.close();
  });

  it('writes batch operations into the tables they name', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    await db.createTable('t');
    await db.batch([
      { type: 'put', key: 'a', value: 'default' },
      { type: 'put', key: 'a', value: 'in t', table: 't' },
    ]);
    expect(await db.get('a')).toBe('default');
    expect(await db.table('t').get('a')).toBe('in t');
    await expectCode('NOT_FOUND', () => db.batch([{ type: 'put', key: 'b', value: 'x', table: 'missing' }]));
    await db.close();
  });

  it('lets a transaction function commit on its own, and counts with a limit or in reverse', async () => {
    const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), ...utf8 });
    await db.transaction(async (tx) => {
      tx.set('x', '1');
      await tx.commit();
    });
    await db.batch(['a', 'b', 'c'].map((k) => ({ type: 'put' as const, key: k, value: k })));
    expect(db.count({ limit: 2 } as never)).toBe(2);
    expect(db.count({ reverse: true } as never)).toBe(4);
    const it = db.iterator();
    it.close();
    it.close();
    await expectCode('CLOSED', () => it.next());
    await db.close();
  });

  it('refuses compact after an I/O failure, and removes a left-over compaction file first', async () => {
    const fs = new SimulatedFileSystem({ seed: 4 });
    const db = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
    await db.set('a', '1');
    const stale = fs.openDirectory('/db').openFile('data.photon.compact', { create: true });
    stale.write(0, new Uint8Array(10));
    stale.close();
    await db.compact();
    expect(await db.get('a')).toBe('1');
    fs.addFault({ op: 'datasync', errno: 'EIO', persistent: true });
    await expectCode('IO', () => db.set('b', '2'));
    await expectCode('IO', () => db.compact());
    await db.close().catch(() => {});
  });
});

describe('catalog room (regression: torture tier R6)', () => {
  it('refuses a table whose root would not fit the catalog with TOO_LARGE, before logging it, and keeps working', async () => {
    const fileSystem = new MemoryFileSystem();
    const db = await open<string, string>('/db', { fileSystem, ...utf8, pageSizeBytes: 4096 });
    let created = 0;
    let refused: unknown;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      try {
        await db.createTable(`${String(i).padStart(3, '0')}-${'t'.repeat(90)}`);
        created++;
      } catch (e) {
        refused = e;
      }
    }
    expect(refused).toMatchObject({ code: 'TOO_LARGE' });
    expect(created).toBeGreaterThan(5);
    await db.checkpoint();
    await db.close();
    const again = await open<string, string>('/db', { fileSystem, ...utf8 });
    expect(again.tables().length).toBe(created);
    await again.close();
  });
});
