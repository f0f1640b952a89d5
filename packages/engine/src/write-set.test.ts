import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { WriteSet, TableWrites } from './write-set.js';
import { keyId } from './range.js';

const runs = Math.max(100, Number(process.env.PHOTON_FC_RUNS ?? 100));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('TableWrites (a transaction writes of one table)', () => {
  it('agrees with a Map model: last write wins, key order, own reads, ranges, ids', () => {
    const keyArb = fc.uint8Array({ maxLength: 3, max: 4 });
    const write = fc.record({ key: keyArb, value: fc.option(fc.uint8Array({ maxLength: 4 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), fc.integer({ min: 0, max: 40 }), keyArb, keyArb, (writes, readAt, lo, hi) => {
        const t = new TableWrites();
        const model = new Map<string, { key: Uint8Array; value: Uint8Array | undefined }>();
        writes.forEach((w, i) => {
          // Reads of one's own writes may come at any point, before or after more writes.
          if (i === readAt) for (const [id, m] of model) expect(t.lookup(m.key)?.value).toEqual(model.get(id)?.value);
          t.set(w.key, w.value);
          model.set(hex(w.key), w);
        });
        const sorted = [...model.values()].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
        expect(t.size).toBe(model.size);
        expect(t.isEmpty).toBe(writes.length === 0);
        expect(t.toOps().map((o) => [hex(o.key), o.type === 'put' ? hex(o.value) : null])).toEqual(
          sorted.map((w) => [hex(w.key), w.value === undefined ? null : hex(w.value)]),
        );
        for (const w of model.values()) {
          expect(t.lookup(w.key)?.value).toEqual(w.value);
          expect(t.hasId(keyId(w.key))).toBe(true);
        }
        expect([...t.keys()].length).toBe(model.size);
        const range = { lower: lo, lowerInclusive: true, upper: hi, upperInclusive: false };
        const inside = sorted.filter((w) => Buffer.compare(Buffer.from(w.key), Buffer.from(lo)) >= 0 && Buffer.compare(Buffer.from(w.key), Buffer.from(hi)) < 0);
        expect(t.inRange(range, false).map((w) => hex(w.key))).toEqual(inside.map((w) => hex(w.key)));
        expect(t.inRange(range, true).map((w) => hex(w.key))).toEqual(inside.reverse().map((w) => hex(w.key)));
      }),
      { numRuns: runs },
    );
  });

  it('takes ascending writes as they are and still de-duplicates unsorted ones', () => {
    const t = new TableWrites();
    for (let i = 0; i < 5; i++) t.set(Uint8Array.of(i), Uint8Array.of(i));
    expect(t.toOps().map((o) => o.key[0])).toEqual([0, 1, 2, 3, 4]);
    t.set(Uint8Array.of(2), undefined);
    expect(t.toOps().map((o) => `${o.key[0]}:${o.type}`)).toEqual(['0:put', '1:put', '2:delete', '3:put', '4:put']);
    expect(t.size).toBe(5);
  });
});

describe('WriteSet', () => {
  it('is empty until a table has a write, and commits only tables with writes', () => {
    const ws = new WriteSet();
    expect(ws.isEmpty).toBe(true);
    ws.table('a'); // asked for, never written
    expect(ws.isEmpty).toBe(true);
    expect(new TableWrites().size).toBe(0);
    ws.table('b').set(Uint8Array.of(1), Uint8Array.of(2));
    expect(ws.isEmpty).toBe(false);
    expect([...ws.toCommitOps().keys()]).toEqual(['b']);
  });
});
