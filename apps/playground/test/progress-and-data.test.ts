import { describe, expect, it } from '@jest/globals';
import { BufferSink } from '../src/context.js';
import type { TextSink } from '../src/context.js';
import { ProgressBar } from '../src/progress.js';
import { Prng, orderKey, sampleRows, userCount, userKey } from '../src/sample-data.js';

describe('progress bar', () => {
  it('prints one plain line per 10% when not on a TTY', () => {
    const sink = new BufferSink();
    const bar = new ProgressBar(sink, 'loading', 1000);
    for (let i = 1; i <= 1000; i++) bar.update(i);
    bar.finish();
    const lines = sink.text().trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[9]).toMatch(/^loading █+ 100% {2}1,000\/1,000 rows/);
    expect(sink.text()).not.toContain('\r');
  });

  it('redraws one line in place on a TTY and ends it at finish', () => {
    const chunks: string[] = [];
    const tty: TextSink = { isTTY: true, columns: 100, write: (t: string) => chunks.push(t) };
    const bar = new ProgressBar(tty, 'load', 10);
    bar.update(10);
    bar.finish('done');
    expect(chunks.every((c) => c.startsWith('\r'))).toBe(true);
    expect(chunks[chunks.length - 1]).toMatch(/100%.*done\x1b\[K\n$/);
  });
});

describe('sample data', () => {
  it('is the same for the same seed and row count', () => {
    const a = [...sampleRows(500)];
    const b = [...sampleRows(500)];
    expect(a).toEqual(b);
    expect([...sampleRows(500, 7)]).not.toEqual(a);
  });

  it('makes one user in five, then orders, with sorted unique keys per kind', () => {
    const rows = [...sampleRows(1000)];
    expect(rows).toHaveLength(1000);
    expect(userCount(1000)).toBe(200);
    expect(rows[0].key).toBe(userKey(1));
    expect(rows[199].key).toBe(userKey(200));
    expect(rows[200].key).toBe(orderKey(1));
    expect(new Set(rows.map((r) => r.key)).size).toBe(1000);
    const users = rows.slice(0, 200).map((r) => r.key);
    expect([...users].sort()).toEqual(users);
  });

  it('generates realistic nested documents', () => {
    const rows = [...sampleRows(10)];
    const user = rows[0].value as Record<string, unknown>;
    expect(user).toMatchObject({ id: 1, active: expect.any(Boolean) });
    expect(String(user.email)).toMatch(/^[a-z0-9.-]+@[a-z.]+$/);
    expect(new Date(String(user.createdAt)).toISOString()).toBe(user.createdAt);
    expect((user.address as Record<string, unknown>).country).toMatch(/^[A-Z]{2}$/);
    const order = rows[2].value as { items: { qty: number; priceCents: number }[]; totalCents: number; userId: string };
    expect(order.items.reduce((s, i) => s + i.qty * i.priceCents, 0)).toBe(order.totalCents);
    expect(order.userId).toMatch(/^user:00000[12]$/);
  });

  it('has a PRNG that stays in range', () => {
    const p = new Prng(1);
    for (let i = 0; i < 1000; i++) {
      const n = p.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
  });
});
