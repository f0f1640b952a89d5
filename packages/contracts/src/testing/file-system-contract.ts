/**
 * The FileSystem contract suite: every file role operation, its errors, and a fast-check model
 * test of positional writes against a byte array. Run by each implementation in `@photondb/io`.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FileSystem } from '../files.js';
import { expectCode, fcRuns } from './test-api.js';
import type { TestApi } from './test-api.js';

/** How the suite gets a file system and a fresh, empty root path on it. */
export interface FileSystemHarness {
  create(): { fs: FileSystem; root: string };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Runs the FileSystem contract against `harness`. */
export function runFileSystemContract(name: string, harness: FileSystemHarness, t: TestApi): void {
  t.describe(`FileSystem contract: ${name}`, () => {
    t.it('creates a missing directory only when asked', async () => {
      const { fs, root } = harness.create();
      await expectCode('NOT_FOUND', () => fs.openDirectory(`${root}/missing`));
      const dir = fs.openDirectory(`${root}/a/b`, { create: true });
      assert.deepEqual(dir.list(), []);
      assert.ok(fs.exists(`${root}/a/b`));
    });

    t.it('writes and reads at positions, growing the file and reading short at the end', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      const f = dir.openFile('data', { create: true });
      f.write(0, text('hello'));
      f.write(10, text('world'));
      assert.equal(f.sizeBytes(), 15);
      const buf = new Uint8Array(20);
      assert.equal(f.read(0, buf), 15);
      assert.deepEqual(buf.subarray(0, 15), Uint8Array.from([...text('hello'), 0, 0, 0, 0, 0, ...text('world')]));
      assert.equal(f.read(15, buf), 0);
      await f.sync();
      await f.datasync();
      f.syncSync();
      f.datasyncSync();
      f.close();
      f.close();
    });

    t.it('truncates and zero-extends', () => {
      const { fs, root } = harness.create();
      const f = fs.openDirectory(root, { create: true }).openFile('t', { create: true });
      f.write(0, text('abcdef'));
      f.truncate(2);
      assert.equal(f.sizeBytes(), 2);
      f.truncate(4);
      const buf = new Uint8Array(4);
      f.read(0, buf);
      assert.deepEqual(buf, Uint8Array.of(97, 98, 0, 0));
      f.close();
    });

    t.it('reports a missing file as NOT_FOUND and an exclusive create of an existing one as EXISTS', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      await expectCode('NOT_FOUND', () => dir.openFile('nope'));
      dir.openFile('x', { create: true }).close();
      await expectCode('EXISTS', () => dir.openFile('x', { create: true, exclusive: true }));
    });

    t.it('refuses names that are not a single path component', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      for (const bad of ['', '.', '..', 'a/b', '../x', 'a\0b']) {
        await expectCode('INVALID_ARGUMENT', () => dir.openFile(bad, { create: true }));
      }
    });

    t.it('lists sorted names, renames over a target and removes', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      for (const n of ['c', 'a', 'b']) {
        const f = dir.openFile(n, { create: true });
        f.write(0, text(n));
        f.close();
      }
      assert.deepEqual(dir.list(), ['a', 'b', 'c']);
      dir.rename('a', 'c');
      assert.deepEqual(dir.list(), ['b', 'c']);
      const f = dir.openFile('c');
      const buf = new Uint8Array(1);
      f.read(0, buf);
      assert.deepEqual(buf, text('a'));
      f.close();
      dir.remove('b');
      assert.deepEqual(dir.list(), ['c']);
      await expectCode('NOT_FOUND', () => dir.remove('b'));
      await dir.sync();
      dir.syncSync();
    });

    t.it('appends to an append file', () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      const a = dir.openAppend('log', { create: true });
      a.append(text('ab'));
      a.append(text('cd'));
      assert.equal(a.sizeBytes(), 4);
      a.close();
      const f = dir.openFile('log');
      const buf = new Uint8Array(4);
      f.read(0, buf);
      assert.deepEqual(buf, text('abcd'));
      f.close();
    });

    t.it('opens subdirectories', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      await expectCode('NOT_FOUND', () => dir.subdirectory('wal'));
      const sub = dir.subdirectory('wal', { create: true });
      sub.openFile('0001.log', { create: true }).close();
      assert.deepEqual(sub.list(), ['0001.log']);
      assert.deepEqual(dir.list(), ['wal']);
    });

    t.it('refuses writes to a read-only file with READ_ONLY', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      dir.openFile('r', { create: true }).close();
      const f = dir.openFile('r', { readOnly: true });
      await expectCode('READ_ONLY', () => f.write(0, text('x')));
      f.close();
    });

    t.it('fails calls on a closed file with CLOSED', async () => {
      const { fs, root } = harness.create();
      const f = fs.openDirectory(root, { create: true }).openFile('c', { create: true });
      f.close();
      await expectCode('CLOSED', () => f.write(0, text('x')));
      await expectCode('CLOSED', () => f.read(0, new Uint8Array(1)));
      await expectCode('CLOSED', () => f.sync());
    });

    t.it('gives a lock to one holder at a time', async () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      const lock = dir.lock();
      await expectCode('LOCKED', () => dir.lock());
      await expectCode('LOCKED', () => fs.openDirectory(root).lock());
      lock.release();
      lock.release();
      const again = dir.lock();
      again.release();
    });

    t.it('matches a byte-array model over random positional writes and truncates', () => {
      const { fs, root } = harness.create();
      const dir = fs.openDirectory(root, { create: true });
      let n = 0;
      const op = fc.oneof(
        fc.record({ kind: fc.constant('write' as const), pos: fc.nat(3000), data: fc.uint8Array({ maxLength: 700 }) }),
        fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(3000) }),
      );
      fc.assert(
        fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
          const f = dir.openFile(`m${n++}`, { create: true });
          let model = new Uint8Array(0);
          for (const o of ops) {
            if (o.kind === 'write') {
              if (o.data.length === 0) continue;
              const end = o.pos + o.data.length;
              if (end > model.length) {
                const grown = new Uint8Array(end);
                grown.set(model);
                model = grown;
              }
              model.set(o.data, o.pos);
              f.write(o.pos, o.data);
            } else {
              const next = new Uint8Array(o.size);
              next.set(model.subarray(0, Math.min(o.size, model.length)));
              model = next;
              f.truncate(o.size);
            }
            assert.equal(f.sizeBytes(), model.length);
          }
          const buf = new Uint8Array(model.length);
          assert.equal(f.read(0, buf), model.length);
          assert.deepEqual(buf, model);
          f.close();
        }),
        { numRuns: fcRuns(50) },
      );
    });
  });
}
