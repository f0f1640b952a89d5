import { describe, expect, it } from '@jest/globals';
import { MemoryFileSystem } from '@photondb/io';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';
import { expectCode } from '@photondb/contracts/testing';
import { SMALL, dec, enc } from './helpers/bytes.js';

async function fresh(fs = new MemoryFileSystem(), extra: object = {}): Promise<PhotonDB> {
  return open('/db', { fileSystem: fs, ...SMALL, ...extra });
}

describe('engine basics', () => {
  it('stores, reads, deletes and keeps data across a clean reopen', async () => {
    const fs = new MemoryFileSystem();
    let db = await fresh(fs);
    await db.set(enc('a'), enc('1'));
    await db.set(enc('b'), enc('2'));
    await db.delete(enc('a'));
    expect(await db.get(enc('a'))).toBeUndefined();
    expect(dec(db.getSync(enc('b')))).toBe('2');
    await db.close();
    db = await fresh(fs);
    expect(db.recovery.cleanShutdown).toBe(true);
    expect(dec(await db.get(enc('b')))).toBe('2');
    expect(await db.get(enc('a'))).toBeUndefined();
    await db.close();
  });

  it('accepts empty keys and empty values', async () => {
    const db = await fresh();
    await db.set(new Uint8Array(0), new Uint8Array(0));
    expect(await db.get(new Uint8Array(0))).toEqual(new Uint8Array(0));
    expect([...db.scan()].length).toBe(1);
    await db.close();
  });

  it('applies a batch atomically and validates every operation before writing', async () => {
    const db = await fresh();
    await db.batch([
      { type: 'put', key: enc('x'), value: enc('1') },
      { type: 'put', key: enc('y'), value: enc('2') },
      { type: 'del', key: enc('x') },
    ]);
    expect(await db.get(enc('x'))).toBeUndefined();
    expect(dec(await db.get(enc('y')))).toBe('2');
    await expectCode('INVALID_ARGUMENT', () =>
      db.batch([
        { type: 'put', key: enc('z'), value: enc('3') },
        { type: 'put', key: 'not bytes' as unknown as Uint8Array, value: enc('4') },
      ]),
    );
    expect(await db.get(enc('z'))).toBeUndefined();
    await db.close();
  });

  it('scans ranges, prefixes, reverse and limit from one snapshot, with for-of and for-await', async () => {
    const db = await fresh();
    const keys = ['a', 'ab', 'abc', 'b', 'ba', 'c'];
    await db.batch(keys.map((k) => ({ type: 'put' as const, key: enc(k), value: enc(k.toUpperCase()) })));
    const names = (it: Iterable<[Uint8Array, Uint8Array]>): string[] => [...it].map(([k]) => dec(k)!);
    expect(names(db.scan())).toEqual(keys);
    expect(names(db.scan({ gte: enc('ab'), lt: enc('b') }))).toEqual(['ab', 'abc']);
    expect(names(db.scan({ gt: enc('ab'), lte: enc('ba') }))).toEqual(['abc', 'b', 'ba']);
    expect(names(db.scan({ prefix: enc('a') }))).toEqual(['a', 'ab', 'abc']);
    expect(names(db.scan({ reverse: true, limit: 2 }))).toEqual(['c', 'ba']);
    expect(names(db.scan({ prefix: enc('b'), reverse: true }))).toEqual(['ba', 'b']);
    expect(names(db.scan({ limit: 0 }))).toEqual([]);
    const seen: string[] = [];
    for await (const [k] of db.scan({ lt: enc('b') })) seen.push(dec(k)!);
    expect(seen).toEqual(['a', 'ab', 'abc']);
    expect(db.count()).toBe(6);
    expect(db.count({ prefix: enc('a') })).toBe(3);
    await db.close();
  });

  it('keeps a scan on the snapshot taken when it was created', async () => {
    const db = await fresh();
    await db.set(enc('k1'), enc('v1'));
    const scan = db.scan();
    await db.set(enc('k2'), enc('v2'));
    await db.delete(enc('k1'));
    expect([...scan].map(([k]) => dec(k))).toEqual(['k1']);
    await db.close();
  });

  it('iterates with a cursor that seeks both ways and closes itself after a loop', async () => {
    const db = await fresh();
    await db.batch(['a', 'c', 'e', 'g'].map((k) => ({ type: 'put' as const, key: enc(k), value: enc(k) })));
    const it = db.iterator();
    expect(dec(it.next()![0])).toBe('a');
    it.seek(enc('d'));
    expect(dec(it.next()![0])).toBe('e');
    expect(dec(it.next()![0])).toBe('g');
    expect(it.next()).toBeUndefined();
    it.close();
    await expectCode('CLOSED', () => it.next());
    const rev = db.iterator({ reverse: true });
    rev.seek(enc('d'));
    expect(dec(rev.next()![0])).toBe('c');
    const all: string[] = [];
    for (const [k] of rev) all.push(dec(k)!);
    expect(all).toEqual(['a']);
    await expectCode('CLOSED', () => rev.next());
    await db.close();
  });
});

describe('transactions', () => {
  it('reads its own writes, hides them from others until commit, and drops them on rollback', async () => {
    const db = await fresh();
    await db.set(enc('a'), enc('0'));
    const tx = db.beginTransaction();
    tx.set(enc('a'), enc('1'));
    tx.set(enc('b'), enc('2'));
    tx.delete(enc('c'));
    expect(dec(tx.getSync(enc('a')))).toBe('1');
    expect([...tx.scan()].map(([k, v]) => `${dec(k)}=${dec(v)}`)).toEqual(['a=1', 'b=2']);
    expect(dec(await db.get(enc('a')))).toBe('0');
    await tx.commit();
    expect(dec(await db.get(enc('a')))).toBe('1');
    const tx2 = db.beginTransaction();
    tx2.set(enc('a'), enc('9'));
    tx2.rollback();
    expect(tx2.state).toBe('rolled-back');
    expect(dec(await db.get(enc('a')))).toBe('1');
    await expectCode('CLOSED', () => tx2.set(enc('x'), enc('y')));
    await db.close();
  });

  it('rejects a lost update with CONFLICT', async () => {
    const db = await fresh();
    await db.set(enc('counter'), enc('0'));
    const t1 = db.beginTransaction();
    const t2 = db.beginTransaction();
    const v1 = Number(dec(t1.getSync(enc('counter'))));
    const v2 = Number(dec(t2.getSync(enc('counter'))));
    t1.set(enc('counter'), enc(String(v1 + 1)));
    t2.set(enc('counter'), enc(String(v2 + 1)));
    await t1.commit();
    await expectCode('CONFLICT', () => t2.commit());
    expect(dec(await db.get(enc('counter')))).toBe('1');
    expect(db.stats().conflicts).toBe(1);
    await db.close();
  });

  it('rejects write skew with CONFLICT', async () => {
    const db = await fresh();
    await db.batch([
      { type: 'put', key: enc('alice'), value: enc('on') },
      { type: 'put', key: enc('bob'), value: enc('on') },
    ]);
    const t1 = db.beginTransaction();
    const t2 = db.beginTransaction();
    if (dec(t1.getSync(enc('bob'))) === 'on') t1.set(enc('alice'), enc('off'));
    if (dec(t2.getSync(enc('alice'))) === 'on') t2.set(enc('bob'), enc('off'));
    await t1.commit();
    await expectCode('CONFLICT', () => t2.commit());
    await db.close();
  });

  it('rejects a phantom: an insert into a range another transaction scanned', async () => {
    const db = await fresh();
    await db.set(enc('job:1'), enc('x'));
    const t1 = db.beginTransaction();
    const count = [...t1.scan({ prefix: enc('job:') })].length;
    t1.set(enc('jobs-count'), enc(String(count)));
    await db.set(enc('job:2'), enc('y'));
    await expectCode('CONFLICT', () => t1.commit());
    await db.close();
  });

  it('does not conflict on disjoint keys or for read-only transactions', async () => {
    const db = await fresh();
    const t1 = db.beginTransaction();
    const t2 = db.beginTransaction();
    t1.getSync(enc('a'));
    t1.set(enc('a'), enc('1'));
    t2.getSync(enc('b'));
    t2.set(enc('b'), enc('2'));
    const ro = db.beginTransaction();
    ro.getSync(enc('a'));
    await t1.commit();
    await t2.commit();
    await ro.commit();
    await db.close();
  });

  it('retries a conflicting transaction() until it commits', async () => {
    const db = await fresh();
    await db.set(enc('n'), enc('0'));
    const increment = () =>
      db.transaction(async (tx) => {
        const n = Number(dec(tx.getSync(enc('n'))));
        await new Promise((r) => setTimeout(r, 1));
        tx.set(enc('n'), enc(String(n + 1)));
      });
    await Promise.all(Array.from({ length: 8 }, increment));
    expect(dec(await db.get(enc('n')))).toBe('8');
    await db.close();
  });

  it('spans tables atomically', async () => {
    const fs = new MemoryFileSystem();
    let db = await fresh(fs);
    await db.createTable('users');
    await db.createTable('orders');
    const tx = db.beginTransaction();
    tx.table('users').set(enc('u1'), enc('ada'));
    tx.table('orders').set(enc('o1'), enc('u1'));
    await tx.commit();
    await db.close();
    db = await fresh(fs);
    expect(db.tables()).toEqual(['orders', 'users']);
    expect(dec(await db.table('users').get(enc('u1')))).toBe('ada');
    expect(dec(await db.table('orders').get(enc('o1')))).toBe('u1');
    expect(await db.get(enc('u1'))).toBeUndefined();
    await db.close();
  });
});

describe('tables and snapshots', () => {
  it('creates, lists and drops tables durably, with typed errors', async () => {
    const fs = new MemoryFileSystem();
    let db = await fresh(fs);
    const t = await db.createTable('t');
    await t.set(enc('k'), enc('v'));
    await expectCode('EXISTS', () => db.createTable('t'));
    await expectCode('NOT_FOUND', () => db.table('missing'));
    await expectCode('INVALID_ARGUMENT', () => db.table(''));
    await expectCode('INVALID_ARGUMENT', () => db.dropTable('default'));
    await db.dropTable('t');
    expect(db.tables()).toEqual([]);
    await db.close();
    db = await fresh(fs);
    expect(db.tables()).toEqual([]);
    await db.close();
  });

  it('pins a snapshot until it is released', async () => {
    const db = await fresh();
    await db.set(enc('a'), enc('1'));
    {
      await using snap = db.snapshot();
      await db.set(enc('a'), enc('2'));
      await db.set(enc('b'), enc('3'));
      expect(dec(await snap.get(enc('a')))).toBe('1');
      expect(snap.count()).toBe(1);
    }
    const snap2 = db.snapshot();
    snap2.release();
    await expectCode('CLOSED', () => snap2.getSync(enc('a')));
    await db.close();
  });
});

describe('encodings', () => {
  it('stores utf8 keys with json values', async () => {
    const db = await open<string, unknown>('/db', { fileSystem: new MemoryFileSystem(), keyEncoding: 'utf8', valueEncoding: 'json' });
    await db.set('user:1', { name: 'Ada', tags: ['x'] });
    expect(await db.get('user:1')).toEqual({ name: 'Ada', tags: ['x'] });
    expect([...db.scan({ prefix: 'user:' })].map(([k]) => k)).toEqual(['user:1']);
    await db.close();
  });

  it('orders datum keys by datum order and scans compound prefixes', async () => {
    const db = await open<unknown, unknown>('/db', { fileSystem: new MemoryFileSystem(), keyEncoding: 'datum', valueEncoding: 'datum' });
    await db.batch([
      { type: 'put', key: ['user', 2], value: { n: 2 } },
      { type: 'put', key: ['user', 10], value: { n: 10 } },
      { type: 'put', key: ['order', 1], value: { n: 1 } },
      { type: 'put', key: 5, value: 'five' },
    ]);
    expect([...db.scan({ prefix: ['user'] })].map(([k]) => k)).toEqual([['user', 2], ['user', 10]]);
    expect([...db.scan()].map(([k]) => k)[0]).toEqual(['order', 1]);
    await db.close();
  });
});

describe('errors', () => {
  it('refuses every call on a closed engine with CLOSED', async () => {
    const db = await fresh();
    await db.close();
    await db.close();
    await expectCode('CLOSED', () => db.get(enc('a')));
    await expectCode('CLOSED', () => db.set(enc('a'), enc('b')));
    await expectCode('CLOSED', () => db.scan());
    await expectCode('CLOSED', () => db.beginTransaction());
    await expectCode('CLOSED', () => db.stats());
  });

  it('rejects bad keys, values and options before writing', async () => {
    const db = await fresh();
    await expectCode('TOO_LARGE', () => db.set(new Uint8Array(2000), enc('v')));
    await expectCode('INVALID_ARGUMENT', () => db.set(enc('k'), undefined as unknown as Uint8Array));
    await expectCode('INVALID_ARGUMENT', () => db.set('k' as unknown as Uint8Array, enc('v')));
    await expectCode('INVALID_ARGUMENT', () => db.scan({ limit: -1 }));
    await expectCode('INVALID_ARGUMENT', () => db.scan({ bogus: 1 } as object));
    expect(db.count()).toBe(0);
    await db.close();
    await expectCode('INVALID_ARGUMENT', () => open('/x', { fileSystem: new MemoryFileSystem(), pageSizeBytes: 5000 }));
    await expectCode('INVALID_ARGUMENT', () => open('/x', { fileSystem: new MemoryFileSystem(), compression: 'zip' as 'none' }));
    await expectCode('INVALID_ARGUMENT', () => open('/x', { fileSystem: new MemoryFileSystem(), nope: true } as object));
    await expectCode('INVALID_ARGUMENT', () => open('', { fileSystem: new MemoryFileSystem() }));
  });

  it('honours createIfMissing, errorIfExists and readOnly', async () => {
    const fs = new MemoryFileSystem();
    await expectCode('NOT_FOUND', () => open('/db', { fileSystem: fs, createIfMissing: false }));
    await expectCode('NOT_FOUND', () => open('/db', { fileSystem: fs, readOnly: true }));
    const db = await fresh(fs);
    await db.set(enc('a'), enc('1'));
    await expectCode('LOCKED', () => fresh(fs));
    await db.close();
    await expectCode('EXISTS', () => open('/db', { fileSystem: fs, errorIfExists: true }));
    const ro = await open('/db', { fileSystem: fs, readOnly: true });
    const ro2 = await open('/db', { fileSystem: fs, readOnly: true });
    expect(dec(await ro.get(enc('a')))).toBe('1');
    await expectCode('READ_ONLY', () => ro.set(enc('a'), enc('2')));
    await expectCode('READ_ONLY', () => ro.checkpoint());
    await ro.close();
    await ro2.close();
  });

  it('refuses a directory whose data file is not a PhotonDB database', async () => {
    const fs = new MemoryFileSystem();
    const dir = fs.openDirectory('/db', { create: true });
    const f = dir.openFile('data.photon', { create: true });
    f.write(0, enc('this is a text file, not a database'.repeat(300)));
    f.close();
    await expectCode('NOT_A_DATABASE', () => fresh(fs));
  });
});

describe('maintenance', () => {
  it('checkpoints, verifies and reports stats', async () => {
    const db = await fresh();
    for (let i = 0; i < 300; i++) await db.set(enc(`key${String(i).padStart(4, '0')}`), enc('x'.repeat(100)));
    await db.checkpoint();
    const s = db.stats();
    expect(s.entries).toBe(300);
    expect(s.commits).toBe(300);
    expect(s.checkpointLsn).toBeGreaterThan(0);
    expect(s.treeDepth).toBeGreaterThanOrEqual(2);
    // After a checkpoint every node has its page: the types add up to the file's pages.
    const t = s.pagesByType;
    expect(t.meta).toBe(2);
    expect(t.leaf).toBeGreaterThan(1);
    expect(t.branch).toBeGreaterThanOrEqual(1);
    expect(t.free).toBe(s.freePages);
    expect(t.meta + t.leaf + t.branch + t.overflow + t.free + t.other).toBe(s.pageCount);
    expect(db.verify()).toEqual([]);
    await db.close();
  });

  it('backs up a consistent copy while staying open', async () => {
    const fs = new MemoryFileSystem();
    const db = await fresh(fs);
    for (let i = 0; i < 50; i++) await db.set(enc(`k${i}`), enc(`v${i}`));
    await db.backup('/copy');
    await db.set(enc('after'), enc('backup'));
    await db.close();
    const copy = await open('/copy', { fileSystem: fs });
    expect(copy.count()).toBe(50);
    expect(await copy.get(enc('after'))).toBeUndefined();
    expect(dec(await copy.get(enc('k7')))).toBe('v7');
    await copy.close();
  });
});
