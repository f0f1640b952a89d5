import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { ArcPolicy, LruPolicy } from './cache-policy.js';
import type { CachePolicy } from './cache-policy.js';

const always = (): boolean => true;

/** Runs an access trace; returns the ids evicted, in order. */
function run(policy: CachePolicy, trace: readonly number[], canEvict: (id: number) => boolean = always): number[] {
  const evicted: number[] = [];
  for (const id of trace) {
    if (policy.has(id)) policy.touch(id);
    else evicted.push(...policy.admit(id, canEvict));
  }
  return evicted;
}

/** The ARC of the paper (Megiddo and Modha 2003, Fig. 4), written plainly with arrays. */
class ReferenceArc {
  t1: number[] = [];
  t2: number[] = [];
  b1: number[] = [];
  b2: number[] = [];
  p = 0;
  readonly c: number;
  constructor(c: number) {
    this.c = c;
  }
  access(x: number): number[] {
    const out: number[] = [];
    const del = (a: number[], v: number) => a.splice(a.indexOf(v), 1);
    if (this.t1.includes(x) || this.t2.includes(x)) {
      del(this.t1.includes(x) ? this.t1 : this.t2, x);
      this.t2.push(x);
    } else if (this.b1.includes(x)) {
      this.p = Math.min(this.c, this.p + Math.max(this.b2.length / this.b1.length, 1));
      this.replace(false, out);
      del(this.b1, x);
      this.t2.push(x);
    } else if (this.b2.includes(x)) {
      this.p = Math.max(0, this.p - Math.max(this.b1.length / this.b2.length, 1));
      this.replace(true, out);
      del(this.b2, x);
      this.t2.push(x);
    } else {
      const l1 = this.t1.length + this.b1.length;
      const total = l1 + this.t2.length + this.b2.length;
      if (l1 === this.c) {
        if (this.t1.length < this.c) {
          this.b1.shift();
          this.replace(false, out);
        } else out.push(this.t1.shift()!);
      } else if (total >= this.c) {
        if (total === 2 * this.c) this.b2.shift();
        this.replace(false, out);
      }
      this.t1.push(x);
    }
    return out;
  }
  private replace(inB2: boolean, out: number[]): void {
    if (this.t1.length + this.t2.length < this.c) return;
    if (this.t1.length > 0 && ((inB2 && this.t1.length === Math.floor(this.p)) || this.t1.length > this.p)) {
      const v = this.t1.shift()!;
      this.b1.push(v);
      out.push(v);
    } else {
      const v = this.t2.shift()!;
      this.b2.push(v);
      out.push(v);
    }
  }
}

describe('LRU policy', () => {
  it('evicts the least recently used page', () => {
    const lru = new LruPolicy(3);
    expect(run(lru, [1, 2, 3, 1, 4, 5])).toEqual([2, 3]);
  });

  it('never evicts a page that cannot be evicted (pinned)', () => {
    const lru = new LruPolicy(2);
    expect(run(lru, [1, 2, 3], (id) => id !== 1)).toEqual([2]);
    expect(run(lru, [4], () => false)).toEqual([]);
    expect(lru.size).toBe(3);
  });

  it('matches an array model of LRU on random traces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(15), { maxLength: 200 }), (c, trace) => {
        const lru = new LruPolicy(c);
        const model: number[] = [];
        for (const id of trace) {
          const expected: number[] = [];
          if (model.includes(id)) model.splice(model.indexOf(id), 1);
          else if (model.length >= c) expected.push(model.shift()!);
          model.push(id);
          expect(run(lru, [id])).toEqual(expected);
        }
        expect(lru.size).toBe(model.length);
      }),
      { numRuns: fcRuns(200) },
    );
  });
});

describe('ARC policy', () => {
  it('keeps the hot set through a scan, where LRU loses it', () => {
    const hot = [1, 2, 3, 4];
    const warm = [...hot, ...hot, ...hot];
    const scan = Array.from({ length: 40 }, (_, i) => 100 + i);
    const arc = new ArcPolicy(8);
    const lru = new LruPolicy(8);
    run(arc, [...warm, ...scan]);
    run(lru, [...warm, ...scan]);
    expect(hot.every((id) => arc.has(id))).toBe(true);
    expect(hot.some((id) => lru.has(id))).toBe(false);
  });

  it('adapts towards recency when pages evicted from T1 come back', () => {
    const arc = new ArcPolicy(4);
    run(arc, [1, 1, 2, 3, 4, 5]);
    expect(arc.has(2)).toBe(false);
    run(arc, [2]);
    expect(arc.shape().p).toBeGreaterThan(0);
  });

  it('matches the paper\'s ARC on random traces (no pins)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(20), { maxLength: 300 }), (c, trace) => {
        const arc = new ArcPolicy(c);
        const ref = new ReferenceArc(c);
        for (const id of trace) {
          expect(run(arc, [id])).toEqual(ref.access(id));
          const s = arc.shape();
          expect([s.t1, s.t2, s.b1, s.b2]).toEqual([ref.t1.length, ref.t2.length, ref.b1.length, ref.b2.length]);
          expect(s.p).toBeCloseTo(ref.p);
        }
      }),
      { numRuns: fcRuns(200) },
    );
  });

  it('never evicts pinned pages and keeps its lists bounded on random traces with pins', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ id: fc.nat(12), pin: fc.boolean(), unpin: fc.nat(12) }), { maxLength: 200 }),
        (c, steps) => {
          const arc = new ArcPolicy(c);
          const pinned = new Set<number>();
          for (const step of steps) {
            pinned.delete(step.unpin);
            const miss = !arc.has(step.id);
            const evicted = run(arc, [step.id], (id) => !pinned.has(id));
            for (const id of evicted) expect(pinned.has(id)).toBe(false);
            if (step.pin) pinned.add(step.id);
            for (const id of pinned) expect(arc.has(id)).toBe(true);
            const s = arc.shape();
            if (miss) expect(s.t1 + s.t2).toBeLessThanOrEqual(Math.max(c, pinned.size + 1));
            expect(s.b1 + s.b2 + s.t1 + s.t2).toBeLessThanOrEqual(Math.max(2 * c, s.t1 + s.t2));
            expect(s.p).toBeGreaterThanOrEqual(0);
            expect(s.p).toBeLessThanOrEqual(c);
          }
        },
      ),
      { numRuns: fcRuns(200) },
    );
  });
});
