import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { failpoint, setFailpointHandler } from '../failpoint.js';
import { MemoryFileSystem } from '../memory-file-system.js';
import { flipBit, readAllBytes, setByte, truncateTo, withFailpoints, zeroSector } from './index.js';

function file(bytes: Uint8Array) {
  const f = new MemoryFileSystem().openDirectory('/', {}).openFile('f', { create: true });
  f.write(0, bytes);
  return f;
}

describe('byte surgery', () => {
  it('flips one bit, counting from the least significant bit of byte 0', () => {
    const f = file(new Uint8Array(4));
    flipBit(f, 0);
    flipBit(f, 17);
    expect(readAllBytes(f)).toEqual(Uint8Array.of(1, 0, 2, 0));
    flipBit(f, 17);
    expect(readAllBytes(f)).toEqual(Uint8Array.of(1, 0, 0, 0));
  });

  it('sets a byte, truncates and zeroes the sector around an offset', () => {
    const f = file(new Uint8Array(1300).fill(7));
    setByte(f, 3, 0xfe);
    expect(readAllBytes(f)[3]).toBe(0xfe);
    zeroSector(f, 700);
    const all = readAllBytes(f);
    expect(all.subarray(512, 1024).every((b) => b === 0)).toBe(true);
    expect(all[511]).toBe(7);
    expect(all[1024]).toBe(7);
    zeroSector(f, 1299, 512);
    expect(readAllBytes(f).length).toBe(1300);
    truncateTo(f, 10);
    expect(readAllBytes(f).length).toBe(10);
  });

  it('rejects offsets outside the file and byte values outside 0..255 with INVALID_ARGUMENT', async () => {
    const f = file(new Uint8Array(4));
    await expectCode('INVALID_ARGUMENT', () => flipBit(f, 32));
    await expectCode('INVALID_ARGUMENT', () => setByte(f, 4, 0));
    await expectCode('INVALID_ARGUMENT', () => setByte(f, 0, 256));
    await expectCode('INVALID_ARGUMENT', () => zeroSector(f, -1));
  });
});

describe('failpoints', () => {
  it('does nothing by default', () => {
    expect(() => failpoint('anything')).not.toThrow();
  });

  it('runs the named handler inside withFailpoints, and restores the previous handler afterwards', async () => {
    const seen: string[] = [];
    const previous = setFailpointHandler((name) => seen.push(`outer:${name}`));
    try {
      await expect(
        withFailpoints({ boom: () => { throw new Error('injected'); } }, () => {
          failpoint('quiet');
          failpoint('boom');
        }),
      ).rejects.toThrow('injected');
      failpoint('after');
      expect(seen).toEqual(['outer:quiet', 'outer:after']);
    } finally {
      setFailpointHandler(previous);
    }
    expect(await withFailpoints({}, async () => 42)).toBe(42);
  });
});
