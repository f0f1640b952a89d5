import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { SlottedPage } from './slotted-page.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('SlottedPage', () => {
  it('golden slotted payload v1: header, directory and cells are pinned', () => {
    const buf = new Uint8Array(32);
    const page = SlottedPage.init(buf);
    expect(page.insert(bytes(0xaa, 0xbb))).toBe(0);
    expect(page.insert(bytes(0xcc))).toBe(1);
    expect(Buffer.from(buf).toString('hex')).toBe('02001d00000000001e0002001d00010000000000000000000000000000ccaabb');
  });

  it('inserts, reads, updates in place, moves a grown cell, and deletes', () => {
    const page = SlottedPage.init(new Uint8Array(64));
    const a = page.insert(bytes(1, 2, 3));
    const b = page.insert(bytes(4));
    expect(page.get(a)).toEqual(bytes(1, 2, 3));
    expect(page.update(a, bytes(9))).toBe(true);
    expect(page.get(a)).toEqual(bytes(9));
    expect(page.update(b, bytes(5, 6, 7, 8, 9))).toBe(true);
    expect(page.get(b)).toEqual(bytes(5, 6, 7, 8, 9));
    page.delete(a);
    expect(page.get(a)).toBeUndefined();
    expect(page.insert(bytes(7))).toBe(a);
    expect(page.check()).toEqual([]);
  });

  it('reports a full page by returning -1 and compacts garbage to make room', () => {
    const page = SlottedPage.init(new Uint8Array(40));
    const a = page.insert(new Uint8Array(12).fill(1));
    const b = page.insert(new Uint8Array(8).fill(2));
    expect(page.insert(new Uint8Array(8))).toBe(-1);
    page.delete(a);
    const c = page.insert(new Uint8Array(10).fill(3));
    expect(c).toBe(0);
    expect(page.get(b)).toEqual(new Uint8Array(8).fill(2));
    expect(page.get(c)).toEqual(new Uint8Array(10).fill(3));
    expect(page.check()).toEqual([]);
  });

  it('refuses an update that cannot fit and leaves the cell unchanged', () => {
    const page = SlottedPage.init(new Uint8Array(24));
    const a = page.insert(bytes(1, 2));
    expect(page.update(a, new Uint8Array(20))).toBe(false);
    expect(page.get(a)).toEqual(bytes(1, 2));
  });

  it('rejects a malformed payload with CORRUPTION and writes through a read view with READ_ONLY', () => {
    const buf = new Uint8Array(32);
    SlottedPage.init(buf).insert(bytes(1));
    const view = SlottedPage.read(buf);
    expect(() => view.insert(bytes(2))).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    const bad = buf.slice();
    bad[8] = 5; // slot 0 offset points into the directory
    expect(() => SlottedPage.read(bad)).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
    expect(() => SlottedPage.init(new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => SlottedPage.edit(buf).delete(7)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('matches a Map model over random inserts, updates, deletes and compactions', () => {
    type Op = { kind: 'insert' | 'update' | 'delete' | 'compact'; len: number; pick: number; fill: number };
    const op = fc.record({
      kind: fc.constantFrom('insert' as const, 'insert' as const, 'update' as const, 'delete' as const, 'compact' as const),
      len: fc.nat(40),
      pick: fc.nat(),
      fill: fc.nat(255),
    });
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 300 }), fc.array(op, { maxLength: 80 }), (size, ops: Op[]) => {
        const page = SlottedPage.init(new Uint8Array(size));
        const model = new Map<number, Uint8Array>();
        for (const o of ops) {
          const cell = new Uint8Array(o.len).fill(o.fill);
          const live = [...model.keys()];
          const target = live.length > 0 ? live[o.pick % live.length] : undefined;
          if (o.kind === 'insert') {
            const free = page.freeBytes;
            const slot = page.insert(cell);
            if (slot >= 0) {
              expect(model.has(slot)).toBe(false);
              model.set(slot, cell);
            } else expect(o.len).toBeGreaterThan(free - 4);
          } else if (o.kind === 'update' && target !== undefined) {
            if (page.update(target, cell)) model.set(target, cell);
          } else if (o.kind === 'delete' && target !== undefined) {
            page.delete(target);
            model.delete(target);
          } else if (o.kind === 'compact') {
            page.compact();
          }
          expect(page.check()).toEqual([]);
          expect(page.liveCount).toBe(model.size);
          for (const [slot, data] of model) expect(page.get(slot)).toEqual(data);
        }
        expect(SlottedPage.read(page.bytes).liveCount).toBe(model.size);
      }),
      { numRuns: fcRuns(200) },
    );
  });
});
