import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { encodeRedo } from '@photondb/btree';
import type { BatchOp } from '@photondb/btree';
import { fcRuns } from '@photondb/contracts/testing';
import { decodeCommit, decodeTableRecord, encodeCommit, encodeTableRecord } from './format.js';

const k = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('engine log record format', () => {
  it('golden commit record v1', () => {
    const ops: BatchOp[] = [{ type: 'put', key: k('a'), value: k('1') }];
    const redo = encodeRedo(ops);
    const bytes = encodeCommit(new Map([['t', ops]]));
    const header = [1, 1, 0, 1, 0, 0x74, redo.length & 0xff, (redo.length >> 8) & 0xff, 0, 0];
    expect([...bytes.subarray(0, header.length)]).toEqual(header);
    expect(bytes.subarray(header.length)).toEqual(redo);
  });

  it('writes every byte of a commit record (its buffer comes unzeroed from the pool)', () => {
    let fromDirtyPool = 0;
    const op = fc.oneof(
      fc.record({ type: fc.constant('put' as const), key: fc.uint8Array({ maxLength: 20 }), value: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ type: fc.constant('delete' as const), key: fc.uint8Array({ maxLength: 20 }) }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.array(op, { minLength: 1, maxLength: 5 }), { minKeys: 1 }), fc.integer({ min: 0, max: 255 }), (tables, junk) => {
        // Dirty the rest of the pool the record's buffer is cut from, then compare with the
        // record written out by hand.
        const probe = Buffer.allocUnsafe(1);
        new Uint8Array(probe.buffer).fill(junk, probe.byteOffset + 1);
        const ops = new Map(Object.entries(tables));
        const bytes = encodeCommit(ops);
        if (bytes.buffer === probe.buffer) fromDirtyPool++;
        const expected: number[] = [1, ops.size & 0xff, ops.size >> 8];
        for (const [name, list] of ops) {
          const nameBytes = [...new TextEncoder().encode(name)];
          const redo = [...encodeRedo(list)];
          expected.push(nameBytes.length & 0xff, nameBytes.length >> 8, ...nameBytes, redo.length & 0xff, (redo.length >> 8) & 0xff, (redo.length >> 16) & 0xff, redo.length >>> 24, ...redo);
        }
        expect([...bytes]).toEqual(expected);
      }),
      { numRuns: fcRuns(100) },
    );
    expect(fromDirtyPool).toBeGreaterThan(50);
  });

  it('golden table record v1', () => {
    expect([...encodeTableRecord('users')]).toEqual([1, 5, 0, 0x75, 0x73, 0x65, 0x72, 0x73]);
    expect(decodeTableRecord(encodeTableRecord('users'), 1)).toBe('users');
  });

  it('round-trips commits over several tables', () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant('put' as const), key: fc.uint8Array({ maxLength: 20 }), value: fc.uint8Array({ maxLength: 50 }) }),
      fc.record({ type: fc.constant('delete' as const), key: fc.uint8Array({ maxLength: 20 }) }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.array(op, { minLength: 1, maxLength: 5 }), { minKeys: 1 }), (tables) => {
        const ops = new Map(Object.entries(tables));
        const decoded = decodeCommit(encodeCommit(ops), 1);
        expect([...decoded.keys()]).toEqual([...ops.keys()]);
        for (const [name, list] of ops) expect(decoded.get(name)!.map((o) => o.type)).toEqual(list.map((o) => o.type));
      }),
      { numRuns: fcRuns(100) },
    );
  });

  it('refuses truncated, padded and newer-version records with CORRUPTION', () => {
    const good = encodeCommit(new Map([['t', [{ type: 'delete' as const, key: k('x') }]]]));
    for (const bad of [good.subarray(0, good.length - 1), Uint8Array.from([...good, 0]), Uint8Array.from([2, ...good.subarray(1)]), new Uint8Array(0)]) {
      expect(() => decodeCommit(bad, 7)).toThrow(expect.objectContaining({ code: 'CORRUPTION', lsn: 7 }));
    }
  });

  it('decodes random bytes to a commit or a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeCommit(bytes, 1);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('CORRUPTION');
        }
      }),
      { numRuns: fcRuns(300) },
    );
  });
});
