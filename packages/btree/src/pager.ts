/**
 * The pager: decoded-node cache, overflow chains, and write-out of dirty nodes.
 *
 * Definitions. A *clean* node has a page (`pageId !== null`) and is never changed again; a
 * *dirty* node exists only in memory. A branch's child slot holds a node object or a page id.
 *
 * Invariants:
 *  1. The cache maps a page id to the node decoded from that page, and holds at most
 *     `cacheNodes` entries or `cacheBytes` of node memory (`nodeMemoryBytes`; it keeps at least
 *     the node it just loaded), evicting by CLOCK. Only clean nodes are cached.
 *  2. A hot lookup (every node on its path cached) decodes nothing and allocates nothing.
 *  3. `writeDirty` writes children before parents (bottom-up), each to a freshly allocated page,
 *     so no durable page is ever overwritten (PageStore invariant 1).
 *  4. A page is dropped from the cache when it is freed, so a reused page id never yields a
 *     stale node.
 *  5. Every node and overflow chain written gets a fresh random write stamp, and every reference
 *     to a clean node carries its page's stamp (node.ts `childRef`); a page read from the store
 *     must carry the stamp its reference names (format.ts), so a stale version of a page (a lost
 *     or misdirected write) is CORRUPTION, never data.
 * The pager does not decide when a page may be freed: that is the tree's retire list (tree.ts).
 */
import { PhotonError, copyBytes, ownedCopy } from '@photondb/contracts';
import type { PageId, PageStore } from '@photondb/contracts';
import { OVERFLOW_HEADER_BYTES, decodeNode, decodeOverflowPage, encodeNode, encodeOverflowPage, searchLeafPayload } from './format.js';
import { OverflowRef, STAMP_LIMIT, childRef, isOverflow, nodeMemoryBytes, refPageId, refStamp } from './node.js';
import type { CacheBudget } from './limits.js';
import type { Child, Layout, LeafValue, TreeNode } from './node.js';

/** Counters the pager reports. */
export interface PagerStats {
  cacheHits: number;
  cacheMisses: number;
  cacheEvictions: number;
}

/** How many once-probed leaves the pager remembers before forgetting them all. */
const PROBE_MEMORY = 4096;
/** Counters of the leaf-lookup frequency sketch (a power of two). */
const SKETCH_SLOTS = 1 << 16;

/** Decodes, caches and writes nodes of one tree over a PageStore. */
export class Pager {
  readonly store: PageStore;
  readonly layout: Layout;
  private readonly cache: ClockCache;
  /** Leaves probed in place once recently (see probeLeaf). */
  private readonly probed = new Set<number>();
  /** How often each leaf was looked up lately (see probeLeaf). */
  private readonly frequency = new FrequencySketch(SKETCH_SLOTS);
  readonly counters: PagerStats = { cacheHits: 0, cacheMisses: 0, cacheEvictions: 0 };
  /** xorshift32 state for write stamps, seeded at random so no two runs share a sequence. */
  private stampState: number;

  constructor(store: PageStore, layout: Layout, budget: CacheBudget) {
    this.store = store;
    this.layout = layout;
    this.cache = new ClockCache(budget);
    const seed = new Uint32Array(1);
    globalThis.crypto.getRandomValues(seed);
    this.stampState = seed[0] | 1;
  }

  /** A fresh write stamp, 1 .. STAMP_LIMIT - 1 (format.ts). */
  nextStamp(): number {
    let x = this.stampState;
    for (;;) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const stamp = (x >>> 0) % STAMP_LIMIT;
      if (stamp !== 0) {
        this.stampState = x;
        return stamp;
      }
    }
  }

  /** Memory the cached nodes take (`nodeMemoryBytes`), counted whatever bounds the cache. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  /** Decoded nodes held by the cache. */
  get cachedNodes(): number {
    return this.cache.size;
  }

  /** The node in a child slot, decoding its page on a cache miss. Throws CORRUPTION. */
  resolve(child: Child): TreeNode {
    return typeof child === 'number' ? this.load(child) : child;
  }

  /**
   * The clean node a reference (`childRef`) names. A cached node is returned as it is (it was
   * checked when it was read, or written here); a page read from the store must carry the
   * reference's stamp. Throws CORRUPTION.
   */
  load(childRef: number): TreeNode {
    const pageId = refPageId(childRef);
    const hit = this.cache.get(pageId);
    if (hit !== undefined) {
      this.counters.cacheHits++;
      return hit;
    }
    this.counters.cacheMisses++;
    // Decoding copies what it keeps, so the page is only peeked: it does not also take a place
    // in the store's page cache, where this node cache already holds what it would serve.
    const node = this.peek(pageId, (payload) => decodeNode(payload, pageId, this.layout, refStamp(childRef)));
    this.remember(node, pageId);
    return node;
  }

  /**
   * NodeSource.probeLeaf: the cached node of leaf `pageId` when there is one; else, while the
   * cache still has room, the leaf decoded and cached (there is nothing to displace); else the
   * leaf is decoded, cached and returned only if it was probed once already within the last
   * PROBE_MEMORY probes and has been looked up more often lately than the leaf the cache would
   * evict for it (`admits`); otherwise `key` is looked up in its page without decoding it (the
   * value slot, or undefined), read through `PageStore.peek` so the page does not enter the
   * store's page cache either (that cost ~2 us a miss in ARC bookkeeping, and evicted pages
   * likelier to be read again). So one-off lookups over a large tree do not push out its hot
   * leaves, and lookups spread evenly over a tree larger than the cache decode and evict fewer
   * leaves for nothing (no leaf is hotter than the one it would displace).
   */
  probeLeaf(childRef: number, key: Uint8Array): TreeNode | LeafValue | undefined {
    const pageId = refPageId(childRef);
    const wanted = this.frequency.increment(pageId);
    const cached = this.cache.get(pageId);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return cached;
    }
    if (!this.cache.full) return this.load(childRef);
    if (this.probed.has(pageId)) {
      this.probed.delete(pageId);
      const victim = this.cache.victimLeaf();
      if (victim === undefined || admits(wanted, this.frequency.estimate(victim))) return this.load(childRef);
    } else {
      if (this.probed.size >= PROBE_MEMORY) this.probed.clear();
      this.probed.add(pageId);
    }
    const found = this.peek(pageId, (payload) => {
      const slot = searchLeafPayload(payload, key, pageId, this.layout, refStamp(childRef));
      // An inline value is a view of the lent page: copy it before `peek` returns.
      return slot instanceof Uint8Array ? ownedCopy(slot) : slot;
    });
    return found === null ? this.load(childRef) : found;
  }

  /** store.peek, with a page id the store does not hold reported as CORRUPTION (`notHeld`). */
  private peek<T>(pageId: number, use: (payload: Uint8Array) => T): T {
    try {
      return this.store.peek(pageId as PageId, use);
    } catch (e) {
      throw notHeld(e, pageId);
    }
  }

  /** store.pin, likewise. */
  private pin(pageId: number): { payload: Uint8Array; release(): void } {
    try {
      return this.store.pin(pageId as PageId);
    } catch (e) {
      throw notHeld(e, pageId);
    }
  }

  private remember(node: TreeNode, pageId: number): void {
    this.counters.cacheEvictions += this.cache.set(pageId, node);
  }

  /** A leaf value's bytes (reading its overflow chain if needed). Do not modify the result. */
  readValue(v: LeafValue): Uint8Array {
    if (v instanceof Uint8Array) return v;
    const out = new Uint8Array(v.lengthBytes);
    let filled = 0;
    for (const { data } of this.walkChain(v)) {
      if (filled + data.length > out.length) {
        throw new PhotonError('CORRUPTION', `overflow chain from page ${v.firstPageId} is longer than its ${v.lengthBytes} bytes`, { pageId: v.firstPageId });
      }
      out.set(data, filled);
      filled += data.length;
    }
    if (filled !== out.length) {
      throw new PhotonError('CORRUPTION', `overflow chain from page ${v.firstPageId} holds ${filled} of ${v.lengthBytes} bytes`, { pageId: v.firstPageId });
    }
    return out;
  }

  /** The page ids of an overflow chain, first to last. */
  chainPageIds(v: OverflowRef): number[] {
    const ids: number[] = [];
    for (const { id } of this.walkChain(v)) ids.push(id);
    return ids;
  }

  /** Bytes of value data one overflow page holds. */
  get overflowDataBytes(): number {
    return this.layout.capacityBytes - OVERFLOW_HEADER_BYTES;
  }

  /** Pages an overflow chain of a `lengthBytes` value takes. */
  overflowPageCount(lengthBytes: number): number {
    return Math.ceil(lengthBytes / this.overflowDataBytes);
  }

  private *walkChain(v: OverflowRef): Generator<{ id: number; data: Uint8Array }> {
    const maxPages = Math.ceil(v.lengthBytes / this.overflowDataBytes);
    let id = v.firstPageId;
    for (let n = 0; id !== -1; n++) {
      if (n >= maxPages) throw new PhotonError('CORRUPTION', `overflow chain from page ${v.firstPageId} has more than ${maxPages} pages`, { pageId: v.firstPageId });
      const ref = this.pin(id);
      try {
        const { next, data } = decodeOverflowPage(ref.payload, id, v.stamp);
        yield { id, data: copyBytes(data) };
        id = next;
      } finally {
        ref.release();
      }
    }
  }

  /** Writes `value` to a new overflow chain, every page with the chain's fresh stamp. */
  writeOverflow(value: Uint8Array): OverflowRef {
    const per = this.overflowDataBytes;
    const count = Math.ceil(value.length / per);
    const stamp = this.nextStamp();
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(this.store.allocate());
    for (let i = 0; i < count; i++) {
      const data = value.subarray(i * per, Math.min(value.length, (i + 1) * per));
      this.store.write(ids[i] as PageId, encodeOverflowPage(i + 1 < count ? ids[i + 1] : -1, data, stamp));
    }
    return new OverflowRef(ids[0], value.length, stamp);
  }

  /**
   * Writes every dirty node under `root` bottom-up to fresh pages, each with a fresh stamp, and
   * returns the root's reference (`childRef`). Written nodes become clean (pageId and stamp set)
   * and cached; branch slots are replaced by references. Mutating a node that a snapshot shares
   * is safe here: its logical content does not change.
   */
  writeDirty(root: Child): number {
    if (typeof root === 'number') return root;
    if (root.pageId !== null) {
      this.remember(root, root.pageId);
      return childRef(root.pageId, root.stamp);
    }
    if (root.kind === 'branch') {
      const children = root.children;
      for (let i = 0; i < children.length; i++) children[i] = this.writeDirty(children[i]);
    } else {
      const { keys, values } = root;
      for (let i = 0; i < values.length; i++) {
        if (values.isRef(i) || !isOverflow(this.layout, keys.lengthAt(i), values.lengthAt(i))) continue;
        values.set(i, this.writeOverflow(values.get(i) as Uint8Array));
      }
    }
    const id: number = this.store.allocate();
    const stamp = this.nextStamp();
    this.store.write(id as PageId, encodeNode(root, stamp));
    root.pageId = id;
    root.stamp = stamp;
    this.remember(root, id);
    return childRef(id, stamp);
  }

  /** Frees a page now and forgets its decoded node. */
  free(pageId: number): void {
    this.cache.delete(pageId);
    this.store.free(pageId as PageId);
  }
}

/**
 * A store error on reading `pageId`, as the tree reports it: the store refusing the id
 * (INVALID_ARGUMENT: free or out of range) means the tree refers to a page it does not own,
 * which is CORRUPTION; anything else passes as it is.
 */
function notHeld(e: unknown, pageId: number): unknown {
  if ((e as { code?: string }).code !== 'INVALID_ARGUMENT') return e;
  return new PhotonError('CORRUPTION', `B-tree refers to page ${pageId}, which the store does not hold`, { pageId }, { cause: e });
}

/**
 * Whether a leaf looked up `wanted` times lately displaces a leaf looked up `resident` times
 * (TinyLFU's admission rule, after the probed-twice filter). Measured on 2026-12-07 (peers-bench,
 * 1M keys, 64 MiB cache): the filter alone admitted ~20% of the leaf misses of uniform reads, each
 * a decode and an eviction for nothing; with this rule too readsync went 101-104k -> 134-142k/s
 * and YCSB A-D 5-17% faster. This rule alone with a margin (admit when wanted > 1.5 x resident
 * + 1) cut the uniform churn as well but lost 15-25% in YCSB, whose hot leaves must get in.
 */
function admits(wanted: number, resident: number): boolean {
  return wanted > resident;
}

/**
 * Approximate lookup counts per page id: two rows of 8-bit saturating counters, each indexed by
 * its own hash of the id, read as the smaller of the two (a count-min sketch); every counter is
 * halved after 8 increments per counter, so the counts follow what is wanted lately.
 */
export class FrequencySketch {
  private readonly rows: Uint8Array;
  private readonly mask: number;
  private readonly sample: number;
  private additions = 0;

  constructor(slots: number) {
    this.rows = new Uint8Array(2 * slots);
    this.mask = slots - 1;
    this.sample = 8 * slots;
  }

  /** Counts one lookup of `id`; returns its estimate afterwards. */
  increment(id: number): number {
    const a = hashA(id) & this.mask;
    const b = this.mask + 1 + (hashB(id) & this.mask);
    const rows = this.rows;
    if (rows[a] < 255) rows[a]++;
    if (rows[b] < 255) rows[b]++;
    if (++this.additions >= this.sample) this.age();
    return rows[a] < rows[b] ? rows[a] : rows[b];
  }

  /** The lookups of `id` counted lately. */
  estimate(id: number): number {
    const x = this.rows[hashA(id) & this.mask];
    const y = this.rows[this.mask + 1 + (hashB(id) & this.mask)];
    return x < y ? x : y;
  }

  private age(): void {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) rows[i] >>>= 1;
    this.additions = 0;
  }
}

function hashA(id: number): number {
  let h = Math.imul(id ^ (id >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

function hashB(id: number): number {
  let h = Math.imul(id ^ (id >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return h ^ (h >>> 15);
}

/**
 * A CLOCK (second-chance) cache of decoded nodes by page id, bounded by a node count or by bytes
 * of node memory. A hit sets the slot's reference bit and nothing else (no reordering, no
 * allocation), so hot lookups stay cheap; an insert sweeps the hand past referenced slots,
 * clearing their bits, and evicts unreferenced ones until the new node fits. Evicted slots are
 * reused before the slot array grows.
 */
class ClockCache {
  private readonly index = new Map<number, number>();
  private readonly ids: number[] = [];
  private readonly nodes: (TreeNode | undefined)[] = [];
  private readonly costs: number[] = [];
  private readonly referenced: number[] = [];
  private readonly holes: number[] = [];
  private readonly byBytes: boolean;
  private readonly limit: number;
  private used = 0;
  /** Node memory held (`nodeMemoryBytes`), whatever the unit of the limit. */
  bytes = 0;
  private hand = 0;

  constructor(budget: CacheBudget) {
    this.byBytes = budget.unit === 'bytes';
    this.limit = Math.max(1, budget.limit);
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * Whether caching one more node (of the average cost so far) would evict another. (Not just
   * `used >= limit`: an insert evicts until the new node fits, which leaves the cache a little
   * under its limit, and that slack must not read as room.)
   */
  get full(): boolean {
    const n = this.index.size;
    return n > 0 && this.used + this.used / n > this.limit;
  }

  get(pageId: number): TreeNode | undefined {
    const slot = this.index.get(pageId);
    if (slot === undefined) return undefined;
    this.referenced[slot] = 1;
    return this.nodes[slot];
  }

  /** Caches `node`; returns how many other nodes were evicted to make room. */
  set(pageId: number, node: TreeNode): number {
    const memory = nodeMemoryBytes(node);
    const cost = this.byBytes ? memory : 1;
    const existing = this.index.get(pageId);
    if (existing !== undefined) {
      this.used += cost - this.costs[existing];
      this.bytes += memory - (this.byBytes ? this.costs[existing] : nodeMemoryBytes(this.nodes[existing] as TreeNode));
      this.nodes[existing] = node;
      this.costs[existing] = cost;
      return 0;
    }
    let evicted = 0;
    while (this.used + cost > this.limit && this.index.size > 0) {
      this.evictOne();
      evicted++;
    }
    let slot = this.holes.pop();
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(pageId);
      this.nodes.push(node);
      this.costs.push(cost);
      this.referenced.push(0);
    } else {
      this.ids[slot] = pageId;
      this.nodes[slot] = node;
      this.costs[slot] = cost;
      this.referenced[slot] = 0;
    }
    this.index.set(pageId, slot);
    this.used += cost;
    this.bytes += memory;
    return evicted;
  }

  /**
   * The page id of the leaf the next eviction would likely take: the first unreferenced leaf of a
   * few slots from the hand on, else the first leaf among them. Changes nothing. Undefined when
   * there is no leaf there (branches are not counted by the pager's sketch, so they are not
   * compared).
   */
  victimLeaf(): number | undefined {
    const n = this.ids.length;
    let fallback: number | undefined;
    for (let i = 0, slot = this.hand; i < 16 && i < n; i++, slot = slot + 1 === n ? 0 : slot + 1) {
      const node = this.nodes[slot];
      if (node === undefined || node.kind !== 'leaf') continue;
      if (this.referenced[slot] === 0) return this.ids[slot];
      fallback ??= this.ids[slot];
    }
    return fallback;
  }

  /** Evicts the first unreferenced node from the hand on (second chance for referenced ones). */
  private evictOne(): void {
    const n = this.ids.length;
    for (;;) {
      const slot = this.hand;
      this.hand = slot + 1 === n ? 0 : slot + 1;
      const node = this.nodes[slot];
      if (node === undefined) continue;
      if (this.referenced[slot] === 1) {
        this.referenced[slot] = 0;
        continue;
      }
      this.drop(slot);
      return;
    }
  }

  private drop(slot: number): void {
    const node = this.nodes[slot] as TreeNode;
    this.index.delete(this.ids[slot]);
    this.used -= this.costs[slot];
    this.bytes -= this.byBytes ? this.costs[slot] : nodeMemoryBytes(node);
    this.nodes[slot] = undefined;
    this.ids[slot] = -1;
    this.holes.push(slot);
  }

  delete(pageId: number): void {
    const slot = this.index.get(pageId);
    if (slot !== undefined) this.drop(slot);
  }
}
