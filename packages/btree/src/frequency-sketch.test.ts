/**
 * The pager's lookup-frequency sketch (count-min, two rows, halved as it ages): an estimate is
 * never below the true count since the last halving (capped at 255), and halving halves it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { FrequencySketch } from './pager.js';

describe('FrequencySketch', () => {
  it('property: estimates never undercount, and are exact for one id alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 2000 }), (ids) => {
        // 1024 counters a row and 8 increments a counter before halving: 8192 > 2000, so no halving here.
        const sketch = new FrequencySketch(1024);
        const truth = new Map<number, number>();
        for (const id of ids) {
          const after = sketch.increment(id);
          const n = (truth.get(id) ?? 0) + 1;
          truth.set(id, n);
          expect(after).toBeGreaterThanOrEqual(Math.min(n, 255));
        }
        for (const [id, n] of truth) expect(sketch.estimate(id)).toBeGreaterThanOrEqual(Math.min(n, 255));
        const single = new FrequencySketch(1024);
        for (let i = 0; i < Math.min(ids.length, 300); i++) single.increment(ids[0]);
        expect(single.estimate(ids[0])).toBe(Math.min(ids.length, 300, 255));
      }),
      { numRuns: fcRuns(100) },
    );
  });

  it('halves every count after 8 increments per counter, so old lookups fade', () => {
    const sketch = new FrequencySketch(16);
    for (let i = 0; i < 100; i++) sketch.increment(7);
    expect(sketch.estimate(7)).toBe(100);
    // 128 increments in all (8 per counter of a 16-counter row) trigger the halving.
    for (let i = 0; i < 28; i++) sketch.increment(7);
    expect(sketch.estimate(7)).toBe(64);
  });
});
