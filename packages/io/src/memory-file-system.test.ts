import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem } from './memory-file-system.js';
import { SimulatedFileSystem } from './simulated-file-system.js';

for (const make of [() => new MemoryFileSystem(), () => new SimulatedFileSystem()]) {
  const name = make().name;
  describe(`${name} file system details`, () => {
    it('copies written bytes, so later changes to the source do not reach the file', () => {
      const f = make().openDirectory('/', {}).openFile('x', { create: true });
      const source = Uint8Array.of(1, 2, 3);
      f.write(0, source);
      source[0] = 9;
      const out = new Uint8Array(3);
      f.read(0, out);
      expect(out).toEqual(Uint8Array.of(1, 2, 3));
    });

    it('reports file/directory mismatches as IO and bad paths and positions as INVALID_ARGUMENT', async () => {
      const fs = make();
      const dir = fs.openDirectory('/a', { create: true });
      dir.openFile('f', { create: true }).close();
      dir.subdirectory('d', { create: true });
      await expectCode('IO', () => fs.openDirectory('/a/f'));
      await expectCode('IO', () => dir.subdirectory('f'));
      await expectCode('IO', () => dir.openFile('d'));
      await expectCode('IO', () => dir.remove('d'));
      await expectCode('IO', () => dir.rename('f', 'd'));
      await expectCode('INVALID_ARGUMENT', () => fs.openDirectory('/a/../b'));
      await expectCode('INVALID_ARGUMENT', () => dir.openFile('f').write(-1, Uint8Array.of(1)));
      await expectCode('INVALID_ARGUMENT', () => dir.openFile('f').truncate(1.5));
      expect(fs.exists('/a/f/x')).toBe(false);
      expect(fs.exists('/a/d')).toBe(true);
    });

    it('keeps files reachable by open handles after removal, and renames them whole', () => {
      const dir = make().openDirectory('/', {});
      const f = dir.openFile('x', { create: true });
      f.write(0, Uint8Array.of(5));
      dir.rename('x', 'y');
      expect(dir.openFile('y').sizeBytes()).toBe(1);
      dir.remove('y');
      f.write(1, Uint8Array.of(6));
      expect(f.sizeBytes()).toBe(2);
      expect(dir.list()).toEqual([]);
    });

    it('holds locks per instance and per name', async () => {
      const a = make();
      const b = make();
      const lock = a.openDirectory('/db', { create: true }).lock();
      b.openDirectory('/db', { create: true }).lock().release();
      a.openDirectory('/db').lock('OTHER').release();
      await expectCode('LOCKED', () => a.openDirectory('/db').lock());
      lock.release();
      a.openDirectory('/db').lock().release();
    });
  });
}
