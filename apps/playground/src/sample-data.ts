/**
 * The demo's data set: realistic user and order documents generated from a seeded PRNG, so every
 * run (and every machine) produces the same rows. One row in five is a user; the rest are orders
 * that reference a user. Keys sort by kind, then by a zero-padded id:
 *   user:000042   { id, name, email, createdAt, address: { city, country, zip }, tags, credit, active }
 *   order:0000042 { id, userId, placedAt, status, items: [{ sku, name, qty, priceCents }], totalCents, shipping: {...} }
 */

/** A fast 32-bit PRNG (mulberry32). Same seed, same sequence. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Niklaus', 'Radia', 'Tim', 'Shafi', 'Leslie', 'Sophie', 'Yukihiro', 'Guido', 'Anders', 'Hedy', 'John', 'Katherine', 'Dennis', 'Jean', 'Linus'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Wirth', 'Perlman', 'Berners-Lee', 'Goldwasser', 'Lamport', 'Wilson', 'Matsumoto', 'van Rossum', 'Hejlsberg', 'Lamarr', 'McCarthy', 'Johnson', 'Ritchie', 'Sammet', 'Torvalds'];
const CITIES: readonly [string, string][] = [['Lisbon', 'PT'], ['Berlin', 'DE'], ['Osaka', 'JP'], ['Austin', 'US'], ['Nairobi', 'KE'], ['Montreal', 'CA'], ['Utrecht', 'NL'], ['Pune', 'IN'], ['Valparaíso', 'CL'], ['Tromsø', 'NO'], ['Zürich', 'CH'], ['São Paulo', 'BR']];
const DOMAINS = ['example.com', 'mail.test', 'photon.dev', 'inbox.example'];
const TAGS = ['beta', 'newsletter', 'vip', 'mobile', 'gift-card', 'returning', 'wholesale'];
const PRODUCTS: readonly [string, string, number][] = [['SKU-1001', 'Mechanical keyboard', 8900], ['SKU-1002', 'USB-C cable', 1200], ['SKU-1003', 'Standing desk', 39900], ['SKU-1004', 'Monitor arm', 7400], ['SKU-1005', 'Notebook (dotted)', 900], ['SKU-1006', 'Espresso beans 1kg', 2600], ['SKU-1007', 'Noise-cancelling headphones', 24900], ['SKU-1008', 'Desk lamp', 4500]];
const STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'delivered', 'delivered', 'returned'];

/** Ms since epoch of 2024-01-01T00:00:00Z; timestamps run forward from here. */
const EPOCH_MS = Date.UTC(2024, 0, 1);

/** A JSON document as the demo stores it. */
export type Doc = { readonly [k: string]: string | number | boolean | null | Doc | readonly (string | number | Doc)[] };

/** One generated row. */
export interface SampleRow {
  readonly key: string;
  readonly value: Doc;
}

/** Users in a data set of `rows` rows (one in five, at least one). */
export function userCount(rows: number): number {
  return Math.max(1, Math.floor(rows / 5));
}

/** The key of user `id`. */
export function userKey(id: number): string {
  return `user:${String(id).padStart(6, '0')}`;
}

/** The key of order `id`. */
export function orderKey(id: number): string {
  return `order:${String(id).padStart(7, '0')}`;
}

function user(prng: Prng, id: number): Doc {
  const first = prng.pick(FIRST);
  const last = prng.pick(LAST);
  const [city, country] = prng.pick(CITIES);
  const tags = TAGS.filter(() => prng.next() < 0.2);
  return {
    id,
    name: `${first} ${last}`,
    email: `${first}.${last}.${id}@${prng.pick(DOMAINS)}`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
    createdAt: new Date(EPOCH_MS + id * 3_600_000 + prng.int(0, 3_599_999)).toISOString(),
    address: { city, country, zip: String(prng.int(10000, 99999)) },
    tags,
    credit: prng.int(0, 500) * 100,
    active: prng.next() < 0.9,
  };
}

function order(prng: Prng, id: number, users: number): Doc {
  const items: Doc[] = [];
  const n = prng.int(1, 4);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const [sku, name, priceCents] = prng.pick(PRODUCTS);
    const qty = prng.int(1, 3);
    total += qty * priceCents;
    items.push({ sku, name, qty, priceCents });
  }
  return {
    id,
    userId: userKey(prng.int(1, users)),
    placedAt: new Date(EPOCH_MS + id * 600_000 + prng.int(0, 599_999)).toISOString(),
    status: prng.pick(STATUSES),
    items,
    totalCents: total,
    shipping: { method: prng.pick(['standard', 'express', 'pickup']), insured: prng.next() < 0.3 },
  };
}

/**
 * Generates `rows` rows deterministically from `seed`: users 1..U first, then orders 1..rows-U.
 * Row i is the same for a given (seed, rows) however the rows are consumed.
 */
export function* sampleRows(rows: number, seed = 20240101): Generator<SampleRow> {
  const prng = new Prng(seed);
  const users = userCount(rows);
  for (let id = 1; id <= users; id++) yield { key: userKey(id), value: user(prng, id) };
  for (let id = 1; id <= rows - users; id++) yield { key: orderKey(id), value: order(prng, id, users) };
}
