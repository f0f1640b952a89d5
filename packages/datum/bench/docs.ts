/**
 * Sample documents for the codec benchmarks: small (a user row), medium (an order with line
 * items) and large (a page of 200 log events). Deterministic (no randomness).
 */
import type { Datum } from '../src/index.js';

export const smallDoc: Datum = { id: 1042, name: 'Ada Lovelace', email: 'ada@example.com', active: true, score: 97.5, tags: ['admin', 'math'] };

export const mediumDoc: Datum = {
  orderId: 'ord_8f3a2c91',
  customer: { id: 77123, name: 'Grace Hopper', address: { street: '12 Navy Yard Rd', city: 'Arlington', zip: '22201', country: 'US' } },
  createdAt: 1714557600000,
  status: 'shipped',
  items: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${1000 + i}`, title: `Item number ${i} with a longer title`, qty: 1 + (i % 3), price: 9.99 + i * 3.25, discount: i % 2 === 0 ? 0 : 0.1 })),
  notes: 'Leave at the front desk. Ring twice — the bell is quiet.',
  total: 187.42,
};

export const largeDoc: Datum = {
  page: 3,
  events: Array.from({ length: 200 }, (_, i) => ({
    seq: 100000 + i,
    ts: 1714557600000 + i * 137,
    level: ['debug', 'info', 'warn', 'error'][i % 4],
    source: `service-${i % 7}`,
    message: `request ${i} handled in ${(i * 7) % 300} ms with status ${[200, 201, 404, 500][i % 4]}`,
    latencyMs: ((i * 7) % 300) + 0.25,
    ok: i % 4 !== 3,
    labels: { region: i % 2 ? 'eu-west-1' : 'us-east-1', pod: `pod-${i % 13}` },
  })),
};
